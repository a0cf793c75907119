"""`manage.py export_wordpress`: a WXR file WordPress can read, which `import_wordpress` reads back into an
empty site without loss."""

from datetime import timedelta
from io import StringIO
from xml.etree import ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from blog.models import Article, Tag
from comments.models import Comment
from comments.services import _depth_under, _thread_parent
from tests.comments.test_views import comment_parents, read
from tests.factories import make_article, make_comment, make_image_file, make_tag, make_user

pytestmark = pytest.mark.django_db

WP = "{http://wordpress.org/export/1.2/}"
BODY = """# A heading

Some *Markdown* with a [link](https://example.org), a footnote[^1] and a table:

| a | b |
|---|---|
| 1 | 2 |

~~~python
print("code")
~~~

[^1]: The footnote.
"""


def seed():
    author = make_user("writer", first_name="Wanda", last_name="Writer", is_staff=True)
    other = make_user("guest")
    garden, food = make_tag("Garden"), make_tag("Food")
    now = timezone.now().replace(microsecond=0)
    first = make_article(
        author=author,
        tags=[garden, food],
        title="First & foremost",
        body=BODY,
        summary="The first one.",
        published_at=now - timedelta(days=3),
        cover=make_image_file("cover.jpg", size=(800, 500)),
        cover_alt="A green field",
    )
    make_article(author=other, tags=[food], published_at=now - timedelta(days=1), comments_enabled=False)
    make_article(author=author, status=Article.Status.DRAFT, title="Unfinished")
    make_article(author=author, title="Kept as HTML", body="<p>E = mc<sup>2</sup></p>", body_is_html=True)
    make_article(author=author, title="Tomorrow", published_at=now + timedelta(days=1), language="fr")
    question = make_comment(first, body="A question?", is_question=True, created_at=now - timedelta(days=2))
    answer = make_comment(
        reply_to=question,
        user=author,
        author_name="Wanda",
        body="An answer.",
        created_at=now - timedelta(hours=40),
    )
    deeper = answer
    for hour in range(5):  # deeper than the thread shows: hung from the deepest level, answering the last
        deeper = make_comment(
            reply_to=deeper,
            parent=_thread_parent(deeper),  # as the comment service threads a reply
            depth=_depth_under(deeper),
            body=f"Reply {hour}",
            created_at=now - timedelta(hours=30 - hour),
        )
    editor = make_user("editor", is_staff=True)
    make_comment(reply_to=question, user=editor, author_name="Ed", body="An editor's word.")
    make_comment(
        first,
        body="Many links",
        status=Comment.Status.HELD,
        policy_reasons=["links"],
        ip_address="192.0.2.1",
        author_url="https://reader.example",
        created_at=now - timedelta(hours=20),
    )
    make_comment(first, body="Spam", status=Comment.Status.SPAM, created_at=now - timedelta(hours=19))
    rejected = make_comment(
        first,
        body="Rude",
        status=Comment.Status.REJECTED,
        rejection_reason="insult",
        created_at=now - timedelta(hours=18),
    )
    make_comment(reply_to=rejected, body="Replying to the rude one", created_at=now - timedelta(hours=17))
    taken_back = make_comment(first, body="Words taken back", created_at=now - timedelta(hours=16))
    make_comment(reply_to=taken_back, body="An answer that stays", created_at=now - timedelta(hours=15))
    assert taken_back.erase() == "anonymised"  # a placeholder: "Comment deleted by its author"
    return first


