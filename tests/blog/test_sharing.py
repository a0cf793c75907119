"""Shared draft links: a signed address that shows a draft or a scheduled article to someone without an
account, for a limited time, until the owner makes a new one or stops sharing."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from blog import sharing
from blog.models import Article
from tests.factories import make_article
from tests.html import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(owner):
    return make_article(
        author=owner, status=Article.Status.DRAFT, title="Not out yet", body="Secret *words*."
    )


def shared_link(article):
    sharing.share(article)
    return sharing.link(article)


def test_a_shared_draft_is_shown_to_a_visitor_without_an_account_and_not_indexed(client, draft):
    response = client.get(shared_link(draft))

    assert response.status_code == 200
    page = Document(response.content.decode())
    assert page.find("h1").text == "Not out yet"
    assert "<em>words</em>" in response.content.decode()
    assert page.find("p", class_="draft-banner").text.startswith(
        "Draft: shared with you before it is published."
    )
    assert page.meta["robots"] == "noindex, nofollow"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_scheduled_article_s_link_says_when_it_appears(client, draft):
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now() + timedelta(days=2)
    draft.save()
    page = Document(client.get(shared_link(draft)).content.decode())
    assert page.find("p", class_="draft-banner").text.startswith("Scheduled for ")


def test_the_page_cache_never_keeps_a_shared_draft(client, draft, settings):
    settings.PAGE_CACHE = True
    link = shared_link(draft)
    assert "Secret" in client.get(link).content.decode()
    draft.body = "Rewritten."
    draft.save()
    assert "Rewritten." in client.get(link).content.decode()
    sharing.stop_sharing(draft)
    assert client.get(link).status_code == 404


def test_a_new_link_kills_the_old_one_and_stopping_kills_every_one(client, draft):
    first = shared_link(draft)
    second = shared_link(draft)
    assert first != second
    gone = client.get(first)
    assert gone.status_code == 404
    assert Document(gone.content.decode()).find("h1").text == "This link no longer works"
    assert gone["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(second).status_code == 200
    sharing.stop_sharing(draft)
    assert client.get(second).status_code == 404


def test_a_link_stops_working_when_its_time_is_up(client, draft, settings):
    settings.DRAFT_LINK_DAYS = 7
    link = shared_link(draft)
    Article.objects.filter(pk=draft.pk).update(shared_until=timezone.now() - timedelta(seconds=1))
    assert client.get(link).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"a": 1, "k": "guessed"}, salt=sharing.SALT),
        signing.dumps({"a": 1, "k": ""}, salt=sharing.SALT),
        signing.dumps({"a": "x"}, salt=sharing.SALT),
        signing.dumps([1, 2], salt=sharing.SALT),
        signing.dumps({"a": 1, "k": "key"}, salt="another.salt"),
    ],
)
def test_a_made_up_or_altered_link_shows_nothing(client, draft, token):
    sharing.share(draft)
    assert client.get(reverse("blog:shared_draft", args=[token])).status_code == 404


def test_a_link_to_a_draft_published_since_leads_to_its_page(client, draft):
    link = shared_link(draft)
    Article.objects.filter(pk=draft.pk).publish()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()


def test_the_owner_makes_replaces_and_withdraws_the_link_in_the_admin(owner_client, draft, client):
    url = reverse("admin:blog_article_share", args=[draft.pk])
    before = Article.objects.get(pk=draft.pk).updated_at
    assert "This article is not shared." in owner_client.get(url).content.decode()

    assert owner_client.post(url, {"share": "new"}).status_code == 302
    link = Document(owner_client.get(url).content.decode()).by_id("draft-link")["value"]
    assert link.startswith("http://testserver/drafts/")
    assert Article.objects.get(pk=draft.pk).updated_at == before  # editors' open forms are not made stale

    owner_client.post(url, {"share": "stop"})
    assert client.get(link.removeprefix("http://testserver")).status_code == 404
