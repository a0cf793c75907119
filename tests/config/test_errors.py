"""Unhandled errors reach the owner: a request id on every line and response, a JSON log, a mail to ADMINS and
an event for Sentry, none of which carries a reader's email or network address."""

import io
import json
import logging

import pytest
import sentry_sdk
from django.core import mail
from django.test import Client
from sentry_sdk.transport import Transport

from config.errors import JsonFormatter, RequestIdFilter, init_sentry
from tests.factories import run_tasks

pytestmark = [pytest.mark.urls("tests.config.urls"), pytest.mark.django_db]

READER = {"author_name": "Camille Martin", "author_email": "camille@example.com", "body": "Hello"}
SECRETS = ("camille@example.com", "203.0.113.9", "198.51.100.7", "Camille Martin")


def fail(**headers):
    """A reader's comment meeting a bug, from their address, through a proxy that added it to the request."""
    client = Client(raise_request_exception=False, REMOTE_ADDR="203.0.113.9")
    return client.post("/failing/", READER, HTTP_X_FORWARDED_FOR="198.51.100.7", **headers)


def test_every_response_has_a_fresh_request_id(client):
    first, second = client.get("/healthz/"), client.get("/healthz/")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(
    ("trusted", "given", "kept"),
    [
        (False, "abc-123", False),
        (True, "abc-123", True),
        (True, "two words", False),
        (True, "x" * 200, False),
    ],
)
def test_the_proxys_request_id_is_kept_only_when_trusted_and_well_formed(
    client, settings, trusted, given, kept
):
    settings.TRUST_REQUEST_ID = trusted
    answered = client.get("/healthz/", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert (answered == given) is kept


def test_an_unhandled_error_is_one_json_line_with_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = fail()
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "ERROR" and record["logger"] == "django.request"
    assert record["request_id"] == response["X-Request-ID"]
    assert record["method"] == "POST" and record["path"] == "/failing/" and record["status"] == 500
    assert "ValueError: could not notify" in record["exception"]
    assert not any(secret in line for secret in SECRETS)


def test_an_unhandled_error_is_mailed_to_the_admins_once_by_the_worker(settings):
    settings.ADMINS = [("Owner", "owner@example.com")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    fail()
    assert mail.outbox == []  # not sent inside the failing request
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["owner@example.com"]
    assert "ValueError" in message.body and "/failing/" in message.subject
    assert not any(secret in message.subject + message.body for secret in SECRETS)
    fail()
    run_tasks()
    assert len(mail.outbox) == 1  # the same error again: the owner knows already


def test_without_admins_nothing_is_queued(settings):
    from django_tasks_db.models import DBTaskResult

    settings.ADMINS = []
    fail()
    assert not DBTaskResult.objects.exists()


class CapturingTransport(Transport):
    """Sentry's own transport interface: the events the SDK would send, kept here instead of posted."""

    events = []

    def capture_envelope(self, envelope):
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)


@pytest.fixture
def sentry(settings):
    settings.SENTRY_DSN = "https://public@sentry.example.invalid/1"
    CapturingTransport.events = []
    init_sentry(settings.SENTRY_DSN, transport=CapturingTransport)
    yield CapturingTransport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: the SDK sends nothing for the next tests


def test_sentry_gets_the_error_without_the_readers_email_or_address(sentry):
    response = fail(HTTP_COOKIE="sessionid=abc", HTTP_USER_AGENT="Firefox, from 203.0.113.9")
    sentry_sdk.flush()
    [event] = sentry
    text = json.dumps(event)
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    assert event["request"]["data"]["body"] == "Hello"  # what is not personal stays, to help find the bug
    assert not any(secret in text for secret in SECRETS), text
    assert "sessionid=abc" not in text
