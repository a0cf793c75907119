"""Errors reach the owner (README, "Errors and logs").

- Every request has an id (`request.id`, the `X-Request-ID` response header), taken from the proxy's
  `X-Request-ID` when CAUSERIE_TRUST_REQUEST_ID says the proxy sets it, made up here otherwise. Every log line
  written while the request is served carries it.
- In production the log is one JSON object a line (`JsonFormatter`), which log collectors read as is.
- Unhandled errors are mailed to ADMINS (config/admin_mail.py) and, with SENTRY_DSN set, sent to Sentry
  (`init_sentry`). Neither carries a reader's email or network address: `scrub_event` and `ReporterFilter`
  blank them.
"""

import contextvars
import json
import logging
import re
import traceback
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.views.debug import SafeExceptionReporterFilter

request_id = contextvars.ContextVar("request_id", default="")

_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# IPv4, and IPv6 in full (eight groups) or shortened with "::" (so that a time such as 12:30:45 is kept).
_HEX = r"[0-9a-fA-F]{1,4}"
ADDRESS = re.compile(
    rf"\b(?:\d{{1,3}}\.){{3}}\d{{1,3}}\b"
    rf"|(?<![\w:])(?:(?:{_HEX}:){{7}}{_HEX}|(?:{_HEX}(?::{_HEX})*)?::(?:{_HEX}(?::{_HEX})*)?)(?![\w:])"
)
# Request fields and headers that name a reader: blanked whatever their value looks like.
_PERSONAL_KEYS = re.compile(r"email|addr|forwarded|real.?ip|client.?ip|cookie|author_name", re.IGNORECASE)
SCRUBBED = "[scrubbed]"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        trusted = settings.TRUST_REQUEST_ID and _GIVEN_ID.fullmatch(given)
        request.id = given if trusted else uuid.uuid4().hex
        token = request_id.set(request.id)
        try:
            if settings.SENTRY_DSN:
                import sentry_sdk

                sentry_sdk.get_isolation_scope().set_tag("request_id", request.id)
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request being served (empty outside requests: the task worker)."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, and for a request's error its
    method, path (never the query string, which may hold a token) and status, and the traceback."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub_text(record.getMessage()),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            line.update(method=request.method, path=request.path)
        status = getattr(record, "status_code", None)
        if status is not None:
            line["status"] = status
        if record.exc_info:
            line["exception"] = scrub_text("".join(traceback.format_exception(*record.exc_info)))
        return json.dumps(line, ensure_ascii=False)


def scrub_text(text):
    return ADDRESS.sub(SCRUBBED, EMAIL.sub(SCRUBBED, text))


def scrub_event(event, hint=None):
    """Sentry's `before_send`: the event with every email address and network address blanked, and the
    request's personal fields (the comment form's email, the client's address headers, cookies) removed."""
    request = event.get("request") or {}
    for part in ("data", "headers", "env", "cookies"):
        if isinstance(request.get(part), dict):
            request[part] = {key: _blank_personal(key, value) for key, value in request[part].items()}
    if isinstance(request.get("cookies"), str) or isinstance(request.get("data"), str):
        request.pop("cookies", None)
    user = event.get("user")
    if isinstance(user, dict):
        for key in ("ip_address", "email", "username"):
            user.pop(key, None)
    return _scrub(event)


def _scrub(value):
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _blank_personal(key, _scrub(item)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _blank_personal(key, value):
    return SCRUBBED if _PERSONAL_KEYS.search(str(key)) else value


def init_sentry(dsn, **options):
    """Send unhandled errors (and error log lines, from the worker too) to Sentry, scrubbed. The SDK's own
    default already leaves out the user, cookies and client address; `scrub_event` cleans what it sends."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        before_send=scrub_event,
        traces_sample_rate=0,
        **options,
    )


class ReporterFilter(SafeExceptionReporterFilter):
    """What ADMINS' error mails show of a request: Django's filter (secrets blanked), plus the reader's email,
    name and network address blanked from the form fields and the request headers."""

    hidden_settings = re.compile(
        f"{SafeExceptionReporterFilter.hidden_settings.pattern}|{_PERSONAL_KEYS.pattern}", flags=re.IGNORECASE
    )

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if not parameters:
            return parameters
        parameters = parameters.copy()
        for key in parameters:
            if _PERSONAL_KEYS.search(key):
                parameters[key] = self.cleansed_substitute
        return parameters
