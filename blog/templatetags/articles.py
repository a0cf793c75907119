"""An article's byline and its card in lists: `{% byline article %}` and `{% article_card article %}`.

Lists of articles are the pages readers load most after the thread; their cards are Jinja2 macros
(templates/jinja2/blog/_article.jinja) fed with words, dates and addresses made here, as the thread is.
"""

from django import template
from django.template import engines
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

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
        "author_url": article.author.get_absolute_url(),
        # As Django's `date` filter writes them: nothing for a draft without a date.
        "published_iso": published.isoformat() if published else "",
        "published": formats.date_format(published, "DATE_FORMAT") if published else "",
        "reading": ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": minutes},
        "tags": [(tag.get_absolute_url(), tag.name) for tag in article.tags.all()],
        "comments": ngettext("%(counter)s comment", "%(counter)s comments", comments) % {"counter": comments}
        if comments
        else "",
    }
