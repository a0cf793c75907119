"""`manage.py comment_jobs`: the comments' periodic work, run as cron would run it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comments import notifications, services
from comments.models import Comment, OutgoingMail
from comments.moderation import Reason
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

HELD = Comment.Status.HELD


def run_jobs():
    out = StringIO()
    call_command("comment_jobs", stdout=out)
    return out.getvalue()


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def still_there(comment):
    return Comment.objects.filter(pk=comment.pk).exists()


@pytest.fixture
def release_after_a_day(settings):
    settings.COMMENTS_RELEASE_SOFT_HOLDS_AFTER_HOURS = 24


# Spam


def test_comment_jobs_deletes_spam_older_than_the_retention_period(settings):
    settings.COMMENTS_SPAM_RETENTION_DAYS = 30
    spam = make_comment(status=Comment.Status.SPAM, policy_reasons=[Reason.HONEYPOT], created_at=ago(days=31))
    output = run_jobs()
    assert not still_there(spam)
    assert "1 spam comments deleted" in output


def test_comment_jobs_keeps_spam_younger_than_the_retention_period(settings):
    settings.COMMENTS_SPAM_RETENTION_DAYS = 30
    spam = make_comment(status=Comment.Status.SPAM, created_at=ago(days=29))
    run_jobs()
    assert still_there(spam)


@pytest.mark.parametrize("status", [Comment.Status.PUBLISHED, Comment.Status.HELD, Comment.Status.REJECTED])
def test_comment_jobs_keeps_old_comments_that_are_not_spam(status):
    comment = make_comment(status=status, created_at=ago(days=400))
    run_jobs()
    assert still_there(comment)


def test_comment_jobs_keeps_old_spam_that_has_replies():
    # A published comment with replies that a moderator later marked as spam: its replies keep their place.
    spam = make_comment(status=Comment.Status.SPAM, created_at=ago(days=400))
    make_comment(reply_to=spam)
    run_jobs()
    assert still_there(spam)


# Soft holds


@pytest.mark.parametrize("reasons", [[Reason.LINKS], [Reason.RATE], [Reason.LINKS, Reason.RATE]])
def test_comment_jobs_publishes_soft_holds_that_waited_the_set_hours(release_after_a_day, reasons):
    comment = make_comment(status=HELD, policy_reasons=reasons, created_at=ago(hours=25))
    output = run_jobs()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert "1 held comments released" in output


def test_comment_jobs_keeps_soft_holds_younger_than_the_set_hours(release_after_a_day):
    comment = make_comment(status=HELD, policy_reasons=[Reason.LINKS], created_at=ago(hours=23))
    run_jobs()
    comment.refresh_from_db()
    assert comment.status == HELD


def test_comment_jobs_never_releases_a_hold_when_release_is_off(settings):
    settings.COMMENTS_RELEASE_SOFT_HOLDS_AFTER_HOURS = 0
    comment = make_comment(status=HELD, policy_reasons=[Reason.LINKS], created_at=ago(days=400))
    run_jobs()
    comment.refresh_from_db()
    assert comment.status == HELD


@pytest.mark.parametrize(
    "reasons",
    [[Reason.LINKS, Reason.HOLD_WORD], [Reason.RATE, Reason.BANNED], [Reason.LINKS, Reason.APPEAL], []],
)
def test_comment_jobs_never_releases_a_hold_with_a_hard_reason(release_after_a_day, reasons):
    comment = make_comment(status=HELD, policy_reasons=reasons, created_at=ago(days=400))
    run_jobs()
    comment.refresh_from_db()
    assert comment.status == HELD


def test_released_comment_history_says_it_was_released_automatically(release_after_a_day):
    comment = make_comment(status=HELD, policy_reasons=[Reason.LINKS], created_at=ago(hours=25))
    run_jobs()
    event = comment.history.last()
    assert (event.action, event.actor, event.from_status) == ("approved", None, HELD)
    assert "automatically" in event.note


def test_released_comment_author_gets_the_published_mail(release_after_a_day):
    article = make_article(title="Middleware order")
    comment = make_comment(
        article=article,
        author_email="ada@example.com",
        status=HELD,
        policy_reasons=[Reason.RATE],
        created_at=ago(hours=25),
    )
    run_jobs()
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert "is published" in message.subject
    assert f"{settings.SITE_URL}/comments/{comment.pk}/" in message.body  # its lasting link
    # Nobody read it: the mail must not say a moderator did.
    assert "moderator" not in message.body


def test_released_reply_mails_the_commenter_answered(release_after_a_day):
    comment = make_comment(author_email="ada@example.com", notify_replies=True)
    reply = make_comment(
        reply_to=comment,
        body="Late but here.",
        status=HELD,
        policy_reasons=[Reason.LINKS],
        created_at=ago(days=2),
    )
    run_jobs()
    [message] = [message for message in mail.outbox if message.to == ["ada@example.com"]]
    assert f"/comments/{reply.pk}/" in message.body


# Mails that could not be sent


@pytest.fixture
def failed_mail(settings):
    """A mail that the real SMTP backend could not send (connection refused), then the server back up."""
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        1,
        False,
        2,
    )
    services.post_comment(
        article=make_article(),
        data={"author_name": "Ada", "author_email": "ada@example.com", "body": "Sent once the server is up."},
        user=AnonymousUser(),
        seconds_to_submit=60,
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queued = OutgoingMail.objects.get()
    assert (queued.sent_at, queued.attempts) == (None, 1)
    return queued


def test_comment_jobs_sends_mails_that_failed(failed_mail):
    output = run_jobs()
    failed_mail.refresh_from_db()
    assert failed_mail.sent_at is not None
    assert (failed_mail.attempts, failed_mail.last_error) == (2, "")
    [message] = mail.outbox
    assert (message.to, message.subject) == ([failed_mail.to], failed_mail.subject)
    assert message.extra_headers["List-Unsubscribe"] == failed_mail.headers["List-Unsubscribe"]
    assert "1 queued mails sent, 0 still failing" in output


def test_comment_jobs_sends_a_mail_only_once(failed_mail):
    run_jobs()
    output = run_jobs()
    assert len(mail.outbox) == 1
    assert "0 queued mails sent" in output


def test_comment_jobs_counts_mails_still_failing(failed_mail, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    output = run_jobs()
    failed_mail.refresh_from_db()
    assert (failed_mail.sent_at, failed_mail.attempts) == (None, 2)
    assert "0 queued mails sent, 1 still failing" in output


def test_comment_jobs_gives_up_on_a_mail_after_the_last_attempt(failed_mail):
    OutgoingMail.objects.update(attempts=notifications.MAX_ATTEMPTS)
    output = run_jobs()
    assert mail.outbox == []
    assert "0 queued mails sent, 0 still failing" in output


def test_comment_jobs_prints_its_figures():
    assert run_jobs().strip() == (
        "0 held comments released, 0 spam comments deleted, 0 queued mails sent, 0 still failing, "
        "0 old mails deleted."
    )


def test_comment_jobs_deletes_mails_older_than_the_mail_retention_period(settings):
    settings.COMMENTS_SPAM_RETENTION_DAYS = 1  # spam's own retention has no say over mail
    settings.COMMENTS_MAIL_RETENTION_DAYS = 30
    old = OutgoingMail.objects.create(to="a@example.com", subject="Old", body="b")
    OutgoingMail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = OutgoingMail.objects.create(to="a@example.com", subject="Recent", body="b")
    assert "1 old mails deleted" in run_jobs()
    assert list(OutgoingMail.objects.all()) == [recent]
