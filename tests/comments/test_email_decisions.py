"""Deciding on a held comment from the notification mail: the mail's signed links, the confirmation page, the
decision as that moderator in the history, expiry and reuse; and the moderators' choice of one mail per held
comment, one a day, or none. Through the real services, views, task worker and mail backend."""

import re
import time
from datetime import datetime, timedelta
from datetime import time as clock
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Permission
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts import roles
from comments import notifications, services
from comments.models import Comment, OutgoingMail
from comments.moderation import RejectionReason
from tests.factories import delivered, make_article, make_user
from tests.html import Document

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def post(article, body="A thoughtful remark.", *, email="ada@example.com"):
    comment, _decision = services.post_comment(
        article=article,
        data={"author_name": "Ada", "author_email": email, "body": body},
        user=AnonymousUser(),
        seconds_to_submit=60,
    )
    return comment


def make_moderator(username=None, **fields):
    moderator = make_user(username, is_staff=True, **fields)
    roles.assign_role(moderator, "moderator")
    return moderator


def mails_to(address):
    return [message for message in delivered() if message.to == [address]]


def only_mail_to(address):
    messages = mails_to(address)
    assert len(messages) == 1, [(message.to, message.subject) for message in delivered()]
    return messages[0]


def links(body, action):
    """The paths of the `action` ("approve" or "reject") decision links in a mail's text, in order."""
    pattern = re.escape(settings.SITE_URL) + r"(/comments/decide/[^\s/]+/" + action + "/)"
    return re.findall(pattern, body)


def link(body, action):
    found = links(body, action)
    assert len(found) == 1, body
    return found[0]


def csrf_client():
    """A browser: it keeps the CSRF cookie the confirmation page sets, and the server checks the token."""
    return Client(enforce_csrf_checks=True)


def confirm(client, path, **data):
    """Open the confirmation page, then send its form as a browser would, with the page's CSRF token."""
    page = client.get(path)
    assert page.status_code == 200, page.content.decode()
    token = Document(page.content.decode()).find("input", name="csrfmiddlewaretoken")["value"]
    return client.post(path, {"csrfmiddlewaretoken": token, **data})


def aged(path, days):
    """The same link as if mailed `days` ago: its payload signed again with an older timestamp."""
    token = path.split("/")[3]
    payload = signing.loads(token, salt=notifications.DECIDE_SALT)

    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - int(days * DAY))

    old = Earlier(salt=notifications.DECIDE_SALT).sign_object(payload)
    return path.replace(token, old)


@pytest.fixture
def held_article(owner):
    return make_article(author=owner, title="A heated topic", hold_all_comments=True)


@pytest.fixture
def held(held_article):
    return post(held_article, "You are *wrong* about step 3.")


@pytest.fixture
def owner_mail(held, owner):
    return only_mail_to(owner.email).body


# The mail's links


def test_held_comment_mail_to_a_moderator_has_an_approve_and_a_reject_link(owner_mail):
    assert link(owner_mail, "approve")
    assert link(owner_mail, "reject")
    assert "works once, for 7 days" in owner_mail


def test_held_comment_mail_to_an_author_who_does_not_moderate_has_no_decision_links():
    author = make_user(is_staff=True)  # writes, but may not moderate
    post(make_article(author=author, hold_all_comments=True))
    body = only_mail_to(author.email).body
    assert links(body, "approve") == [] and links(body, "reject") == []
    assert "/admin/comments/comment/" in body


