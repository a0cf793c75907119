"""The demo content that `manage.py load_demo` loads: data, edited as text, and the functions that read it.

- `articles/<slug>.md`: one article each. TOML front matter between two `+++` lines (title, language,
  summary, meta_description, tags, days_from_today, and a [cover] table with its alt text and colours), then
  the Markdown body. `days_from_today` is negative for an article published that many days before the demo
  was loaded, positive for a scheduled one; an article without it is a draft.
- `comments.toml`: the conversations under the articles (its header describes the fields).
- `owner.toml`: the profile of the demo owner, who wrote the articles.
- `covers.py`: paints each article's cover from its colours, so that no image file is shipped.
"""

import tomllib
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

FOLDER = Path(__file__).parent


def articles():
    """Each article file as a dict: its front matter, `slug` (the file's name), `body`, and `published_at`
    (None for a draft). Oldest first and drafts last, so that ids follow the archives."""
    found = []
    for path in (FOLDER / "articles").glob("*.md"):
        _empty, front_matter, body = path.read_text(encoding="utf-8").split("+++\n", 2)
        article = {**tomllib.loads(front_matter), "slug": path.stem, "body": body.lstrip("\n")}
        article["published_at"] = publication_date(article.get("days_from_today"))
        found.append(article)
    return sorted(found, key=lambda a: (not a["published_at"], a.get("days_from_today", 0), a["slug"]))


def conversations():
    """The comments of comments.toml: for each article's slug, its comments in the order they were written."""
    return _read_toml("comments.toml")


def owner():
    """The demo owner's profile fields."""
    return _read_toml("owner.toml")


def publication_date(days_from_today):
    if days_from_today is None:
        return None
    # Nine in the morning, local time: the archives should look like an author's, not a script's.
    morning = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    return morning + timedelta(days=days_from_today)


def _read_toml(name):
    return tomllib.loads((FOLDER / name).read_text(encoding="utf-8"))
