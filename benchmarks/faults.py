"""Faults: issue 11's targets tried as an operator would, against the real pieces, with figures.

Seeds a fresh database (a temporary SQLite file, or with `--database postgres` a scratch PostgreSQL database
created and dropped at 127.0.0.1:5432), serves it with gunicorn (4 sync workers, DEBUG off, settings from
environment variables), sends mail to a real SMTP server run by this script (aiosmtpd) and runs the real task
workers (`manage.py db_worker --batch`, `manage.py comment_jobs`) as subprocesses. Readers post through HTTP
as a browser does: GET the article with a cookie jar, send the form back with its CSRF and signed token; a 302
to `#comment-<id>` is "your comment is saved". Scenarios:

- smtp: the mail server refuses, hangs, is slow (2 s per message) or accepts; post latency and another
  reader's page latency meanwhile; then every mail of the outbox is delivered exactly once (matched by
  recipient, subject and text) with 1 and with 3 workers at once (and 3 `comment_jobs` sweeps with them).
- redis: Redis down (a closed port) or hanging (takes connections, never answers): posts, pages and the
  admin reply lose nothing and never answer 5xx.
- concurrent: 8 posters × 50 comments, some replying to comments seen saved (some asking to hear of
  replies), then 3 workers; the same run again with gunicorn workers killed by SIGKILL during posting, and a
  db_worker killed by SIGKILL while sending, then restarted.
- double: the same form posted twice at the same moment from two threads, 100 times: 0 duplicates.

Mail that failed (or was claimed by a killed worker) is retried minutes later; the script makes it due at
once by setting OutgoingMail.next_attempt_at to now (and ending the claims), and says so. EMAIL_TIMEOUT is
3 s throughout.

Run: .venv/bin/python benchmarks/faults.py [--quick] [--database sqlite|postgres] [--scenarios smtp redis ...]
About 30 s with --quick, a few minutes without. Exit status 1 when a correctness target fails (a comment lost
or stored twice, a mail lost or sent twice, a 5xx); latency targets are printed, never the exit status.
Linux only (reads gunicorn's workers from /proc).
"""

import argparse
import asyncio
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/15"
EMAIL_TIMEOUT = 3
SLOW_SECONDS = 2
POST_TARGET_MS = 300
SAVED = re.compile(r"#comment-(\d+)$")


# The mail server


class Silent(asyncio.Protocol):
    """A connection taken and never answered."""


class MailServer:
    """A real SMTP server in a thread of this process, switched between the ways a mail server fails:
    accept, refuse (451 to every recipient), hang (takes the connection, never says a word) and slow
    (answers each message after `delay` seconds). Keeps what it accepted, to count against the outbox."""

    def __init__(self):
        self.mode, self.delay = "accept", 0.0
        self.received = []  # (mail key, time)
        server = self

        class Switch(Controller):
            def factory(self):
                return Silent() if server.mode == "hang" else super().factory()

        self.port = free_port()
        self.controller = Switch(self, hostname="127.0.0.1", port=self.port)

    def set(self, mode, delay=0.0):
        self.mode, self.delay = mode, delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse":
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content, policy=email_policy.default)
        for to in envelope.rcpt_tos:
            self.received.append((mail_key(to, str(message["subject"]), message.get_content()), time.time()))
        return "250 Message accepted for delivery"


def mail_key(to, subject, body):
    return to.lower(), " ".join(subject.split()), body.replace("\r\n", "\n").strip()


class HangingServer:
    """Takes connections and never says a word (a Redis that hangs)."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self.socket.getsockname()[1]
        self.held = []
        threading.Thread(target=self.hold, daemon=True).start()

    def hold(self):
        with self.socket:
            while True:
                try:
                    self.held.append(self.socket.accept()[0])
                except OSError:
                    return

    def close(self):
        self.socket.close()
        for held in self.held:
            held.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The readers' side: a browser with a cookie jar


class FormFields(HTMLParser):
    """The hidden fields of the comment form (CSRF token, signed token, parent), as a browser sends them."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.action in (attrs.get("action") or "")
        elif tag == "input" and self.inside and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html, action):
    parser = FormFields(action)
    parser.feed(html.decode())
    return parser.fields


