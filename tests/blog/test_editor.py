"""The admin editor's live preview and drag-and-drop uploads."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from blog import markup
from blog.models import BodyImage, reading_time
from tests.factories import make_article, make_image_file, make_user, run_tasks
from tests.html import Document

pytestmark = pytest.mark.django_db

PREVIEW = reverse("blog:editor_preview")
UPLOAD = reverse("blog:editor_upload")


def test_the_widget_posts_to_our_guarded_views():
    assert settings.MARKDOWNX_URLS_PATH == PREVIEW
    assert settings.MARKDOWNX_UPLOAD_URLS_PATH == UPLOAD


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.post(url, {"content": "**hi**"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_staff_who_may_not_edit_articles_are_refused(client, url):
    client.force_login(make_user(is_staff=True))
    assert client.post(url, {"content": "**hi**", "image": make_image_file()}).status_code == 403


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_people_who_are_not_staff_are_refused_even_with_the_permission(client, url):
    user = make_user()
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(user)
    assert client.post(url, {"content": "**hi**", "image": make_image_file()}).status_code == 403


def test_staff_who_may_only_add_articles_may_preview(client):
    writer = make_user(is_staff=True)
    writer.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(writer)
    assert client.post(PREVIEW, {"content": "*new*"}).status_code == 200


def test_upload_by_a_refused_user_stores_nothing(client, media_root):
    client.force_login(make_user(is_staff=True))
    client.post(UPLOAD, {"image": make_image_file()})
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_editor_with_the_permission_may_preview(client):
    editor = make_user(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    assert client.post(PREVIEW, {"content": "*yes*"}).content == b"<p><em>yes</em></p>"


def test_preview_is_exactly_what_readers_will_see(owner_client):
    text = "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    response = owner_client.post(PREVIEW, {"content": text})
    assert response.content.decode() == markup.render_article(text)
    assert b"<script" not in response.content
    assert b"javascript:" not in response.content


def test_an_imported_html_body_is_previewed_as_its_page_shows_it(owner_client):
    html = '<p>E = mc<sup>2</sup></p><table><tr><td colspan="2">merged</td></tr></table><script>x()</script>'
    article = make_article(body=html, body_is_html=True)
    response = owner_client.post(
        PREVIEW, {"content": html, "body_is_html": "1"}, headers={"accept": "application/json"}
    )
    assert response.json()["html"] == article.body_html
    assert Document(response.json()["html"]).find("sup").text == "2"
    assert response.json()["words"] == reading_time(article.body_html)[0] == 5  # E = mc 2 merged: no tags
    assert (
        "&lt;sup&gt;" in owner_client.post(PREVIEW, {"content": html}).content.decode()
    )  # Markdown: escaped


def test_preview_only_answers_post(owner_client):
    assert owner_client.get(PREVIEW).status_code == 405


def test_upload_stores_a_cleaned_image_and_returns_its_markdown(owner_client, media_root):
    response = owner_client.post(
        UPLOAD,
        {"image": make_image_file("holiday.png", format="PNG")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![](/media/uploads/") and code.endswith(".png)")
    assert "holiday" not in code
    stored = media_root / code.removeprefix("![](/media/").removesuffix(")")
    assert stored.exists()


def test_refused_upload_says_why(owner_client, media_root):
    svg = SimpleUploadedFile(
        "logo.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        content_type="image/svg+xml",
    )
    response = owner_client.post(UPLOAD, {"image": svg})
    assert response.status_code == 400
    assert "JPEG, PNG, GIF" in " ".join(response.json()["image"])
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_upload_without_a_file_says_so(owner_client):
    response = owner_client.post(UPLOAD, {})
    assert response.status_code == 400
    assert response.json()["image"] == ["No file was received. Choose an image to upload."]


@pytest.mark.parametrize("url", ["/markdownx/markdownify/", "/markdownx/upload/"])
def test_markdownx_own_unguarded_views_are_not_routed(owner_client, url):
    assert owner_client.post(url, {"content": "<script>alert(1)</script>"}).status_code == 404


def test_article_form_widget_points_at_the_guarded_views(owner_client):
    content = owner_client.get(reverse("admin:blog_article_add")).content.decode()
    assert f'data-markdownx-urls-path="{PREVIEW}"' in content
    assert f'data-markdownx-upload-urls-path="{UPLOAD}"' in content


def test_article_form_loads_the_writing_view_and_not_markdownx_own_script(owner_client):
    content = owner_client.get(reverse("admin:blog_article_add")).content.decode()
    assert "js/writing.js" in content and "css/writing.css" in content
    assert "markdownx/js/" not in content
    # Without JavaScript the body is a plain textarea in the form, and its tools stay hidden.
    page = Document(content)
    assert page.find("form", id="article_form").find("textarea", name="body") is not None
    assert "hidden" in page.by_id("writing-tools").attrs


def test_preview_as_json_counts_words_and_reading_time_as_the_article_does(owner_client):
    body = "# Heading\n\n" + "word " * 450 + "\n\n[TOC]"
    article = make_article(body=body)
    response = owner_client.post(PREVIEW, {"content": body}, headers={"accept": "application/json"})
    answer = response.json()
    assert answer["html"] == markup.render_article(body)
    assert answer["words"] == 451  # the heading's word counts, the permalink glyph and the contents do not
    assert answer["minutes"] == article.reading_time == 3
    assert answer["summary"] == "451 words · 3 min read"


def test_upload_keeps_a_row_with_a_smaller_copy_and_queues_the_renditions(owner_client, owner, media_root):
    response = owner_client.post(UPLOAD, {"image": make_image_file(size=(1200, 600))})
    image = BodyImage.objects.get()
    assert response.json()["url"] == image.file.url
    assert response.json()["preview"].endswith(image.fallback)
    assert (image.width, image.height, image.uploaded_by) == (1200, 600, owner)
    with Image.open(media_root / image.fallback) as fallback:
        assert fallback.size == (960, 480)
    assert image.renditions == []
    run_tasks()
    image.refresh_from_db()
    assert [rendition["width"] for rendition in image.renditions] == [480, 960, 1200]
