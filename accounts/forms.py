from django.contrib.auth import forms as auth_forms
from django.utils import translation

from . import tasks


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with its mail sent by the task worker: the request never waits on the mail server. The task
    makes the reset link itself, so no link is ever stored in the task queue."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        tasks.send_password_reset.enqueue(
            user_pk=context["user"].pk,
            to_email=to_email,
            context={key: context[key] for key in ("email", "domain", "site_name", "protocol")},
            templates=[subject_template_name, email_template_name, kwargs.get("html_email_template_name")],
            from_email=from_email,
            language=translation.get_language(),
        )