class Browser:
    """One reader: a cookie jar, requests on new connections, redirects not followed."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, data=None):
        """(status, Location, body, milliseconds); OSError and http.client's errors when the worker dies."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        start = time.perf_counter()
        try:
            client.request(method, path, body, headers)
            response = client.getresponse()
            content = response.read()
        finally:
            client.close()
        elapsed = (time.perf_counter() - start) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.headers.get("Location", ""), content, elapsed

    def get(self, path, tries=3):
        """A page; tried again when the worker serving it was killed (a reader reloads)."""
        for attempt in range(tries):
            try:
                return self.request("GET", path)
            except (OSError, http.client.HTTPException):
                if attempt == tries - 1:
                    raise
                time.sleep(0.2)

    def form(self, path, action):
        status, _, content, _ = self.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return form_fields(content, action)


class Posts:
    """What the readers were told about their posts, kept by text (each text is posted once)."""

    def __init__(self):
        self.saved = {}  # text -> comment id the reader was sent to
        self.unanswered = []  # texts whose request got no answer (its worker was killed)
        self.refused = defaultdict(list)  # status -> texts (not told saved)
        self.milliseconds = []
        self.lock = threading.Lock()

    def record(self, text, outcome, milliseconds=None):
        with self.lock:
            if isinstance(outcome, int) and not isinstance(outcome, bool):
                self.refused[outcome].append(text)
            elif outcome is None:
                self.unanswered.append(text)
            else:
                self.saved[text] = int(outcome.group(1))
            if milliseconds is not None:
                self.milliseconds.append(milliseconds)

    @property
    def server_errors(self):
        return sum(len(texts) for status, texts in self.refused.items() if status >= 500)


def post_comment(browser, article, posts, text, *, email, parent=None, notify=False):
    """A reader posts a comment as a browser does: the page, then its form back. Returns the comment id
    when told it was saved."""
    path = f"/articles/{article}/"
    fields = browser.form(path, f"{path}comments/")
    data = {
        **fields,
        "author_name": email.split("@")[0].title(),
        "author_email": email,
        "author_url": "",
        "body": text,
        "company": "",
    }
    if parent:
        data["parent"] = parent
    if notify:
        data["notify_replies"] = "on"
    try:
        status, location, _, milliseconds = browser.request("POST", f"{path}comments/", data)
    except (OSError, http.client.HTTPException):
        posts.record(text, None)
        return None
    saved = SAVED.search(location) if status == 302 else None
    posts.record(text, saved or status, milliseconds)
    return int(saved.group(1)) if saved else None


class Reader(threading.Thread):
    """Another reader, reading the article page every 50 ms while the posts go on."""

    def __init__(self, port, path):
        super().__init__(daemon=True)
        self.browser, self.path = Browser(port), path
        self.milliseconds, self.statuses, self.stopping = [], Counter(), threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                status, _, _, milliseconds = self.browser.request("GET", self.path)
            except (OSError, http.client.HTTPException):
                status, milliseconds = "no answer", None
            self.statuses[status] += 1
            if milliseconds is not None:
                self.milliseconds.append(milliseconds)
            self.stopping.wait(0.05)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.join()

    @property
    def server_errors(self):
        return sum(
            count for status, count in self.statuses.items() if isinstance(status, int) and status >= 500
        )


def spread(milliseconds):
    """median/p90/max in ms."""
    if not milliseconds:
        return "-"
    ordered = sorted(milliseconds)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.0f}/{p90:.0f}/{ordered[-1]:.0f}"


# The site and its workers


