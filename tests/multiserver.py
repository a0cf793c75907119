"""Causerie on several machines, for real, on loopback: two app servers (gunicorn, as deploy/causerie.service
runs it) and two task workers (`manage.py db_worker`) sharing one PostgreSQL database, a Redis server and an
S3-compatible storage server started here (moto's), with a real SMTP server counting the mails. Then it checks
what a reader and the owner would see:

- a comment posted on server A is on B's article page at the next request, through B's page cache;
- a comment approved on B is on A's page;
- an image uploaded on A is served from the storage through B, and once in an article, B's page shows it
  through the smaller copy and the WebP renditions a worker made, all served from the storage;
- every mail is delivered once, though both workers run, and the periodic jobs asked for by two hosts at once
  run without sending anything twice;
- /readyz/ answers 200 on both, 503 while the storage server or Redis is stopped, and 200 again once back;
- the flood limit counts a reader's comments on both servers together.

Run by CI after the PostgreSQL pass (.ci/run), in about a minute:

    .venv/bin/python -m tests.multiserver [--database-url postgres://postgres@127.0.0.1:5432/causerie_multiserver]
        [--port-base 8500] [--redis-db 5]

The database named in the URL is dropped and created again. Ports used: port-base + 1 to + 5.
"""

import argparse
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests
from gunicorn import version_info as gunicorn_version
from PIL import Image

from tests.html import Document
from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY, S3Server
from tests.smtp import SMTPServer

ROOT = Path(__file__).resolve().parent.parent

PASSWORD = "a long owner password"
RATE_LIMIT = 6  # comments from one email or address in ten minutes
started = time.monotonic()


def say(message):
    print(f"[{time.monotonic() - started:5.1f}s] {message}", flush=True)


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    say(f"ok: {message}")


def wait_for(condition, what, timeout=30, every=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise SystemExit(f"FAILED: waited {timeout}s for {what}")


class Processes:
    def __init__(self, env, logs):
        self.env = env
        self.logs = logs
        self.running = []

    def start(self, name, *command):
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        process.log_name = name
        self.running.append(process)
        return process

    def stop(self, process):
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self.running.remove(process)

    def stop_all(self):
        for process in list(self.running):
            self.stop(process)

    def died(self):
        return [process.log_name for process in self.running if process.poll() is not None]


def manage(env, *arguments):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def fresh_database(url):
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"\w+", name):
        raise SystemExit(f"The database name {name!r} must be letters, digits and underscores.")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def start_redis(processes, port):
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is not installed: the multi-server check stops and restarts its own.")
    process = processes.start(
        f"redis-{port}",
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    )
    wait_for(lambda: _answers(port), f"Redis on port {port}", timeout=30)
    return process


def _answers(port):
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Site:
    """One app server, as a browser sees it."""

    def __init__(self, name, port):
        self.name = name
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path):
        return self.base + path

    def reader(self):
        return requests.Session()

    def ready(self):
        try:
            response = requests.get(self.url("/readyz/"), timeout=30)
        except (requests.ConnectionError, requests.Timeout):
            return None
        return response

    def login(self, session):
        page = session.get(self.url("/admin/login/"), timeout=30)
        token = _field(page.text, "csrfmiddlewaretoken")
        response = session.post(
            self.url("/admin/login/?next=/admin/"),
            data={"csrfmiddlewaretoken": token, "username": "owner", "password": PASSWORD},
            timeout=30,
        )
        check(response.url.endswith("/admin/"), f"the owner logs in on server {self.name}")


def _field(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)" name="{name}"', html
    )
    if not match:
        raise SystemExit(f"FAILED: no {name} field in the page")
    return match[1]


