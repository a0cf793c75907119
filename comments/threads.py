"""An article's comments as the nested thread readers see, built in memory from the one query of
`Comment.objects.thread_of(article)`, so the page costs the same number of queries for 10 comments or 500."""

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.template import engines
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from markupsafe import Markup

from blog import page_cache

from .forms import CommentForm
from .models import THREAD_PAGE_PARAM, Comment


@dataclass
class Node:
    comment: Comment
    speaks_for_article: bool  # the article's author or staff wrote it (Article.speaks_for): the Author badge
    in_reply_to: Comment | None  # the comment answered, when deeper than the thread shows (else the parent)
    # "published"; "waiting" (the reader's own held comment, shown only to them); "removed" or "pending"
    # (a placeholder standing in for a removed or held comment so that its replies keep their place).
    shown_as: str
    children: list["Node"] = field(default_factory=list)
    posted: str = ""  # when it was posted, as the reader's language writes it (set by `render`)
    posted_iso: str = ""

    @property
    def in_reply_to_is_shown(self):
        return self.in_reply_to is not None and self.in_reply_to.status == Comment.Status.PUBLISHED


def build(comments, article, *, own_ids=frozenset(), for_staff=False):
    """The top-level nodes, oldest first. A comment that is not shown disappears when nothing shown hangs
    from it or answers it, and otherwise leaves a placeholder: moderation never hides a comment's subtree.
    For staff, every comment is shown, as its status."""
    by_parent = defaultdict(list)
    by_id = {}
    for comment in comments:
        by_parent[comment.parent_id].append(comment)
        by_id[comment.pk] = comment
    shown = {comment.pk: mode for comment in comments if (mode := _shown_as(comment, own_ids, for_staff))}
    # What a shown comment hangs from or answers keeps its place in the thread, as a placeholder if need be.
    kept, pending = set(shown), list(shown)
    while pending:
        comment = by_id[pending.pop()]
        for ref in (comment.parent_id, comment.reply_to_id):
            if ref in by_id and ref not in kept:
                kept.add(ref)
                pending.append(ref)

    def nodes_under(parent_id):
        nodes = []
        for comment in by_parent.get(parent_id, ()):
            if comment.pk not in kept:
                continue
            shown_as = shown.get(comment.pk) or _placeholder(comment)
            answered = by_id.get(comment.reply_to_id) if comment.reply_to_id != comment.parent_id else None
            speaks = article.speaks_for(comment.user)
            node = Node(comment, speaks, answered, shown_as, nodes_under(comment.pk))
            nodes.append(node)
        return nodes

    return nodes_under(None)


def _placeholder(comment):
    if comment.status in (Comment.Status.REJECTED, Comment.Status.SPAM):
        return "removed"
    if comment.status == Comment.Status.DELETED:
        return "deleted"
    return "pending"


def _shown_as(comment, own_ids, for_staff):
    if for_staff:
        return comment.status
    if comment.status == Comment.Status.PUBLISHED:
        return "published"
    if comment.status == Comment.Status.HELD and comment.pk in own_ids:
        return "waiting"
    return ""


def render(nodes, *, comments_open, page_query=""):
    """The thread's comments as the HTML list items readers see (templates/jinja2/comments/_thread.jinja).

    The thread is the page readers load most, and in a loop over hundreds of comments each template tag
    counts: labels and the report URL are made once per page here, dates once per comment, and the template
    is Jinja2's, compiled to Python. A 200-comment thread renders faster than Django's own minimal template
    of the same comments would (benchmarks/serve.py)."""
    _date(nodes)
    # The comment id goes where this stands: one reverse() for the page instead of one per comment.
    report_url = reverse("comments:report", args=[REPORT_URL_PLACEHOLDER]).replace(
        str(REPORT_URL_PLACEHOLDER), "{}"
    )
    context = {
        "thread": nodes,
        "comments_open": comments_open,
        "page_query": page_query,  # the reply links stay on the thread's page: "comments=N&" or nothing
        "labels": _labels(),
        "report_url": report_url,
    }
    return mark_safe(engines["jinja2"].get_template("comments/_thread.jinja").render(context))


REPORT_URL_PLACEHOLDER = 123456789


def _date(nodes):
    language, zone = get_language(), timezone.get_current_timezone_name()
    for node in nodes:
        node.posted, node.posted_iso = _posted(node.comment.created_at, language, zone)
        _date(node.children)


@functools.lru_cache(maxsize=20_000)
def _posted(created_at, language, zone):
    """When a comment was posted, as Django's `date` filter writes it (DATETIME_FORMAT, in the current time
    zone) and in ISO 8601. A comment's date never changes: each is formatted once per language and zone
    (a few MB for 20,000 comments), where formatting took a fifth of a long thread's time."""
    posted = timezone.localtime(created_at)
    return formats.date_format(posted, "DATETIME_FORMAT"), posted.isoformat()