class Site:
    """gunicorn serving the project with these environment variables."""

    def __init__(self, env, log, workers=4):
        self.port, self.workers = free_port(), workers
        command = [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
            *("--workers", str(workers), "--worker-class", "sync", "--timeout", "30"),
            *("--bind", f"127.0.0.1:{self.port}", "--chdir", str(ROOT)),
        ]
        self.log = log
        with log.open("a") as output:
            self.process = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT, env={**env, **self.url_env()}
            )

    def ready(self):
        deadline = time.monotonic() + 60
        while True:
            try:
                Browser(self.port).request("GET", "/bench/ok/")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start; its log:\n" + self.log.read_text()) from None
                time.sleep(0.2)
        return self

    def url_env(self):
        # Also part of every page cache key: each run has its own pages in a shared Redis.
        return {"CAUSERIE_SITE_URL": f"http://127.0.0.1:{self.port}"}

    def worker_pids(self):
        return [
            int(pid)
            for pid in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        ]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Run:
    """The run's environment, the mail server, and the failures seen so far."""

    def __init__(self, options, env, data_dir):
        self.options, self.env, self.data_dir = options, env, data_dir
        self.log = data_dir / "site.log"
        self.mail = MailServer()
        self.env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(self.mail.port))
        self.failures = []
        self.articles = []
        self.site = None

    def verdict(self, label, ok, *, correctness=True):
        if not ok and correctness:
            self.failures.append(label)
        return f"{'PASS' if ok else 'FAIL'}"

    def comment_jobs(self, times=1):
        """`manage.py comment_jobs`, as cron runs it (here in this process, which has the site's settings)."""
        from django.core.management import call_command

        for _ in range(times):
            call_command("comment_jobs", stdout=open(os.devnull, "w"))  # noqa: SIM115

    def workers(self, count, *, max_tasks=None):
        """`count` db_worker processes at once, each until nothing is left for it (or after max_tasks)."""
        processes = [self.worker(max_tasks) for _ in range(count)]
        for process, _ in processes:
            process.wait(timeout=600)

    def worker(self, max_tasks=None):
        worker_id = f"faults-{uuid.uuid4().hex[:12]}"
        command = [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--worker-id",
            worker_id,
        ]
        if max_tasks:
            command += ["--max-tasks", str(max_tasks)]
        with self.log.open("a") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        return process, worker_id

    def make_due(self):
        """Retries and claims are minutes ahead: bring them to now, as the script says it does."""
        from django.db.models import Q
        from django.utils import timezone

        from comments.models import OutgoingMail

        now = timezone.now()
        waiting = OutgoingMail.objects.filter(sent_at__isnull=True).filter(
            Q(next_attempt_at__gt=now) | Q(claimed_until__gt=now)
        )
        return waiting.update(next_attempt_at=now, claimed_until=None)

    def marks(self):
        from comments.models import OutgoingMail

        return OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0, len(
            self.mail.received
        )

    def check_comments(self, posts):
        """Lost: told saved, not in the database as such. Twice: a text stored more than once. Also how many
        of the unanswered posts were stored, and whether a post told "not saved" was stored."""
        from comments.models import Comment

        texts = [*posts.saved, *posts.unanswered, *(t for texts in posts.refused.values() for t in texts)]
        stored = defaultdict(list)
        for pk, body in Comment.objects.filter(body__in=texts).values_list("pk", "body"):
            stored[body].append(pk)
        lost = sum(1 for text, pk in posts.saved.items() if pk not in stored.get(text, []))
        twice = sum(len(pks) - 1 for pks in stored.values())
        unanswered_stored = sum(1 for text in posts.unanswered if stored.get(text))
        refused_stored = sum(1 for texts in posts.refused.values() for text in texts if stored.get(text))
        return lost, twice, unanswered_stored, refused_stored

    def check_mail(self, since, *, allowed=()):
        """Every mail of the outbox written since `since` against what the server received since then:
        (mails, received, duplicates, missing, unknown, unsent rows, duplicates explained by `allowed`)."""
        from comments.models import OutgoingMail

        rows = list(OutgoingMail.objects.filter(pk__gt=since[0]))
        expected = Counter(mail_key(row.to, row.subject, row.body) for row in rows)
        received = Counter(key for key, _ in self.mail.received[since[1] :])
        duplicates = {key: received[key] - count for key, count in expected.items() if received[key] > count}
        explained = sum(n for key, n in duplicates.items() if key in allowed)
        missing = sum(max(0, count - received[key]) for key, count in expected.items())
        unknown = sum(count for key, count in received.items() if key not in expected)
        unsent = sum(1 for row in rows if row.sent_at is None)
        return (
            len(rows),
            sum(received.values()),
            sum(duplicates.values()),
            missing,
            unknown,
            unsent,
            explained,
        )

    def mail_line(self, label, since, *, allowed=()):
        mails, received, duplicates, missing, unknown, unsent, explained = self.check_mail(
            since, allowed=allowed
        )
        ok = mails > 0 and duplicates - explained == 0 and missing == unknown == unsent == 0
        note = (
            f" ({explained} of them sent by the killed worker before it could record it)" if explained else ""
        )
        print(
            f"  {label}: {mails} mails in the outbox, {received} received, {duplicates} duplicates{note}, "
            f"{missing} missing, {unknown} unknown, {unsent} unsent  {self.verdict(label, ok)}"
        )


