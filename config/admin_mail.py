"""Unhandled errors mailed to ADMINS, by the task worker, and not a thousand times for one bug.

Django's AdminEmailHandler writes the mail (its request part filtered by `config.errors.ReporterFilter`);
this one queues it for the worker instead of waiting for the mail server inside the failing request, and sends
one mail for each kind of error (its exception and where it was raised) every THROTTLE_SECONDS, not one for
each reader who met it. With the database down the mail cannot be queued, and is sent at once.
"""

import hashlib
import logging
import traceback

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.log import AdminEmailHandler as DjangoAdminEmailHandler
from django_tasks import task

from config.errors import scrub_text

logger = logging.getLogger(__name__)

THROTTLE_SECONDS = 10 * 60


class AdminEmailHandler(DjangoAdminEmailHandler):
    def emit(self, record):
        if settings.ADMINS and self._first_in_a_while(record):
            super().emit(record)

    def send_mail(self, subject, message, *args, **kwargs):
        # The exception's own message may quote a reader; the request's fields are blanked by ReporterFilter.
        subject, message = scrub_text(subject), scrub_text(message)
        try:
            mail_admins.enqueue(subject, message, kwargs.get("html_message"))
        except DatabaseError:
            super().send_mail(subject, message, *args, **kwargs)

    def _first_in_a_while(self, record):
        if record.exc_info:
            error_type, _error, trace = record.exc_info
            where = traceback.extract_tb(trace)[-1:] if trace else []
            kind = f"{error_type.__module__}.{error_type.__qualname__}" + "".join(
                f"{frame.filename}:{frame.lineno}" for frame in where
            )
        else:
            kind = f"{record.name}:{record.getMessage()}"
        key = "causerie:admin-mail:" + hashlib.sha256(kind.encode()).hexdigest()[:32]
        try:
            return cache.add(key, 1, THROTTLE_SECONDS)
        except Exception:  # the cache being down is no reason to keep an error from the owner
            return True


@task()
def mail_admins(subject, message, html_message=None):
    mail.mail_admins(subject, message, html_message=html_message)
