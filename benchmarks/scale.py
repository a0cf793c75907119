"""Scale: reader and admin pages on a small and a large PostgreSQL database, side by side.

Creates two databases on the server of DATABASE_URL and seeds them (benchmarks/seed.py): causerie_bench_large
(10,000 articles, 1,000,000 comments, of which 3,000 held and 500 with open reports, and about a million
history rows) and causerie_bench_small (100 articles, 3,000 comments). The small one has larger shares of
held, reported and unanswered comments, so that every admin list fills its first page there too, and holds
more published comments than the hold-word dry run reads: a ratio then measures what the size of the tables
costs, not a page that shows 50 rows against one that shows 3. The "rows" column says what each page showed.
A database seeded with the same shape is reused. Then each page is timed in-process with Django's test
Client, readers' pages anonymously and admin pages as a superuser, small then large page by page: after a
warm-up (every page a few times on the small database, then once more on each), the median of --runs requests
(fewer when a page takes more than --budget seconds), with the queries of the last request.

Run: DJANGO_DEBUG=1 DATABASE_URL=postgres://USER@HOST:5432/NAME .venv/bin/python benchmarks/scale.py
     [--comments 1000000] [--articles 10000] [--runs 5] [--budget 30] [--reseed]
USER must be allowed to create databases; NAME is only used to connect. Seeding a million comments takes a
minute on two cores; --comments scales the large database down. CI never runs this.
"""

import argparse
import os
import statistics
import time

import psycopg
import setup_django  # noqa: F401  (before the imports below: they need Django set up)
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse
from django.utils import timezone
from psycopg import sql
from seed import Shares, create_articles, create_owner, seed_comments, spread

from accounts.models import User
from blog.models import Article, Tag
from comments.models import Comment, CommentEvent, Report

ARTICLE_COMMENTS = 200  # the newest article's thread, the same at both sizes
SMALL = ("causerie_bench_small", 100, 3_000)
LARGE_NAME = "causerie_bench_large"
# 240 held (of which 70 appeals and 70 held for links), 90 open reports, about 180 unanswered questions.
SMALL_SHARES = Shares(held=0.08, reported=0.03, appeals=0.3, questions=0.4, answered=0.5)
# Part of the shape a reused database must have been seeded with: change it when seed.py writes other rows.
SEED_VERSION = 2
SEARCH = "moderation"  # in one article body out of four
HOLD_WORD = "disagree"  # in a few comment texts: the dry run lists what it would have caught
WARM_UP = 5  # requests of each page on the small database before any timing


def server_connection(server):
    """An autocommit connection to the DATABASE_URL database, to create and drop the benchmark ones."""
    params = {"dbname": server["NAME"], "user": server["USER"], "password": server["PASSWORD"]}
    params |= {"host": server["HOST"], "port": server["PORT"]}
    return psycopg.connect(**{key: str(value) for key, value in params.items() if value}, autocommit=True)


def switch(name):
    connection.close()
    connection.settings_dict["NAME"] = name


