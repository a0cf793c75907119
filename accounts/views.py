from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.client_address import client_ip

from .forms import PasswordResetForm
from .models import RESET_WINDOW, ResetRequest


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login while locked out (AXES_LOCKOUT_CALLABLE): the site's page, saying for
    how long, with the status that tells clients to slow down."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, throttled: a network address that asked too often in the hour is told to wait;
    an email address that was sent PASSWORD_RESET_PER_ADDRESS mails in the hour gets no more, behind the same
    answer as any other (the page never tells whether an account uses an address)."""

    form_class = PasswordResetForm
    extra_email_context = {"site_name": settings.SITE_NAME}

    def form_valid(self, form):
        now = timezone.now()
        client = ResetRequest.key_for("client", client_ip(self.request) or "unknown")
        address = ResetRequest.key_for("address", form.cleaned_data["email"])
        with transaction.atomic():
            ResetRequest.objects.filter(requested_at__lt=now - RESET_WINDOW).delete()
            recent = ResetRequest.objects.recent(now)
            if recent.filter(key=client).count() >= settings.PASSWORD_RESET_PER_CLIENT:
                form.add_error(
                    None,
                    _("Too many password resets were asked for from your connection. Try again in an hour."),
                )
                return self.form_invalid(form)
            over = recent.filter(key=address).count() >= settings.PASSWORD_RESET_PER_ADDRESS
            ResetRequest.objects.bulk_create(
                [ResetRequest(key=client, requested_at=now), ResetRequest(key=address, requested_at=now)]
            )
        if over:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