# Scenarios


def smtp_scenario(run):
    """Posts while the mail server refuses, hangs, is slow or accepts; then delivery by 1 or 3 workers."""
    options, mail = run.options, run.mail
    count = 2 if options.quick else 20
    if options.quick:
        cases = [("refuse", 1), ("hang", 3), ("slow", 3), ("accept", 3)]
    else:
        cases = [(mode, workers) for mode in ("refuse", "hang", "slow", "accept") for workers in (1, 3)]
    print(
        f"\n[smtp] {count} posts per case, one reader reading the article meanwhile; "
        f"EMAIL_TIMEOUT={EMAIL_TIMEOUT} s"
    )
    for number, (mode, workers) in enumerate(cases):
        mail.set(mode, SLOW_SECONDS if mode == "slow" else 0)
        since = run.marks()
        posts, browser = Posts(), Browser(run.site.port)
        article = run.articles[0]
        with Reader(run.site.port, f"/articles/{article}/") as reader:
            for index in range(count):
                text = f"SMTP {mode} case {number}, comment {index}: thank you for this."
                post_comment(browser, article, posts, text, email=f"smtp{number}@example.org")
        slowest = max(posts.milliseconds, default=0)
        print(
            f"SMTP {mode:<6} ({workers} worker{'s' if workers > 1 else ''}): posts ms median/p90/max "
            f"{spread(posts.milliseconds)} (target < {POST_TARGET_MS} ms: "
            f"{run.verdict('', slowest < POST_TARGET_MS, correctness=False)}); "
            f"reader's page ms {spread(reader.milliseconds)} "
            f"({sum(reader.statuses.values())} pages, {reader.server_errors} 5xx)"
        )
        lost, twice, _, _ = run.check_comments(posts)
        ok = len(posts.saved) == count and lost == twice == posts.server_errors == reader.server_errors == 0
        print(
            f"  comments: {len(posts.saved)}/{count} told saved, {lost} lost, {twice} stored twice, "
            f"{posts.server_errors + reader.server_errors} 5xx  {run.verdict(f'smtp {mode}: comments', ok)}"
        )
        if mode in ("refuse", "hang"):
            # The workers run through the outage: each mail's first attempt fails (a hanging server costs
            # EMAIL_TIMEOUT per attempt, so at most 6 attempts there).
            run.workers(3, max_tasks=2 if mode == "hang" else None)
            from comments.models import OutgoingMail

            failing = OutgoingMail.objects.filter(pk__gt=since[0]).failing().count()
            mail.set("accept")
            print(
                f"  during the outage {failing} mails failed and wait for a retry; server accepting again; "
                f"the script set next_attempt_at to now on {run.make_due()} unsent mails"
            )
        # The periodic sweep, as cron runs it: 3 of them at once with 3 workers, each sending all that is due.
        run.comment_jobs(workers)
        run.workers(workers)
        run.mail_line(f"smtp {mode}: delivery with {workers} worker{'s' if workers > 1 else ''}", since)
    mail.set("accept")


def redis_scenario(run):
    """Posts, pages and the admin reply with Redis down, then hanging."""
    count = 3 if run.options.quick else 30
    replies = 1 if run.options.quick else 5
    print(f"\n[redis] {count} posts and {replies} admin replies, one reader reading the article meanwhile")
    hanging, since = HangingServer(), run.marks()
    states = [("down", free_port()), ("hanging", hanging.port)]
    # Both started at once: each is a gunicorn whose REDIS_URL fails in its own way.
    sites = [Site({**run.env, "REDIS_URL": f"redis://127.0.0.1:{port}/15"}, run.log) for _, port in states]
    try:
        for (state, _), site in zip(states, sites, strict=True):
            try:
                site.ready()
                posts, browser, article = Posts(), Browser(site.port), run.articles[1]
                with Reader(site.port, f"/articles/{article}/") as reader:
                    for index in range(count):
                        text = f"Redis {state}, comment {index}: still here."
                        post_comment(browser, article, posts, text, email=f"redis-{state}@example.org")
                    answered, reply_errors = admin_replies(site, posts, replies, state)
                lost, twice, _, _ = run.check_comments(posts)
                errors = posts.server_errors + reader.server_errors + reply_errors
                ok = len(posts.saved) == count and answered == replies and lost == twice == errors == 0
                print(
                    f"Redis {state:<7}: {len(posts.saved)}/{count} told saved, {lost} lost, "
                    f"{twice} stored twice, posts ms {spread(posts.milliseconds)}; "
                    f"{sum(reader.statuses.values())} pages, ms {spread(reader.milliseconds)}; "
                    f"admin replies {answered}/{replies} stored; {errors} 5xx  "
                    f"{run.verdict(f'redis {state}', ok)}"
                )
            finally:
                site.stop()
    finally:
        for site in sites:
            site.stop()
        hanging.close()
    # What they caused is mailed as ever, once the workers run (they need no cache).
    run.comment_jobs()
    run.workers(1)
    run.mail_line("redis: delivery with 1 worker", since)


