"""Headings' ids never take an id of the page itself (issue 13): they begin with "h-", links written to a
heading's plain name still reach it, and articles stored before are rendered again by a migration."""

import importlib
from collections import Counter

import pytest
from django.apps import apps

from blog.markup import render_article
from blog.models import Article
from tests.factories import make_article
from tests.html import Document

BODY = """[TOC]

## Respond

Jump to [the comments heading](#comments), or [the form](#respond-title) of the page.

## Comments

A footnote[^1].

[^1]: The note.
"""


def test_headings_named_like_the_pages_own_parts_get_prefixed_ids():
    document = Document(render_article(BODY))
    headings = [element["id"] for element in document.find_all("h2")]
    assert headings == ["h-respond", "h-comments"]
    hrefs = [link.get("href") for link in document.find_all("a")]
    assert "#h-comments" in hrefs  # the writer's link to the heading's plain name reaches it
    assert "#respond-title" in hrefs  # a link to anything else is left as written
    assert "#fn:1" in hrefs and "#fnref:1" in hrefs


@pytest.mark.django_db
def test_article_page_has_each_id_once_and_every_anchor_link_reaches_one(client, live_pages):
    article = make_article(body=BODY)
    document = Document(client.get(article.get_absolute_url()).content.decode())
    ids = Counter(element.get("id") for element in document.iter() if element.get("id"))
    assert [name for name, count in ids.items() if count > 1] == []
    for link in document.find_all("a"):
        href = link.get("href", "")
        if href.startswith("#") and href != "#":
            assert href[1:] in ids, href
    assert {"respond", "comments", "h-respond", "h-comments"} <= set(ids)


@pytest.mark.django_db
def test_the_migration_renders_stored_articles_again():
    article = make_article(body=BODY)
    old = '<h2 id="respond">Respond</h2><h2 id="comments">Comments</h2>'
    Article.objects.filter(pk=article.pk).update(body_html=old)
    migration = importlib.import_module("blog.migrations.0010_prefix_heading_ids_in_stored_articles")

    migration.render_again(apps, None)

    article.refresh_from_db()
    assert article.body_html == render_article(BODY)
    assert 'id="h-respond"' in article.body_html
