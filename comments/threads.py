"""An article's comments as the nested thread readers see, built in memory from the one query of
`Comment.objects.thread_of(article)`, so the page costs the same number of queries for 10 comments or 500."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from .forms import CommentForm, issue_token
from .models import Comment


@dataclass
class Node:
    comment: Comment
    by_staff: bool  # the article's author or staff wrote it: the Author badge
    in_reply_to: Comment | None  # the comment answered, when deeper than the thread shows (else the parent)
    # "published"; "waiting" (the reader's own held comment, shown only to them); "removed" or "pending"
    # (a placeholder standing in for a rejected or held comment so that its replies keep their place).
    shown_as: str
    children: list["Node"] = field(default_factory=list)


def build(comments, article, *, own_ids=frozenset(), for_staff=False):
    """The top-level nodes, oldest first. A comment that is not shown disappears with nothing under it, and
    leaves a placeholder when replies hang from it: moderation never hides a comment's subtree.
    For staff, every comment is shown, as its status."""
    by_parent = defaultdict(list)
    by_id = {}
    for comment in comments:
        by_parent[comment.parent_id].append(comment)
        by_id[comment.pk] = comment

    def nodes_under(parent_id):
        nodes = []
        for comment in by_parent.get(parent_id, ()):
            children = nodes_under(comment.pk)
            shown_as = (
                comment.status if for_staff else _shown_as(comment, own_ids, has_replies=bool(children))
            )
            if shown_as:
                in_reply_to = (
                    by_id.get(comment.reply_to_id) if comment.reply_to_id != comment.parent_id else None
                )
                nodes.append(Node(comment, comment.is_by_staff(article), in_reply_to, shown_as, children))
        return nodes

    return nodes_under(None)


def _shown_as(comment, own_ids, *, has_replies):
    if comment.status == Comment.Status.PUBLISHED:
        return "published"
    if comment.status == Comment.Status.HELD and comment.pk in own_ids:
        return "waiting"
    if not has_replies:
        return ""
    return "removed" if comment.status == Comment.Status.REJECTED else "pending"


OWN_COMMENTS_KEY = "comments.own"


def remember_own(request, comment):
    """The reader's session remembers their comments, so they see their own held ones (and only those)."""
    own = request.session.get(OWN_COMMENTS_KEY, [])
    request.session[OWN_COMMENTS_KEY] = [*own, comment.pk][-50:]


def page_context(request, article, form=None):
    """What the article page needs for its comments: the thread, the count and the form (a reply form when
    ?reply_to names a published comment)."""
    comments = list(Comment.objects.thread_of(article))
    published = [comment for comment in comments if comment.status == Comment.Status.PUBLISHED]
    replying_to = None
    if form is None:
        reply_to = request.GET.get("reply_to", "")
        replying_to = next((c for c in published if str(c.pk) == reply_to), None)
        initial = {"token": issue_token(article), "parent": replying_to.pk if replying_to else None}
        form = CommentForm(initial=initial, article=article, user=request.user)
    else:
        replying_to = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
    return {
        "thread": build(comments, article, own_ids=frozenset(request.session.get(OWN_COMMENTS_KEY, ()))),
        "comment_count": len(published),
        "comment_form": form,
        "comments_open": article.comments_open(),
        "replying_to": replying_to,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
    }


def reply_context(comment, earlier=10):
    """What a moderator reads before answering `comment`: the chain of comments above it (oldest first), its
    replies, and its author's latest other comments on the site. A fixed number of queries."""
    in_thread = {c.pk: c for c in Comment.objects.filter(article=comment.article).select_related("user")}
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
