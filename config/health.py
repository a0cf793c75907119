"""What a load balancer or a monitor asks each app server (README, "Health and readiness").

- `/healthz/` (liveness): the process answers. It touches nothing, so a database outage never makes the
  balancer restart every server.
- `/readyz/` (readiness): this server can serve readers. It checks the database, the cache, the media storage
  and the age of the oldest background job waiting in the queue, and answers 503 naming what fails.

Both are answered by a middleware ahead of the others: a balancer probes by address, not by the site's host
name (which ALLOWED_HOSTS would refuse), over plain HTTP (which the HTTPS redirect would bounce), and without
cookies. Neither answer is ever stored by a cache (`Cache-Control: no-store`) nor says anything secret: the
reason for a failure is the name of the check and of the error's kind, the details go to the log.
"""

import logging
import os
import secrets
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_tasks.base import TaskResultStatus

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz/"
READINESS_PATH = "/readyz/"
# The storage is asked at most this often by each process (a request to the bucket costs time and money);
# the database and the cache, which are asked on every page anyway, every time.
STORAGE_CHECK_SECONDS = 5
_PROBE = ".causerie-readiness-probe"

_storage_lock = threading.Lock()
_storage_result = (float("-inf"), None)  # (monotonic time, failure or None)


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVENESS_PATH:
            return _answer({"status": "alive"}, 200)
        if request.path == READINESS_PATH:
            checks, oldest = readiness()
            failing = [name for name, result in checks.items() if result != "ok"]
            body = {"status": "unavailable" if failing else "ready", "checks": checks}
            if failing:
                body["failing"] = failing
            if oldest is not None:
                body["oldest_waiting_job_seconds"] = oldest
            return _answer(body, 503 if failing else 200)
        return self.get_response(request)


def readiness():
    """`({check: "ok" or the reason it failed}, age in seconds of the oldest waiting job or None)`."""
    checks = {}
    oldest = None
    try:
        oldest = _oldest_waiting_job()
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = _failed("database", error)
    try:
        _check_cache()
        checks["cache"] = "ok"
    except Exception as error:
        checks["cache"] = _failed("cache", error)
    checks["storage"] = _check_storage()
    limit = settings.READY_MAX_QUEUE_AGE
    if "database" in checks and checks["database"] == "ok" and limit:
        checks["queue"] = "ok" if oldest is None or oldest <= limit else "backlog"
    return checks, oldest


def _answer(body, status):
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    # A failing check is logged once as a warning (`_failed`); Django would log every 503 as an error, and
    # mail ADMINS about each probe of a balancer.
    response._has_been_logged = True
    return response


def _failed(name, error):
    logger.warning("Readiness: the %s check failed: %r", name, error)
    return type(error).__name__


def _oldest_waiting_job():
    """Seconds the oldest due job of the queue has waited (one indexed query), or None for an empty queue.

    django-tasks-db stores "no date" in `run_after` as the largest date: such a job is due from when it was
    queued, one with a date from that date."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    never = get_date_max()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    dates = waiting.aggregate(
        queued=Min("enqueued_at", filter=Q(run_after=never)),
        due=Min("run_after", filter=Q(run_after__lte=now)),
    )
    starts = [date for date in dates.values() if date is not None]
    return round((now - min(starts)).total_seconds()) if starts else None


def _check_cache():
    key = f"causerie:readiness:{os.getpid()}"
    value = secrets.token_hex(4)
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise LookupError("the cache did not return what was just stored in it")


def _check_storage():
    global _storage_result
    with _storage_lock:
        checked_at, failure = _storage_result
        if time.monotonic() - checked_at < STORAGE_CHECK_SECONDS:
            return failure or "ok"
        try:
            _reach_storage()
            failure = None
        except Exception as error:
            failure = _failed("storage", error)
        _storage_result = (time.monotonic(), failure)
        return failure or "ok"


def _reach_storage():
    if hasattr(default_storage, "bucket_name"):
        # A HEAD request for a file that need not exist: answered only with the bucket reachable and the
        # credentials accepted (a refusal or an unreachable server raises).
        default_storage.exists(_PROBE)
        return
    folder = Path(default_storage.location)
    while not folder.exists():  # the media folder is made at the first upload
        folder = folder.parent
    if not os.access(folder, os.W_OK):
        raise PermissionError("the media folder cannot be written to")


def forget_storage_check():
    """Ask the storage again at the next readiness check (for tests)."""
    global _storage_result
    _storage_result = (float("-inf"), None)
