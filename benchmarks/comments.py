"""Comments: the article page as its thread grows, posting a comment, and the moderation policy alone.

Run: DJANGO_DEBUG=1 .venv/bin/python benchmarks/comments.py [--comments 10 100 500 2000] [--requests 20]
Uses a throwaway test database (SQLite in memory, or the DATABASE_URL server's test_ database).
"""

import argparse
import dataclasses
import statistics
import time
import timeit
from datetime import timedelta

import setup_django  # noqa: F401  (first: the imports below need Django set up)
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone
from timing import measure

from accounts.models import User
from blog.models import Article
from comments import moderation, services
from comments.default_hold_words import DEFAULT_HOLD_WORDS
from comments.forms import issue_token
from comments.models import AbuseTerm, Comment, HoldWord, OutgoingMail

COMMENT = (
    "I read this twice. *Mostly* agree, but the second point misses how `small teams` work:\n\n"
    "> answering every comment takes time\n\nIt does, and it is worth it. See https://example.org/notes."
)


def fill(article, total):
    """Grow the thread to `total` comments: a third top-level, the rest replies, a few held and rejected."""
    existing = list(Comment.objects.filter(article=article).order_by("id"))
    start = timezone.now() - timedelta(days=1)
    for number in range(len(existing), total):
        parent = existing[number - 1] if number % 3 and existing else None
        if parent is not None and parent.depth >= 3:
            parent = parent.parent
        status = "held" if number % 50 == 7 else "published"
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            reply_to=parent,
            depth=parent.depth + 1 if parent else 0,
            author_name=f"Reader {number}",
            author_email=f"reader{number}@example.com",
            body=COMMENT,
            status=status,
            created_at=start + timedelta(seconds=number),
        )
        if number % 97 == 5:
            comment.reject(by=None, reason="insult")
        existing.append(comment)


def post_timings(client, article, count):
    timings = []
    for number in range(count):
        data = {
            "author_name": "Poster",
            "author_email": f"poster{number}@example.com",
            "body": f"{COMMENT} ({number})",
            "token": issue_token(article, issued_at=time.time() - 60),
        }
        start = time.perf_counter()
        response = client.post(f"/articles/{article.slug}/comments/", data, REMOTE_ADDR=f"10.0.{number}.1")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
    return statistics.median(timings), max(timings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, nargs="+", default=[10, 100, 500, 2000])
    parser.add_argument("--requests", type=int, default=20)
    options = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        author = User.objects.create_user("bench", password="x" * 20)
        article = Article.objects.create(
            title="Thread",
            slug="thread",
            author=author,
            summary="A summary.",
            body="A body.",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=2),
        )
        client = Client()
        print(f"database: {connection.vendor}")
        print(
            f"{'comments':>8}  {'article page':<14} {'median ms':>9} {'max ms':>7} {'queries':>7} {'KB':>6}"
        )
        for total in options.comments:
            fill(article, total)
            median, worst, queries, size = measure(client, article.get_absolute_url(), options.requests)
            print(
                f"{total:>8}  {'anonymous':<14} {median:>9.1f} {worst:>7.1f} {queries:>7} {size / 1024:>6.0f}"
            )

        median, worst = post_timings(client, article, options.requests)
        words = HoldWord.objects.count()
        print(f"\nposting a comment through the view ({words} hold words; mails go to the outbox):")
        print(f"  median {median:.1f} ms, max {worst:.1f} ms")
        print(f"  mails written to the outbox: {OutgoingMail.objects.count()}")

        hold_words = DEFAULT_HOLD_WORDS["en"] + DEFAULT_HOLD_WORDS["fr"]
        text = (COMMENT + " ") * 20
        lexicon = AbuseTerm.objects.lexicon()
        facts = moderation.Facts(
            text=text[:5000], hold_words=hold_words, seconds_to_submit=60, lexicon=lexicon
        )
        runs = 2000
        seconds = timeit.timeit(lambda: moderation.decide(facts, services.policy_rules()), number=runs)
        print(f"\npolicy alone, 5,000-character comment, {len(hold_words)} hold words, seeded lexicon:")
        print(f"  decide: {seconds / runs * 1e6:.0f} µs per call")
        with_classifiers = dataclasses.replace(facts, **services.classifiers())
        moderation.decide(with_classifiers, services.policy_rules())  # reads the classifiers once
        rules = services.policy_rules()
        seconds = timeit.timeit(lambda: moderation.decide(with_classifiers, rules), number=runs)
        print(f"  decide with the classifiers (comments/classifier.py): {seconds / runs * 1e6:.0f} µs a call")
        service = timeit.timeit(
            lambda: services.post_comment(
                article=article,
                data={"author_name": "S", "author_email": "s@example.com", "body": COMMENT},
                user=AnonymousUser(),
                seconds_to_submit=60,
            ),
            number=50,
        )
        print(
            f"  post_comment service (facts, decision, save, history): {service / 50 * 1000:.1f} ms per call"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