def test_each_moderator_gets_links_that_act_as_them(held_article, owner, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = True
    moderator = make_moderator("mia")
    comment = post(held_article)
    path = link(only_mail_to(moderator.email).body, "approve")
    assert path != link(only_mail_to(owner.email).body, "approve")
    confirm(csrf_client(), path)
    event = comment.history.last()
    assert (event.action, event.actor) == ("approved", moderator)


# The confirmation page


def test_decision_link_shows_the_comment_and_its_article_and_changes_nothing(client, held, owner_mail):
    for action in ("approve", "reject"):
        response = client.get(link(owner_mail, action))
        assert response.status_code == 200
        page = Document(response.content.decode())
        text = page.all_text
        assert "You are wrong about step 3." in text
        assert "A heated topic" in text
        assert page.find("a", href=held.article.get_absolute_url())
        assert page.find("form", method="post").find("input", name="csrfmiddlewaretoken")
    held.refresh_from_db()
    assert held.status == Comment.Status.HELD
    assert [event.action for event in held.history.all()] == ["posted"]


def test_reject_page_offers_exactly_the_published_reasons(client, owner_mail):
    page = Document(client.get(link(owner_mail, "reject")).content.decode())
    offered = [radio["value"] for radio in page.find_all("input", type="radio", name="reason")]
    assert offered == list(RejectionReason.values)


def test_decision_pages_are_kept_out_of_search_engines_and_referrers(client, owner_mail):
    meta = Document(client.get(link(owner_mail, "approve")).content.decode()).meta
    assert meta["robots"] == "noindex"
    assert meta["referrer"] == "no-referrer"


def test_confirming_without_the_pages_csrf_token_is_refused(held, owner_mail):
    response = csrf_client().post(link(owner_mail, "approve"))
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == Comment.Status.HELD


def test_unknown_action_is_not_found(client, owner_mail):
    path = link(owner_mail, "approve").replace("/approve/", "/delete/")
    assert client.get(path).status_code == 404


# Deciding


def test_approving_from_the_mail_publishes_as_that_moderator_in_the_history(held, owner, owner_mail):
    response = confirm(csrf_client(), link(owner_mail, "approve"))
    assert response.status_code == 200
    page = Document(response.content.decode())
    assert "the comment is published" in page.all_text
    assert page.find("a", href=reverse("admin:comments_comment_change", args=[held.pk]))
    held.refresh_from_db()
    assert (held.status, held.moderated_by) == (Comment.Status.PUBLISHED, owner)
    event = held.history.last()
    assert (event.action, event.actor, event.to_status) == ("approved", owner, "published")
    assert event.note == "decided from the notification mail"


def test_approving_from_the_mail_tells_the_commenter_as_the_admin_does(held, owner_mail):
    confirm(csrf_client(), link(owner_mail, "approve"))
    assert "published" in only_mail_to("ada@example.com").subject.lower()


def test_rejecting_from_the_mail_records_the_reason_and_the_note(held, owner, owner_mail):
    response = confirm(
        csrf_client(), link(owner_mail, "reject"), reason=RejectionReason.INSULT, note="Aimed at a reader."
    )
    assert response.status_code == 200
    assert "the comment is rejected" in Document(response.content.decode()).all_text
    held.refresh_from_db()
    assert (held.status, held.rejection_reason) == (Comment.Status.REJECTED, RejectionReason.INSULT)
    event = held.history.last()
    assert (event.action, event.actor, event.reason) == ("rejected", owner, RejectionReason.INSULT)
    assert event.note == "decided from the notification mail: Aimed at a reader."
    body = only_mail_to("ada@example.com").body
    assert str(RejectionReason.INSULT.label) in body
    assert "/comments/appeal/" in body


def test_rejecting_needs_a_reason_from_the_list(held, owner_mail):
    response = confirm(csrf_client(), link(owner_mail, "reject"), reason="disagrees")
    assert response.status_code == 200
    assert Document(response.content.decode()).find("form", method="post")
    held.refresh_from_db()
    assert held.status == Comment.Status.HELD


# Once, for a while, for a moderator


def test_a_link_works_once(held, owner_mail):
    client = csrf_client()
    approve = link(owner_mail, "approve")
    confirm(client, approve)
    for path in (approve, link(owner_mail, "reject")):
        response = client.get(path)
        assert response.status_code == 410
        assert "This link has been used, or the comment was decided since" in response.content.decode()
    assert Client().post(approve).status_code == 410
    assert Client().post(link(owner_mail, "reject"), {"reason": RejectionReason.SPAM}).status_code == 410
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    assert [event.action for event in held.history.all()] == ["posted", "approved"]


def test_a_decision_in_the_admin_ends_the_mails_links(client, held, owner_mail):
    services.reject(held, by=make_moderator(), reason=RejectionReason.SPAM)
    response = client.get(link(owner_mail, "approve"))
    assert response.status_code == 410
    assert reverse("admin:comments_comment_change", args=[held.pk]) in response.content.decode()


def test_links_mailed_before_an_appeal_do_not_decide_it_but_the_appeals_own_do(held, owner, owner_mail):
    services.reject(held, by=owner, reason=RejectionReason.INSULT)
    appeal = re.search(r"/comments/appeal/[^\s/]+/", only_mail_to("ada@example.com").body).group(0)
    Client().post(appeal)
    mail.outbox.clear()
    assert Client().get(link(owner_mail, "approve")).status_code == 410
    appeal_mail = only_mail_to(owner.email).body
    confirm(csrf_client(), link(appeal_mail, "approve"))
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED


def test_a_link_expires_after_the_configured_days(client, held, owner_mail):
    response = client.get(aged(link(owner_mail, "approve"), days=7.1))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.get(aged(link(owner_mail, "approve"), days=6.9)).status_code == 200


def test_an_expired_link_decides_nothing_when_posted(held, owner_mail):
    assert Client().post(aged(link(owner_mail, "approve"), days=8)).status_code == 410
    held.refresh_from_db()
    assert held.status == Comment.Status.HELD


def test_a_forged_link_says_so(client, owner_mail):
    path = link(owner_mail, "approve")
    token = path.split("/")[3]
    response = client.get(path.replace(token, token[:-3] + "xyz"))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"is_active": False}, id="deactivated"),
        pytest.param({"is_staff": False}, id="no-longer-staff"),
        pytest.param({"email": "new-address@example.com"}, id="address-changed"),
    ],
)
def test_a_link_stops_when_its_moderator_may_no_longer_act(held_article, settings, change):
    settings.COMMENTS_NOTIFY_MODERATORS = True
    moderator = make_moderator()
    comment = post(held_article)
    path = link(only_mail_to(moderator.email).body, "approve")
    for field, value in change.items():
        setattr(moderator, field, value)
    moderator.save()
    response = Client().post(path)
    assert response.status_code == 403
    assert "can no longer moderate" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD


