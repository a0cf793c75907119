import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments import reader_data


class Command(BaseCommand):
    help = (
        "Writes everything the site holds about an email address (its comments, their history, reports, mail "
        "opt-outs, stored mails, bans) as JSON, for a request that arrived by mail. Recorded in the history."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="a file to write (default: standard output)")

    def handle(self, *args, email, output=None, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        data = reader_data.export(email=email, note="on request, from manage.py export_reader")
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "x", encoding="utf-8") as file:
                file.write(text)
            self.stderr.write(f"{len(data['comments'])} comments written to {output}.")
        else:
            self.stdout.write(text)
