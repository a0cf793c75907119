import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from comments.models import Comment, Report
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


def act(client, action, *comments):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [comment.pk for comment in comments]}
    )


def test_approving_held_comments_from_the_list_publishes_them_and_tells_their_authors(owner_client, owner):
    held = [make_comment(status="held", hold_reasons=["links"]) for _ in range(2)]
    response = act(owner_client, "approve", *held)
    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {"published"}
    assert Comment.objects.first().history.get().actor == owner
    assert len(mail.outbox) == 2
    assert "is published" in mail.outbox[0].subject


def test_rejecting_from_the_list_records_the_chosen_reason(owner_client):
    comment = make_comment()
    act(owner_client, "reject_hate", comment)
    comment.refresh_from_db()
    assert (comment.status, comment.rejection_reason) == ("rejected", "hate")
    assert comment.history.get().reason == "hate"


def test_the_list_offers_a_reject_action_for_each_published_reason_and_none_for_disagreement(owner_client):
    make_comment()
    page = owner_client.get(CHANGELIST).content.decode()
    for reason in ["spam", "insult", "hate", "harassment", "personal_data", "illegal"]:
        assert f'value="reject_{reason}"' in page
    assert "disagree" not in page.lower()


def test_marking_spam_from_the_list(owner_client):
    comment = make_comment(status="held")
    act(owner_client, "mark_spam", comment)
    assert Comment.objects.get().status == "spam"


def test_staff_without_the_moderation_permission_cannot_moderate(client):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(staff)
    comment = make_comment(status="held")
    page = client.get(CHANGELIST).content.decode()
    assert "Waiting for review" in page
    assert 'value="approve"' not in page
    act(client, "approve", comment)
    assert Comment.objects.get().status == "held"


def test_a_comments_page_shows_why_it_was_held_and_its_history(owner_client, owner):
    comment = make_comment(status="held", hold_reasons=["hold_word", "links"])
    comment.record_posting()
    comment.approve(by=owner, note="Fine after all")
    page = owner_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "it contains a word the site holds for review" in page
    assert "Fine after all" in page


def test_the_list_can_be_searched_by_email_and_filtered_by_status(owner_client):
    make_comment(author_email="findme@example.com", body="Needle")
    make_comment(status="held", body="Waiting one")
    assert "Needle" in owner_client.get(CHANGELIST, {"q": "findme@"}).content.decode()
    held = owner_client.get(CHANGELIST, {"status__exact": "held"}).content.decode()
    assert "Waiting one" in held and "Needle" not in held


def test_reported_comments_can_be_listed_with_their_open_report_count(owner_client):
    reported = make_comment(body="Reported one")
    make_comment(body="Quiet one")
    Report.objects.create(comment=reported, reason="insult")
    Report.objects.create(comment=reported, reason="spam")
    page = owner_client.get(CHANGELIST, {"reported": "open"}).content.decode()
    assert "Reported one" in page and "Quiet one" not in page
    assert '<td class="field-open_reports">2</td>' in page


def test_a_readers_words_cannot_be_edited_from_the_admin(owner_client):
    comment = make_comment(body="My own words")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert 'name="body"' not in owner_client.get(url).content.decode()
    owner_client.post(url, {"body": "Changed words"})
    comment.refresh_from_db()
    assert comment.body == "My own words"
