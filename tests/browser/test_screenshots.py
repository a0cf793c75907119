"""The pictures in the README, taken of the demo site (`make run` shows the same) on every run: the home page,
an article's thread (desktop and phone, light and dark), the admin's moderation queue and its reply page. They
go to test-results/screenshots/, or to docs/screenshots/ for the README with CAUSERIE_UPDATE_SCREENSHOTS=1."""

import re
from io import BytesIO, StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from blog.models import Article
from comments.models import Comment
from tests.browser.conftest import PHONE, SCREENSHOTS, expect, remember_own_comments, sign_in
from tests.factories import make_comment

pytestmark = pytest.mark.browser

THREAD_ARTICLE = "/articles/how-comment-moderation-works/"


@pytest.fixture
def demo(db):
    """The demo site, and its held comment (on the article with a thread)."""
    call_command("load_demo", "--force", stdout=StringIO())
    held = Comment.objects.get(status=Comment.Status.HELD)
    # A second comment in the queue, held for another reason, on another article.
    make_comment(
        article=Article.objects.get(slug="replying-to-a-hard-comment"),
        author_name="Sam",
        author_email="sam@example.com",
        body="Only a connard would answer every troll. Ignore them.",
        status=Comment.Status.HELD,
        policy_reasons=["hold_word"],
    )
    return held


def save(page, name, *, full_page=True, clip=None):
    """Save the page as <name>.png in SCREENSHOTS, reduced to 256 colours: a third of the size, and text
    stays sharp (only the covers' gradients band a little)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    png = page.screenshot(full_page=full_page, clip=clip, animations="disabled", caret="hide")
    image = Image.open(BytesIO(png)).convert("RGB")
    image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(path, optimize=True)
    return path


def test_screenshots_of_the_reader_pages(new_context, live_server, demo):
    page = new_context().new_page()
    page.goto("/")
    save(page, "home")

    for scheme in ("light", "dark"):
        for device, options in (("desktop", {}), ("phone", PHONE)):
            context = new_context(color_scheme=scheme, **options)
            # The reader who wrote the held comment sees it, marked as waiting: the picture shows that too.
            remember_own_comments(context, [demo], live_server.url)
            page = context.new_page()
            page.goto(THREAD_ARTICLE)
            expect(page.get_by_text("Removed by moderation", exact=False).first).to_be_visible()
            save(page, f"thread-{device}-{scheme}", clip=thread_band(page))


def thread_band(page, margin=24):
    """The band of the page from the comments' heading to the end of the thread: the whole article would
    make a picture six screens tall, and the form below the thread is the same as on any page."""
    section = page.get_by_role("region", name=re.compile(r"^\d+ comments?$"))
    heading = section.get_by_role("heading").first.bounding_box()
    thread = section.get_by_role("list").first.bounding_box()
    top = heading["y"] - margin
    return {
        "x": 0,
        "y": top,
        "width": page.viewport_size["width"],
        "height": thread["y"] + thread["height"] + margin - top,
    }


def test_screenshots_of_the_admin_queue_and_reply_page(new_context, live_server, demo):
    context = new_context()
    sign_in(context, get_user_model().objects.get(username="owner"), live_server.url)
    page = context.new_page()
    page.goto("/admin/comments/comment/")
    expect(page.get_by_role("link", name="Reply", exact=True).first).to_be_attached()
    save(page, "admin-queue", full_page=False)

    page.get_by_role("link", name="Reply", exact=True).first.click()
    expect(page.get_by_label("Your reply")).to_be_visible()
    page.get_by_label("Your reply").fill(
        "Thank you for the reading list. I have published your comment: the links are *all* on topic."
    )
    expect(page.get_by_text("Thank you for the reading list.", exact=False)).to_be_visible()  # the preview
    save(page, "admin-reply")


def test_screenshot_of_the_writing_view(new_context, live_server, demo):
    context = new_context()
    sign_in(context, get_user_model().objects.get(username="owner"), live_server.url)
    page = context.new_page()
    article = Article.objects.get(slug="replying-to-a-hard-comment")
    page.goto(f"/admin/blog/article/{article.pk}/change/")
    preview = page.get_by_role("region", name="Preview, as readers will see it")
    expect(preview.locator("p").first).to_be_visible()
    field = page.locator(".field-body")
    field.scroll_into_view_if_needed()
    save(page, "admin-writing", full_page=False, clip=field.bounding_box())
