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
    speaks_for_article: bool  # the article's author or staff wrote it (Article.speaks_for): the Author badge
    in_reply_to: Comment | None  # the comment answered, when deeper than the thread shows (else the parent)
    # "published"; "waiting" (the reader's own held comment, shown only to them); "removed" or "pending"
    # (a placeholder standing in for a removed or held comment so that its replies keep their place).
    shown_as: str
    children: list["Node"] = field(default_factory=list)

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
            removed = comment.status in (Comment.Status.REJECTED, Comment.Status.SPAM)
            shown_as = shown.get(comment.pk) or ("removed" if removed else "pending")
            answered = by_id.get(comment.reply_to_id) if comment.reply_to_id != comment.parent_id else None
            speaks = article.speaks_for(comment.user)
            node = Node(comment, speaks, answered, shown_as, nodes_under(comment.pk))
            nodes.append(node)
        return nodes

    return nodes_under(None)


def _shown_as(comment, own_ids, for_staff):
    if for_staff:
        return comment.status
    if comment.status == Comment.Status.PUBLISHED:
        return "published"
    if comment.status == Comment.Status.HELD and comment.pk in own_ids:
        return "waiting"
    return ""


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