def snapshot():
    """Every article and comment, as what a reader or a moderator could tell apart. Dates to the second:
    WXR has no finer ones."""

    def comment_key(comment):
        return None if comment is None else (comment.article.slug, comment.body)

    articles = {
        a.slug: (
            a.title,
            a.body,
            a.body_is_html,
            a.body_html,
            a.summary,
            a.status,
            a.published_at and a.published_at.replace(microsecond=0),
            a.language,
            a.comments_enabled,
            a.author.username,
            a.author.get_full_name(),
            sorted(t.name for t in a.tags.all()),
            a.cover_alt,
            bool(a.cover),
            a.cover_width,
        )
        for a in Article.objects.all()
    }
    comments = {
        comment_key(c): (
            c.author_name,
            c.author_email,
            c.author_url,
            c.ip_address,
            c.created_at.replace(microsecond=0),
            c.status,
            c.policy_reasons,
            c.rejection_reason,
            c.is_question,
            c.depth,
            comment_key(c.parent),
            comment_key(c.reply_to),
            c.user.username if c.user else None,
            c.body_html,
        )
        for c in Comment.objects.select_related("article", "parent", "reply_to", "user")
    }
    return articles, comments, sorted(Tag.objects.values_list("name", "slug"))


def shape(parents):
    """A thread's nesting without its ids: each comment's parent, by their places on the page."""
    place = {pk: number for number, pk in enumerate(parents)}
    return [place.get(parent) for parent in parents.values()]


def test_the_export_is_a_wordpress_export(tmp_path):
    first = seed()
    path = tmp_path / "blog.xml"

    call_command("export_wordpress", str(path), stderr=StringIO())

    channel = ET.parse(path).getroot().find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    items = {item.findtext(f"{WP}post_id"): item for item in channel.findall("item")}
    item = items[str(first.pk)]
    assert item.findtext(f"{WP}post_type") == "post"
    assert item.findtext(f"{WP}status") == "publish"
    assert item.findtext(f"{WP}post_name") == first.slug
    assert item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == first.body_html
    assert sorted(c.get("nicename") for c in item.findall("category")) == ["food", "garden"]
    statuses = sorted(c.findtext(f"{WP}comment_approved") for c in item.findall(f"{WP}comment"))
    assert statuses == ["0", *["1"] * 11, "spam", "trash"]
    # The erased comment kept for its reply says so, with nothing of its author.
    placeholder = next(
        c
        for c in item.findall(f"{WP}comment")
        if "deleted by its author" in c.findtext(f"{WP}comment_content")
    )
    assert [
        placeholder.findtext(f"{WP}comment_{name}") for name in ("author", "author_email", "author_IP")
    ] == ["", "", ""]
    cover = next(i for i in items.values() if i.findtext(f"{WP}post_type") == "attachment")
    thumbnail = {
        m.findtext(f"{WP}meta_key"): m.findtext(f"{WP}meta_value") for m in item.findall(f"{WP}postmeta")
    }
    assert thumbnail["_thumbnail_id"] == cover.findtext(f"{WP}post_id")
    statuses = {i.findtext("title"): i.findtext(f"{WP}status") for i in items.values()}
    assert (statuses["Unfinished"], statuses["Tomorrow"]) == ("draft", "future")


def test_an_exported_site_imported_into_an_empty_one_is_the_same(tmp_path, media_root, client):
    seed()
    before = snapshot()
    first_url = Article.objects.get(title="First & foremost").get_absolute_url()
    page_before = comment_parents(read(client, first_url))
    assert len(page_before) == 12  # every comment but the held and spam ones
    call_command("export_wordpress", str(tmp_path / "blog.xml"), stderr=StringIO())
    media_copy = tmp_path / "old-media"
    media_root.rename(media_copy)
    # An empty site.
    Article.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()
    assert not Comment.objects.exists()

    call_command(
        "import_wordpress",
        str(tmp_path / "blog.xml"),
        "--media",
        str(media_copy),
        stdout=StringIO(),
        stderr=StringIO(),
    )

    after = snapshot()
    for part_before, part_after in zip(before, after, strict=True):
        if isinstance(part_before, dict):
            for key in part_before:
                assert part_after.get(key) == part_before[key], key
    assert after == before
    assert shape(comment_parents(read(client, first_url))) == shape(page_before)
