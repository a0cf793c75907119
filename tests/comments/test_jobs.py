"""`manage.py comment_jobs`: the comments' periodic work, asked for as cron would, run by the task framework's
real worker."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import notifications, services
from comments.models import Comment, JobLease, OutgoingMail
from comments.moderation import Reason
from tests.factories import make_article, make_comment

# The worker commits what it does, as in production: these tests run outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HELD = Comment.Status.HELD


def run_jobs():
    """Ask for the periodic jobs, let the worker run them, and return what they did."""
    out = StringIO()
    call_command("comment_jobs", stdout=out)
    task_id = out.getvalue().split("(task ")[1].rstrip(").\n")
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    result = DBTaskResult.objects.get(pk=task_id)
    assert result.status == "SUCCESSFUL", result.traceback
    return result.return_value


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


# Mails whose own task was lost (a worker killed mid-send, a queue emptied by hand): the jobs find them


@pytest.fixture
def lost_mail(settings):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    services.post_comment(
        article=make_article(),
        data={"author_name": "Ada", "author_email": "ada@example.com", "body": "Sent by the periodic jobs."},
        user=AnonymousUser(),
        seconds_to_submit=60,
    )
    DBTaskResult.objects.all().delete()
    return OutgoingMail.objects.get()


def test_comment_jobs_send_due_mails_whose_task_was_lost(lost_mail):
    output = run_jobs()
    lost_mail.refresh_from_db()
    assert lost_mail.sent_at is not None
    [message] = mail.outbox
    assert (message.to, message.subject) == ([lost_mail.to], lost_mail.subject)
    assert message.extra_headers["List-Unsubscribe"] == lost_mail.headers["List-Unsubscribe"]
    assert "1 queued mails sent, 0 still failing" in output


def test_comment_jobs_send_a_mail_only_once(lost_mail):
    run_jobs()
    output = run_jobs()
    assert len(mail.outbox) == 1
    assert "0 queued mails sent" in output


def test_comment_jobs_leave_a_mail_being_sent_to_its_worker(lost_mail):
    # Claimed by a worker a moment ago: not due until the claim expires.
    OutgoingMail.objects.update(next_attempt_at=timezone.now() + notifications.CLAIM)
    assert "0 queued mails sent" in run_jobs()
    assert mail.outbox == []


def test_comment_jobs_never_retry_a_mail_given_up_on(lost_mail):
    OutgoingMail.objects.update(next_attempt_at=None, failing_since=timezone.now(), last_error="refused")
    output = run_jobs()
    assert mail.outbox == []
    assert "0 queued mails sent, 0 still failing" in output


def test_comment_jobs_prints_its_figures():
    assert run_jobs().strip() == (
        "0 held comments released, 0 spam comments deleted, 0 queued mails sent, 0 still failing, "
        "0 old mails deleted, 0 comments' network addresses and browsers erased, "
        "0 daily lists of held comments written."
    )


def test_comment_jobs_deletes_mails_older_than_the_mail_retention_period(settings):
    settings.COMMENTS_SPAM_RETENTION_DAYS = 1  # spam's own retention has no say over mail
    settings.COMMENTS_MAIL_RETENTION_DAYS = 30
    old = OutgoingMail.objects.create(to="a@example.com", subject="Old", body="b", sent_at=timezone.now())
    given_up = OutgoingMail.objects.create(
        to="a@example.com", subject="Given up", body="b", next_attempt_at=None
    )
    retried = OutgoingMail.objects.create(
        to="a@example.com", subject="Retried", body="b", next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(days=31))
    recent = OutgoingMail.objects.create(
        to="a@example.com", subject="Recent", body="b", sent_at=timezone.now()
    )
    assert "2 old mails deleted" in run_jobs()
    assert set(OutgoingMail.objects.all()) == {recent, retried}  # a mail still being retried stays
    assert not OutgoingMail.objects.filter(pk__in=[old.pk, given_up.pk]).exists()


# Two hosts


def test_periodic_jobs_run_by_one_worker_at_a_time():
    """cron on two hosts queues the jobs twice; the worker that finds the lease taken does nothing."""
    held = JobLease.take("periodic_jobs", seconds=60)
    assert held is not None
    assert JobLease.take("periodic_jobs", seconds=60) is None
    assert run_jobs() == "Skipped: another worker is running them."
    JobLease.give_back("periodic_jobs", held)
    assert "queued mails sent" in run_jobs()
    assert JobLease.take("periodic_jobs", seconds=60) is not None  # given back after the run


def test_a_lease_left_by_a_killed_worker_runs_out():
    JobLease.objects.create(name="periodic_jobs", held_until=ago(seconds=1))
    assert "queued mails sent" in run_jobs()
