"""What the site holds about a reader, given to them and erased (comments/reader_data.py), an author's edit
within the window (services.edit_comment), and retention (services.forget_network_addresses, run by the
periodic job with the clock moved)."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from comments import metrics, reader_data, services, tasks, threads
from comments.models import (
    Ban,
    Comment,
    CommentEvent,
    MailOptOut,
    OutgoingMail,
    ReaderLink,
    Report,
    address_key,
)
from comments.moderation import RejectionReason
from tests.factories import make_article, make_comment, make_owner, make_user, run_tasks

pytestmark = pytest.mark.django_db

EMAIL = "camille@example.com"


def camilles(**fields):
    return make_comment(author_name="Camille", author_email=EMAIL, ip_address="203.0.113.7", **fields)


def test_the_export_holds_every_comment_of_the_address_with_its_facts_and_nothing_of_anyone_else():
    article = make_article(title="On answering")
    owner = make_owner()
    mine = camilles(article=article, body="My *first* words.", user_agent="Firefox", notify_replies=True)
    rejected = make_comment(article=article, author_email="CAMILLE@example.com", body="Harsh words.")
    rejected.reject(by=owner, reason=RejectionReason.INSULT, note="Moderator's private note about Camille")
    Report.objects.create(comment=mine, reason="insult", note="A reporter's words", ip_address="198.51.100.1")
    make_comment(article=article, reply_to=mine, author_name="Bruno", author_email="bruno@example.com")
    MailOptOut.objects.create(address=address_key(EMAIL), comment=None)
    Ban.objects.create(email=EMAIL, reason="Insults", until=timezone.now() + timedelta(days=3))

    data = json.loads(json.dumps(reader_data.export(email=EMAIL)))

    assert data["format"] == "causerie-reader-export"
    assert [c["text"] for c in data["comments"]] == ["Harsh words.", "My *first* words."]
    first = data["comments"][1]
    assert first["article"]["title"] == "On answering"
    assert (first["network_address"], first["browser"], first["notify_of_replies"]) == (
        "203.0.113.7",
        "Firefox",
        True,
    )
    assert first["reports"] == [
        {"reason": "insult", "reported_at": first["reports"][0]["reported_at"], "resolved_at": None}
    ]
    assert data["comments"][0]["rejection_reason"] == "insult"
    assert [event["action"] for event in data["comments"][0]["history"]] == ["rejected"]
    assert data["mail_opt_outs"][0]["everything"] is True
    assert data["bans"][0]["reason"] == "Insults"
    text = json.dumps(data)
    for someone_elses in ("Bruno", "bruno@example.com", "A reporter's words", "198.51.100.1", owner.username):
        assert someone_elses not in text
    assert "Moderator's private note" not in text


def test_erasing_deletes_a_comment_without_replies_and_keeps_its_history_without_personal_data():
    reader = make_user("camille", email=EMAIL)
    comment = camilles(user=reader)
    comment.record_posting()
    comment.approve(by=make_owner(), note="Approved: Camille is a regular")

    assert reader_data.erase(email=EMAIL) == {"deleted": 1, "anonymised": 0, "mails": 0}

    assert not Comment.objects.exists()
    history = CommentEvent.objects.order_by("id")
    assert [(e.action, e.comment_id, e.note) for e in history] == [
        ("posted", None, ""),
        ("approved", None, ""),
        ("erased", None, ""),
    ]
    assert history[0].actor is None  # the reader's account, as the author of the posting, is gone
    assert history[1].actor.username == "owner"  # the moderator's decision is a moderation fact


def test_erasing_a_comment_with_replies_leaves_a_placeholder_that_the_thread_shows():
    article = make_article()
    comment = camilles(article=article, user_agent="Firefox", body="Words to erase.", is_question=True)
    reply = make_comment(reply_to=comment, body="An answer that stays.")
    Report.objects.create(comment=comment, reason="other")

    assert reader_data.erase(email=EMAIL)["anonymised"] == 1

    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    personal = (
        comment.body,
        comment.body_html,
        comment.author_name,
        comment.author_email,
        comment.user_agent,
    )
    assert personal == ("", "", "", "", "")
    assert comment.ip_address is None and not comment.reports.exists()
    assert reader_data.comments_of(email=EMAIL).count() == 0
    [node] = threads.build(Comment.objects.thread_of(article), article)
    assert node.shown_as == "deleted" and node.children[0].comment == reply


def test_a_placeholder_left_without_replies_goes_when_its_last_reply_is_erased():
    comment = camilles(body="First.")
    reply = make_comment(reply_to=comment, author_email="bruno@example.com")
    reader_data.erase(email=EMAIL)
    reader_data.erase(email="bruno@example.com")
    assert not Comment.objects.filter(pk__in=[comment.pk, reply.pk]).exists()


def test_erasing_all_takes_a_reader_s_own_reply_chain_and_their_stored_mails_but_keeps_bans_and_opt_outs():
    comment = camilles()
    camilles(reply_to=comment)
    OutgoingMail.objects.create(to=EMAIL, subject="Reply", body="…", kind="reply")
    MailOptOut.objects.create(address=address_key(EMAIL))
    Ban.objects.create(email=EMAIL, reason="Insults", until=timezone.now() + timedelta(days=3))

    assert reader_data.erase(email=EMAIL) == {"deleted": 2, "anonymised": 0, "mails": 1}
    assert Ban.objects.filter(email=EMAIL).exists()
    assert MailOptOut.objects.filter(address=address_key(EMAIL)).exists()


def test_the_commands_export_and_erase_an_address_and_record_it_in_the_history():
    comment = camilles(body="Exported words.")
    out = io.StringIO()
    call_command("export_reader", EMAIL, stdout=out)
    assert json.loads(out.getvalue())["comments"][0]["text"] == "Exported words."
    assert comment.history.get().action == "exported"

    with pytest.raises(CommandError):
        call_command("erase_reader", "not-an-address", interactive=False)
    out = io.StringIO()
    call_command("erase_reader", EMAIL, interactive=False, stdout=out)
    assert "1 comments deleted" in out.getvalue()
    erased = CommentEvent.objects.get(action="erased")
    assert erased.note == "on request, from manage.py erase_reader"


def test_an_edit_that_adds_an_insult_is_held_with_its_reason_and_the_moderators_hear_of_it():
    article = make_article()
    comment = camilles(article=article, body="A fair point about the article.")
    decision = services.edit_comment(comment, body="You are an idiot.")
    comment.refresh_from_db()
    assert (comment.status, comment.policy_reasons) == (Comment.Status.HELD, ["insult"])
    assert decision.reasons == ("insult",) and comment.edited_at is not None
    assert "idiot" in comment.body_html
    edit = comment.history.get(action="edited")
    assert (edit.from_status, edit.to_status, edit.reason) == ("published", "held", "insult")
    assert OutgoingMail.objects.filter(to=article.author.email, kind="held_comment").exists()


def test_an_edit_keeps_a_comment_held_for_its_pace_held_and_publishes_one_held_only_for_its_words():
    paced = camilles(status=Comment.Status.HELD, policy_reasons=["rate"])
    assert services.edit_comment(paced, body="Calmer words.").outcome == "held"
    rude = camilles(status=Comment.Status.HELD, policy_reasons=["insult"], body="You are an idiot.")
    assert services.edit_comment(rude, body="I disagree with you.").outcome == "published"


def test_retention_erases_addresses_and_browsers_after_the_period_when_the_jobs_run(settings):
    settings.COMMENTS_ADDRESS_RETENTION_DAYS = 90
    now = timezone.now()
    old = camilles(user_agent="Firefox", created_at=now - timedelta(days=91))
    recent = camilles(user_agent="Firefox", created_at=now - timedelta(days=89))
    old_report = Report.objects.create(comment=recent, reason="other", ip_address="198.51.100.1")
    Report.objects.filter(pk=old_report.pk).update(created_at=now - timedelta(days=91))
    active = Ban.objects.create(ip_address="203.0.113.7", reason="Spam", until=now + timedelta(days=30))
    expired = Ban.objects.create(ip_address="203.0.113.7", reason="Spam", until=now - timedelta(minutes=1))
    ReaderLink.objects.create(key="k" * 64, email=EMAIL, created_at=now - timedelta(hours=25))

    tasks.periodic_jobs.enqueue()
    run_tasks()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.7", "Firefox")
    assert Report.objects.get(pk=old_report.pk).ip_address is None
    assert Ban.objects.filter(pk=active.pk).exists() and not Ban.objects.filter(pk=expired.pk).exists()
    assert not ReaderLink.objects.exists()

    # Two days later (the clock moved), the comment that was recent is past the period too.
    later = now + timedelta(days=2)
    assert services.forget_network_addresses(later) == 1
    recent.refresh_from_db()
    assert (recent.ip_address, recent.user_agent) == (None, "")
    assert Comment.objects.get(pk=recent.pk).body  # the words stay


def test_a_held_comment_its_author_erased_waits_for_no_decision_in_the_metrics():
    kept = camilles(status=Comment.Status.HELD, policy_reasons=["links"])
    kept.record_posting()
    make_comment(reply_to=kept)
    gone = make_comment(
        author_email="bruno@example.com", status=Comment.Status.HELD, policy_reasons=["links"]
    )
    gone.record_posting()
    reader_data.erase(email=EMAIL)
    reader_data.erase(email="bruno@example.com")
    assert metrics.moderation_figures().decision_time.waiting == 0


def test_a_reader_s_own_reply_stays_as_a_placeholder_when_someone_answered_it_and_so_does_what_it_answers():
    first = camilles(body="First.")
    own_reply = camilles(reply_to=first, body="Mine again.")
    answer = make_comment(reply_to=own_reply, author_email="bruno@example.com")

    assert reader_data.erase(email=EMAIL) == {"deleted": 0, "anonymised": 2, "mails": 0}

    # Then the last reply goes: the chain of placeholders above it, left answering no one, goes too.
    assert reader_data.erase(email="bruno@example.com")["deleted"] == 1
    assert not Comment.objects.filter(pk__in=[first.pk, own_reply.pk, answer.pk]).exists()
    assert CommentEvent.objects.filter(action="erased").count() == 3
