"""Uploads on this machine's disk or in an S3-compatible bucket: the same checks, renditions and addresses."""

import io
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from blog.models import Article, BodyImage
from tests.factories import make_article, make_image_file, run_tasks
from tests.html import Document

UPLOAD = reverse("blog:editor_upload")
ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data"


def fetch(client, url):
    """What a browser gets at ``url``: following a redirect to the bucket, as it would."""
    response = client.get(url)
    if response.status_code == 302:
        assert response["Location"].startswith("http://127.0.0.1:")
        assert "Signature=" in response["Location"] or "X-Amz-Signature=" in response["Location"]
        assert "private" in response["Cache-Control"]
        with urllib.request.urlopen(response["Location"], timeout=10) as answer:
            return answer.read()
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def stored_names(media_storage, media_root):
    if media_storage is None:
        return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())
    server, bucket = media_storage
    return server.keys(bucket)


def test_an_editor_upload_is_stored_and_served_from_its_address(media_storage, media_root, owner_client):
    response = owner_client.post(
        UPLOAD, {"image": make_image_file("big.png", size=(3000, 1000), format="PNG")}
    )
    assert response.status_code == 200
    url = re.fullmatch(r"!\[\]\((.+)\)", response.json()["image_code"])[1]
    assert url.startswith("/media/uploads/")  # an address that never expires, for the article's Markdown
    # The upload, and the smaller copy readers get in its place (blog.models.BodyImage).
    names = stored_names(media_storage, media_root)
    assert len(names) == 2 and url.removeprefix("/media/") in names
    with Image.open(io.BytesIO(fetch(Client(), url))) as image:
        assert image.format == "PNG" and image.size == (2400, 800)  # re-encoded, scaled down


def test_a_refused_upload_stores_nothing(media_storage, media_root, owner_client):
    response = owner_client.post(UPLOAD, {"image": make_image_file("fake.png", format="PNG").open()})
    bad = owner_client.post(UPLOAD, {"image": io.BytesIO(b"GIF89a and then nothing")})
    assert response.status_code == 200 and bad.status_code == 400
    assert bad.json()["image"] == ["This image is damaged or incomplete. Try exporting it again."]
    assert len(stored_names(media_storage, media_root)) == 2  # the good upload and its smaller copy only


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_covers_renditions_are_made_by_the_worker_and_deleted_with_it(media_storage, media_root):
    article = make_article(title="Covers")
    article.cover = make_image_file(size=(1000, 500))
    article.cover_alt = "A red field"
    article.save()
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    article.refresh_from_db()
    assert [r["width"] for r in article.cover_renditions] == [480, 960, 1000]
    assert len(stored_names(media_storage, media_root)) == 4
    page = Client().get(article.get_absolute_url()).content.decode()
    srcset = re.search(r'srcset="([^"]+)"', page)[1]
    first = srcset.split(",")[0].split()[0]
    with Image.open(io.BytesIO(fetch(Client(), first))) as image:
        assert image.format == "WEBP" and image.width == 480
    Article.objects.get(pk=article.pk).delete()
    assert stored_names(media_storage, media_root) == []


def test_an_image_in_a_body_is_shown_from_the_renditions_the_worker_stores(
    media_storage, media_root, owner_client, django_capture_on_commit_callbacks
):
    response = owner_client.post(UPLOAD, {"image": make_image_file("wide.jpg", size=(1200, 600))})
    url = re.fullmatch(r"!\[\]\((.+)\)", response.json()["image_code"])[1]
    article = make_article(body=f"Look:\n\n![A wide field]({url})")
    page = Document(Client().get(article.get_absolute_url()).content.decode())
    [before] = page.find_all("img", alt="A wide field")
    with Image.open(io.BytesIO(fetch(Client(), before["src"]))) as image:
        assert image.size == (960, 480)  # the smaller copy, until the worker has made the renditions
    with django_capture_on_commit_callbacks(execute=True):  # the worker's transaction: the page cache
        run_tasks()
    page = Document(Client().get(article.get_absolute_url()).content.decode())
    [source] = page.find_all("source", type="image/webp")
    widths = []
    for entry in source["srcset"].split(", "):
        address, width = entry.split()
        with Image.open(io.BytesIO(fetch(Client(), address))) as image:
            assert image.format == "WEBP" and f"{image.width}w" == width
        widths.append(width)
    assert widths == ["480w", "960w", "1200w"]
    assert len(stored_names(media_storage, media_root)) == 5  # the upload, its smaller copy, 3 renditions
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()  # an image an article shows cannot be deleted
        BodyImage.objects.get().delete()
    assert stored_names(media_storage, media_root) == []


