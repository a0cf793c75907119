"""comments.services: the writes with several effects, each checked for all of them: the comment's status, its
history row, and the mails it queues (every mail is stored in OutgoingMail before it is sent)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from comments import services
from comments.models import Ban, Comment, OutgoingMail
from comments.moderation import Reason, RejectionReason
from tests.factories import delivered, make_article, make_comment, make_owner, make_user

pytestmark = pytest.mark.django_db

THREE_LINKS = "See https://a.example, https://b.example and https://c.example."


@pytest.fixture
def moderator(db):
    return make_owner("moderator")


def queued():
    """(recipient, kind) of every mail stored for sending, in the order they were queued."""
    return list(OutgoingMail.objects.order_by("created_at", "id").values_list("to", "kind"))


def last_event(comment):
    event = comment.history.latest("id")
    return (event.action, event.actor, event.from_status, event.to_status, event.reason, event.note)


def post(article, body="A thoughtful remark.", *, user=None, **fields):
    """The service called as the comment view calls it, for a person who took a minute to write."""
    data = {"author_name": "Ada", "author_email": "ada@example.com", "body": body, **fields}
    return services.post_comment(
        article=article,
        data=data,
        user=user or AnonymousUser(),
        ip_address="192.0.2.7",
        user_agent="Mozilla/5.0",
        seconds_to_submit=60,
    )


# Posting


def test_posting_a_civil_comment_publishes_it_with_its_posted_history_row_and_queues_no_mail():
    article = make_article()
    comment, decision = post(article, "Clear and useful, thank you.")
    comment.refresh_from_db()
    assert decision.outcome == Comment.Status.PUBLISHED
    assert (comment.status, comment.article, comment.author_name, comment.author_email) == (
        "published",
        article,
        "Ada",
        "ada@example.com",
    )
    assert (comment.ip_address, comment.user_agent, comment.policy_reasons) == (
        "192.0.2.7",
        "Mozilla/5.0",
        [],
    )
    assert last_event(comment) == ("posted", None, "", "published", "", "")
    assert queued() == []


def test_posting_a_comment_the_policy_holds_records_why_and_queues_a_mail_to_the_articles_author():
    article = make_article()
    comment, decision = post(article, THREE_LINKS)
    comment.refresh_from_db()
    assert decision.outcome == Comment.Status.HELD
    assert (comment.status, comment.policy_reasons) == ("held", [Reason.LINKS])
    assert last_event(comment) == ("posted", None, "", "held", Reason.LINKS, "")
    assert queued() == [(article.author.email, "held_comment")]


def test_posting_signed_in_takes_the_name_and_address_from_the_account():
    reader = make_user("camille", first_name="Camille", last_name="Martin")
    comment, _decision = post(make_article(), user=reader, author_url="https://spam.example")
    assert (comment.user, comment.author_name, comment.author_email, comment.author_url) == (
        reader,
        "Camille Martin",
        reader.email,
        "",
    )
    assert last_event(comment)[1] == reader


def test_a_reply_deeper_than_the_limit_hangs_from_the_deepest_level_and_mails_the_reader_it_answers(settings):
    settings.COMMENTS_MAX_DEPTH = 3
    top = make_comment()
    second = make_comment(reply_to=top)
    third = make_comment(reply_to=second, author_email="third@example.com", notify_replies=True)
    reply, _decision = post(top.article, parent=third)
    assert (reply.parent, reply.reply_to, reply.depth) == (second, third, 2)
    assert queued() == [("third@example.com", "reply")]


def test_the_browser_name_is_stored_without_nul_characters_and_at_most_300_characters_long():
    comment, _decision = services.post_comment(
        article=make_article(),
        data={"author_name": "Ada", "author_email": "ada@example.com", "body": "Hello"},
        user=AnonymousUser(),
        user_agent="Moz\x00illa " + "x" * 400,
        seconds_to_submit=60,
    )
    assert comment.user_agent == ("Mozilla " + "x" * 400)[:300]


# Approving


def test_approving_a_held_comment_publishes_it_records_who_and_queues_the_commenters_mail(moderator):
    comment = make_comment(status="held", author_email="ada@example.com")
    services.approve(comment, by=moderator, note="Links are fine")
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == ("published", moderator)
    assert last_event(comment) == ("approved", moderator, "held", "published", "", "Links are fine")
    assert queued() == [("ada@example.com", "published")]


def test_approving_a_held_reply_also_queues_the_mail_to_the_reader_it_answers(moderator):
    answered = make_comment(author_email="bea@example.com", notify_replies=True)
    reply = make_comment(reply_to=answered, status="held", author_email="ada@example.com")
    services.approve(reply, by=moderator)
    assert sorted(queued()) == [("ada@example.com", "published"), ("bea@example.com", "reply")]


def test_approving_a_published_comment_mails_nobody(moderator):
    comment = make_comment(status="published")
    services.approve(comment, by=moderator)
    assert last_event(comment)[:4] == ("approved", moderator, "published", "published")
    assert (queued(), delivered()) == ([], [])


def test_reversing_a_rejection_tells_the_author_it_is_published(moderator):
    comment = make_comment(author_email="ada@example.com")
    services.reject(comment, by=moderator, reason=RejectionReason.INSULT)
    services.approve(comment, by=moderator, note="Reversed")
    comment.refresh_from_db()
    assert (comment.status, comment.rejection_reason) == ("published", "")
    assert queued() == [("ada@example.com", "rejected"), ("ada@example.com", "published")]
    assert "is published" in delivered()[-1].subject


# Rejecting and marking spam


def test_rejecting_a_held_comment_records_the_reason_and_queues_the_commenters_mail_with_an_appeal_link(
    moderator,
):
    comment = make_comment(status="held", author_email="ada@example.com")
    services.reject(comment, by=moderator, reason=RejectionReason.INSULT, note="Name-calling")
    comment.refresh_from_db()
    assert (comment.status, comment.rejection_reason) == ("rejected", RejectionReason.INSULT)
    assert last_event(comment) == ("rejected", moderator, "held", "rejected", "insult", "Name-calling")
    assert queued() == [("ada@example.com", "rejected")]
    appeal_prefix = reverse("comments:appeal", args=["token"]).removesuffix("token/")
    assert appeal_prefix in OutgoingMail.objects.get().body


def test_a_rejection_without_a_reason_from_the_list_changes_nothing_and_mails_nobody(moderator):
    comment = make_comment(status="held")
    with pytest.raises(ValidationError):
        services.reject(comment, by=moderator, reason="ugly")
    comment.refresh_from_db()
    assert (comment.status, comment.history.exists(), queued()) == ("held", False, [])


def test_rejecting_spam_mails_nobody(moderator):
    comment = make_comment(author_email="ada@example.com")
    services.mark_spam(comment, by=moderator)
    services.reject(comment, by=moderator, reason=RejectionReason.SPAM)
    assert last_event(comment)[:4] == ("rejected", moderator, "spam", "rejected")
    assert (queued(), delivered()) == ([], [])


def test_marking_a_held_comment_as_spam_records_it_and_mails_nobody(moderator):
    comment = make_comment(status="held", author_email="ada@example.com")
    services.mark_spam(comment, by=moderator)
    comment.refresh_from_db()
    assert comment.status == "spam"
    assert last_event(comment)[:4] == ("spam", moderator, "held", "spam")
    assert (queued(), delivered()) == ([], [])


# Replying from the admin


def test_a_reply_from_the_admin_approving_first_publishes_both_and_queues_both_mails():
    owner = make_owner()
    article = make_article(author=owner)
    question = make_comment(article, status="held", author_email="ada@example.com", is_question=True)
    reply = services.reply_from_admin(question, by=owner, body="Here is the answer.", approve_first=True)
    question.refresh_from_db()
    assert question.status == "published"
    assert last_event(question)[:4] == ("approved", owner, "held", "published")
    assert (reply.status, reply.parent, reply.reply_to, reply.user) == (
        "published",
        question,
        question,
        owner,
    )
    assert last_event(reply)[:4] == ("posted", owner, "", "published")
    assert queued() == [("ada@example.com", "published"), ("ada@example.com", "reply")]


def test_a_reply_from_the_admin_without_approving_leaves_the_comment_held_and_its_author_unmailed():
    owner = make_owner()
    comment = make_comment(make_article(author=owner), status="held", author_email="ada@example.com")
    reply = services.reply_from_admin(comment, by=owner, body="Thanks, we will look.")
    comment.refresh_from_db()
    assert (comment.status, comment.history.exists()) == ("held", False)
    assert (reply.status, reply.reply_to) == ("published", comment)
    assert queued() == []


# Appeals, reports and bans


def test_an_appeal_puts_the_rejection_back_in_the_queue_and_queues_a_mail_to_the_articles_author(moderator):
    comment = make_comment(author_email="ada@example.com")
    services.reject(comment, by=moderator, reason=RejectionReason.INSULT)
    OutgoingMail.objects.all().delete()
    services.appeal(comment)
    comment.refresh_from_db()
    assert (comment.status, comment.is_appeal, comment.rejection_reason) == ("held", True, "insult")
    assert Reason.APPEAL in comment.policy_reasons
    assert last_event(comment)[:5] == ("appealed", None, "rejected", "held", "insult")
    assert {to for to, _kind in queued()} == {comment.article.author.email, moderator.email}


def test_one_address_reports_a_comment_once_while_reports_without_an_address_all_count():
    comment = make_comment()
    first = services.report(comment, reason="spam", ip_address="192.0.2.7")
    assert services.report(comment, reason="insult", ip_address="192.0.2.7") == first
    services.report(comment, reason="spam")
    services.report(comment, reason="spam")
    assert comment.reports.count() == 3


def test_banning_authors_bans_each_reader_once_by_address_and_account_and_never_staff(moderator):
    reader = make_user()
    article = make_article()
    make_comment(article, author_email="troll@example.com", ip_address="192.0.2.9")
    make_comment(article, author_email="troll@example.com", ip_address="192.0.2.9")
    make_comment(article, user=reader, author_email=reader.email, ip_address="192.0.2.10")
    make_comment(article, user=moderator, author_email=moderator.email)
    bans = services.ban_authors(Comment.objects.all(), by=moderator, days=7, reason="Trolling")
    assert sorted((ban.email, ban.ip_address, ban.user) for ban in bans) == [
        ("troll@example.com", "192.0.2.9", None),
        (reader.email, "192.0.2.10", reader),
    ]
    assert all((ban.created_by, ban.reason) == (moderator, "Trolling") for ban in bans)


def test_banning_never_bans_staff_even_through_an_address_typed_in_an_anonymous_comment():
    owner = make_user("owner-banned-never", is_staff=True, email="owner@example.com")
    typed = make_comment(author_email="OWNER@example.com", ip_address="192.0.2.7")
    reader = make_comment(author_email="reader@example.com")
    bans = services.ban_authors(
        Comment.objects.filter(pk__in=[typed.pk, reader.pk]), by=owner, days=1, reason="x"
    )
    assert [ban.email for ban in bans] == ["reader@example.com"]
    assert list(Ban.objects.values_list("email", flat=True)) == ["reader@example.com"]
