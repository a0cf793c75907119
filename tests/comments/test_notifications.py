"""comments.notifications: who hears of a comment, by email, through the comment services and the real mail
backends (locmem from pytest-django; a refused SMTP connection for "the mail server is down")."""

import re
import time
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import forms, services
from comments.models import Comment, MailOptOut, OutgoingMail, address_key
from comments.moderation import REASON_LABELS, Reason, RejectionReason
from tests.factories import delivered, make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

THREE_LINKS = "See https://a.example, https://b.example and https://c.example."


def post(article, body="A thoughtful remark.", *, user=None, email="ada@example.com", name="Ada", **data):
    """A comment sent through the comment service as a person typing at human speed would send it."""
    comment, _decision = services.post_comment(
        article=article,
        data={"author_name": name, "author_email": email, "body": body, **data},
        user=user or AnonymousUser(),
        seconds_to_submit=60,
    )
    return comment


def make_moderator(**fields):
    moderator = make_user(is_staff=True, **fields)
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    return moderator


def mails_to(address):
    return [message for message in delivered() if message.to == [address]]


def only_mail_to(address):
    messages = mails_to(address)
    assert len(messages) == 1, [message.subject for message in delivered()]
    return messages[0]


def site_path(body, url_name):
    """The path of the first link in `body` to the view `url_name` (which takes one token)."""
    prefix = reverse(url_name, args=["token"]).removesuffix("token/")
    found = re.search(re.escape(settings.SITE_URL + prefix) + r"[^\s/]+/", body)
    assert found, body
    return found.group(0).removeprefix(settings.SITE_URL)


def stop_path(message):
    return message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(settings.SITE_URL)


@pytest.fixture
def article(owner):
    return make_article(author=owner, title="Middleware order")


@pytest.fixture
def held_article(owner):
    return make_article(author=owner, title="A heated topic", hold_all_comments=True)


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 1  # nothing listens there: the connection is refused
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2


# The article's author and the moderators


def test_held_comment_mails_the_article_author_a_link_to_its_admin_page(held_article, owner):
    comment = post(held_article)
    message = only_mail_to(owner.email)
    assert f"{settings.SITE_URL}/admin/comments/comment/{comment.pk}/change/" in message.body


def test_held_comment_mail_gives_the_policy_reasons_in_words(held_article, owner):
    post(held_article, THREE_LINKS)
    body = only_mail_to(owner.email).body
    assert str(REASON_LABELS[Reason.LINKS]) in body
    assert str(REASON_LABELS[Reason.ARTICLE_HOLDS_ALL]) in body
    assert "article_holds_all" not in body


def test_held_comment_mail_quotes_the_comment(held_article, owner):
    post(held_article, "I *strongly* disagree with step 3.")
    assert "I strongly disagree with step 3." in only_mail_to(owner.email).body


def test_published_comment_mails_nobody_by_default(article):
    post(article)
    assert delivered() == []


def test_published_comment_mails_the_article_author_when_every_comment_is_notified(article, owner, settings):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    comment = post(article, "Which version of Django is this for?")
    message = only_mail_to(owner.email)
    assert "Middleware order" in message.subject
    assert "Which version of Django is this for?" in message.body
    assert f"/admin/comments/comment/{comment.pk}/change/" in message.body


def test_moderators_do_not_hear_of_held_comments_by_default(held_article):
    moderator = make_moderator()
    post(held_article)
    assert mails_to(moderator.email) == []


