"""blog/backups.py: a site backed up with `manage.py backup` and restored with `manage.py restore` into a new,
empty database and media folder (a new server) is the same site: every row, every upload, every login, and the
appeal and stop links already mailed. On PostgreSQL when DATABASE_URL points at it, on SQLite otherwise."""

import re
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from comments import services
from comments.models import Comment, MailOptOut, OutgoingMail, address_key
from comments.moderation import RejectionReason
from tests.factories import PASSWORD, make_article, make_comment, make_image_file

# pg_dump reads what is committed; the serialized rollback puts back what the migrations seeded.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def post(article, body, *, email, **data):
    comment, _decision = services.post_comment(
        article=article,
        data={"author_name": "Ada", "author_email": email, "body": body, **data},
        user=AnonymousUser(),
        seconds_to_submit=60,
    )
    return comment


def site_rows():
    """Every row of the site's own tables, field by field, whatever fields they have by now."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for app in ("accounts", "blog", "comments")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy
    }


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def link_path(text, url_name):
    """The path of the link in `text` to the view `url_name`, which takes one token."""
    prefix = settings.SITE_URL + reverse(url_name, args=["token"]).removesuffix("token/")
    return re.search(re.escape(prefix) + r"[^\s/>]+/", text).group(0).removeprefix(settings.SITE_URL)


@contextmanager
def new_empty_database(tmp_path):
    """The default connection opens a new, empty database meanwhile (on PostgreSQL a scratch database made
    here and dropped after), so the commands and the test client work on it as on a new server."""
    original = connections["default"]
    name = str(tmp_path / "restored.sqlite3")
    if original.vendor == "postgresql":
        name = f"{original.settings_dict['NAME']}_restored"
        with original.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    new = original.__class__({**original.settings_dict, "NAME": name}, alias="default")
    connections["default"] = new
    try:
        yield
    finally:
        new.close()
        connections["default"] = original
        if original.vendor == "postgresql":
            with original.cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_site_restored_on_a_new_server_keeps_its_rows_uploads_logins_and_mailed_links(
    client, owner, tmp_path, settings
):
    article = make_article(
        author=owner,
        hold_all_comments=True,
        cover=make_image_file(size=(600, 300)),
        cover_alt="A red square",
    )
    opinion = make_comment(article=article, author_email="bob@example.com", notify_replies=True)
    make_comment(reply_to=opinion)
    rejected = post(article, "A remark the moderator will not like.", email="ada@example.com")
    services.reject(rejected, by=owner, reason=RejectionReason.INSULT)
    rejection_mail = OutgoingMail.objects.get(to="ada@example.com", kind="rejected")
    appeal_path = link_path(rejection_mail.body, "comments:appeal")
    stop_path = link_path(rejection_mail.headers["List-Unsubscribe"], "comments:stop_mail")
    rows, uploads = site_rows(), media_files()
    assert len(rows["comments.Comment"]) == 3
    assert len(rows["comments.CommentEvent"]) == 2  # the rejected comment posted, then rejected
    # The owner told of the held comment, its author of the rejection.
    assert len(rows["comments.OutgoingMail"]) == 2
    assert len(uploads) > 1  # the cover and its renditions

    call_command("backup", tmp_path / "backup", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "new-server-media"
    with new_empty_database(tmp_path):
        call_command("restore", tmp_path / "backup", interactive=False, verbosity=0)

        assert site_rows() == rows
        assert media_files() == uploads
        assert Path(settings.MEDIA_ROOT, article.cover.name).is_file()

        response = client.post(reverse("admin:login"), {"username": owner.username, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200

        assert client.post(appeal_path).status_code == 200
        appealed = Comment.objects.get(pk=rejected.pk)
        assert (appealed.status, appealed.is_appeal) == (Comment.Status.HELD, True)

        assert client.post(stop_path).status_code == 200
        assert MailOptOut.objects.filter(address=address_key("ada@example.com"), comment=rejected).exists()


def test_a_backup_says_the_uploads_in_a_bucket_are_not_in_it(tmp_path, settings):
    settings.MEDIA_BUCKET = "blog-media"
    err = StringIO()
    call_command("backup", tmp_path / "backup", stdout=StringIO(), stderr=err)
    assert "The uploads are in the bucket blog-media, not in this backup" in err.getvalue()
