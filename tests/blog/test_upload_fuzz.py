"""Generated GIF, PNG, WebP and JPEG files (frames, delays, palettes, modes, sizes, truncations, changed
bytes) sent to both upload paths: the admin's cover field and the editor's upload. None may answer 500; each
is stored or refused with one of the site's messages, and what is stored opens as an image. The work on each
runs within a budget of one second and 200 MB (benchmarks/upload_fuzz.py runs thousands and prints times)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from blog import images
from blog.models import Article
from tests.image_variants import variants

pytestmark = pytest.mark.django_db

VARIANTS = 160
SITE_MESSAGES = ("This ", "No file")  # every refusal of blog.images begins "This file…" or "This image…"


@pytest.fixture
def budget(settings):
    settings.IMAGE_MAX_SECONDS = 1
    settings.IMAGE_MAX_MEMORY_MB = 200


def stored_image_opens(path):
    with Image.open(path) as im:
        im.load()
        return im.format in images.ALLOWED_FORMATS


def test_generated_images_through_the_editor_upload(owner_client, media_root, budget):
    outcomes = {200: 0, 400: 0}
    for label, data in variants(VARIANTS, seed=13):
        upload = SimpleUploadedFile("fuzz.bin", data, content_type="application/octet-stream")
        response = owner_client.post(reverse("blog:editor_upload"), {"image": upload})
        assert response.status_code in outcomes, label
        outcomes[response.status_code] += 1
        if response.status_code == 400:
            assert response.json()["image"][0].startswith(SITE_MESSAGES), label
        else:
            name = response.json()["image_code"].removeprefix("![](/media/").removesuffix(")")
            assert stored_image_opens(media_root / name), label
    assert outcomes[200] > VARIANTS / 2 and outcomes[400] > VARIANTS / 20, outcomes


def test_generated_images_as_the_cover_in_the_admin(owner_client, owner, budget):
    outcomes = {302: 0, 200: 0}
    for number, (label, data) in enumerate(variants(VARIANTS // 2, seed=14)):
        response = owner_client.post(
            reverse("admin:blog_article_add"),
            {
                "title": "Fuzz",
                "slug": f"fuzz-{number}",
                "author": owner.pk,
                "language": "en",
                "summary": "A summary.",
                "body": "A body.",
                "status": "draft",
                "cover": SimpleUploadedFile("fuzz.bin", data),
                "cover_alt": "A cover",
            },
        )
        assert response.status_code in outcomes, label
        outcomes[response.status_code] += 1
        if response.status_code == 200:
            errors = response.context["adminform"].form.errors
            assert list(errors) == ["cover"] and errors["cover"][0].startswith(SITE_MESSAGES), label
        else:
            article = Article.objects.get(slug=f"fuzz-{number}")
            with article.cover.open("rb") as stored:
                assert stored_image_opens(io.BytesIO(stored.read())), label
    assert outcomes[302] > VARIANTS / 4 and outcomes[200] > VARIANTS / 40, outcomes
