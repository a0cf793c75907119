"""Plain factory functions: explicit overrides, real model saves."""

import itertools
import time
from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from PIL import Image

from blog.models import Article, Tag
from comments.forms import issue_token
from comments.models import Comment

_sequence = itertools.count(1)
PASSWORD = "a-long-test-password"


def make_user(username=None, password=PASSWORD, **fields):
    username = username or f"user{next(_sequence)}"
    fields.setdefault("email", f"{username}@example.com")
    return get_user_model().objects.create_user(username=username, password=password, **fields)


def make_owner(username="owner", **fields):
    return make_user(username, is_staff=True, is_superuser=True, **fields)


def make_tag(name=None):
    return Tag.objects.create(name=name or f"Tag {next(_sequence)}")


def make_article(author=None, tags=(), **fields):
    number = next(_sequence)
    fields.setdefault("title", f"Article {number}")
    fields.setdefault("slug", f"article-{number}")
    fields.setdefault("summary", f"Summary of article {number}.")
    fields.setdefault("body", f"Body of article {number}, with *some* Markdown.")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(hours=number))
    # An author is a member of the staff (the admin offers no one else).
    article = Article.objects.create(author=author or make_user(is_staff=True), **fields)
    article.tags.set(tags)
    return with_renditions(article) if article.cover else article


def with_renditions(article):
    """The article as the task worker leaves it once its cover's renditions are made."""
    run_tasks()
    article.refresh_from_db()
    return article


def make_image_file(name="photo.jpg", size=(64, 48), format="JPEG", color=(200, 80, 40)):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{format.lower()}")


def make_comment(article=None, reply_to=None, **fields):
    """A comment saved as the policy left it (published unless `status` says otherwise), threaded under
    `reply_to` the way the comment service threads it."""
    number = next(_sequence)
    article = article or (reply_to.article if reply_to else make_article())
    fields.setdefault("author_name", f"Reader {number}")
    fields.setdefault("author_email", f"reader{number}@example.com")
    fields.setdefault("body", f"Comment number {number}.")
    if reply_to is not None:
        fields.setdefault("parent", reply_to)
        fields.setdefault("depth", reply_to.depth + 1)
    return Comment.objects.create(article=article, reply_to=reply_to, **fields)


def run_tasks():
    """Run every ready task of the queue with the task worker's own code, inside the test's transaction (the
    worker's loop closes database connections between tasks, which a test's transaction cannot allow: the
    tests that run the whole worker use transactional databases)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    while (ready := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        ready.claim(worker.worker_id)
        worker.run_task(ready)


def delivered():
    """The mails sent so far, once the task worker has sent what the outbox holds."""
    run_tasks()
    return mail.outbox


def comment_form(article, **fields):
    """What a reader's browser posts a minute after opening the article."""
    data = {
        "author_name": "Camille",
        "author_email": "camille@example.com",
        "body": "Thank you for this article.",
        "token": issue_token(article, issued_at=time.time() - 60),
        "company": "",
    }
    return {**data, **fields}
