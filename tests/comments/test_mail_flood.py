"""One address sends 60 comments in 20 seconds with one form token, as in the attack that filled the owner's
mailbox: the flood limit holds them, and the owner gets a bounded number of mails, then one list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import notifications
from comments.models import Comment, OutgoingMail
from comments.moderation import Reason
from tests.factories import comment_form, delivered, make_article

pytestmark = pytest.mark.django_db


def flood(client, article, count=60):
    token = comment_form(article)["token"]  # one token, reused for every comment
    url = reverse("comments:post", args=[article.slug])
    for number in range(count):
        data = comment_form(article, token=token, body=f"Flood number {number}, different every time.")
        client.post(url, data, REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")


def test_sixty_held_comments_in_twenty_seconds_make_at_most_n_mails_and_then_one_list(
    client, owner, settings
):
    settings.COMMENTS_RATE_LIMIT = 5
    settings.COMMENTS_HELD_MAILS_PER_HOUR = 10
    article = make_article(author=owner)
    flood(client, article)

    comments = Comment.objects.all()
    assert comments.count() == 60
    # The flood limit holds all but the first five (the forged X-Forwarded-For is not believed).
    assert comments.filter(status=Comment.Status.PUBLISHED).count() == 5
    held = comments.filter(status=Comment.Status.HELD)
    assert held.count() == 55 and all(Reason.RATE in comment.policy_reasons for comment in held)
    assert OutgoingMail.objects.filter(to=owner.email, kind="held_comment").count() == 10

    # Within the hour the jobs send nothing more; after it, one list of what still waits.
    assert notifications.held_digests(timezone.now() + timedelta(minutes=30)) == 0
    assert notifications.held_digests(timezone.now() + timedelta(minutes=61)) == 1
    assert notifications.held_digests(timezone.now() + timedelta(minutes=122)) == 0
    mails = delivered()
    assert len(mails) == 11
    (digest,) = [mail for mail in mails if "wait for review" in mail.subject]
    assert "55 comments wait for review" in digest.subject
    assert "You had 10 mails about held comments within an hour" in digest.body
    assert digest.body.count("/approve/") == notifications.DIGEST_LENGTH


def test_the_list_is_not_sent_when_everything_was_decided_within_the_hour(client, owner, settings):
    settings.COMMENTS_HELD_MAILS_PER_HOUR = 2
    article = make_article(author=owner)
    flood(client, article, count=10)
    for comment in Comment.objects.held():
        comment.approve(by=owner)
    assert notifications.held_digests(timezone.now() + timedelta(minutes=61)) == 0
    owner.refresh_from_db()
    assert owner.held_mail_overflow_since is None
