"""Markdown rendering: time per call for ordinary articles and comments and for hostile inputs.

Run: DJANGO_DEBUG=1 .venv/bin/python benchmarks/markup.py
Every hostile input must come back well under a second, as escaped text if need be, and never raise.
"""

import statistics
import time

import setup_django  # noqa: F401  (first: the imports below need Django set up)

from blog import markup

ARTICLE = (
    "## A section\n\nA paragraph with **bold**, *emphasis*, a [link](https://example.org) and `code`.[^1]\n\n"
    "- one\n- two\n- three\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('hello')\n```\n\n"
    "> A quote.\n\n[^1]: A footnote.\n\n"
)
PROSE = "## A section\n\n" + "A sentence of prose with a [link](https://example.org) in it. " * 30 + "\n\n"
COMMENT = "I *disagree*: see [this](https://example.org).\n\n> quoted\n\n- a point\n- another"
LIMIT = markup.ARTICLE_MAX_CHARS

CASES = {
    "article, 5 KB": (markup.render_article, (ARTICLE * 100)[:5_000]),
    "dense article, 100 KB": (markup.render_article, (ARTICLE * 2_000)[:LIMIT]),
    "prose article, 100 KB": (markup.render_article, (PROSE * 100)[:LIMIT]),
    "comment, 300 B": (markup.render_comment, COMMENT),
    "comment, 5 KB": (markup.render_comment, (COMMENT * 100)[: markup.COMMENT_MAX_CHARS]),
    "100 KB of [": (markup.render_article, "[" * LIMIT),
    "100 KB of ![": (markup.render_article, "![" * (LIMIT // 2)),
    "100 KB of [](": (markup.render_article, "[](" * (LIMIT // 3)),
    "100 KB of >": (markup.render_article, ">" * LIMIT),
    "100 KB of *": (markup.render_article, "*" * LIMIT),
    "100 KB of `": (markup.render_article, "`" * LIMIT),
    "100 KB of <": (markup.render_article, "<" * LIMIT),
    "100 KB of &#": (markup.render_article, "&#" * (LIMIT // 2)),
    "list nested 1,000 deep": (markup.render_article, "".join("  " * d + "- x\n" for d in range(1_000))),
    "quote nested 1,000 deep": (markup.render_article, "> " * 1_000 + "x"),
    "5,000 link references": (markup.render_article, "".join(f"[r{n}]: /x{n}\n" for n in range(5_000))),
    "5,000 footnotes": (markup.render_article, "".join(f"x[^{n}]\n\n[^{n}]: y\n\n" for n in range(5_000))),
    "comment, 5 KB of [": (markup.render_comment, "[" * markup.COMMENT_MAX_CHARS),
    "comment nested 2,000 deep": (markup.render_comment, "> " * 2_000),
}


def main():
    print(f"{'input':<28} {'chars':>8} {'median ms':>10} {'max ms':>8} {'HTML KB':>8}  rendered as")
    for name, (render, text) in CASES.items():
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            html = render(text)
            timings.append((time.perf_counter() - start) * 1000)
        if render is markup.render_article:
            fell_back = markup.render_article_or_none(text) is None
            shape = "escaped text (refused on save)" if fell_back else "Markdown"
        else:
            shape = "-"
        print(
            f"{name:<28} {len(text):>8} {statistics.median(timings):>10.1f} {max(timings):>8.1f} "
            f"{len(html) / 1024:>8.1f}  {shape}"
        )


if __name__ == "__main__":
    main()
