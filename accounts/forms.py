from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation

from . import tasks


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with its mail sent by the task worker: the request never waits on the mail server. The task
    makes the reset link itself, so no link is ever stored in the task queue. The link leads to the configured
    SITE_URL, like every mailed link, never to the Host the request named (which its sender chooses)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        site = urlsplit(settings.SITE_URL)
        tasks.send_password_reset.enqueue(
            user_pk=context["user"].pk,
            to_email=to_email,
            context={
                **{key: context[key] for key in ("email", "site_name")},
                "protocol": site.scheme,
                "domain": site.netloc,
            },
            templates=[subject_template_name, email_template_name, kwargs.get("html_email_template_name")],
            from_email=from_email,
            language=translation.get_language(),
        )
