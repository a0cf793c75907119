from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # A signal, against the house rule, because migrate is Django's and not ours: a new model's
        # permissions only exist once post_migrate has run (Django's handler, connected before this one, makes
        # them), and the Owner role means every permission, those included.
        post_migrate.connect(give_owner_every_permission, dispatch_uid="accounts.give_owner_every_permission")


def give_owner_every_permission(sender, using, apps=global_apps, **kwargs):
    """Keep the Owner group (when it exists: migration 0002 makes it) holding every permission. `apps` is the
    migration state after migrate, and absent after flush."""
    from .roles import OWNER

    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # migrating auth backwards: there are no groups to speak of
        return
    owner = Group.objects.using(using).filter(name=OWNER).first()
    if owner is not None:
        owner.permissions.add(*Permission.objects.using(using).exclude(group=owner))
