from django.core.management.base import BaseCommand, CommandError

from blog import backups


class Command(BaseCommand):
    help = (
        "Restore a folder written by `manage.py backup`: replace the database named by DATABASE_URL with the "
        "backup's and put its media back into MEDIA_ROOT. Stop the site and its jobs first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the folder `manage.py backup` wrote")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args, folder, interactive, **options):
        if interactive:
            answer = input(
                "This replaces every row of the site's database with the backup's. Type 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        backups.restore(folder)
        self.stdout.write(f"Restored {folder}.")
