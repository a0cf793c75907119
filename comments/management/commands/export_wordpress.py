import sys

from django.core.management.base import BaseCommand

from comments import exporting


class Command(BaseCommand):
    help = (
        "Write the whole blog as a WordPress export (WXR 1.2): articles with their Markdown source, tags, "
        "covers and comments with their threading and statuses. WordPress's Tools → Import reads it, and so "
        "does `manage.py import_wordpress`."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="the file to write, or - for the standard output")

    def handle(self, *args, output, **options):
        if output == "-":
            articles, comments = exporting.write_export(sys.stdout.buffer)
        else:
            with open(output, "wb") as out:
                articles, comments = exporting.write_export(out)
        self.stderr.write(f"Exported {articles} articles and {comments} comments.")
