"""/healthz/ and /readyz/, as a load balancer asks them: by address, every second, and never from a cache."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import tasks
from config import health
from tests.s3 import S3Server

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_storage_check():
    health.forget_storage_check()
    yield
    health.forget_storage_check()


def probe(path="/readyz/"):
    """A balancer's request: to the server's address, not the site's name, without cookies."""
    return Client(HTTP_HOST="10.0.0.5:8000").get(path)


def never_stored(response):
    return "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_liveness_answers_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = probe("/healthz/")
    assert response.status_code == 200 and response.json() == {"status": "alive"}
    assert never_stored(response)


def test_readiness_checks_everything_in_one_query(media_storage, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = probe()
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "queue": "ok"},
    }
    assert never_stored(response)


def test_readiness_fails_while_the_storage_server_is_away_and_recovers(settings):
    server = S3Server().start()
    try:
        settings.STORAGES = {**settings.STORAGES, "default": server.storage_options(server.new_bucket())}
        assert probe().status_code == 200
        server.stop()
        health.forget_storage_check()
        response = probe()
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable" and body["failing"] == ["storage"]
        assert body["checks"]["storage"] == "EndpointConnectionError"
        assert str(server.port) not in response.content.decode()  # where it is, and how to log in, stay here
        assert never_stored(response)
        server.start()
        assert probe().status_code == 503  # the storage's answer is reused for a few seconds
        health.forget_storage_check()
        assert probe().status_code == 200
    finally:
        server.stop()


def test_readiness_fails_while_the_cache_is_unreachable(settings):
    # A real Redis client, and a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    response = probe()
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"] and response.json()["checks"]["cache"] == "ConnectionError"


def test_readiness_fails_when_the_oldest_waiting_job_waited_too_long(settings):
    settings.READY_MAX_QUEUE_AGE = 600
    result = tasks.periodic_jobs.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=11))
    response = probe()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["queue"] and body["checks"]["queue"] == "backlog"
    assert 660 <= body["oldest_waiting_job_seconds"] < 700
    settings.READY_MAX_QUEUE_AGE = 0  # the queue left out of readiness
    assert probe().status_code == 200


def test_a_job_waiting_for_its_time_is_not_late(settings):
    tasks.periodic_jobs.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    recent = tasks.periodic_jobs.enqueue()
    DBTaskResult.objects.filter(pk=recent.id).update(enqueued_at=timezone.now() - timedelta(seconds=30))
    body = probe().json()
    assert body["status"] == "ready" and 30 <= body["oldest_waiting_job_seconds"] < 60
