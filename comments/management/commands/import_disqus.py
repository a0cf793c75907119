from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from blog import page_cache, wordpress
from comments import importing


class Command(BaseCommand):
    help = (
        "Import the comments of a Disqus export (Admin → Export) into the articles they were about, found by "
        "address or identifier; the threads no article matches are listed. Run it again: only what is new is "
        "added."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file Disqus sent")
        wordpress.add_size_limit(parser)

    def handle(self, *args, export, max_size, **options):
        try:
            threads = importing.read_disqus(export, max_size)
        except wordpress.Refused as error:
            raise CommandError(str(error)) from error
        imported, skipped, unmatched = 0, Counter(), []
        for number, thread in enumerate(threads, 1):
            self.stderr.write(f"\r{number}/{len(threads)} threads", ending="")
            if not thread.posts:
                continue
            article = importing.article_for(thread)
            if article is None:
                unmatched.append(thread)
                continue
            with transaction.atomic():
                incoming = importing.from_disqus(thread, skipped)
                saved = importing.save(article, incoming, source="Disqus")
            imported += saved
            skipped["imported before"] += len(incoming) - saved
        if threads:
            self.stderr.write("")
        page_cache.content_changed()
        self.stdout.write(f"Imported: {imported} comments")
        for reason, count in sorted(skipped.items()):
            if count:
                self.stdout.write(f"Skipped {count} comments: {reason}")
        for thread in unmatched:
            self.stdout.write(
                f"No article for the thread “{thread.title}” ({thread.link or thread.identifier}): "
                f"{len(thread.posts)} comments not imported"
            )
