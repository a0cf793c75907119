"""Images uploaded into articles' bodies: shown to readers from their renditions, never the original, and
listed for removal once no article shows them."""

from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from blog import images, markup, revisions
from blog.models import Article, BodyImage
from blog.tasks import queue_missing_renditions
from tests.factories import make_article, make_image_file, make_owner, run_tasks
from tests.html import Document

pytestmark = pytest.mark.django_db


def upload(size=(1200, 800), **options):
    return BodyImage.objects.upload(make_image_file(size=size, **options), by=None)


def test_an_image_with_its_picture_becomes_a_webp_source_and_a_smaller_fallback():
    html = markup.render_article('Text\n\n![A heron](/media/uploads/a.jpg "At dawn")\n\n![Other](/other.png)')
    picture = markup.Picture(src="/media/f.jpg", width=1200, height=800, srcset="/media/r1.webp 480w")

    result = Document(markup.with_renditions(html, {"/media/uploads/a.jpg": picture}))

    source = result.find("picture").find("source")
    assert (source["type"], source["srcset"]) == ("image/webp", "/media/r1.webp 480w")
    assert source["sizes"] == markup.IMAGE_SIZES
    img = result.find("picture").find("img")
    assert img.attrs == {
        "src": "/media/f.jpg",
        "width": "1200",
        "height": "800",
        "alt": "A heron",
        "title": "At dawn",
        "loading": "lazy",
    }
    assert "/media/uploads/a.jpg" not in str(markup.with_renditions(html, {"/media/uploads/a.jpg": picture}))
    assert result.find("img", src="/other.png")["alt"] == "Other"  # not an upload of ours: untouched


def test_before_its_renditions_exist_an_image_is_its_smaller_copy_alone():
    html = markup.render_article("![A <b>heron</b> & co](/media/uploads/a.jpg)")
    picture = markup.Picture(src="/media/f.jpg", width=300, height=200)
    result = markup.with_renditions(html, {"/media/uploads/a.jpg": picture})
    assert "<picture" not in result
    assert Document(result).find("img").attrs["alt"] == "A <b>heron</b> & co"
    assert "&lt;b&gt;" in result


def test_image_sources_lists_images_and_those_without_a_description():
    html = markup.render_article("![](/a.png) ![ ](/b.png) ![Described](/c.png) [link](/d.png)")
    assert markup.image_sources(html) == ["/a.png", "/b.png", "/c.png"]
    assert markup.image_sources(html, without_alt=True) == ["/a.png", "/b.png"]


def test_readers_never_get_the_original_and_get_the_renditions_once_made(media_root):
    image = upload()
    article = make_article(body=f"Before.\n\n![A red square]({image.file.url})\n\nAfter.")
    assert image.file.url not in article.body_html
    shown = Document(article.body_html).find("img")
    assert shown["src"] == image.picture().src and shown["alt"] == "A red square"

    run_tasks()  # the worker makes the renditions and shows the article with them

    article.refresh_from_db()
    source = Document(article.body_html).find("picture").find("source")
    assert [entry.split()[1] for entry in source["srcset"].split(", ")] == ["480w", "960w", "1200w"]
    assert all((media_root / url.removeprefix("/media/")).exists() for url in source["srcset"].split()[::2])
    assert image.file.url not in article.body_html
    assert list(article.body_images.all()) == [image]


def test_an_article_saved_after_the_renditions_shows_them_at_once(media_root):
    image = upload()
    run_tasks()
    article = make_article(body=f"![A red square]({image.file.url})")
    assert "image/webp" in article.body_html


def test_an_uploaded_image_without_a_description_is_refused_with_the_text_kept(media_root):
    image = upload()
    article = make_article(body=f"![]({image.file.url})")
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "Describe every image" in refused.value.message_dict["body"][0]
    make_article(body="![](https://example.com/elsewhere.png)").full_clean()  # not ours: not judged


def test_images_no_article_shows_any_more_are_the_unused_ones(media_root):
    kept, dropped, never_used = upload(), upload(), upload()
    article = make_article(body=f"![Kept]({kept.file.url})\n\n![Dropped]({dropped.file.url})")
    assert set(BodyImage.objects.unused()) == {never_used}

    article.body = f"![Kept]({kept.file.url})"
    article.save()

    assert set(BodyImage.objects.unused()) == {dropped, never_used}
    article.delete()
    assert set(BodyImage.objects.unused()) == {kept, dropped, never_used}


