"""comments.threads: the thread as readers and moderators see it, built from the one thread query."""

import pytest

from comments import threads
from comments.models import Comment
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def shown(nodes):
    return [(node.comment.pk, node.shown_as, shown(node.children)) for node in nodes]


def test_a_held_comment_shows_only_to_its_author_as_waiting():
    comment = make_comment(status="held")
    comments = list(Comment.objects.thread_of(comment.article))
    assert shown(threads.build(comments, comment.article)) == []
    assert shown(threads.build(comments, comment.article, own_ids={comment.pk})) == [
        (comment.pk, "waiting", [])
    ]


def test_a_hidden_comment_with_visible_replies_becomes_a_placeholder():
    rejected = make_comment(status="rejected", rejection_reason="insult")
    reply = make_comment(reply_to=rejected)
    held = make_comment(rejected.article, status="held")
    answer = make_comment(reply_to=held)
    article = rejected.article
    nodes = threads.build(list(Comment.objects.thread_of(article)), article)
    assert shown(nodes) == [
        (rejected.pk, "removed", [(reply.pk, "published", [])]),
        (held.pk, "pending", [(answer.pk, "published", [])]),
    ]


def test_a_placeholder_is_kept_for_replies_further_down_only_when_something_is_shown():
    top = make_comment(status="rejected", rejection_reason="spam")
    middle = make_comment(reply_to=top, status="rejected", rejection_reason="spam")
    make_comment(reply_to=middle, status="held")
    nodes = threads.build(list(Comment.objects.thread_of(top.article)), top.article)
    assert nodes == []


def test_staff_see_every_comment_as_its_status_spam_included():
    top = make_comment(status="published")
    held = make_comment(reply_to=top, status="held")
    spam = make_comment(top.article, status="spam")
    comments = Comment.objects.filter(article=top.article).order_by("created_at", "id")
    assert shown(threads.build(comments, top.article, for_staff=True)) == [
        (top.pk, "published", [(held.pk, "held", [])]),
        (spam.pk, "spam", []),
    ]
