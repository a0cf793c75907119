from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import roles
from .models import User


def _role_action(role, description):
    """An admin action that gives each selected user `role` (or takes it away, for "none")."""

    def action(modeladmin, request, queryset):
        # Nobody changes their own role from the list: one click could lock them out of the admin.
        if queryset.filter(pk=request.user.pk).exists():
            own_role = _(
                "Your own role was left unchanged: another owner (or manage.py assign_role) can change it."
            )
            modeladmin.message_user(request, own_role, messages.WARNING)
        users = list(queryset.exclude(pk=request.user.pk))
        for user in users:
            roles.assign_role(user, role)
        modeladmin.message_user(
            request,
            ngettext("%d user updated.", "%d users updated.", len(users)) % len(users),
            messages.SUCCESS,
        )

    action.__name__ = f"give_{role}_role" if role != "none" else "remove_roles"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Public profile"), {"fields": ("bio",)}))
    actions = [
        _role_action("owner", _("Give the Owner role")),
        _role_action("editor", _("Give the Editor role")),
        _role_action("moderator", _("Give the Moderator role")),
        _role_action("none", _("Remove roles")),
    ]
