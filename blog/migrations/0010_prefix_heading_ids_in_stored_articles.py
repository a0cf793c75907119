# Headings' ids now begin with "h-" (blog.markup.HEADING_ID_PREFIX): the stored HTML of every article is
# rendered again, as Article.save renders it, so that its headings, table of contents and links agree.

from django.db import migrations
from django.utils import translation

from blog import markup


def render_again(apps, schema_editor):
    Article = apps.get_model("blog", "Article")
    PageVersion = apps.get_model("blog", "PageVersion")
    # Imported HTML bodies (0008) have no generated heading ids; no body shows an uploaded image's renditions
    # yet when this runs (0006 adds them, and `adopt_body_images` runs after migrating).
    for article in Article.objects.filter(body_is_html=False).only("pk", "body", "language").iterator():
        with translation.override(article.language):
            html = markup.render_article_or_none(article.body)
        body_html = markup.plain_paragraphs(article.body) if html is None else html
        Article.objects.filter(pk=article.pk).update(body_html=body_html)
    PageVersion.objects.create()  # readers' cached pages are made again


class Migration(migrations.Migration):
    dependencies = [("blog", "0009_judge_covers_by_their_bytes_alone")]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop)]
