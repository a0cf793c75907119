from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import roles

CHOICES = [*roles.ROLES, "none"]


class Command(BaseCommand):
    help = (
        "Give a user one of the admin's roles (owner, editor, moderator), replacing the one they had and "
        "making them staff, or take their role and staff status away with 'none'."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", metavar="{" + ",".join(CHOICES) + "}")

    def handle(self, *args, username, role, **options):
        role = role.lower()
        if role not in CHOICES:
            raise CommandError(f"Unknown role {role!r}: choose one of {', '.join(CHOICES)}.")
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None

        before = roles.role_of(user) or "none"
        roles.assign_role(user, role)
        if role == "none":
            self.stdout.write(f"{username} no longer has a role (was {before}).")
            if user.is_superuser:
                self.stdout.write(f"{username} is still a superuser and staff: change that in the admin.")
            else:
                self.stdout.write(f"{username} is no longer staff.")
        else:
            self.stdout.write(f"{username} is now {roles.ROLES[role]} (was {before}) and staff.")
