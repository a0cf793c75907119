"""Text that can't break a page or a feed: control characters are removed from every stored text, and the
feeds drop those of rows stored before (issue 13)."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from blog.models import Article, Tag
from comments.models import Comment
from tests.factories import comment_form, make_article, make_tag, make_user

pytestmark = pytest.mark.django_db

HOSTILE = "Tabs\tand\x01 bells\x07, \x0bvertical tab, \x1b[31mescape\x7f"


@pytest.fixture
def stored_before(live_pages):
    """An article, its tag and its author holding control characters, as rows written before the models
    removed them (an UPDATE, which no model method sees)."""
    author = make_user("writer")
    tag = make_tag("Harmless")
    article = make_article(author=author, tags=[tag])
    rows = Article.objects.filter(pk=article.pk)
    rows.update(title=HOSTILE, summary=HOSTILE, body_html=f"<p>{HOSTILE}</p>")
    Tag.objects.filter(pk=tag.pk).update(name=HOSTILE)
    type(author).objects.filter(pk=author.pk).update(first_name="Ann\x01", last_name="\x1bLee")
    return tag


@pytest.mark.parametrize("feed", ["feed_rss", "feed_atom", "tag_feed_rss", "tag_feed_atom"])
def test_feeds_answer_well_formed_xml_whatever_the_stored_text(client, stored_before, feed):
    args = [stored_before.slug] if feed.startswith("tag") else []
    response = client.get(reverse(f"blog:{feed}", args=args))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # raises on malformed XML
    text = "".join(root.itertext())
    assert "Tabs\tand bells, vertical tab, [31mescape" in text  # a tab is allowed in XML
    assert "Ann Lee" in text


def test_article_and_tag_saved_with_control_characters_keep_only_their_text():
    tag = make_tag("a\x01b\x0bc\x1b")
    article = make_article(title=HOSTILE, summary="one\ttwo\nthree\x01", body="Line one\x1b\nLine two\x07")
    article.refresh_from_db()
    tag.refresh_from_db()
    assert tag.name == "abc"
    assert article.title == "Tabs and bells, vertical tab, [31mescape"  # one line: a tab is a space
    assert article.summary == "one\ttwo\nthree"  # several lines: tabs and newlines stay
    assert article.body == "Line one\nLine two"


def test_tag_typed_in_the_admin_with_control_characters_is_saved_without_them(owner_client):
    response = owner_client.post(reverse("admin:blog_tag_add"), {"name": "Py\x01thon\x1b", "slug": "python"})
    assert response.status_code == 302
    assert Tag.objects.get().name == "Python"


def test_two_tags_that_differ_only_by_control_characters_are_one_name(owner_client):
    make_tag("Python")
    response = owner_client.post(reverse("admin:blog_tag_add"), {"name": "Pyth\x01on", "slug": "python-2"})
    assert response.status_code == 200  # "Tag with this Name already exists.", not an IntegrityError
    assert Tag.objects.count() == 1


def test_reader_comment_is_stored_without_control_characters(client):
    article = make_article()
    fields = comment_form(article, author_name="Eve\x1b[2J", body="First line\x01\nSecond line\x7f")
    client.post(reverse("comments:post", args=[article.slug]), fields)
    comment = Comment.objects.get()
    # The comment form already made the name's control character a space.
    assert (comment.author_name, comment.body) == ("Eve [2J", "First line\nSecond line")


def test_user_names_are_stored_without_control_characters():
    user = make_user("someone", first_name="Ann\x01", last_name="\tLee\x0b")
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Ann", " Lee")