def test_a_link_stops_when_its_moderator_loses_the_moderator_role(held_article, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = True
    moderator = make_moderator()
    post(held_article)
    path = link(only_mail_to(moderator.email).body, "approve")
    roles.assign_role(moderator, "none")
    assert Client().get(path).status_code == 403


def test_a_moderator_with_a_direct_permission_can_decide_from_the_mail(held_article, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = True
    moderator = make_user(is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    comment = post(held_article)
    confirm(csrf_client(), link(only_mail_to(moderator.email).body, "approve"))
    comment.refresh_from_db()
    assert comment.moderated_by == moderator


# One mail per held comment, one a day, or none


def test_a_moderator_who_chose_the_daily_mail_gets_no_mail_per_held_comment(held_article, owner):
    owner.held_comment_mail = "daily"
    owner.save()
    post(held_article)
    assert mails_to(owner.email) == []


def test_a_moderator_who_chose_no_mail_gets_none(held_article, owner):
    owner.held_comment_mail = "none"
    owner.save()
    post(held_article)
    notifications.held_digests(at_nine())
    assert mails_to(owner.email) == []


def at_nine(days_later=0):
    day = timezone.localdate() + timedelta(days=days_later)
    return timezone.make_aware(datetime.combine(day, clock(9)))


@pytest.fixture
def daily(owner):
    owner.held_comment_mail = "daily"
    owner.save()
    return owner


def test_daily_mail_lists_the_held_comments_still_waiting_with_their_links(held_article, daily):
    first = post(held_article, "First held comment.")
    post(held_article, "Second held comment.", email="bob@example.com")
    decided = post(held_article, "Already decided.", email="cy@example.com")
    services.approve(decided, by=daily)
    assert notifications.held_digests(at_nine()) == 1
    message = only_mail_to(daily.email)
    assert message.subject == f"[{settings.SITE_NAME}] 2 comments wait for review"
    assert "First held comment." in message.body and "Second held comment." in message.body
    assert "Already decided." not in message.body
    assert len(links(message.body, "approve")) == 2 and len(links(message.body, "reject")) == 2
    confirm(csrf_client(), links(message.body, "approve")[0])
    first.refresh_from_db()
    assert (first.status, first.moderated_by) == (Comment.Status.PUBLISHED, daily)


def test_daily_mail_is_written_once_a_day(held_article, daily):
    post(held_article)
    assert notifications.held_digests(at_nine()) == 1
    assert notifications.held_digests(at_nine() + timedelta(hours=5)) == 0
    assert notifications.held_digests(at_nine(days_later=1)) == 1
    assert len(mails_to(daily.email)) == 2


def test_daily_mail_waits_for_its_hour(held_article, daily):
    post(held_article)
    assert notifications.held_digests(at_nine() - timedelta(hours=2)) == 0
    assert notifications.held_digests(at_nine()) == 1


def test_no_daily_mail_when_nothing_waits(held_article, daily):
    assert notifications.held_digests(at_nine()) == 0
    assert mails_to(daily.email) == []


def test_daily_mail_lists_what_the_moderator_would_have_heard_of(held_article, daily, settings):
    elsewhere = make_article(author=make_moderator(), hold_all_comments=True)
    post(held_article, "On the owner's article.")
    post(elsewhere, "On someone else's article.")
    notifications.held_digests(at_nine())
    body = only_mail_to(daily.email).body
    assert "On the owner's article." in body and "On someone else's article." not in body

    settings.COMMENTS_NOTIFY_MODERATORS = True
    mail.outbox.clear()
    notifications.held_digests(at_nine(days_later=1))
    assert "On someone else's article." in only_mail_to(daily.email).body


def test_daily_mail_shows_the_oldest_and_counts_the_rest(held_article, daily):
    shown = notifications.DIGEST_LENGTH
    for number in range(shown + 1):
        post(held_article, f"Held comment number {number}.", email=f"r{number}@example.com")
    notifications.held_digests(at_nine())
    message = only_mail_to(daily.email)
    assert message.subject == f"[{settings.SITE_NAME}] {shown + 1} comments wait for review"
    assert len(links(message.body, "approve")) == shown
    assert f"Held comment number {shown}." not in message.body
    assert "And 1 more, in the admin:" in message.body


def test_comment_jobs_send_the_daily_mail(held_article, daily, settings):
    settings.COMMENTS_HELD_DIGEST_HOUR = 0
    post(held_article)
    call_command("comment_jobs", stdout=StringIO())
    assert only_mail_to(daily.email).subject.endswith("1 comment waits for review")
    assert OutgoingMail.objects.get(kind="held_digest").comment is None


def test_daily_mails_stop_link_stops_every_mail(client, held_article, daily):
    post(held_article)
    notifications.held_digests(at_nine())
    message = only_mail_to(daily.email)
    stop = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(settings.SITE_URL)
    assert client.post(stop).status_code == 200
    mail.outbox.clear()
    daily.held_comment_mail = "each"
    daily.save()
    post(held_article, "Another one.", email="bob@example.com")
    assert mails_to(daily.email) == []


# The choice, on the moderator's own page in the admin


def test_a_moderator_changes_only_their_mail_choice_on_their_own_user_page():
    moderator = make_moderator()
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:accounts_user_change", args=[moderator.pk])
    page = Document(client.get(url).content.decode())
    fields = {field["name"] for field in page.find_all("select") + page.find_all("input")} - {
        "csrfmiddlewaretoken",
        "_save",
        "_continue",
        "_addanother",
    }
    assert fields == {"held_comment_mail"}
    response = client.post(url, {"held_comment_mail": "daily", "is_superuser": "on", "username": "boss"})
    assert response.status_code == 302
    moderator.refresh_from_db()
    assert moderator.held_comment_mail == "daily"
    assert not moderator.is_superuser and moderator.username != "boss"


def test_a_moderator_cannot_open_another_users_page_the_user_list_or_the_password_form():
    moderator, other = make_moderator(), make_moderator()
    client = Client()
    client.force_login(moderator)
    assert client.get(reverse("admin:accounts_user_change", args=[other.pk])).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[moderator.pk])
    assert client.get(password).status_code == 403


def test_the_held_comment_mail_links_to_the_moderators_choice(owner, owner_mail):
    assert settings.SITE_URL + reverse("admin:accounts_user_change", args=[owner.pk]) in owner_mail


# In French


@pytest.fixture
def forget_the_language():
    """LocaleMiddleware leaves the last request's language active in the thread: later tests start afresh."""
    yield
    translation.deactivate()


@pytest.mark.usefixtures("forget_the_language")
def test_french_article_mails_its_decision_links_and_pages_in_french(owner):
    article = make_article(author=owner, title="Un sujet brûlant", language="fr", hold_all_comments=True)
    comment = post(article, "Vous avez tort sur l’étape 3.")
    body = only_mail_to(owner.email).body.replace("\u00a0", " ")
    assert "L’approuver : " in body and "Le refuser (vous choisirez le motif) : " in body
    assert "il ne sert qu’une fois, pendant 7 jours" in body
    client = Client(HTTP_ACCEPT_LANGUAGE="fr", enforce_csrf_checks=True)
    page = client.get(link(body, "reject")).content.decode().replace("\u00a0", " ")
    assert "Décider d’un commentaire" in page and "Le refuser" in page
    response = confirm(client, link(body, "reject"), reason=RejectionReason.SPAM)
    assert "C’est fait : le commentaire est refusé" in response.content.decode().replace("\u00a0", " ")
    assert comment.history.last().note == "décidé depuis l’e-mail de notification"
