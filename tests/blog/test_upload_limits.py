"""Uploads that can't crash or stall a worker (issue 13), through both upload paths: the admin's cover field
and the editor's drag-and-drop upload."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from blog.images import process_image, validate_image, within_budget
from blog.models import Article
from tests.blog.test_images import hand_made_png
from tests.factories import make_image_file
from tests.image_variants import hand_made_gif

pytestmark = pytest.mark.django_db

UPLOAD = reverse("blog:editor_upload")


def add_article_with_cover(client, author, cover, slug="with-a-cover"):
    data = {
        "title": "With a cover",
        "slug": slug,
        "author": author.pk,
        "language": "en",
        "summary": "A summary.",
        "body": "A body I do not want to lose.",
        "status": "draft",
        "cover": cover,
        "cover_alt": "A cover",
    }
    return client.post(reverse("admin:blog_article_add"), data)


def cover_errors(response):
    """The messages the admin form shows under the cover field (its form is in the response's context)."""
    return response.context["adminform"].form.errors.get("cover", [])


def gif_upload(data, name="animation.gif"):
    return SimpleUploadedFile(name, data, content_type="image/gif")


def stored_durations(content):
    with Image.open(io.BytesIO(content)) as im:
        durations = []
        for index in range(im.n_frames):
            im.seek(index)
            durations.append(im.info.get("duration", 0))
        return durations


def test_the_85_byte_gif_with_two_identical_frames_at_the_largest_delay_is_stored(owner_client, owner):
    data = hand_made_gif(frames=2, delay_cs=65535)
    assert len(data) == 85

    response = add_article_with_cover(owner_client, owner, gif_upload(data))

    assert response.status_code == 302
    article = Article.objects.get()
    with article.cover.open("rb") as stored:
        assert sum(stored_durations(stored.read())) <= 2 * 60_000  # each frame shown a minute at most


def test_the_85_byte_gif_is_stored_from_the_editor_too(owner_client):
    response = owner_client.post(UPLOAD, {"image": gif_upload(hand_made_gif(frames=2, delay_cs=65535))})
    assert response.status_code == 200
    assert response.json()["image_code"].endswith(".gif)")


def test_seven_frames_at_a_hundred_seconds_each_are_shown_a_minute_each():
    processed = process_image(gif_upload(hand_made_gif(frames=7, delay_cs=10_000, size=(3, 3))))
    # Pillow merges the identical frames into one, its delay their sum.
    assert sum(stored_durations(processed.read())) == 7 * 60_000


def test_long_animation_is_slowed_down_no_further_than_a_gif_can_store():
    frames = [Image.new("RGB", (4, 4), (index * 10, 0, 0)) for index in range(20)]  # none merged
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=50_000)
    processed = process_image(gif_upload(buffer.getvalue()))
    durations = stored_durations(processed.read())
    assert len(durations) == 20 and sum(durations) <= 655_350


def test_gif_of_400000_one_pixel_frames_is_refused_for_its_frame_count(owner_client, owner, settings):
    data = hand_made_gif(frames=400_000, delay_cs=1)
    assert 9_000_000 < len(data) < settings.IMAGE_MAX_BYTES

    response = add_article_with_cover(owner_client, owner, gif_upload(data))

    assert response.status_code == 200
    assert cover_errors(response) == [
        f"This animation has too many frames: at most {settings.IMAGE_MAX_FRAMES} are accepted."
    ]
    assert "A body I do not want to lose." in response.content.decode()
    refused = owner_client.post(UPLOAD, {"image": gif_upload(data)})
    assert refused.status_code == 400
    assert "too many frames" in refused.json()["image"][0]


def test_gif_of_1000_frames_of_200_by_200_is_refused(owner_client):
    frames = [Image.new("RGB", (200, 200), (index % 256, index // 256, 0)) for index in range(1000)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=40)

    response = owner_client.post(UPLOAD, {"image": gif_upload(buffer.getvalue())})

    assert response.status_code == 400
    # 40 megapixels in all: refused at the 200th frame, before its frame count.
    assert response.json()["image"] == [
        "This animation has too many pixels: its frames may add up to at most 8 megapixels."
    ]


def test_animation_over_its_pixel_budget_is_refused_with_the_limit(settings):
    settings.IMAGE_MAX_ANIMATION_PIXELS = 1_000_000
    frames = [Image.new("RGB", (300, 300), (index * 20, 0, 0)) for index in range(12)]  # 1.08 megapixels
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(ValidationError) as caught:
        validate_image(gif_upload(buffer.getvalue()))
    assert caught.value.messages == [
        "This animation has too many pixels: its frames may add up to at most 1 megapixels."
    ]


def picture_of(megabytes):
    return Image.new("L", (1024, 1024 * megabytes), 7).getpixel((0, 0))


def test_work_within_the_memory_budget_is_done_and_beyond_it_is_stopped(settings):
    settings.IMAGE_MAX_MEMORY_MB = 100
    assert within_budget(picture_of, 20) == 7
    # More than this test process ever held, so none of it is memory the parent freed and the child reuses.
    assert within_budget(picture_of, 400) is None


def test_processing_beyond_its_time_budget_is_refused_and_says_so(owner_client, owner, settings):
    settings.IMAGE_MAX_SECONDS = 0
    photo = SimpleUploadedFile("big.png", hand_made_png(6000, 6000), content_type="image/png")

    response = add_article_with_cover(owner_client, owner, photo)

    assert response.status_code == 200
    assert cover_errors(response) == [
        "This image takes too much time or memory to process. Try a smaller size or, for an animation, "
        "fewer frames."
    ]
    assert not Article.objects.exists()


def test_cover_over_the_byte_limit_gets_the_sites_own_message(owner_client, owner, settings):
    settings.IMAGE_MAX_BYTES = 1000
    noise = Image.effect_noise((300, 300), 64).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    response = add_article_with_cover(owner_client, owner, SimpleUploadedFile("noise.png", buffer.getvalue()))
    assert cover_errors(response) == ["This file is larger than 0.000954 MB."]
    assert "Upload a valid image" not in response.content.decode()


def test_cover_that_is_not_an_image_gets_the_sites_list_of_formats(owner_client, owner):
    bomb = SimpleUploadedFile("cover.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, content_type="image/png")
    response = add_article_with_cover(owner_client, owner, bomb)
    errors = " ".join(cover_errors(response))
    assert errors == "This image is damaged or incomplete. Try exporting it again."
    content = response.content.decode()
    assert "Upload a valid image" not in content and "BMP" not in content


@pytest.mark.parametrize(
    "name",
    ["photo.bmp", "photo", "x" * 300 + ".jpg", "../../etc/passwd", "<script>.jpg", "photo.jpg\u202egnp"],
    ids=["wrong-extension", "no-extension", "300-characters", "path", "markup", "bidi"],
)
def test_a_valid_cover_is_accepted_whatever_its_name_and_stored_under_a_generated_one(
    owner_client, owner, name
):
    response = add_article_with_cover(owner_client, owner, make_image_file(name))

    assert response.status_code == 302, cover_errors(response)
    stored = Article.objects.get().cover.name
    assert stored.startswith("covers/") and stored.endswith(".jpg") and len(stored) < 60
