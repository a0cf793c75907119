"""How comments show on pages the blog owns, without the blog knowing their model: the article page asks for
`{% comment_thread article %}`, article lists read their cards from `page_obj.object_list|with_comment_counts`
and the article's admin page asks for `{% staff_comment_thread original %}`."""

from django import template
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .. import threads
from ..models import Comment

register = template.Library()


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comment_thread(context, article):
    """The article's comment section: its thread, its count and the form. A view that shows the page again
    with a form that has errors passes that bound form in the context as `comment_form`."""
    section = threads.page_context(context["request"], article, context.get("comment_form"))
    return {"article": article, **section}


@register.filter
def with_comment_counts(articles):
    """The articles, each with `comment_count`, the number of its published comments, counted in the query
    that fetches them: give it a page's queryset before anything has read it, and the page costs no query
    more."""
    counts = (
        Comment.objects.published()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return articles.annotate(comment_count=Coalesce(Subquery(counts), 0))


@register.inclusion_tag("admin/comments/_article_comments.html")
def staff_comment_thread(article):
    """Every comment of the article as a thread, each with its status and reply links, for moderators who
    work article by article."""
    comments = Comment.objects.filter(article=article).select_related("user").order_by("created_at", "id")
    return {"nodes": threads.build(comments, article, for_staff=True)}