@pytest.mark.django_db
def test_with_a_public_address_and_a_folder_body_images_get_their_renditions(s3_server, settings):
    bucket = s3_server.new_bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_server.storage_options(
            bucket,
            signed_urls=False,
            url_protocol="https:",
            custom_domain="media.example.com",
            location="blog",
        ),
    }
    image = BodyImage.objects.upload(make_image_file(size=(1200, 600)), by=None)
    assert image.file.url == f"https://media.example.com/blog/{image.file.name}"
    assert s3_server.keys(bucket) == sorted(f"blog/{name}" for name in (image.file.name, image.fallback))
    run_tasks()
    article = make_article(body=f"![A wide field]({image.file.url})")
    [source] = Document(article.body_html).find_all("source", type="image/webp")
    assert source["srcset"].startswith("https://media.example.com/blog/uploads/renditions/")
    assert list(article.body_images.all()) == [image]


@pytest.mark.django_db
def test_pictures_imported_from_wordpress_are_shown_from_the_storage(
    media_storage, media_root, tmp_path, django_capture_on_commit_callbacks
):
    shutil.copy(DATA / "wordpress.xml", tmp_path)
    uploads = tmp_path / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    Image.new("RGB", (600, 400), (30, 160, 60)).save(uploads / "seedlings.png")
    Image.new("RGB", (300, 200), (30, 160, 60)).save(uploads / "seedlings-300x200.png")
    call_command("import_wordpress", str(tmp_path / "wordpress.xml"), stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    article = Article.objects.get(slug="tomatoes-and-friends")
    page = Document(Client().get(article.get_absolute_url()).content.decode())
    pictures = page.find("div", class_="article-body").find_all("picture")
    assert len(pictures) == 2
    for picture in pictures:
        for entry in picture.find("source")["srcset"].split(", "):
            address, width = entry.split()
            with Image.open(io.BytesIO(fetch(Client(), address))) as image:
                assert image.format == "WEBP" and f"{image.width}w" == width
        with Image.open(io.BytesIO(fetch(Client(), picture.find("img")["src"]))) as image:
            assert image.format == "PNG"
    stored = stored_names(media_storage, media_root)
    for image in article.body_images.all():
        assert {image.file.name, image.fallback, *(r["name"] for r in image.renditions)} <= set(stored)


@pytest.mark.django_db  # a 404 looks for an old address of an imported article
def test_with_a_public_address_pages_link_straight_to_it(s3_server, settings):
    bucket = s3_server.new_bucket()
    s3_server.make_public(bucket)
    public = f"{s3_server.endpoint}/{bucket}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_server.storage_options(
            bucket, signed_urls=False, url_protocol="http:", custom_domain=public.split("//")[1]
        ),
    }
    name = default_storage.save("uploads/a.jpg", make_image_file())
    assert default_storage.url(name) == f"{public}/{name}"
    with urllib.request.urlopen(default_storage.url(name), timeout=10) as answer:
        assert answer.read()[:3] == b"\xff\xd8\xff"  # no signature needed
    assert Client().get(f"/media/{name}").status_code == 404  # nothing to redirect: pages never link here


def settings_of(**env):
    code = "from django.conf import settings; print(settings.STORAGES['default'], settings.SERVE_MEDIA)"
    environment = {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_environment_switches_the_storage():
    assert "FileSystemStorage" in settings_of().stdout
    result = settings_of(
        CAUSERIE_MEDIA_BUCKET="blog-media",
        CAUSERIE_MEDIA_ENDPOINT_URL="https://s3.example.net",
        CAUSERIE_MEDIA_REGION="fr-par",
        CAUSERIE_MEDIA_PUBLIC_URL="https://media.example.com/",
    )
    assert "config.media.MediaStorage" in result.stdout
    assert "'custom_domain': 'media.example.com'" in result.stdout
    assert (
        "'signed_urls': False" in result.stdout
        and "'endpoint_url': 'https://s3.example.net'" in result.stdout
    )
    assert result.stdout.strip().endswith("False")  # Django no longer serves /media/ from the disk


def test_a_public_address_without_a_scheme_stops_start_up_in_one_line():
    result = settings_of(CAUSERIE_MEDIA_BUCKET="blog-media", CAUSERIE_MEDIA_PUBLIC_URL="media.example.com")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "CAUSERIE_MEDIA_PUBLIC_URL must start with https://" in result.stderr