def post_comment(site, session, slug, body, email="reader@example.com"):
    page = session.get(site.url(f"/articles/{slug}/"), timeout=30)
    form = page.text[page.text.index(f'action="/articles/{slug}/comments/') :]
    data = {
        "csrfmiddlewaretoken": _field(form, "csrfmiddlewaretoken"),
        "token": _field(form, "token"),
        "company": "",
        "author_name": "Reader",
        "author_email": email,
        "body": body,
    }
    response = session.post(site.url(f"/articles/{slug}/comments/"), data=data, timeout=20)
    if response.status_code != 200:
        raise SystemExit(f"FAILED: posting a comment on {site.name} answered {response.status_code}")
    return response


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "MULTISERVER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/causerie_multiserver"
        ),
    )
    parser.add_argument("--port-base", type=int, default=int(os.environ.get("MULTISERVER_PORT_BASE", 8500)))
    parser.add_argument("--redis-db", type=int, default=5)
    options = parser.parse_args()
    port_a, port_b, redis_port, s3_port, smtp_port = (options.port_base + n for n in range(1, 6))
    logs = ROOT / "test-results" / "multiserver"
    logs.mkdir(parents=True, exist_ok=True)

    with ExitStack() as stack:
        fresh_database(options.database_url)
        s3 = stack.enter_context(S3Server(port=s3_port))
        bucket = s3.new_bucket()
        smtp = stack.enter_context(SMTPServer(port=smtp_port))
        env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_COOKIES": "0",  # plain HTTP on loopback
            "DATABASE_URL": options.database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/{options.redis_db}",
            "CAUSERIE_MEDIA_BUCKET": bucket,
            "CAUSERIE_MEDIA_ENDPOINT_URL": s3.endpoint,
            "CAUSERIE_MEDIA_REGION": REGION,
            "CAUSERIE_MEDIA_ACCESS_KEY_ID": ACCESS_KEY,
            "CAUSERIE_MEDIA_SECRET_ACCESS_KEY": SECRET_KEY,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "CAUSERIE_SITE_URL": f"http://127.0.0.1:{port_a}",
            "CAUSERIE_COMMENTS_MIN_SECONDS": "0",
            "CAUSERIE_COMMENTS_NOTIFY_EVERY_COMMENT": "1",
            "CAUSERIE_COMMENTS_RATE_LIMIT": str(RATE_LIMIT),
            "CAUSERIE_LOG_FORMAT": "json",
        }
        os.environ.update(env, DJANGO_SETTINGS_MODULE="config.settings")
        processes = Processes(env, logs)
        stack.callback(processes.stop_all)
        redis = start_redis(processes, redis_port)

        say("migrate, collectstatic, the owner and an article")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        import django

        django.setup()
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # the SMTP server's line for every command
        from django.core.files.storage import default_storage as storage
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from accounts.models import User
        from blog.models import Article, BodyImage
        from comments.models import Comment, OutgoingMail

        owner = User.objects.create_superuser("owner", "owner@example.com", PASSWORD)
        for slug in ("shared", "flood"):
            Article.objects.create(
                author=owner,
                title=f"The {slug} article",
                slug=slug,
                summary="Several servers.",
                body="Read on.",
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )

        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        for name, port in (("a", port_a), ("b", port_b)):
            # Two servers on one machine: each its own control socket (gunicorn 27's).
            control = (
                ["--control-socket", str(logs / f"gunicorn-{name}.ctl")] if gunicorn_version >= (27,) else []
            )
            processes.start(
                f"gunicorn-{name}",
                gunicorn,
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                *control,
            )
        for name in ("1", "2"):
            processes.start(f"worker-{name}", sys.executable, "manage.py", "db_worker", "--interval", "0.5")
        a, b = Site("A", port_a), Site("B", port_b)
        for site in (a, b):
            wait_for(
                lambda site=site: (r := site.ready()) is not None and r.status_code == 200,
                f"{site.name} ready",
            )
        check(not processes.died(), "two app servers and two workers are running")

        # A comment posted on A, read on B through its page cache
        article = "/articles/shared/"
        first = b.reader().get(b.url(article), timeout=30)
        etag = first.headers.get("ETag")
        check(
            etag and b.reader().get(b.url(article), headers={"If-None-Match": etag}).status_code == 304,
            "B serves the article from its page cache",
        )
        post_comment(a, a.reader(), "shared", "Posted on server A, read on server B.")
        again = b.reader().get(b.url(article), headers={"If-None-Match": etag}, timeout=30)
        check(
            again.status_code == 200 and "Posted on server A, read on server B." in again.text,
            "a comment posted on A is on B's page at the next request",
        )
        stored = b.reader().get(b.url(article), headers={"If-None-Match": again.headers["ETag"]}, timeout=30)
        check(stored.status_code == 304, "B's page cache holds the new page")

        # A comment approved on B, read on A
        post_comment(
            a,
            a.reader(),
            "shared",
            "Held for its links: https://one.example and https://two.example and https://three.example",
        )
        held = Comment.objects.get(status=Comment.Status.HELD)
        owner_b = b.reader()
        b.login(owner_b)
        changelist = owner_b.get(b.url("/admin/comments/comment/"), timeout=30)
        owner_b.post(
            b.url("/admin/comments/comment/"),
            data={
                "csrfmiddlewaretoken": _field(changelist.text, "csrfmiddlewaretoken"),
                "action": "approve",
                "_selected_action": str(held.pk),
                "index": "0",
            },
            timeout=30,
        )
        check(
            "https://three.example" in a.reader().get(a.url(article), timeout=30).text,
            "a comment approved on B is on A's page",
        )

        # An image uploaded on A, served through B
        owner_a = a.reader()
        a.login(owner_a)
        owner_a.get(a.url("/admin/blog/article/add/"), timeout=30)
        picture = BytesIO()
        Image.new("RGB", (1200, 800), (30, 120, 200)).save(picture, "JPEG")
        upload = owner_a.post(
            a.url("/admin-editor/upload/"),
            files={"image": ("photo.jpg", picture.getvalue(), "image/jpeg")},
            headers={"X-CSRFToken": owner_a.cookies["csrftoken"], "Referer": a.url("/admin/")},
            timeout=30,
        )
        check(upload.status_code == 200, "the owner uploads an image on A")
        address = re.fullmatch(r"!\[\]\((.+)\)", upload.json()["image_code"])[1]
        image = BodyImage.objects.get()
        check(
            address == image.file.url and set(s3.keys(bucket)) == {image.file.name, image.fallback},
            "the image and its smaller copy are in the bucket, not on A's disk",
        )
        served = b.reader().get(b.url(address), timeout=30)
        with Image.open(BytesIO(served.content)) as opened:
            check(
                served.history and served.history[0].status_code == 302 and opened.size == (1200, 800),
                "B redirects to the storage, which serves the image",
            )
        # In an article's body: readers get the smaller copy, then the WebP renditions a worker makes from the
        # bucket, through B's page cache.
        pictured = Article.objects.get(slug="shared")
        pictured.body += f"\n\n![A blue picture]({address})"
        pictured.save()
        wait_for(
            lambda: BodyImage.objects.exclude(renditions=[]).exists(), "a worker to make the renditions", 60
        )
        image.refresh_from_db()
        page = Document(b.reader().get(b.url(article), timeout=30).text)
        [source] = page.find_all("source", type="image/webp")
        [shown] = [img for img in page.find_all("img") if img.get("alt") == "A blue picture"]
        made = [f"{storage.url(rendition['name'])} {rendition['width']}w" for rendition in image.renditions]
        check(
            source["srcset"] == ", ".join(made) and len(made) == 3,
            "B's page shows the image through the three renditions a worker made",
        )
        srcset = [entry.split() for entry in made]
        for url, width in srcset:
            served = b.reader().get(b.url(url), timeout=30)
            with Image.open(BytesIO(served.content)) as opened:
                check(
                    served.history and opened.format == "WEBP" and f"{opened.width}w" == width,
                    f"B serves the {width} rendition from the storage",
                )
        served = b.reader().get(b.url(shown["src"]), timeout=30)
        with Image.open(BytesIO(served.content)) as opened:
            check(
                shown["src"] != address and served.history and opened.size == (960, 640),
                "B serves the smaller copy from the storage",
            )

        # The flood limit, across both servers: every comment so far came from 127.0.0.1
        earlier = Comment.objects.count()
        flooder = "flood@example.com"
        for number in range(RATE_LIMIT - earlier + 2):
            site = (a, b)[number % 2]
            post_comment(site, site.reader(), "flood", f"Comment number {number} of many.", email=flooder)
        outcomes = (
            Comment.objects.filter(author_email=flooder)
            .order_by("pk")
            .values_list("status", "policy_reasons")
        )
        expected = [("published", [])] * (RATE_LIMIT - earlier) + [("held", ["rate"])] * 2
        check(
            list(outcomes) == expected,
            f"the flood limit ({RATE_LIMIT}) counts the comments sent to both servers",
        )

        # Every mail once, though both workers run; periodic jobs asked for by two hosts at once
        jobs = [
            processes.start(f"comment-jobs-{n}", sys.executable, "manage.py", "comment_jobs") for n in (1, 2)
        ]
        for process in jobs:
            process.wait(timeout=60)
            processes.running.remove(process)
        periodic = DBTaskResult.objects.filter(task_path="comments.tasks.periodic_jobs")
        wait_for(
            lambda: periodic.exists() and not periodic.exclude(status="SUCCESSFUL").exists(),
            "periodic jobs",
            60,
        )
        ran = list(periodic.values_list("return_value", flat=True))
        check(len(ran) >= 1, f"the periodic jobs asked for by two hosts at once ran: {ran}")
        unsent = OutgoingMail.objects.filter(sent_at__isnull=True)
        wait_for(lambda: not unsent.exists(), "the outbox to empty", 60)
        time.sleep(3)  # time for a second copy, if a mail were sent twice
        rows = OutgoingMail.objects.count()
        check(
            rows > 0 and len(smtp.messages) == rows, f"{rows} mails written, {len(smtp.messages)} delivered"
        )
        ids = [message["Message-ID"] for message in smtp.messages]
        check(len(set(ids)) == len(ids), "no mail delivered twice")

        # Readiness, while the storage or Redis is away
        def status(site):
            response = site.ready()
            return (response.status_code, response.json().get("failing")) if response is not None else None

        for site in (a, b):
            check(status(site) == (200, None), f"{site.name} is ready")
        s3.stop()
        for site in (a, b):
            wait_for(
                lambda site=site: status(site) == (503, ["storage"]), f"{site.name} to fail on storage", 20
            )
        say("ok: both answer 503 naming the storage while it is stopped")
        s3.start()
        for site in (a, b):
            wait_for(lambda site=site: status(site) == (200, None), f"{site.name} to be ready again", 20)
        say("ok: both are ready again once it is back")
        processes.stop(redis)
        for site in (a, b):
            wait_for(
                lambda site=site: status(site) == (503, ["cache"]), f"{site.name} to fail on the cache", 20
            )
        say("ok: both answer 503 naming the cache while Redis is stopped")
        check(
            "Posted on server A" in a.reader().get(a.url(article), timeout=30).text,
            "readers still get pages without Redis",
        )
        start_redis(processes, redis_port)
        for site in (a, b):
            wait_for(lambda site=site: status(site) == (200, None), f"{site.name} to be ready again", 20)
        say("ok: both are ready again once Redis is back")

        check(not processes.died(), "no server or worker died")
        errors = [
            line
            for log in logs.glob("gunicorn-*.log")
            for line in log.read_text().splitlines()
            if line.startswith("{") and json.loads(line).get("level") == "ERROR"
        ]
        check(not errors, f"no error in the app servers' logs {errors[:3]}")
    say(f"PASSED in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