def use(name):
    switch(name)
    call_command("migrate", verbosity=0)
    # A migration may have added an index on an expression: its statistics come from ANALYZE, as
    # PostgreSQL's autovacuum would gather them on a live site. Without them a plan can be 40 times slower.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def prepare(server, name, articles, comments, shares, reseed):
    """Make `name` the database Django uses, seeded with `articles` and `comments` in `shares` unless it
    was already seeded so (the shape is kept as the database's comment). Returns what was done, for the
    report."""
    shape = f"seed {SEED_VERSION}: {articles} articles, {comments} comments, {shares}"
    with server_connection(server) as admin:
        found = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if found and found[0] == shape and not reseed:
        use(name)
        return "reused"
    connection.close()
    with server_connection(server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    start = time.perf_counter()
    use(name)
    now = timezone.now()
    with transaction.atomic():
        owner = create_owner()
        made = create_articles(articles, owner, now)
        counts = spread(comments, articles, fixed=[ARTICLE_COMMENTS])
        seed_comments(made, counts, owner=owner, now=now, readers=max(10, comments // 10), shares=shares)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    with server_connection(server) as admin:
        comment = sql.SQL("COMMENT ON DATABASE {} IS {}")
        admin.execute(comment.format(sql.Identifier(name), sql.Literal(shape)))
    return f"seeded in {time.perf_counter() - start:.0f} s"


def pages(reader, admin):
    """(label, client, method, address, data) of every page timed, for the database Django uses now: readers'
    pages for the anonymous `reader`, the admin's for the superuser `admin`."""
    article = Article.objects.get(slug="article-0")
    comment = Comment.objects.filter(article=article, depth=1, user=None, status="published").earliest("id")
    month = timezone.localtime(article.published_at)
    comments = reverse("admin:comments_comment_changelist")
    readers = [
        ("home", "/"),
        (f"article, {ARTICLE_COMMENTS} comments", article.get_absolute_url()),
        ("tag", Tag.objects.earliest("name").get_absolute_url()),
        ("archive", reverse("blog:archive")),
        ("archive, a month", reverse("blog:archive_month", args=[month.year, month.month])),
        ("feed (RSS)", reverse("blog:feed_rss")),
        (f"search “{SEARCH}”", f"{reverse('blog:search')}?q={SEARCH}"),
    ]
    admin_pages = [
        ("admin: comments, needs a decision", comments),
        ("admin: comments, status held", f"{comments}?status__exact=held"),
        ("admin: comments, held for links", f"{comments}?held_for=links"),
        ("admin: comments, reported", f"{comments}?reported=open"),
        ("admin: comments, appeals", f"{comments}?is_appeal__exact=1"),
        ("admin: comments, one article", f"{comments}?article={article.pk}"),
        ("admin: comments, unanswered question", f"{comments}?question=unanswered"),
        ("admin: unanswered questions", reverse("admin:comments_unansweredquestion_changelist")),
        ("admin: metrics", reverse("admin:comments_comment_metrics")),
        ("admin: a comment's change page", reverse("admin:comments_comment_change", args=[comment.pk])),
        ("admin: reply page", reverse("admin:comments_comment_reply", args=[comment.pk])),
    ]
    dry_run = ("admin: hold word dry run (POST)", "post", reverse("admin:comments_holdword_add"))
    return [
        *((label, reader, "get", url, None) for label, url in readers),
        *((label, admin, "get", url, None) for label, url in admin_pages),
        (dry_run[0], admin, *dry_run[1:], {"word": HOLD_WORD, "language": ""}),
    ]


def rows_shown(response):
    """What the page listed: an admin list's rows, the comments a hold-word dry run found, or the comments
    posted in the metrics' window; "" for a page served from the cache or one with no list."""
    context = response.context
    if context is None:
        return ""
    if "cl" in context:
        return len(context["cl"].result_list)
    if "adminform" in context:
        return getattr(context["adminform"].form, "caught_count", "")
    if "figures" in context:
        return context["figures"].posted
    return ""


def time_page(client, method, url, data, runs, budget):
    """A warm-up request, then up to `runs` timed ones, stopping early (after at least one) once `budget`
    seconds have gone: (median ms, queries of the last request, rows it showed)."""
    send = getattr(client, method)
    deadline = time.perf_counter() + budget
    send(url, data)
    timings = []
    while len(timings) < runs and (not timings or time.perf_counter() < deadline):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = send(url, data)
            timings.append((time.perf_counter() - start) * 1000)
        # For the dry run, a 200 means the form listed what the word would catch and saved nothing.
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), len(queries), rows_shown(response)


def clients():
    """An anonymous reader and a logged-in superuser, for the database Django uses now (sessions are kept
    there)."""
    reader, admin = Client(), Client()
    admin.force_login(User.objects.get(username="owner"))
    return reader, admin


def compare(requests, options):
    """Time each page on each database and print them side by side."""
    # Python itself takes a few dozen requests to reach its pace (the first ones are up to half slower).
    switch(SMALL[0])
    for _label, client, method, url, data in requests[SMALL[0]]:
        for _ in range(WARM_UP):
            getattr(client, method)(url, data)
    print(f"\n{'page':<40} {'small ms':>9} {'large ms':>9} {'ratio':>7} {'rows':>11}  queries")
    # Page by page, small then large, so that the other work on the machine weighs on both alike.
    for index, (label, *_request) in enumerate(requests[SMALL[0]]):
        figures = []
        for name, pages_there in requests.items():
            switch(name)
            figures.append(time_page(*pages_there[index][1:], options.runs, options.budget))
        (small_ms, small_queries, small_rows), (large_ms, large_queries, large_rows) = figures
        queries = small_queries if small_queries == large_queries else f"{small_queries} → {large_queries}"
        rows = small_rows if small_rows == large_rows else f"{small_rows} → {large_rows}"
        ratio = large_ms / small_ms
        print(f"{label:<40} {small_ms:>9.1f} {large_ms:>9.1f} {ratio:>7.1f} {rows:>11}  {queries}")


def describe():
    held = Comment.objects.held()
    reports = Report.objects.filter(resolved_at=None).count()
    questions = Comment.objects.unanswered_questions().count()
    return (
        f"{Article.objects.count():,} articles, {Comment.objects.count():,} comments ({held.count():,} held "
        f"of which {held.filter(is_appeal=True).count():,} appeals, {reports:,} open reports, "
        f"{questions:,} unanswered questions), {CommentEvent.objects.count():,} history rows"
    )


def load_average():
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000, help="comments in the large database")
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the large database")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (after a warm-up)")
    parser.add_argument("--budget", type=float, default=30, help="seconds per page before stopping early")
    parser.add_argument("--reseed", action="store_true", help="seed both databases again")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit(
            "scale.py measures PostgreSQL and refuses SQLite: set "
            "DATABASE_URL=postgres://USER@HOST:5432/NAME (a server where USER may create databases; it "
            "creates causerie_bench_small and causerie_bench_large there)."
        )
    if options.comments < ARTICLE_COMMENTS:
        parser.error(f"--comments must be at least {ARTICLE_COMMENTS}")
    setup_test_environment()
    server = dict(connection.settings_dict)
    print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)")
    requests = {}
    large = (LARGE_NAME, options.articles, options.comments, Shares())
    for name, articles, comments, shares in [(*SMALL, SMALL_SHARES), large]:
        done = prepare(server, name, articles, comments, shares, options.reseed)
        print(f"{name}: {describe()}; {done}")
        requests[name] = pages(*clients())
    compare(requests, options)
    print(f"\nload average after: {load_average()}")


if __name__ == "__main__":
    main()
