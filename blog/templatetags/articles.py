"""An article's byline and its card in lists: `{% byline article %}` and `{% article_card article %}`.

Lists of articles are the pages readers load most after the thread; their cards are Jinja2 macros
(templates/jinja2/blog/_article.jinja) fed with words, dates and addresses made here, as the thread is.
"""

import functools

from django import template
from django.template import engines
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext

register = template.Library()


@register.simple_tag
def byline(article):
    return mark_safe(_macros().byline(article, _words(article)))


@register.simple_tag
def article_card(article):
    """The article's card; its `comment_count`, when the list has one (`|with_comment_counts`), is shown."""
    return mark_safe(_macros().card(article, _words(article)))


def _macros():
    return engines["jinja2"].env.get_template("blog/_article.jinja").module


def _words(article):
    published = timezone.localtime(article.published_at) if article.published_at else None
    minutes, comments = article.reading_time, getattr(article, "comment_count", 0)
    return {
        "url": article.get_absolute_url(),
        "author_url": _address("blog:author", article.author.username),
        # As Django's `date` filter writes them: nothing for a draft without a date.
        "published_iso": published.isoformat() if published else "",
        "published": formats.date_format(published, "DATE_FORMAT") if published else "",
        "reading": ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": minutes},
        "tags": [(_address("blog:tag", tag.slug), tag.name) for tag in article.tag_list],
        "comments": ngettext("%(counter)s comment", "%(counter)s comments", comments) % {"counter": comments}
        if comments
        else "",
    }


def _address(view, key):
    """The address of an author's or a tag's page (`get_absolute_url()`), which the cards of a list repeat:
    found once per language, where reversing it for each card is a tenth of the home page's time."""
    return _reverse(view, key, get_language(), get_script_prefix())


@functools.lru_cache(maxsize=4096)
def _reverse(view, key, language, prefix):
    return reverse(view, args=[key])
