"""Nothing lost, nothing sent twice: mail leaves through the outbox and the task framework's real worker
(`manage.py db_worker`), to a real SMTP server that accepts, refuses or hangs."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import notifications, services, tasks
from comments.models import Comment, OutgoingMail
from tests import smtp
from tests.factories import comment_form as form_data
from tests.factories import make_article, make_owner

# The worker commits what it does, as in production: these tests run outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    """The task framework's own worker, until the queue holds nothing due."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def post(client, article, **fields):
    return client.post(reverse("comments:post", args=[article.slug]), form_data(article, **fields))


@pytest.fixture
def server(settings):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True  # the owner hears of each comment: one mail per post
    with smtp.SMTPServer() as server:
        smtp.use(settings, server.port)
        yield server


@pytest.fixture
def article(transactional_db):
    return make_article(author=make_owner(email="owner@example.com"), title="Outboxes")


def test_a_post_never_talks_to_the_mail_server(client, server, article):
    response = post(client, article)
    assert response.status_code == 302
    comment = Comment.objects.get()
    mail = OutgoingMail.objects.get()
    assert (mail.to, mail.comment, mail.sent_at) == ("owner@example.com", comment, None)
    assert (server.handler.connections, server.messages) == (0, [])


def test_the_worker_delivers_each_mail_once(client, server, article):
    post(client, article)
    run_worker()
    run_worker()
    call_command("comment_jobs", verbosity=0)  # the periodic sweep finds nothing left to send
    run_worker()
    [message] = server.messages
    assert message["To"] == "owner@example.com"
    mail = OutgoingMail.objects.get()
    assert (mail.attempts, mail.last_error, mail.failing_since) == (1, "", None)
    assert mail.sent_at is not None


def test_a_mail_is_written_with_its_comment_or_not_at_all(server, article):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.post_comment(
            article=article, data=form_data(article), user=AnonymousUser(), seconds_to_submit=60
        )
        raise RuntimeError("the transaction fails after the mail was queued")
    assert not Comment.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def make_due(mail):
    """Time passes until the mail's next attempt."""
    past = timezone.now() - timedelta(seconds=1)
    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


def test_a_refused_mail_is_retried_later_and_sent_once(client, server, article):
    server.refuse()
    post(client, article)
    run_worker()
    mail = OutgoingMail.objects.get()
    assert (mail.sent_at, mail.attempts) == (None, 1)
    assert "451" in mail.last_error
    assert mail.failing_since is not None
    # The next attempt waits, and a task waits for it: the worker does not spin on a failing server.
    assert mail.next_attempt_at > timezone.now()
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.run_after == mail.next_attempt_at
    run_worker()
    assert server.messages == []

    server.refuse(False)
    make_due(mail)
    run_worker()
    call_command("comment_jobs", verbosity=0)
    run_worker()
    mail.refresh_from_db()
    assert (mail.attempts, mail.failing_since, mail.last_error) == (2, None, "")
    assert len(server.messages) == 1


def test_retries_wait_longer_each_time(client, server, article):
    server.refuse()
    post(client, article)
    waits = []
    for _attempt in range(4):
        before = timezone.now()
        run_worker()
        mail = OutgoingMail.objects.get()
        waits.append(round((mail.next_attempt_at - before).total_seconds() / 60))
        make_due(mail)
    assert waits == [1, 2, 4, 8]


def test_a_hanging_mail_server_costs_the_worker_its_timeout_not_the_mail(client, settings, article):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    with smtp.HangingServer() as hanging:
        smtp.use(settings, hanging.port, timeout=1)
        assert post(client, article).status_code == 302
        run_worker()
    mail = OutgoingMail.objects.get()
    assert (mail.sent_at, mail.attempts) == (None, 1)
    assert "timed out" in mail.last_error


def test_a_mail_that_keeps_failing_waits_in_the_admin_until_requeued(client, server, article):
    server.refuse()
    post(client, article)
    OutgoingMail.objects.update(attempts=notifications.MAX_ATTEMPTS - 1)
    run_worker()
    mail = OutgoingMail.objects.get()
    assert (mail.sent_at, mail.next_attempt_at) == (None, None)  # given up on: no more automatic retries
    assert not DBTaskResult.objects.filter(status="READY").exists()

    client.force_login(article.author)
    listing = client.get(reverse("admin:comments_outgoingmail_changelist"), {"status": "given_up"})
    assert "451" in listing.content.decode()
    assert "Failing since" in listing.content.decode()
    client.post(
        reverse("admin:comments_outgoingmail_changelist"),
        {"action": "requeue", "_selected_action": [mail.pk]},
    )
    server.refuse(False)
    run_worker()
    mail.refresh_from_db()
    assert mail.sent_at is not None
    assert len(server.messages) == 1


def test_the_metrics_count_failing_mails(client, server, article):
    server.refuse()
    post(client, article)
    run_worker()
    client.force_login(article.author)
    page = client.get(reverse("admin:comments_comment_metrics")).content.decode()
    assert "Mails failing to leave" in page
    assert 'data-figure="failing-mails"><a href="/admin/comments/outgoingmail/?status=failing">1</a>' in page


def test_requeueing_leaves_a_mail_being_sent_to_its_worker(client, server, article):
    post(client, article)
    DBTaskResult.objects.all().delete()
    mail = notifications._claim(None)  # a worker is sending it
    assert notifications.requeue(OutgoingMail.objects.all()) == 0
    assert notifications.send_due() == (0, 0)  # nobody else takes it meanwhile
    assert notifications._send(mail)
    assert len(server.messages) == 1


def test_a_worker_whose_claim_ran_out_does_not_undo_the_next_ones(client, server, article):
    server.refuse()
    post(client, article)
    DBTaskResult.objects.all().delete()
    slow = notifications._claim(None)
    OutgoingMail.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))  # it took too long
    second = notifications._claim(None)
    assert second is not None  # another worker took it over
    notifications._send(slow)  # the first one's failure comes in late: the second's claim stands
    assert OutgoingMail.objects.get().claimed_until == second.claimed_until


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="worker processes share PostgreSQL's database"
)
@pytest.mark.parametrize("sweeps", [False, True], ids=["each-mail-its-task", "three-sweeps-at-once"])
def test_three_workers_at_once_send_every_mail_exactly_once(server, article, sweeps):
    for number in range(30):
        services.post_comment(
            article=article,
            data=form_data(article, body=f"Comment {number}", author_email=f"r{number}@example.com"),
            user=AnonymousUser(),
            seconds_to_submit=60,
        )
    if sweeps:
        # Three runs of the periodic jobs at once over the whole backlog (the mails' own tasks lost): only
        # the row locks keep them from sending the same mails.
        DBTaskResult.objects.all().delete()
        for _ in range(3):
            tasks.periodic_jobs.enqueue()
    # Three worker processes, as on three machines, start together on the same 30 mails.
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
        "EMAIL_USE_TLS": "0",
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--interval", "0", "--no-startup-delay"]
    workers = [subprocess.Popen(command, env=environment, cwd=settings.BASE_DIR) for _ in range(3)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0]
    # Each mail quotes its comment: 30 messages, one for each comment.
    quoted = [
        re.search(r"Comment \d+", message.get_payload(decode=True).decode()) for message in server.messages
    ]
    assert sorted(found.group() for found in quoted) == sorted(f"Comment {number}" for number in range(30))
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {1}
    assert not OutgoingMail.objects.filter(sent_at__isnull=True).exists()
