from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError
from django.utils import timezone

from comments.models import AbuseTerm, Ban, Comment, HoldWord, Report
from tests.factories import make_article, make_comment, make_owner, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return make_owner("moderator")


def test_approving_records_who_when_and_from_which_status(moderator):
    comment = make_comment(status="held", policy_reasons=["links"])
    comment.approve(by=moderator, note="Links are fine")
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == ("published", moderator)
    assert comment.moderated_at is not None
    event = comment.history.get()
    assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
        "approved",
        moderator,
        "held",
        "published",
        "Links are fine",
    )


def test_rejecting_records_the_reason_in_the_comment_and_its_history(moderator):
    comment = make_comment()
    comment.reject(by=moderator, reason="harassment")
    comment.refresh_from_db()
    assert (comment.status, comment.rejection_reason) == ("rejected", "harassment")
    event = comment.history.get()
    assert (event.action, event.from_status, event.to_status, event.reason) == (
        "rejected",
        "published",
        "rejected",
        "harassment",
    )


@pytest.mark.parametrize("reason", ["", "disagrees", "disagrees_with_author", None])
def test_a_rejection_without_a_reason_from_the_list_is_refused_and_changes_nothing(moderator, reason):
    comment = make_comment()
    with pytest.raises(ValidationError):
        comment.reject(by=moderator, reason=reason)
    comment.refresh_from_db()
    assert comment.status == "published"
    assert not comment.history.exists()


def test_marking_spam_records_it(moderator):
    comment = make_comment(status="held")
    comment.mark_spam(by=moderator)
    assert comment.history.get().to_status == "spam"
    assert Comment.objects.get().status == "spam"


def test_approving_after_a_rejection_clears_the_rejection_reason(moderator):
    comment = make_comment()
    comment.reject(by=moderator, reason="insult")
    comment.approve(by=moderator, note="Reversed")
    comment.refresh_from_db()
    assert (comment.status, comment.rejection_reason) == ("published", "")
    assert list(comment.history.values_list("action", flat=True)) == ["rejected", "approved"]


def test_an_appeal_puts_a_rejection_back_in_the_queue_marked_as_such(moderator):
    comment = make_comment(status="held", policy_reasons=["hold_word"])
    comment.reject(by=moderator, reason="insult")
    comment.appeal()
    comment.refresh_from_db()
    assert (comment.status, comment.is_appeal, comment.policy_reasons) == (
        "held",
        True,
        ["hold_word", "appeal"],
    )
    assert comment.history.last().action == "appealed"
    assert list(Comment.objects.held()) == [comment]


def test_a_decision_resolves_open_reports(moderator):
    comment = make_comment()
    Report.objects.create(comment=comment, reason="spam")
    comment.approve(by=moderator)
    assert Report.objects.get().resolved_at is not None


def test_markdown_is_rendered_when_saved_and_not_again_on_a_decision(moderator):
    comment = make_comment(body="*hello*", status="held")
    assert comment.body_html == "<p><em>hello</em></p>"
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>kept</p>")
    stored = Comment.objects.get(pk=comment.pk)
    stored.approve(by=moderator)
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>kept</p>"


def test_a_comment_is_rendered_once_when_posted_and_never_on_later_saves(moderator):
    comment = make_comment(body="*hello*", status="held")
    assert comment.body_html == "<p><em>hello</em></p>"
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>as stored</p>")
    stored = Comment.objects.get(pk=comment.pk)
    stored.approve(by=moderator)
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>as stored</p>"


def test_a_comment_with_replies_cannot_be_deleted_alone():
    comment = make_comment()
    make_comment(reply_to=comment)
    with pytest.raises(RestrictedError):
        comment.delete()


def test_deleting_an_article_deletes_its_whole_thread():
    comment = make_comment()
    make_comment(reply_to=make_comment(reply_to=comment))
    comment.article.delete()
    assert not Comment.objects.exists()


def test_the_thread_query_leaves_out_spam():
    article = make_article()
    kept = [make_comment(article, status=status) for status in ("published", "held", "rejected")]
    make_comment(article, status="spam")
    assert list(Comment.objects.thread_of(article)) == kept


def test_a_ban_matches_by_email_address_or_account_while_it_lasts():
    user = make_user()
    until = timezone.now() + timedelta(days=7)
    Ban.objects.create(email="troll@example.com", reason="r", until=until)
    Ban.objects.create(ip_address="192.0.2.5", reason="r", until=until)
    Ban.objects.create(user=user, reason="r", until=until)
    Ban.objects.create(email="old@example.com", reason="r", until=timezone.now() - timedelta(seconds=1))
    assert Ban.objects.matching(email="TROLL@example.com").exists()
    assert Ban.objects.matching(ip_address="192.0.2.5").exists()
    assert Ban.objects.matching(user=user).exists()
    assert not Ban.objects.matching(email="old@example.com").exists()
    assert not Ban.objects.matching(email="", ip_address=None, user=None).exists()


def test_a_ban_needs_someone_to_ban():
    with pytest.raises(ValidationError):
        Ban(reason="r", until=timezone.now()).full_clean()


def test_a_hold_word_needs_letters():
    with pytest.raises(ValidationError):
        HoldWord(word=" ... ").full_clean()


def test_the_abuse_lexicon_is_seeded_in_both_languages_and_replaces_the_seeded_hold_words():
    assert AbuseTerm.objects.filter(language="en", kind="person_insult").count() > 20
    assert AbuseTerm.objects.filter(language="fr", kind="person_insult").count() > 20
    assert not HoldWord.objects.exists()  # the owner's own list starts empty


def test_a_comment_is_named_by_its_author_and_first_words_without_a_query(django_assert_num_queries):
    comment = make_comment(
        author_name="Ada", body="A long remark that goes on well past the forty characters."
    )
    stored = Comment.objects.get(pk=comment.pk)
    with django_assert_num_queries(0):
        assert str(stored) == "Ada: “A long remark that goes on well past…”"
