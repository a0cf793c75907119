"""The accounts' mail, sent by the task worker (`manage.py db_worker`)."""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


@task()
def send_password_reset(*, user_pk, to_email, context, templates, from_email, language):
    """Django's password reset mail, with its one-use link made now, to an account that still has this
    address, is active and has a password (as when it was asked for). Django's form logs a failure to send;
    the person asks again."""
    user = get_user_model()._default_manager.filter(pk=user_pk, is_active=True).first()
    if user is None or not user.has_usable_password() or user.email.lower() != to_email.lower():
        return False
    context = {
        **context,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject, body, html = templates
    with translation.override(language):
        auth_forms.PasswordResetForm().send_mail(
            subject, body, context, from_email, to_email, html_email_template_name=html
        )
    return True
