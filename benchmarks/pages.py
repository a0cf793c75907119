"""Reader pages: time and queries per request as the number of articles grows.

Run: DJANGO_DEBUG=1 .venv/bin/python benchmarks/pages.py [--articles 10 200 1000] [--requests 30]
Uses a throwaway test database (SQLite in memory, or the DATABASE_URL server's test_ database).
"""

import argparse
from datetime import timedelta

import setup_django  # noqa: F401  (first: the imports below need Django set up)
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone
from timing import measure

from accounts.models import User
from blog.models import Article, Tag

BODY = (
    "## A section\n\nA paragraph with **bold**, *emphasis*, a [link](https://example.org) and `code`.\n\n"
    "- one\n- two\n- three\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('hello')\n```\n\n"
) * 12


def fill(total, author, tags):
    existing = Article.objects.count()
    now = timezone.now()
    for number in range(existing, total):
        article = Article.objects.create(
            title=f"Article {number}",
            slug=f"article-{number}",
            author=author,
            summary="A summary.",
            body=BODY,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=number + 1),
        )
        article.tags.set(tags)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, nargs="+", default=[10, 200, 1000])
    parser.add_argument("--requests", type=int, default=30)
    options = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        author = User.objects.create_user("bench", password="x" * 20)
        tags = [Tag.objects.create(name=f"Tag {n}") for n in range(3)]
        client = Client()
        print(f"database: {connection.vendor}")
        print(f"{'articles':>8}  {'page':<28} {'median ms':>9} {'max ms':>7} {'queries':>7} {'KB':>6}")
        for total in options.articles:
            fill(total, author, tags)
            month = Article.objects.published().first().published_at
            pages = {
                "home": "/",
                "home, last page": f"/?page={(total + 9) // 10}",
                "article": "/articles/article-0/",
                "tag": f"/tags/{tags[0].slug}/",
                "author": "/authors/bench/",
                "month archive": f"/archive/{month.year}/{month:%m}/",
                "archive index": "/archive/",
                "search": "/search/?q=section",
                "rss feed": "/feed/rss/",
                "sitemap": "/sitemap.xml",
            }
            for name, url in pages.items():
                median, worst, queries, size = measure(client, url, options.requests)
                print(f"{total:>8}  {name:<28} {median:>9.1f} {worst:>7.1f} {queries:>7} {size / 1024:>6.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