def admin_replies(site, posts, count, state):
    """The owner signs in and answers readers' comments from the admin. Returns (replies stored, 5xx)."""
    from comments.models import Comment

    owner = Browser(site.port)
    fields = owner.form("/admin/login/", "/admin/login/")
    status, _, _, _ = owner.request(
        "POST", "/admin/login/", {**fields, "username": "owner", "password": "faults"}
    )
    errors = int(status >= 500)
    stored = 0
    for index, pk in enumerate(list(posts.saved.values())[:count]):
        path = f"/admin/comments/comment/{pk}/reply/"
        fields = owner.form(path, "")
        text = f"Owner's reply {index} with Redis {state}."
        status, _, _, _ = owner.request("POST", path, {**fields, "body": text})
        errors += status >= 500
        stored += status == 302 and Comment.objects.filter(body=text, user__username="owner").count() == 1
    return stored, errors


def concurrent_scenario(run, *, kill):
    """8 posters at once, some replying; with `kill`, gunicorn workers and a db_worker are SIGKILLed."""
    from django_tasks_db.models import DBTaskResult

    posters = 8
    each = 4 if run.options.quick else 50
    kills = 2 if run.options.quick else 8
    label = "with SIGKILLs" if kill else "plain"
    print(f"\n[concurrent, {label}] {posters} posters × {each} comments, about 1 in 3 a reply")
    posts = Posts()
    seen = defaultdict(list)  # article -> ids told saved
    since = run.marks()
    posting = threading.Event()

    def poster(number):
        browser, rng = Browser(run.site.port), random.Random(number)
        article = run.articles[number % len(run.articles)]
        for index in range(each):
            parent = rng.choice(seen[article]) if seen[article] and rng.random() < 0.35 else None
            text = f"Poster {number} ({label}), comment {index}: a thought about this article."
            try:
                pk = post_comment(
                    browser,
                    article,
                    posts,
                    text,
                    email=f"poster{number}@example.org",
                    parent=parent,
                    notify=index % 3 == 0,
                )
            except (OSError, http.client.HTTPException, RuntimeError):
                posts.record(text, None)  # the page itself did not come: nothing was posted
                continue
            if pk:
                seen[article].append(pk)

    killed = []

    def killer():
        rng = random.Random(42)
        while posting.is_set() and len(killed) < kills:
            time.sleep(rng.uniform(0.1, 0.5))
            pids = run.site.worker_pids()
            if posting.is_set() and pids:
                pid = rng.choice(pids)
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    threads = [threading.Thread(target=poster, args=(number,)) for number in range(posters)]
    posting.set()
    start = time.perf_counter()
    if kill:
        threads.append(threading.Thread(target=killer))
    for thread in threads:
        thread.start()
    for thread in threads[:posters]:
        thread.join()
    elapsed = time.perf_counter() - start
    posting.clear()
    for thread in threads[posters:]:
        thread.join()
    lost, twice, unanswered_stored, refused_stored = run.check_comments(posts)
    refused = {status: len(texts) for status, texts in posts.refused.items()}
    ok = lost == twice == refused_stored == posts.server_errors == 0 and (
        kill or len(posts.saved) == posters * each
    )
    print(
        f"{posters * each} posts in {elapsed:.1f} s, posts ms {spread(posts.milliseconds)}; "
        f"{len(posts.saved)} told saved, {lost} of them lost, {twice} stored twice; "
        + (
            f"{len(killed)} gunicorn workers killed, {len(posts.unanswered)} posts unanswered "
            f"({unanswered_stored} of those stored); "
            if kill
            else ""
        )
        + f"other answers {refused or 'none'} ({refused_stored} of those stored)  "
        f"{run.verdict(f'concurrent {label}: comments', ok)}"
    )
    from comments.models import Comment

    replies = Comment.objects.filter(body__in=list(posts.saved), reply_to__isnull=False).count()
    print(f"  {replies} of the saved comments are replies")
    if not kill:
        run.comment_jobs()
        run.workers(3)
        run.mail_line(f"concurrent {label}: delivery with 3 workers", since)
        return
    # Three workers; one is killed while sending (each message takes 0.2 s to be accepted), then restarted.
    run.mail.set("slow", 0.2)
    first = len(run.mail.received)
    workers = [run.worker() for _ in range(3)]
    deadline = time.monotonic() + 60
    while len(run.mail.received) < first + 3 and time.monotonic() < deadline and workers[0][0].poll() is None:
        time.sleep(0.05)
    workers[0][0].send_signal(signal.SIGKILL)
    killed_at = time.time()
    for process, _ in workers:
        process.wait(timeout=600)
    run.mail.set("accept")
    # What the killed worker was doing: its task stays "running"; the mail it claimed waits for its claim to
    # expire (notifications.CLAIM), which the script brings to now.
    held = [
        task for task in DBTaskResult.objects.filter(status="RUNNING") if workers[0][1] in task.worker_ids
    ]
    held_mails = [task.args_kwargs["args"][0] for task in held if task.task_path.endswith("send_mail")]
    from comments.models import OutgoingMail

    allowed = {
        mail_key(row.to, row.subject, row.body) for row in OutgoingMail.objects.filter(pk__in=held_mails)
    }
    # A message the killed worker had written to the socket reaches the server just after the kill (a moment
    # longer on a loaded machine): it was sent before it.
    sent_before_kill = {key for key, at in run.mail.received[first:] if at <= killed_at + 2}
    allowed &= sent_before_kill
    print(
        f"  db_worker killed by SIGKILL while sending (holding mail {held_mails or 'none'}); restarted "
        f"after the script set next_attempt_at to now on {run.make_due()} unsent mails"
    )
    run.comment_jobs()
    run.workers(1)
    run.mail_line(f"concurrent {label}: delivery", since, allowed=allowed)