def test_the_owner_lists_unused_images_and_removes_them_after_confirming(
    client, media_root, django_capture_on_commit_callbacks
):
    owner = make_owner()
    client.force_login(owner)
    used, unused = upload(), upload()
    run_tasks()
    unused.refresh_from_db()
    make_article(title="Herons", body=f"![Used]({used.file.url})")
    changelist = reverse("admin:blog_bodyimage_changelist")

    listing = Document(client.get(changelist, {"use": "unused"}).content.decode())
    assert [box["value"] for box in listing.find_all("input", name="_selected_action")] == [str(unused.pk)]

    asked = client.post(changelist, {"action": "delete_selected", "_selected_action": [unused.pk]})
    assert "Are you sure" in asked.content.decode()
    assert BodyImage.objects.filter(pk=unused.pk).exists()

    files = [unused.file.name, unused.fallback, *(r["name"] for r in unused.renditions)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"})
    assert not BodyImage.objects.filter(pk=unused.pk).exists()
    assert not any((media_root / name).exists() for name in files)


def test_an_image_an_article_shows_cannot_be_deleted(client, media_root):
    client.force_login(make_owner())
    used = upload()
    make_article(title="Herons", body=f"![Used]({used.file.url})")
    page = client.get(reverse("admin:blog_bodyimage_delete", args=[used.pk])).content.decode()
    assert "Herons" in page and "protected" in page
    client.post(reverse("admin:blog_bodyimage_delete", args=[used.pk]), {"post": "yes"})
    assert BodyImage.objects.filter(pk=used.pk).exists()
    assert Article.objects.get(title="Herons").body_images.get() == used


def test_an_image_only_a_kept_version_shows_is_kept_so_that_restoring_it_shows_it(client, media_root):
    owner = make_owner()
    client.force_login(owner)
    image, never_used = upload(), upload()
    run_tasks()
    article = make_article(title="Herons", body=f"![A heron]({image.file.url})")
    first = revisions.record(article, by=owner)
    article.body = "The heron flew away."
    article.save()
    revisions.record(article, by=owner)
    assert not article.body_images.exists()

    # Not offered for removal: the version that shows it can still be restored.
    assert set(BodyImage.objects.unused()) == {never_used}
    changelist = reverse("admin:blog_bodyimage_changelist")
    listing = Document(client.get(changelist).content.decode())
    shown_in = {
        row.find("a").text: row.find("td", class_="field-shown_in").text
        for row in listing.find("tbody").find_all("tr")
    }
    assert shown_in == {str(image): "an older version of an article", str(never_used): "no article"}
    page = client.get(reverse("admin:blog_bodyimage_delete", args=[image.pk])).content.decode()
    assert "a kept version of “Herons” shows it" in page
    client.post(reverse("admin:blog_bodyimage_delete", args=[image.pk]), {"post": "yes"})
    asked = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [image.pk, never_used.pk], "post": "yes"},
    )
    assert "a kept version of “Herons” shows it" in asked.content.decode()
    assert BodyImage.objects.filter(pk=image.pk).exists()

    revisions.restore(first, by=owner)  # shown again, from its renditions
    article.refresh_from_db()
    assert list(article.body_images.all()) == [image]
    assert "image/webp" in article.body_html and (media_root / image.fallback).exists()


def test_images_uploaded_before_they_had_rows_are_adopted_once(media_root):
    processed = images.process_image(make_image_file(size=(1200, 600)))
    name = default_storage.save(f"uploads/2025/01/{processed.name}", processed)
    article = make_article(
        body=f"![Old]({default_storage.url(name)}) ![Elsewhere](https://example.com/a.png)"
    )
    assert default_storage.url(name) in article.body_html  # the original, as before this change

    call_command("adopt_body_images", stdout=StringIO())
    call_command("adopt_body_images", stdout=StringIO())
    run_tasks()

    image = BodyImage.objects.get()
    assert (image.file.name, image.width, image.height) == (name, 1200, 600)
    article.refresh_from_db()
    assert default_storage.url(name) not in article.body_html
    assert "image/webp" in article.body_html
    assert list(article.body_images.all()) == [image]


def test_an_animation_stays_animated_for_readers_within_960_pixels(media_root):
    frames = [Image.new("RGB", (1200, 600), color) for color in ("red", "blue", "green")]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = BodyImage.objects.upload(SimpleUploadedFile("a.gif", buffer.getvalue()), by=None)
    run_tasks()
    image.refresh_from_db()
    assert image.animated and image.renditions == []
    article = make_article(body=f"![Three colours]({image.file.url})")
    assert "<picture" not in article.body_html
    shown = Document(article.body_html).find("img")["src"]
    with Image.open(media_root / shown.removeprefix("/media/")) as fallback:
        assert (fallback.format, fallback.size, fallback.n_frames) == ("GIF", (960, 480), 3)
    assert BodyImage.objects.filter(renditions=[]).count() == 1
    assert queue_missing_renditions() == 0


def test_the_smaller_copy_of_an_animation_is_made_within_the_images_budget(media_root, settings):
    # An animation's smaller copy resizes every frame again: like the validation, it runs in a child process
    # within IMAGE_MAX_SECONDS and IMAGE_MAX_MEMORY_MB, and beyond them the upload is refused, nothing stored.
    frames = [Image.new("RGB", (1200, 600), color) for color in ("red", "blue", "green", "white")]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    file = SimpleUploadedFile("a.gif", buffer.getvalue())
    images.validate_image(file)  # within the default budget: the upload passed
    # No memory beyond what the process holds, and no time: a child may reuse memory its parent freed
    # (`within_budget`), and in CI runs a child made this small animation's copy in the parent's freed memory
    # with 1 MB, then with none; the time limit holds whatever the parent's memory.
    settings.IMAGE_MAX_MEMORY_MB = 0
    settings.IMAGE_MAX_SECONDS = 0
    with pytest.raises(ValidationError) as refused:
        BodyImage.objects.upload(file, by=None)
    assert refused.value.code == "too_costly"
    assert not BodyImage.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]
