from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments import reader_data


class Command(BaseCommand):
    help = (
        'Erases everything the site holds about an email address, as the reader\'s own "erase all" does: '
        'comments without replies are deleted, the others stay as "Comment deleted by its author", stored '
        "mails go. Asks to confirm (--noinput in scripts). Recorded in the history."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, email, interactive=True, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        count = reader_data.comments_of(email=email).count()
        if interactive:
            answer = input(f"Erase the {count} comments of {email} and the mails kept for it? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing erased.")
        counts = reader_data.erase(email=email, note="on request, from manage.py erase_reader")
        self.stdout.write(
            f"{counts['deleted']} comments deleted, {counts['anonymised']} kept as placeholders for their "
            f"replies, {counts['mails']} stored mails deleted."
        )