def double_scenario(run):
    """The same form sent twice at the same moment, from two threads of one browser."""
    from comments.models import Comment

    count = 10 if run.options.quick else 100
    print(f"\n[double] {count} double posts (the same form data POSTed twice at once)")
    outcomes = Counter()
    texts = []
    article = run.articles[0]
    path = f"/articles/{article}/"
    errors = 0
    for index in range(count):
        browser = Browser(run.site.port)
        fields = browser.form(path, f"{path}comments/")
        text = f"Double click {index}: I agree."
        texts.append(text)
        data = {
            **fields,
            "author_name": "Quick",
            "author_email": "double@example.org",
            "body": text,
            "company": "",
        }
        barrier, answers = threading.Barrier(2), []

        def send(browser=browser, data=data, barrier=barrier, answers=answers):
            barrier.wait()
            answers.append(browser.request("POST", f"{path}comments/", data)[:2])

        pair = [threading.Thread(target=send) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
        errors += sum(status >= 500 for status, _ in answers)
        locations = {location for status, location in answers if status == 302 and SAVED.search(location)}
        outcomes[
            "both shown the same comment"
            if len(answers) == 2 and len(locations) == 1 and all(s == 302 for s, _ in answers)
            else "other"
        ] += 1
    stored = Counter(Comment.objects.filter(body__in=texts).values_list("body", flat=True))
    duplicates = sum(n - 1 for n in stored.values())
    missing = count - len(stored)
    ok = duplicates == missing == errors == 0
    print(
        f"{count} pairs: {dict(outcomes)}; {len(stored)} comments stored, {duplicates} duplicates, "
        f"{missing} missing, {errors} 5xx  {run.verdict('double posts', ok)}"
    )


# The run


def seed(run):
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from blog.models import Article

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    owner = User.objects.create_superuser("owner", "owner@example.com", "faults", first_name="Camille")
    for number in range(2):
        Article.objects.create(
            title=f"Faults {number}",
            slug=f"faults-{number}",
            author=owner,
            summary="A short article for readers to comment on.",
            body="## Notes\n\nWhat survives a fault.\n",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(days=1),
        )
    run.articles = ["faults-0", "faults-1"]


def warm_up(run):
    """A few pages and posts on every gunicorn worker first: the figures are the site's, not its first
    imports and template compilations."""
    posts = Posts()

    def reader(number):
        browser = Browser(run.site.port)
        for index in range(3):
            browser.get(f"/articles/{run.articles[index % 2]}/")
            post_comment(
                browser,
                run.articles[index % 2],
                posts,
                f"Warm-up {number}.{index}.",
                email="warm@example.org",
            )

    threads = [threading.Thread(target=reader, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.workers(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small numbers, for the test suite")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres", default=POSTGRES, help="a PostgreSQL URL to create the scratch database from"
    )
    parser.add_argument("--redis", default=REDIS, help="Redis for the site when it is up ('' for none)")
    scenarios = ["smtp", "redis", "concurrent", "double"]
    parser.add_argument("--scenarios", nargs="+", choices=scenarios, default=scenarios)
    options = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="causerie-faults-"))
    scratch = None
    if options.database == "postgres":
        scratch = f"causerie_faults_{os.getpid()}_{secrets.token_hex(3)}"
        admin_url = options.postgres
        database_url = admin_url[: admin_url.rindex("/") + 1] + scratch
        postgres(admin_url, f'CREATE DATABASE "{scratch}"')
    else:
        database_url = f"sqlite:///{data_dir / 'causerie.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.serve_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "0",  # plain HTTP on the loopback
        "DJANGO_LOG_LEVEL": "WARNING",
        "CAUSERIE_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": options.redis if options.redis and redis_answers(options.redis) else "",
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": str(EMAIL_TIMEOUT),
        "CAUSERIE_COMMENTS_NOTIFY_EVERY_COMMENT": "1",
        "CAUSERIE_COMMENTS_MIN_SECONDS": "0",
        "CAUSERIE_COMMENTS_RATE_LIMIT": "1000000",
        "CAUSERIE_COMMENTS_DUPLICATE_WINDOW_HOURS": "24",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    run = Run(options, env, data_dir)
    start = time.perf_counter()
    try:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import django
        import gunicorn
        import setup_django  # noqa: F401

        seed(run)
        run.mail.controller.start()
        run.site = Site(run.env, run.log).ready()
        redis = env["REDIS_URL"] or "none (local memory, no page cache)"
        print(
            f"{options.database}{' (scratch database ' + scratch + ')' if scratch else ''}; gunicorn "
            f"{gunicorn.__version__}, 4 sync workers, DEBUG off; Django {django.get_version()}; "
            f"Redis {redis}; SMTP aiosmtpd on port {run.mail.port}; {os.cpu_count()} CPUs"
        )
        warm_up(run)
        for name in options.scenarios:
            began = time.perf_counter()
            if name == "smtp":
                smtp_scenario(run)
            elif name == "redis":
                redis_scenario(run)
            elif name == "concurrent":
                if not options.quick:
                    concurrent_scenario(run, kill=False)
                concurrent_scenario(run, kill=True)
            else:
                double_scenario(run)
            print(f"({name}: {time.perf_counter() - began:.1f} s)")
    finally:
        if run.site is not None:
            run.site.stop()
        if run.mail.controller._thread is not None:
            run.mail.controller.stop()
        if scratch:
            from django.db import connection

            connection.close()
            postgres(options.postgres, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        if run.failures:
            # What gunicorn and the workers logged: the tracebacks behind a 5xx or a lost mail.
            print(
                "\nThe site's and the workers' log, last lines:\n"
                + "\n".join(run.log.read_text().splitlines()[-60:])
            )
        shutil.rmtree(data_dir, ignore_errors=True)
    failed = f": {', '.join(run.failures)}" if run.failures else ""
    print(f"\n{len(run.failures)} correctness targets failed{failed}; {time.perf_counter() - start:.0f} s")
    return 1 if run.failures else 0


def postgres(url, statement):
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)


def redis_answers(url):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
