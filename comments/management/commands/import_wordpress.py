from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from blog import page_cache, wordpress
from comments import importing


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR, from Tools → Export): authors, posts with their tags, images and "
        "comments, and redirects from the old addresses. Run it again with a newer export: only what is new "
        "is added."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file WordPress wrote")
        parser.add_argument(
            "--media",
            action="append",
            default=[],
            metavar="FOLDER",
            help="a folder holding the blog's images (a copy of wp-content/uploads); the export's own folder "
            "is always searched. Images are never downloaded.",
        )
        parser.add_argument(
            "--author",
            action="append",
            default=[],
            metavar="LOGIN=USERNAME",
            help="give the WordPress author LOGIN's posts to the existing user USERNAME",
        )
        wordpress.add_size_limit(parser)

    def handle(self, *args, export, media, author, max_size, **options):
        mapping = dict(item.split("=", 1) for item in author if "=" in item)
        try:
            data = wordpress.read_export(export, max_size)
            with transaction.atomic():
                users, made = wordpress.import_authors(data, mapping)
        except wordpress.Refused as error:
            raise CommandError(str(error)) from error
        summary = wordpress.Summary()
        summary.imported["authors (new users)"] = made
        by_id = {data.authors[login].id: user for login, user in users.items() if data.authors[login].id}
        pictures = wordpress.Images(data, media)
        total = len(data.posts)
        for number, post in enumerate(data.posts, 1):
            self._progress(number, total)
            skipped = Counter()
            try:
                with pictures.kept_if_committed(), transaction.atomic():
                    article, made = wordpress.import_post(
                        post, data, users=users, pictures=pictures, notes=summary.notes
                    )
                    saved = importing.save(
                        article, importing.from_wordpress(data, post, by_id, skipped), source="WordPress"
                    )
            except wordpress.Skip as reason:
                summary.skipped[(post.type + "s", str(reason))] += 1
                summary.skipped[("comments", "their post was skipped")] += len(post.comments)
                continue
            summary.imported["articles"] += made
            summary.skipped[("articles", "imported before")] += not made
            summary.imported["comments"] += saved
            comments_before = len(post.comments) - sum(skipped.values()) - saved
            summary.skipped[("comments", "imported before")] += comments_before
            for reason, count in skipped.items():
                summary.skipped[("comments", reason)] += count
        if total:
            self.stderr.write("")
        summary.imported["images"] = len(pictures.stored)
        missing = "not found beside the export or in --media (kept at their old address)"
        summary.skipped[("images", missing)] = len(set(pictures.missing))
        for refusal in pictures.refused:
            summary.skipped[("images", refusal)] += 1
        page_cache.content_changed()
        for line in summary.lines():
            self.stdout.write(line)

    def _progress(self, number, total):
        width = 30
        done = width * number // total
        self.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {number}/{total} posts", ending="")
