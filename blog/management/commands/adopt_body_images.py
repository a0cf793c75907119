from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from blog import markup
from blog.models import Article, BodyImage


class Command(BaseCommand):
    help = (
        "Give images uploaded into articles' bodies before Causerie kept track of them what new ones get: "
        "a smaller copy at once and WebP renditions from the task worker, shown to readers instead of the "
        "original. Run it once after upgrading; running it again does nothing more."
    )

    def handle(self, *args, **options):
        prefix = default_storage.url("uploads/")
        adopted = 0
        for article in Article.objects.only("pk", "language", "body"):
            # The Markdown's own addresses: the stored HTML shows adopted images from their copies.
            names = {
                src.removeprefix(default_storage.url(""))
                for src in markup.image_sources(markup.render_article(article.body))
                if src.startswith(prefix)
            }
            known = set(BodyImage.objects.filter(file__in=names).values_list("file", flat=True))
            for name in sorted(names - known):
                if default_storage.exists(name):
                    try:
                        BodyImage.objects.adopt(name)
                    except ValidationError as error:  # beyond the images' time and memory budget
                        self.stderr.write(f"{name}: {' '.join(error.messages)}")
                        continue
                    adopted += 1
            if names:
                article.refresh_body_images()
                article.body_images.set(BodyImage.objects.filter(file__in=names))
        self.stdout.write(f"{adopted} images adopted; the task worker makes their renditions.")
