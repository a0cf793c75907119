"""Moderation metrics: the admin's metrics page and the public policy page as the comments table grows.

Run: DJANGO_DEBUG=1 .venv/bin/python benchmarks/metrics.py [--comments 1000 20000] [--requests 10]
Uses a throwaway test database (SQLite in memory, or the DATABASE_URL server's test_ database).
"""

import argparse
import statistics
import time
from datetime import timedelta

import setup_django  # noqa: F401  (first: the imports below need Django set up)
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from django.utils import timezone
from timing import measure

from accounts.models import User
from blog.models import Article
from comments import metrics
from comments.models import Comment, CommentEvent

OUTCOMES = ["published"] * 14 + ["held", "held", "spam", "spam"]  # roughly what a blog sees
HOLD_REASONS = [["links"], ["hold_word"], ["rate", "links"], ["duplicate"]]
REJECTION_REASONS = ["insult", "spam", "hate", "personal_data"]


def reasons(outcome, number):
    return {"held": HOLD_REASONS[number % 4], "spam": ["honeypot"]}.get(outcome, [])


def fill(article, owner, total, now):
    """Grow the table to `total` comments spread over the last 400 days (so that about 8% fall in the
    30-day window and every month has some), each with its history: held ones decided a few hours later,
    one question in ten answered by the owner."""
    start = Comment.objects.filter(user=None).count()
    span = timedelta(days=400) / (total - start)
    comments = Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author_name=f"Reader {number}",
                author_email=f"reader{number}@example.com",
                body="A comment.",
                body_html="<p>A comment.</p>",
                status=OUTCOMES[number % len(OUTCOMES)],
                policy_reasons=reasons(OUTCOMES[number % len(OUTCOMES)], number),
                is_question=number % 10 == 3,
                created_at=now - span * (number - start),
            )
            for number in range(start, total)
        ],
        batch_size=1000,
    )
    events, answers = [], []
    for number, comment in enumerate(comments, start):
        events.append(
            CommentEvent(
                comment=comment,
                action="posted",
                to_status=comment.status,
                reason=", ".join(comment.policy_reasons),
                created_at=comment.created_at,
            )
        )
        if comment.status == "held" and number // len(OUTCOMES) % 3:
            rejected = number // len(OUTCOMES) % 3 == 2
            comment.status = "rejected" if rejected else "published"
            events.append(
                CommentEvent(
                    comment=comment,
                    action="rejected" if rejected else "approved",
                    actor=owner,
                    from_status="held",
                    to_status=comment.status,
                    reason=REJECTION_REASONS[number % 4] if rejected else "",
                    created_at=comment.created_at + timedelta(hours=number % 30),
                )
            )
        if comment.is_question and number % 20 == 3:
            answers.append(
                Comment(
                    article=article,
                    parent=comment,
                    reply_to=comment,
                    depth=1,
                    user=owner,
                    author_name="Owner",
                    author_email="owner@example.com",
                    body="An answer.",
                    created_at=comment.created_at + timedelta(hours=number % 70),
                )
            )
    Comment.objects.bulk_update([c for c in comments if c.status != "held"], ["status"], batch_size=1000)
    CommentEvent.objects.bulk_create(events, batch_size=1000)
    Comment.objects.bulk_create(answers, batch_size=1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--requests", type=int, default=10)
    options = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        owner = User.objects.create_superuser("owner", "owner@example.com", "x" * 20)
        article = Article.objects.create(
            title="Busy",
            slug="busy",
            author=owner,
            summary="A summary.",
            body="A body.",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=500),
        )
        client = Client()
        client.force_login(owner)
        now = timezone.now()
        print(f"database: {connection.vendor}")
        print(f"{'comments':>8}  {'page':<24} {'median ms':>9} {'max ms':>7} {'queries':>7}")
        for total in options.comments:
            fill(article, owner, total, now)
            rows = [
                ("admin metrics", reverse("admin:comments_comment_metrics")),
                ("public policy", reverse("comments:policy")),
            ]
            for label, url in rows:
                median, worst, queries, _size = measure(client, url, options.requests)
                print(f"{total:>8}  {label:<24} {median:>9.1f} {worst:>7.1f} {queries:>7}")
            for label, function in [
                ("moderation_figures()", metrics.moderation_figures),
                ("monthly_counts()", metrics.monthly_counts),
            ]:
                timings = []
                for _ in range(options.requests):
                    start = time.perf_counter()
                    function()
                    timings.append((time.perf_counter() - start) * 1000)
                print(f"{total:>8}  {label:<24} {statistics.median(timings):>9.1f} {max(timings):>7.1f}")
            figures = metrics.moderation_figures()
            print(
                f"{'':>8}  in the window: {figures.posted} posted, {figures.pending} pending, "
                f"decision {figures.decision_time.words or '-'}, answer {figures.answer_time.words or '-'}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
