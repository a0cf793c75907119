from django.conf import settings
from django.core.management.base import BaseCommand

from blog import backups


class Command(BaseCommand):
    help = (
        "Back up the site into a new folder: the database (pg_dump's custom format, or a copy of the SQLite "
        "file made while the site runs) and a tar of MEDIA_ROOT. `manage.py restore` puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder of its own for this backup, made if needed")

    def handle(self, *args, folder, **options):
        for path in backups.back_up(folder):
            self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
        if settings.MEDIA_BUCKET:
            # The tar holds MEDIA_ROOT only: an owner must not believe the uploads are in it.
            self.stderr.write(
                f"The uploads are in the bucket {settings.MEDIA_BUCKET}, not in this backup: back the bucket "
                'up with its provider\'s versioning or `aws s3 sync` (README, "Shared media").'
            )