def _labels():
    """The thread's words in the reader's language. Those with a name in them are Markup, so that `%` escapes
    the name, as Django's blocktranslate does."""
    return {
        "author": gettext("Author"),
        "question": gettext("Question"),
        "permalink": gettext("Link to this comment"),
        "in_reply_to": gettext("in reply to"),
        "in_reply_to_hidden": gettext("in reply to a comment not shown"),
        "waiting": gettext(
            "Waiting for review: only you can see this comment until a moderator has read it."
        ),
        "reply_title": Markup(gettext("Reply to %(name)s")),
        "reply": Markup(gettext('Reply<span class="visually-hidden"> to %(name)s</span>')),
        "report": Markup(gettext('Report<span class="visually-hidden"> the comment by %(name)s</span>')),
        "removed": Markup(gettext("Removed by moderation: %(reason)s")),
        "pending": gettext("A comment waiting for review."),
        "deleted": gettext("Comment deleted by its author"),
        "edited": gettext("edited"),
    }


OWN_COMMENTS_KEY = "comments.own"


def remember_own(request, comment):
    """The reader's session remembers their comments, so they see their own held ones (and only those)."""
    own = request.session.get(OWN_COMMENTS_KEY, [])
    request.session[OWN_COMMENTS_KEY] = [*own, comment.pk][-50:]


def page_context(request, article, form=None):
    """What the article page needs for its comments: a page of the thread, the count and the form (a reply
    form when ?reply_to names a published comment of the page). A long thread is shown in pages of
    COMMENTS_CONVERSATIONS_PER_PAGE whole conversations (?comments=N); a form shown again with errors is on
    the page of the comment it answers. Three queries, whatever the number of comments."""
    replying_to = getattr(form, "cleaned_data", {}).get("parent") if form is not None else None
    own_ids = frozenset(request.session.get(OWN_COMMENTS_KEY, ()))
    conversations = list(Comment.objects.conversations(article, own_ids))
    pages = Paginator(conversations, settings.COMMENTS_CONVERSATIONS_PER_PAGE, allow_empty_first_page=True)
    if replying_to is not None:
        page = pages.get_page(replying_to.thread_page(conversations))
    else:
        page = pages.get_page(request.GET.get(THREAD_PAGE_PARAM))
        page_cache.page_number_is_canonical(request, THREAD_PAGE_PARAM, page.number)
    comments = list(Comment.objects.thread_of(article, conversations=page.object_list))
    if form is None:
        reply_to = request.GET.get("reply_to", "")
        published = (c for c in comments if c.status == Comment.Status.PUBLISHED)
        replying_to = next((c for c in published if str(c.pk) == reply_to), None)
        token = page_cache.hole(request, "comments.forms.page_token", article.pk)
        initial = {"token": token, "parent": replying_to.pk if replying_to else None}
        form = CommentForm(initial=initial, article=article, user=request.user)
    thread = build(comments, article, own_ids=own_ids)
    comments_open = article.comments_open()
    page_query = f"{THREAD_PAGE_PARAM}={page.number}&" if page.number > 1 else ""
    return {
        "thread": thread,
        "thread_html": render(thread, comments_open=comments_open, page_query=page_query),
        "thread_page": page,
        "comment_count": Comment.objects.published().filter(article=article).count(),
        "comment_form": form,
        "comments_open": comments_open,
        "replying_to": replying_to,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
    }


def reply_context(comment, earlier=10):
    """What a moderator reads before answering `comment`: the chain of comments above it (oldest first), its
    replies, and its author's latest other comments on the site. A fixed number of queries."""
    # Through the article's manager, each comment knows its article without a query (`speaks_for_article`).
    in_thread = {c.pk: c for c in comment.article.comments.select_related("user")}
    chain, cursor = [], in_thread.get(comment.parent_id)
    while cursor is not None:
        chain.append(cursor)
        cursor = in_thread.get(cursor.parent_id)
    replies = sorted(
        (c for c in in_thread.values() if comment.pk in (c.reply_to_id, c.parent_id)),
        key=lambda c: (c.created_at, c.pk),
    )
    others = (
        Comment.objects.filter(author_email__iexact=comment.author_email)
        .exclude(pk=comment.pk)
        .select_related("article")
        .order_by("-created_at")[:earlier]
    )
    return {
        "article": comment.article,
        "chain": chain[::-1],
        "replies": replies,
        "earlier_comments": list(others),
    }
