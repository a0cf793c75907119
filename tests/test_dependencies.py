"""Dependencies run one way: comments depend on the blog (a comment belongs to an article), and the blog's
code knows nothing of comments. Comments show on the blog's pages through their own template tags."""

import ast
from pathlib import Path

from django.conf import settings

BLOG = Path(settings.BASE_DIR) / "blog"


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_the_blogs_modules_import_nothing_from_comments():
    modules = [*BLOG.glob("*.py"), *BLOG.glob("templatetags/*.py")]
    assert len(modules) > 5
    offenders = {
        f"{path.relative_to(BLOG)}: {name}"
        for path in modules
        for name in imported_modules(path)
        if name == "comments" or name.startswith("comments.")
    }
    assert not offenders
