"""`manage.py import_wordpress` and `import_disqus`, on real export files (tests/data/), checked page by page
through the site as readers see it."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from PIL import Image

from blog.models import Article, OldAddress, Tag
from comments.models import Comment, CommentEvent, OutgoingMail
from comments.moderation import Reason
from tests.comments.test_views import comment_parents, read
from tests.factories import make_user, run_tasks

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def export(tmp_path):
    """The WordPress export, with the blog's uploads folder beside it as the owner copied it: the picture
    (made with Pillow) and the smaller copy WordPress made of it for the post."""
    shutil.copy(DATA / "wordpress.xml", tmp_path)
    uploads = tmp_path / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    Image.new("RGB", (600, 400), (30, 160, 60)).save(uploads / "seedlings.png")
    Image.new("RGB", (300, 200), (30, 160, 60)).save(uploads / "seedlings-300x200.png")
    return tmp_path / "wordpress.xml"


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue()


def test_posts_become_articles_with_their_status_dates_authors_and_tags(export):
    summary = run("import_wordpress", str(export))

    tomatoes = Article.objects.get(slug="tomatoes-and-friends")
    assert tomatoes.title == "Tomatoes & their friends"
    assert tomatoes.is_published()
    assert tomatoes.published_at.isoformat() == "2024-05-06T08:30:00+00:00"
    assert tomatoes.updated_at.isoformat() == "2024-05-07T07:00:00+00:00"
    assert tomatoes.summary == "How tomatoes and basil help each other."
    assert tomatoes.author.username == "marie"
    assert tomatoes.author.get_full_name() == "Marie Curieuse"
    assert not tomatoes.author.has_usable_password()
    # Categories and tags are both tags; WordPress's default category is not one.
    assert sorted(tomatoes.tags.values_list("name", flat=True)) == ["Tomatoes", "Vegetables"]
    assert not Tag.objects.filter(slug="uncategorized").exists()
    # A percent-encoded slug with an accent becomes a plain one; closed comments stay closed.
    cafe = Article.objects.get(slug="cafe-au-jardin")
    assert cafe.author.username == "paul-gardener"
    assert not cafe.comments_enabled
    draft = Article.objects.get(title="Winter plans")
    assert draft.status == Article.Status.DRAFT and draft.published_at is None
    assert not Article.objects.filter(title="Deleted thoughts").exists()
    assert "Imported: 2 authors (new users), 3 articles, 5 comments, 2 images" in summary
    assert "Skipped 1 posts: status trash" in summary
    assert "Skipped 1 comments: pingbacks and trackbacks are not comments" in summary
    assert "Note: 1 shortcode [contact-form-7] kept as text" in summary


@pytest.mark.parametrize(
    ("status", "post_type", "password", "expected"),
    [
        ("future", "post", "", "scheduled"),
        ("private", "post", "", Article.Status.DRAFT),
        ("pending", "post", "", Article.Status.DRAFT),
        ("publish", "post", "secret", Article.Status.DRAFT),
        ("publish", "page", "", Article.Status.DRAFT),
    ],
)
def test_what_each_wordpress_status_becomes(export, client, status, post_type, password, expected):
    text = export.read_text().replace("2024-06-01 07:00:00", "2099-06-01 07:00:00")
    text = text.replace(
        "<wp:status><![CDATA[publish]]></wp:status>\n\t\t<wp:post_parent>0</wp:post_parent>\n\t\t"
        "<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n\t\t"
        "<wp:post_password><![CDATA[]]></wp:post_password>\n\t\t<wp:is_sticky>0</wp:is_sticky>\n\t\t"
        '<category domain="category" nicename="vegetables"><![CDATA[Vegetables]]></category>\n\t\t'
        '<category domain="post_tag" nicename="compost">',
        f"<wp:status>{status}</wp:status><wp:post_type>{post_type}</wp:post_type>"
        f"<wp:post_password>{password}</wp:post_password>"
        '<category domain="post_tag" nicename="compost">',
    )
    export.write_text(text)

    run("import_wordpress", str(export))

    article = Article.objects.get(slug="cafe-au-jardin")
    if expected == "scheduled":
        assert article.is_scheduled() and article.published_at.year == 2099
    else:
        assert article.status == expected
    assert client.get(article.get_absolute_url()).status_code == 404


def test_html_becomes_markdown_and_the_page_shows_only_what_the_allow_list_lets_through(export, client):
    run("import_wordpress", str(export))

    article = Article.objects.get(slug="tomatoes-and-friends")
    assert "**basil** & marigolds — café" in article.body  # entities read, Markdown written
    assert "## Planting" in article.body
    assert "- Dig a deep hole" in article.body
    assert "as the classic editor saves it,  \nwith a line break." in article.body
    assert "<script>" not in article.body and "not imported" not in article.body
    page = read(client, article.get_absolute_url())
    body = page.find("div", class_="article-body")
    assert body.find("strong").text == "basil"
    assert body.find("h2", id="h-planting").text.startswith("Planting")
    # [caption]: the picture, then its caption in italics; [gallery]: its pictures, stored here.
    pictures = [img["src"] for img in body.find_all("img") if "/uploads/" in img["src"]]
    assert len(pictures) == 2 and all(src.startswith("/media/uploads/") for src in pictures)
    assert body.find("em").text == "Seedlings in April"
    # A picture without a description gets one from its file's name.
    assert [img["alt"] for img in body.find_all("img") if "/uploads/" in img["src"]] == [
        "seedlings",
        "Seedlings in pots",
    ]
    assert not any((a.get("href") or "").startswith("javascript") for a in page.find_all("a"))
    assert "Water <every> evening" in page.all_text
    assert "alert(" not in page.all_text


def test_html_that_markdown_cannot_carry_is_kept_and_shown_through_the_allow_list(export, client):
    kept = 'Water is H<sub>2</sub>O, says <abbr title="Water">H2O</abbr>. <span onclick="steal()">Hi</span>'
    export.write_text(export.read_text().replace("Worms like them too.", kept))

    summary = run("import_wordpress", str(export))

    article = Article.objects.get(slug="cafe-au-jardin")
    assert article.body_is_html and "<sub>2</sub>" in article.body
    assert not Article.objects.get(slug="tomatoes-and-friends").body_is_html
    assert "Note: 1 posts kept as HTML" in summary
    body = read(client, article.get_absolute_url()).find("div", class_="article-body")
    assert body.find("sub").text == "2"
    assert body.find("abbr")["title"] == "Water"
    assert not body.find_all("span") and "onclick" not in article.body_html
    assert body.text.startswith("Coffee grounds feed the compost. Water is H")
    assert body.text.endswith("Hi")


def test_the_featured_image_becomes_the_cover_with_its_renditions(export, client):
    run("import_wordpress", str(export))
    run_tasks()

    article = Article.objects.get(slug="tomatoes-and-friends")
    assert article.cover.name.startswith("covers/")
    assert article.cover_alt == "Seedlings in pots"
    assert (article.cover_width, article.cover_height) == (600, 400)
    assert [r["width"] for r in article.cover_renditions] == [480, 600]
    page = read(client, article.get_absolute_url())
    assert any(article.cover.url == img.get("src") for img in page.find_all("img"))


def test_comments_keep_their_threading_authors_dates_addresses_and_statuses(export, client):
    run("import_wordpress", str(export))

    article = Article.objects.get(slug="tomatoes-and-friends")
    alice, marie, thanks = (
        Comment.objects.get(import_key=f"wordpress:old.example:{n}") for n in (100, 101, 102)
    )
    assert (alice.author_name, alice.author_email, alice.author_url) == (
        "Alice",
        "alice@example.com",
        "https://alice.example",
    )
    assert alice.ip_address == "192.0.2.10" and marie.ip_address == "2001:db8::1"
    assert alice.created_at.isoformat() == "2024-05-06T10:00:00+00:00"
    assert alice.body == "Lovely post! Do marigolds *really* keep pests away?"
    assert (marie.reply_to, marie.parent, thanks.reply_to, thanks.root) == (alice, alice, marie, alice)
    assert marie.user == article.author  # the author's own reply wears the Author badge
    pending = Comment.objects.get(import_key="wordpress:old.example:103")
    assert pending.status == Comment.Status.HELD
    assert pending.policy_reasons == [Reason.IMPORTED_PENDING]
    assert Comment.objects.get(import_key="wordpress:old.example:104").status == Comment.Status.SPAM
    assert set(CommentEvent.objects.values_list("note", flat=True)) == {"Imported from WordPress."}

    page = read(client, article.get_absolute_url())
    assert comment_parents(page) == {alice.pk: None, marie.pk: alice.pk, thanks.pk: marie.pk}
    assert "Waiting for the moderator" not in page.all_text
    assert "cheap pills" not in page.all_text
    assert "alice@example.com" not in page.all_text


def test_imported_comments_send_no_mail(export, settings):
    settings.COMMENTS_NOTIFY_MODERATORS = True
    make_user("moderator", is_staff=True, is_superuser=True)
    run("import_wordpress", str(export))
    run_tasks()

    assert Comment.objects.count() == 5
    assert not OutgoingMail.objects.exists() and not mail.outbox


def test_old_addresses_redirect_to_the_articles(export, client):
    run("import_wordpress", str(export))

    tomatoes = Article.objects.get(slug="tomatoes-and-friends").get_absolute_url()
    cafe = Article.objects.get(slug="cafe-au-jardin").get_absolute_url()
    for old, new in [
        ("/2024/05/tomatoes-and-friends/", tomatoes),
        ("/?p=10", tomatoes),
        ("/2024/06/caf%c3%a9-au-jardin/", cafe),
        ("/?p=20", cafe),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert client.get(new).status_code == 200
    # A draft is not public, so its old address leads nowhere; the home page without ?p= is itself.
    assert client.get("/?p=30").status_code == 200
    assert client.get("/?p=30").get("Location") is None
    assert client.get("/2019/01/never-here/").status_code == 404


def test_tag_and_author_pages_list_the_imported_articles(export, client):
    run("import_wordpress", str(export))

    vegetables = read(client, "/tags/vegetables/")
    titles = vegetables.all_text
    assert "Tomatoes & their friends" in titles and "Café au jardin" in titles
    assert "Winter plans" not in titles
    assert "Café au jardin" in read(client, "/authors/paul-gardener/").all_text


def test_the_page_cache_shows_the_imported_content(
    export, client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE = True
    assert "Tomatoes &amp; their friends" not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the import's commits, as outside a test
        run("import_wordpress", str(export))
    assert "Tomatoes &amp; their friends" in client.get("/").content.decode()


def test_importing_again_doubles_nothing_and_adds_what_is_new(export):
    run("import_wordpress", str(export))
    counts = (
        Article.objects.count(),
        Comment.objects.count(),
        OldAddress.objects.count(),
        Tag.objects.count(),
    )
    users = get_user_model().objects.count()

    summary = run("import_wordpress", str(export))

    assert (
        Article.objects.count(),
        Comment.objects.count(),
        OldAddress.objects.count(),
        Tag.objects.count(),
    ) == counts
    assert get_user_model().objects.count() == users
    assert "Skipped 3 articles: imported before" in summary
    assert "Skipped 5 comments: imported before" in summary
    # A later export with one more reply: only the reply is added, under the comment it answers.
    newer = export.read_text().replace(
        "<wp:comment_id>102</wp:comment_id>", "<wp:comment_id>106</wp:comment_id>", 1
    )
    export.write_text(newer)
    run("import_wordpress", str(export))
    assert Comment.objects.count() == counts[1] + 1
    assert (
        Comment.objects.get(import_key="wordpress:old.example:106").reply_to.import_key
        == "wordpress:old.example:101"
    )


def test_a_second_blog_with_the_same_ids_is_imported_beside_the_first(export):
    run("import_wordpress", str(export))
    other = export.parent / "other.xml"
    other.write_text(export.read_text().replace("https://old.example", "https://other.example"))

    run("import_wordpress", str(other))

    assert Article.objects.filter(title="Tomatoes & their friends").count() == 2
    assert Comment.objects.count() == 10
    assert Article.objects.filter(slug="tomatoes-and-friends-2").exists()


def test_authors_can_be_mapped_to_existing_users(export):
    owner = make_user("owner", email="marie@old.example")  # the same person, by email
    editor = make_user("editor")

    run("import_wordpress", str(export), "--author", "paul gardener=editor")

    assert Article.objects.get(slug="tomatoes-and-friends").author == owner
    assert Article.objects.get(slug="cafe-au-jardin").author == editor
    assert get_user_model().objects.count() == 2
    with pytest.raises(CommandError, match="no such user"):
        run("import_wordpress", str(export), "--author", "marie=nobody")


def test_images_not_beside_the_export_keep_their_old_address_and_are_listed(tmp_path):
    shutil.copy(DATA / "wordpress.xml", tmp_path)

    summary = run("import_wordpress", str(tmp_path / "wordpress.xml"))

    article = Article.objects.get(slug="tomatoes-and-friends")
    assert "https://old.example/wp-content/uploads/2024/05/seedlings-300x200.png" in article.body
    assert not article.cover
    assert "Skipped 3 images: not found beside the export or in --media" in summary


def test_a_media_folder_can_hold_the_images(export, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(export, elsewhere / "wordpress.xml")

    run("import_wordpress", str(elsewhere / "wordpress.xml"), "--media", str(tmp_path / "uploads"))

    assert Article.objects.get(slug="tomatoes-and-friends").cover


def test_an_image_that_is_not_one_is_refused_by_the_image_validation(export):
    (export.parent / "uploads" / "2024" / "05" / "seedlings.png").write_bytes(b"<?php system($_GET[1]);")

    summary = run("import_wordpress", str(export))

    assert not Article.objects.get(slug="tomatoes-and-friends").cover
    assert "This file is not an image." in summary


def test_a_post_that_cannot_be_imported_leaves_nothing_behind(export, media_root):
    too_long = "<p>" + "words " * 20_000 + "</p>"
    export.write_text(export.read_text().replace("<h2>Planting</h2>", too_long))

    summary = run("import_wordpress", str(export))

    assert not Article.objects.filter(slug="tomatoes-and-friends").exists()
    assert not Comment.objects.filter(article__slug="tomatoes-and-friends").exists()
    assert not list((media_root / "uploads").rglob("*.png"))
    assert "Skipped 1 posts: body: Ensure this value has at most 100000 characters" in summary
    assert "Skipped 6 comments: their post was skipped" in summary
    assert Article.objects.filter(slug="cafe-au-jardin").exists()  # the others are imported


def test_control_characters_are_stripped_from_what_is_imported(export):
    # XML 1.0 refuses most control characters outright; DEL is one it lets through.
    text = export.read_text().replace("<wp:comment_author><![CDATA[Bob]]>", "<wp:comment_author>B&#127;ob")
    export.write_text(text.replace("Tomatoes &amp; their friends", "Tomatoes&#127; &amp; their friends"))

    run("import_wordpress", str(export))

    assert Comment.objects.get(import_key="wordpress:old.example:103").author_name == "Bob"
    assert Article.objects.filter(title="Tomatoes & their friends").exists()


def test_html_nested_too_deeply_to_convert_keeps_its_text(export):
    nested = "<div>" * 5000 + "deep words" + "</div>" * 5000
    export.write_text(export.read_text().replace("Thanks, planting some tomorrow.", nested))

    run("import_wordpress", str(export))

    comment = Comment.objects.get(import_key="wordpress:old.example:102")
    assert comment.body == "deep words"
    assert comment.body_html == "<p>deep words</p>"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion_laughs.xml", "declares entities or refers to external ones"),
        ("external_entity.xml", "declares entities or refers to external ones"),
        ("truncated.xml", "is not well-formed XML"),
        ("disqus.xml", "is not a WordPress export"),
    ],
)
def test_hostile_or_broken_files_are_refused_and_nothing_is_imported(name, message):
    with pytest.raises(CommandError, match=message):
        run("import_wordpress", str(DATA / name))

    assert not Article.objects.exists() and not get_user_model().objects.exists()


def test_files_above_the_size_limit_are_refused_before_reading(tmp_path):
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as file:
        file.truncate(2 * 1_048_576)

    with pytest.raises(CommandError, match="more than the 1 MB accepted"):
        run("import_wordpress", str(huge), "--max-size", "1")


# Disqus


def test_disqus_comments_reach_their_articles_by_old_address_or_new_one(export, client):
    run("import_wordpress", str(export))

    summary = run("import_disqus", str(DATA / "disqus.xml"))

    carol = Comment.objects.get(import_key="disqus:9001")
    erin = Comment.objects.get(import_key="disqus:9003")
    frank = Comment.objects.get(import_key="disqus:9005")
    assert carol.article.slug == "tomatoes-and-friends"  # by its old WordPress address
    assert frank.article.slug == "cafe-au-jardin"  # by its address on this site
    assert carol.body == "Found this via Disqus: great advice & photos."
    assert (carol.author_email, carol.ip_address) == ("carol@example.com", "192.0.2.44")
    assert carol.created_at.isoformat() == "2024-05-08T09:00:00+00:00"
    # The comment Erin answered was deleted on Disqus: her reply hangs from the one above it.
    assert erin.reply_to == carol
    assert Comment.objects.get(import_key="disqus:9004").status == Comment.Status.SPAM
    assert not Comment.objects.filter(import_key="disqus:9002").exists()
    assert "Imported: 4 comments" in summary
    assert "Skipped 1 comments: deleted on Disqus" in summary
    assert "No article for the thread “A post that was never moved”" in summary
    assert "gone-post" in summary

    page = read(client, carol.article.get_absolute_url())
    parents = comment_parents(page)
    assert parents[erin.pk] == carol.pk
    assert "Spam spam spam" not in page.all_text


def test_importing_disqus_again_doubles_nothing(export):
    run("import_wordpress", str(export))
    run("import_disqus", str(DATA / "disqus.xml"))
    count = Comment.objects.count()

    summary = run("import_disqus", str(DATA / "disqus.xml"))

    assert Comment.objects.count() == count
    assert "Skipped 4 comments: imported before" in summary


def test_a_disqus_thread_is_found_by_its_identifier(export, tmp_path):
    run("import_wordpress", str(export))
    disqus = (
        (DATA / "disqus.xml")
        .read_text()
        .replace("https://old.example/2024/05/tomatoes-and-friends/", "https://elsewhere.example/moved")
    )
    (tmp_path / "disqus.xml").write_text(disqus)

    run("import_disqus", str(tmp_path / "disqus.xml"))

    assert Comment.objects.get(import_key="disqus:9001").article.slug == "tomatoes-and-friends"


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml", "truncated.xml"])
def test_hostile_disqus_files_are_refused(name):
    with pytest.raises(CommandError):
        run("import_disqus", str(DATA / name))
    assert not Comment.objects.exists()
