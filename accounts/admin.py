from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
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
        others = list(queryset.exclude(pk=request.user.pk))
        users = [user for user in others if roles.may_manage(request.user, user)]
        if len(users) < len(others):
            protected = _("Owners and superusers were left unchanged: only a superuser changes them.")
            modeladmin.message_user(request, protected, messages.WARNING)
        for user in users:
            roles.assign_role(user, role)
        modeladmin.message_user(
            request,
            ngettext("%d user updated.", "%d users updated.", len(users)) % len(users),
            messages.SUCCESS,
        )

    action.__name__ = f"give_{role}_role" if role != "none" else "remove_roles"
    return admin.action(description=description, permissions=["change"])(action)


# What anyone on the staff may change on their own page without the right to change users.
OWN_FIELDSETS = [(_("Mail"), {"fields": ["held_comment_mail"]})]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Public profile"), {"fields": ("bio",)}),
        *OWN_FIELDSETS,
    )
    actions = [
        _role_action("owner", _("Give the Owner role")),
        _role_action("editor", _("Give the Editor role")),
        _role_action("moderator", _("Give the Moderator role")),
        _role_action("none", _("Remove roles")),
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Only a superuser makes an Owner: the role holds every permission but the superuser's.
        if not request.user.is_superuser:
            actions.pop("give_owner_role", None)
        return actions

    def has_change_permission(self, request, obj=None):
        # Moderators choose how they hear of held comments on their own page, and change nothing else there
        # (get_fieldsets); the list of users stays closed to them. Owners' and superusers' accounts (their
        # password above all) are a superuser's to change.
        if self._is_own_page(request, obj):
            return True
        return super().has_change_permission(request, obj) and (
            obj is None or roles.may_manage(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or roles.may_manage(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        # Nobody raises their own privileges, and only a superuser grants the superuser's, permissions one by
        # one (which could add up to an Owner's) or the Owner role (formfield_for_manytomany).
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        readonly = ["is_superuser", "user_permissions"]
        if self._is_own_page(request, obj):
            readonly += ["is_staff", "groups"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(name=roles.OWNER)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if self._is_own_page(request, obj) and not super().has_change_permission(request, obj):
            return OWN_FIELDSETS
        return super().get_fieldsets(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # The admin's password form asks for no current password: only those who may change users use it.
        # An Owner's or a superuser's password is a superuser's to set (or their own).
        target = self.get_object(request, id)
        if not super().has_change_permission(request):
            raise PermissionDenied
        if target and not (roles.may_manage(request.user, target) or target.pk == request.user.pk):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @staticmethod
    def _is_own_page(request, obj):
        return obj is not None and obj.pk == request.user.pk
