"""Plain factory functions: explicit overrides, real model saves."""

import itertools
from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from blog.models import Article, Tag
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
    article = Article.objects.create(author=author or make_user(), **fields)
    article.tags.set(tags)
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