def test_moderators_hear_of_held_comments_when_notify_moderators_is_on(held_article, owner, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = True
    moderator = make_moderator()
    post(held_article)
    assert "/admin/comments/comment/" in only_mail_to(moderator.email).body
    assert len(mails_to(owner.email)) == 1


def test_staff_without_the_moderation_permission_do_not_hear_of_held_comments(held_article, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = True
    staff = make_user(is_staff=True)
    post(held_article)
    assert mails_to(staff.email) == []


def test_article_author_never_hears_of_their_own_comment(article, owner, settings):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    settings.COMMENTS_NOTIFY_MODERATORS = True
    post(article, "A note from the author.", user=owner)
    assert delivered() == []


def test_moderator_never_hears_of_their_own_comment(article, owner, settings):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    settings.COMMENTS_NOTIFY_MODERATORS = True
    moderator = make_moderator()
    post(article, "A note from a moderator.", user=moderator)
    assert mails_to(moderator.email) == []
    assert len(mails_to(owner.email)) == 1


def test_mail_subject_keeps_the_article_title_as_written(owner, settings):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    article = make_article(author=owner, title='Tom & Jerry\'s "guide" <draft>')
    post(article)
    assert 'Tom & Jerry\'s "guide" <draft>' in only_mail_to(owner.email).subject


# Spam


def test_spam_is_never_notified(article, owner, settings):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    settings.COMMENTS_NOTIFY_MODERATORS = True
    make_moderator()
    question = make_comment(article=article, is_question=True, notify_replies=True)
    services.post_comment(
        article=article,
        data={
            "author_name": "Bot",
            "author_email": "bot@example.com",
            "body": "Cheap pills",
            "parent": question,
        },
        user=AnonymousUser(),
        seconds_to_submit=60,
        honeypot="ACME Pills Inc.",
    )
    assert Comment.objects.get(author_email="bot@example.com").status == Comment.Status.SPAM
    assert delivered() == []
    assert not OutgoingMail.objects.exists()


def test_comment_marked_as_spam_hears_nothing_of_replies_approved_later(held_article, owner):
    comment = make_comment(article=held_article, author_email="spammer@example.com", notify_replies=True)
    reply = post(held_article, email="bob@example.com", parent=comment)
    services.mark_spam(comment, by=owner)
    services.approve(reply, by=owner)
    assert mails_to("spammer@example.com") == []


# The commenter hears what became of a held comment


def test_approving_a_held_comment_mails_the_commenter_that_it_is_published(held_article, owner):
    comment = post(held_article, email="ada@example.com")
    services.approve(comment, by=owner)
    message = only_mail_to("ada@example.com")
    assert "published" in message.subject
    assert "not published" not in message.subject
    assert f"{settings.SITE_URL}/comments/{comment.pk}/" in message.body  # its lasting link


def test_rejecting_a_held_comment_mails_the_reason_in_words_and_an_appeal_link(held_article, owner):
    comment = post(held_article, email="ada@example.com")
    services.reject(comment, by=owner, reason=RejectionReason.INSULT)
    message = only_mail_to("ada@example.com")
    assert "not published" in message.subject
    assert str(RejectionReason.INSULT.label) in message.body
    assert site_path(message.body, "comments:appeal")
    assert f"{settings.SITE_URL}{reverse('comments:policy')}" in message.body


@pytest.fixture
def rejection(held_article, owner):
    """A held comment rejected for an insult, and the path of the appeal link its author was sent."""
    comment = post(held_article, email="ada@example.com")
    services.reject(comment, by=owner, reason=RejectionReason.INSULT)
    appeal_path = site_path(only_mail_to("ada@example.com").body, "comments:appeal")
    delivered().clear()
    return comment, appeal_path


def test_appeal_link_shows_a_confirmation_page_and_changes_nothing(client, rejection):
    comment, appeal_path = rejection
    response = client.get(appeal_path)
    assert response.status_code == 200
    assert b'method="post"' in response.content
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert not comment.is_appeal


def test_appeal_puts_the_comment_back_in_the_queue_as_an_appeal(client, rejection):
    comment, appeal_path = rejection
    response = client.post(appeal_path)
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD
    assert comment.is_appeal
    assert Reason.APPEAL in comment.policy_reasons
    assert comment.history.last().action == "appealed"


def test_appeal_mails_the_article_author(client, rejection, owner):
    comment, appeal_path = rejection
    client.post(appeal_path)
    body = only_mail_to(owner.email).body
    assert f"/admin/comments/comment/{comment.pk}/change/" in body
    assert str(REASON_LABELS[Reason.APPEAL]) in body


def test_appeal_mails_every_moderator_even_when_notify_moderators_is_off(client, rejection, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = False
    moderator = make_moderator()
    comment, appeal_path = rejection
    client.post(appeal_path)
    assert f"/admin/comments/comment/{comment.pk}/change/" in only_mail_to(moderator.email).body


def test_appeal_mail_says_what_the_rejection_was_for(client, rejection, owner):
    comment, appeal_path = rejection
    client.post(appeal_path)
    comment.refresh_from_db()
    assert comment.rejection_reason == RejectionReason.INSULT
    assert (
        f"It was rejected for this reason: {RejectionReason.INSULT.label}" in only_mail_to(owner.email).body
    )


def test_rejecting_a_published_comment_tells_its_author_why_with_an_appeal_link(article, owner):
    comment = post(article, email="ada@example.com")
    services.reject(comment, by=owner, reason=RejectionReason.HARASSMENT)
    message = only_mail_to("ada@example.com")
    assert str(RejectionReason.HARASSMENT.label) in message.body
    assert site_path(message.body, "comments:appeal")


def test_appeal_link_works_once(client, rejection):
    comment, appeal_path = rejection
    client.post(appeal_path)
    history = comment.history.count()
    assert client.get(appeal_path).status_code == 404
    response = client.post(appeal_path)
    assert response.status_code == 404
    assert b"already been used" in response.content
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD
    assert comment.history.count() == history


def test_forged_appeal_link_is_not_found(client, rejection):
    comment, appeal_path = rejection
    response = client.post(appeal_path[:-3] + "xx/")
    assert response.status_code == 404
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED


def test_appeal_link_stops_working_once_the_comment_is_decided_again(client, rejection, owner):
    comment, first_link = rejection
    services.approve(comment, by=owner)
    delivered().clear()
    services.reject(comment, by=owner, reason=RejectionReason.SPAM)
    second_link = site_path(only_mail_to("ada@example.com").body, "comments:appeal")
    assert client.get(first_link).status_code == 404
    assert client.get(second_link).status_code == 200


def test_appeal_link_still_works_after_a_dumpdata_loaddata_round_trip(client, held_article, owner, tmp_path):
    comment = post(held_article, email="ada@example.com")
    # A decision taken at a moment finer than a millisecond, which is all that dumpdata keeps.
    decided_at = datetime(2026, 11, 3, 9, 30, 15, 123456, tzinfo=UTC)
    with pytest.MonkeyPatch.context() as clock:
        clock.setattr(timezone, "now", lambda: decided_at)
        services.reject(comment, by=owner, reason=RejectionReason.INSULT)
    appeal_path = site_path(only_mail_to("ada@example.com").body, "comments:appeal")
    dump = tmp_path / "comments.json"
    call_command("dumpdata", "comments.comment", "comments.commentevent", output=dump, verbosity=0)
    Comment.objects.all().delete()
    call_command("loaddata", dump, verbosity=0)
    comment.refresh_from_db()
    assert comment.moderated_at == decided_at.replace(microsecond=123000)
    assert client.post(appeal_path).status_code == 200
    comment.refresh_from_db()
    assert (comment.status, comment.is_appeal) == (Comment.Status.HELD, True)
    assert client.get(appeal_path).status_code == 404  # and it still works only once


def test_rejection_after_an_appeal_mails_no_appeal_link(client, rejection, owner):
    comment, appeal_path = rejection
    client.post(appeal_path)
    comment.refresh_from_db()
    services.reject(comment, by=owner, reason=RejectionReason.INSULT)
    body = only_mail_to("ada@example.com").body
    assert "not published" in only_mail_to("ada@example.com").subject
    assert "/comments/appeal/" not in body


def test_approval_after_an_appeal_mails_the_commenter_that_it_is_published(client, rejection, owner):
    comment, appeal_path = rejection
    client.post(appeal_path)
    comment.refresh_from_db()
    services.approve(comment, by=owner)
    assert "published" in only_mail_to("ada@example.com").subject
    assert client.get(appeal_path).status_code == 404


# Replies


def test_opted_in_commenter_hears_of_a_published_reply(article):
    comment = make_comment(article=article, author_email="ada@example.com", notify_replies=True)
    reply = post(
        article, "Have you tried **select_related**?", email="bob@example.com", name="Bob", parent=comment
    )
    message = only_mail_to("ada@example.com")
    assert "Bob" in message.subject
    assert f"{settings.SITE_URL}/comments/{reply.pk}/" in message.body


def test_a_readers_reply_is_never_quoted_in_mail_as_the_address_is_not_confirmed(article):
    comment = make_comment(article=article, author_email="victim@example.com", notify_replies=True)
    body = "I tried the second method and it worked, thank you."
    post(article, body, email="attacker@example.com", parent=comment)
    assert "second method" not in only_mail_to("victim@example.com").body


def test_typing_the_owners_address_does_not_silence_the_owners_mail(held_article, owner):
    post(held_article, email=owner.email)
    assert len(mails_to(owner.email)) == 1


def test_commenter_who_did_not_opt_in_hears_nothing_of_replies(article):
    comment = make_comment(article=article, author_email="ada@example.com")
    post(article, email="bob@example.com", parent=comment)
    assert delivered() == []


def test_question_author_hears_when_the_article_author_answers(article, owner):
    question = make_comment(article=article, author_email="ada@example.com", is_question=True)
    post(article, "Yes, since Django 4.2.", user=owner, parent=question)
    message = only_mail_to("ada@example.com")
    assert "answered your question" in message.subject
    assert "Yes, since Django 4.2." in message.body


def test_question_author_hears_when_staff_answer(article):
    question = make_comment(article=article, author_email="ada@example.com", is_question=True)
    post(article, "Yes.", user=make_user(is_staff=True), parent=question)
    assert "answered your question" in only_mail_to("ada@example.com").subject


def test_question_author_who_did_not_opt_in_hears_nothing_of_a_reader_reply(article):
    question = make_comment(article=article, author_email="ada@example.com", is_question=True)
    post(article, email="bob@example.com", parent=question)
    assert delivered() == []


def test_held_reply_notifies_nobody_until_it_is_approved(held_article, owner):
    comment = make_comment(article=held_article, author_email="ada@example.com", notify_replies=True)
    reply = post(held_article, "A reply to wait for.", email="bob@example.com", parent=comment)
    assert mails_to("ada@example.com") == []
    services.approve(reply, by=owner)
    assert f"/comments/{reply.pk}/" in only_mail_to("ada@example.com").body


def test_rejected_reply_notifies_the_commenter_answered_of_nothing(held_article, owner):
    comment = make_comment(article=held_article, author_email="ada@example.com", notify_replies=True)
    reply = post(held_article, email="bob@example.com", parent=comment)
    services.reject(reply, by=owner, reason=RejectionReason.INSULT)
    assert mails_to("ada@example.com") == []


def test_replying_to_yourself_sends_nothing(article):
    comment = make_comment(article=article, author_email="ada@example.com", notify_replies=True)
    post(article, "Answering myself.", email="ADA@example.com", parent=comment)
    assert delivered() == []


# Stopping mails


@pytest.fixture
def commenter_mails(article, held_article, owner):
    """One mail of each kind a commenter receives: published, not published, and a reply."""
    services.approve(post(held_article, email="ada@example.com"), by=owner)
    services.reject(post(held_article, email="bea@example.com"), by=owner, reason=RejectionReason.SPAM)
    comment = make_comment(article=article, author_email="cy@example.com", notify_replies=True)
    post(article, email="dan@example.com", parent=comment)
    return [only_mail_to(address) for address in ("ada@example.com", "bea@example.com", "cy@example.com")]


def test_every_commenter_mail_carries_a_stop_link_and_one_click_unsubscribe_headers(commenter_mails):
    for message in commenter_mails:
        stop_url = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert stop_url.startswith(settings.SITE_URL + "/comments/stop/")
        assert stop_url in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.fixture
def reply_mail(article):
    """Ada opted in to replies on two comments; the mail about a reply to the first one."""
    first = make_comment(article=article, author_email="ada@example.com", notify_replies=True)
    second = make_comment(article=article, author_email="ada@example.com", notify_replies=True)
    post(article, email="bob@example.com", parent=first)
    message = only_mail_to("ada@example.com")
    delivered().clear()
    return first, second, message


def test_stop_link_shows_a_form_and_changes_nothing(client, reply_mail):
    _first, _second, message = reply_mail
    response = client.get(stop_path(message))
    assert response.status_code == 200
    assert b'name="scope"' in response.content
    assert not MailOptOut.objects.exists()


def test_stopping_mails_about_a_comment_stops_its_reply_mails(client, reply_mail, article):
    first, _second, message = reply_mail
    response = client.post(stop_path(message), {"scope": "comment"})
    assert response.status_code == 200
    post(article, "Another reply.", email="cy@example.com", parent=first)
    assert delivered() == []
    assert not OutgoingMail.objects.filter(body__contains="Another reply.").exists()


def test_stopping_mails_about_a_comment_keeps_mails_about_another(client, reply_mail, article):
    _first, second, message = reply_mail
    client.post(stop_path(message), {"scope": "comment"})
    reply = post(article, "A reply to the second.", email="cy@example.com", parent=second)
    assert f"/comments/{reply.pk}/" in only_mail_to("ada@example.com").body


def test_stopping_all_mails_silences_the_address(client, reply_mail, article, held_article, owner):
    _first, second, message = reply_mail
    client.post(stop_path(message), {"scope": "all"})
    post(article, email="cy@example.com", parent=second)
    services.approve(post(held_article, email="ADA@example.com"), by=owner)
    assert mails_to("ada@example.com") == []
    assert mails_to("ADA@example.com") == []


def test_one_click_unsubscribe_works_without_a_csrf_token(reply_mail, article):
    first, _second, message = reply_mail
    response = Client(enforce_csrf_checks=True).post(
        stop_path(message), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert MailOptOut.objects.filter(address=address_key("ada@example.com"), comment=first).exists()


def test_stop_link_of_a_deleted_comment_still_stops_every_mail(client, reply_mail):
    first, _second, message = reply_mail
    first.children.all().delete()
    first.replies.all().delete()
    first.delete()
    path = stop_path(message)
    assert b'value="comment"' not in client.get(path).content
    assert client.post(path, {"scope": "all"}).status_code == 200
    assert MailOptOut.objects.filter(address=address_key("ada@example.com"), comment=None).exists()


def test_forged_stop_link_is_not_found(client, reply_mail):
    _first, _second, message = reply_mail
    path = stop_path(message)
    forged = path[: path.rindex(":") + 1] + "forged/"
    assert client.post(forged, {"scope": "all"}).status_code == 404
    assert client.get("/comments/stop/not-a-token/").status_code == 404
    assert not MailOptOut.objects.exists()


# The mail server is down


def test_comment_is_saved_when_the_mail_server_is_down(client, article, settings, mail_server_down):
    settings.COMMENTS_NOTIFY_EVERY_COMMENT = True
    response = client.post(
        reverse("comments:post", args=[article.slug]),
        {
            "author_name": "Ada",
            "author_email": "ada@example.com",
            "body": "Saved whatever the mail server does.",
            "token": forms.issue_token(article, issued_at=time.time() - 60),
            "company": "",
        },
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PUBLISHED
    queued = OutgoingMail.objects.get()
    # The request did not even try: the task worker sends it (tests/comments/test_delivery.py).
    assert (queued.comment, queued.sent_at, queued.attempts, queued.last_error) == (comment, None, 0, "")
