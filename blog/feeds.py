import re
from copy import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .control_characters import without_control_characters
from .models import Article, Tag

FEED_LENGTH = 20
# Site-relative addresses in our own sanitised HTML, whose attributes bleach always writes in double quotes.
RELATIVE_URL = re.compile(r'(?P<attribute>\b(?:href|src))="/(?!/)')
# A body image's srcset lists several addresses: "/media/a.webp 480w, /media/b.webp 960w".
SRCSET = re.compile(r'\bsrcset="([^"]*)"')


def _printable(value):
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, list | tuple):
        return type(value)(_printable(item) for item in value)
    return value


class _Printable:
    """A feed writer that drops control characters from every text it is given: XML 1.0 cannot hold them,
    and rows stored before they were refused may still have some."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_printable(args), **{key: _printable(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*_printable(args), **{key: _printable(value) for key, value in kwargs.items()})


class PrintableRssFeed(_Printable, Rss201rev2Feed):
    pass


class PrintableAtomFeed(_Printable, Atom1Feed):
    pass


class LatestArticlesFeed(Feed):
    feed_type = PrintableRssFeed

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: give this request a copy that knows the site's address,
        # so that feed readers get absolute links to images and pages.
        feed = copy(self)
        feed.site_url = request.build_absolute_uri("/").rstrip("/")
        return super(LatestArticlesFeed, feed).__call__(request, *args, **kwargs)

    def title(self):
        return settings.SITE_NAME

    def description(self):
        return settings.SITE_TAGLINE

    def link(self):
        return reverse("blog:article_list")

    def items(self):
        return Article.objects.published().with_relations()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        html = RELATIVE_URL.sub(rf'\g<attribute>="{self.site_url}/', item.body_html)
        return SRCSET.sub(self._absolute_srcset, html)

    def _absolute_srcset(self, match):
        entries = [entry.strip() for entry in match.group(1).split(",")]
        absolute = [f"{self.site_url}{entry}" if re.match(r"/(?!/)", entry) else entry for entry in entries]
        return f'srcset="{", ".join(absolute)}"'

    def item_author_name(self, item):
        return item.author.display_name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tag_list]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = PrintableAtomFeed
    subtitle = LatestArticlesFeed.description


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"{settings.SITE_NAME}: {tag.name}"

    def link(self, tag):
        return tag.get_absolute_url()

    def items(self, tag):
        return Article.objects.published().with_relations().filter(tags=tag)[:FEED_LENGTH]


class TagAtomFeed(TagFeed):
    feed_type = PrintableAtomFeed
    subtitle = TagFeed.description
