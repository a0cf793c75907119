"""The public XSS corpus (issue 13) through the pages added beside the hardening: an article's versions,
their comparison, the restore question and the unsaved-changes view in the admin, a shared draft, a reader's
"my comments" page and the page that edits a comment. On none of them does a payload become a script, an
event handler or a javascript:/data: address: every script is one of the site's own files."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from blog import markup, revisions, sharing
from comments import reader_views
from comments.models import Comment, ReaderLink
from tests.blog.test_markup import SAFE_SCHEMES, URL_ATTRIBUTES, url_scheme
from tests.factories import comment_form, make_article
from tests.html import Document
from tests.test_url_fuzz import CORPORA

pytestmark = pytest.mark.django_db


def payloads():
    for folder in CORPORA:
        path = folder / "xss_public.jsonl"
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [json.loads(line)["payload"].replace("\x00", "") for line in lines if line.strip()]
    pytest.skip(f"the public corpus is not at {CORPORA[0]}; CI has it at ../shared/corpus from the project")


def problems(html):
    """What in a whole page could run a script or leave for a bad scheme."""
    found = []
    for element in Document(html).iter():
        attrs = element.attr_pairs
        if element.tag == "script" and not (
            element.get("src", "").startswith(("/static/", "/admin/jsi18n/"))
            or element.get("type") == "application/json"
        ):
            found.append(f"<script {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"{name} on <{element.tag}>")
            if name in URL_ATTRIBUTES and url_scheme(value or "") not in SAFE_SCHEMES | {""}:
                found.append(f"{name}={value!r} on <{element.tag}>")
    return found


def test_every_payload_in_an_articles_versions_and_drafts_stays_inert(owner_client, owner):
    corpus = payloads()
    assert len(corpus) >= 600
    article = make_article(author=owner, title="Before", body="Plain words.", status="draft")
    first = revisions.record(article, by=owner)
    article.title, article.summary, article.body = corpus[0][:200], corpus[1], "\n\n".join(corpus)
    article.save()
    revisions.record(article, by=owner)
    sharing.share(article)
    pages = [
        owner_client.get(reverse("admin:blog_article_history_versions", args=[article.pk])),
        owner_client.get(reverse("admin:blog_article_compare", args=[article.pk]) + f"?from={first.pk}"),
        owner_client.get(reverse("admin:blog_article_restore", args=[article.pk, first.pk])),
        owner_client.post(
            reverse("admin:blog_article_unsaved", args=[article.pk]),
            {"title": corpus[2][:200], "summary": corpus[3], "body": "\n".join(reversed(corpus))},
        ),
        Client().get(sharing.link(article)),
    ]
    for response in pages:
        assert response.status_code == 200
        assert problems(response.content.decode()) == [], response.request["PATH_INFO"]


def test_every_payload_as_a_readers_comment_stays_inert_on_their_own_pages(client):
    corpus = payloads()
    article = make_article()
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author_name=payload[:80],
                author_email="camille@example.com",
                body=payload,
                body_html=markup.render_comment(payload),
            )
            for payload in corpus
        ]
    )
    ReaderLink.objects.create(key=reader_views._hash("secret"), email="camille@example.com")
    token = reader_views.signing.dumps("secret", salt=reader_views.LINK_SALT)
    mine = client.get(reverse("comments:mine_list", args=[token]))
    assert mine.status_code == 200 and problems(mine.content.decode()) == []
    # The edit page of a comment just posted, its text a payload, from the browser that posted it.
    for payload in corpus[:50]:
        client.post(reverse("comments:post", args=[article.slug]), comment_form(article, body=payload))
        edit = client.get(reverse("comments:edit", args=[Comment.objects.latest("pk").pk]))
        assert edit.status_code in {200, 403} and problems(edit.content.decode()) == [], payload
