"""The owner's writing view in the real admin: layout, live preview and counts, shortcuts, body images."""

import base64
import re
from io import BytesIO

import pytest
from PIL import Image

from blog.models import Article, BodyImage
from tests.browser.conftest import PHONE, expect, sign_in
from tests.factories import make_owner, run_tasks
from tests.html import Document

pytestmark = pytest.mark.browser

ADD = "/admin/blog/article/add/"


@pytest.fixture
def owner(db):
    return make_owner()


@pytest.fixture
def writer(new_context, live_server, owner):
    """A signed-in owner's page factory: `writer(**context options)` opens the article form."""

    def open_form(**options):
        context = new_context(**options)
        sign_in(context, owner, live_server.url)
        page = context.new_page()
        page.goto(ADD)
        expect(page.locator(".writing-live")).to_be_visible()
        return page

    return open_form


def boxes(page):
    return (
        page.locator("textarea#id_body").bounding_box(),
        page.get_by_role("region", name="Preview, as readers will see it").bounding_box(),
    )


def test_the_preview_is_beside_the_text_on_a_wide_screen(writer):
    editor, preview = boxes(writer())
    assert preview["x"] >= editor["x"] + editor["width"]
    assert abs(preview["y"] - editor["y"]) < 2
    assert editor["width"] > 350 and preview["width"] > 350


def test_the_preview_is_below_the_text_on_a_phone(writer):
    page = writer(**PHONE)
    editor, preview = boxes(page)
    assert preview["y"] >= editor["y"] + editor["height"]
    assert abs(preview["x"] - editor["x"]) < 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_typing_shows_the_preview_in_the_site_s_typography_and_counts_words(writer):
    page = writer()
    page.locator("textarea#id_body").fill(
        "# A title\n\nSome **bold** words and a [link](https://example.com)."
    )

    preview = page.locator(
        ".markdownx-preview .article-body"
    )  # Playwright's CSS reaches into the shadow root
    expect(preview.locator("h2")).to_have_text(re.compile("A title"))
    expect(preview.locator("strong")).to_have_text("bold")
    expect(page.locator(".writing-stats")).to_have_text("8 words · 1 min read")
    # The reader's stylesheet, not the admin's: the body's line height is site.css's 1.7.
    line_height, font_size = preview.evaluate(
        "element => [getComputedStyle(element).lineHeight, getComputedStyle(element).fontSize]"
    )
    assert float(line_height.removesuffix("px")) == pytest.approx(1.7 * float(font_size.removesuffix("px")))

    page.locator("textarea#id_body").fill("One two three.")
    expect(page.locator(".writing-stats")).to_have_text("3 words · 1 min read")
    expect(preview.locator("h2")).to_have_count(0)


def test_shortcuts_make_bold_italic_links_and_headings(writer):
    page = writer()
    editor = page.locator("textarea#id_body")
    editor.fill("word")
    editor.press("Control+a")
    editor.press("Control+b")
    expect(editor).to_have_value("**word**")
    editor.press("Control+b")  # again: back to plain
    expect(editor).to_have_value("word")
    editor.press("Control+i")
    expect(editor).to_have_value("_word_")
    editor.press("End")
    editor.press("Control+Alt+3")
    expect(editor).to_have_value("### _word_")
    editor.fill("see this")
    editor.press("Control+a")
    editor.press("Control+k")
    page.keyboard.type("https://example.com")
    expect(editor).to_have_value("[see this](https://example.com)")
    expect(page.locator(".markdownx-preview a[href='https://example.com']")).to_have_text("see this")


def png(size=(1600, 900), color=(200, 40, 40)):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


DROP = """([data, name, target]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: "image/png"}));
  const on = document.querySelector(target || "textarea#id_body");
  on.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


def test_a_dropped_image_asks_for_its_description_and_readers_get_its_renditions(writer, live_server):
    page = writer()
    page.get_by_label("Title").fill("Red squares")
    page.get_by_label("Summary").fill("A picture of a red square.")
    editor = page.locator("textarea#id_body")
    editor.fill("Look at this:")
    editor.press("End")

    page.evaluate(DROP, [base64.b64encode(png()).decode(), "square.png"])

    dialog = page.get_by_role("dialog", name="Describe the image")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Insert the image").click()
    expect(dialog.get_by_role("alert")).to_have_text("Describe the image to insert it.")
    expect(editor).to_have_value("Look at this:")
    dialog.get_by_label("Description").fill("A red square [big]")
    dialog.get_by_role("button", name="Insert the image").click()
    expect(dialog).to_be_hidden()
    expect(editor).to_have_value(
        re.compile(r"^Look at this:\n\n!\[A red square \\\[big\\\]\]\(/media/uploads/\S+\.png\)$")
    )
    expect(page.locator(".markdownx-preview img[alt='A red square [big]']")).to_be_visible()

    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    run_tasks()  # the task worker makes the renditions and shows the article with them
    article = Article.objects.get(title="Red squares")
    reader = page.context.browser.new_context(base_url=live_server.url).new_page()
    reader.goto(article.get_absolute_url())
    picture = reader.locator(".article-body picture")
    source = picture.locator("source[type='image/webp']")
    expect(source).to_have_attribute("srcset", re.compile(r"\.webp 480w, .+\.webp 960w, .+\.webp 1600w$"))
    img = picture.locator("img")
    expect(img).to_have_attribute("alt", "A red square [big]")
    original = re.search(r"\((/media/uploads/\S+)\)", article.body).group(1)
    assert original not in reader.content()
    # The browser chose a WebP rendition, never the original (once it has chosen: the image loads lazily, and
    # on a loaded machine it may not have started when the page's load event fires).
    chosen = reader.wait_for_function("document.querySelector('.article-body picture img').currentSrc")
    assert chosen.json_value().endswith(".webp")
    assert Document(article.body_html).find("img")["src"] != original
    reader.context.close()


def test_the_preview_scrolls_in_step_with_the_text(writer):
    page = writer()
    paragraphs = "\n\n".join(f"## Part {n}\n\n" + "Some words to read. " * 30 for n in range(40))
    page.locator("textarea#id_body").fill(paragraphs)
    preview = page.get_by_role("region", name="Preview, as readers will see it")
    expect(preview.locator("h2").last).to_have_text(re.compile("Part 39"))
    page.locator("textarea#id_body").hover()
    page.locator("textarea#id_body").evaluate("editor => { editor.scrollTop = editor.scrollHeight; }")
    expect(preview).to_have_js_property(
        "scrollTop", preview.evaluate("box => box.scrollHeight - box.clientHeight")
    )
    page.locator("textarea#id_body").evaluate("editor => { editor.scrollTop = 0; }")
    expect(preview).to_have_js_property("scrollTop", 0)


def test_an_image_dropped_on_the_preview_is_uploaded_and_one_dropped_elsewhere_is_ignored(writer):
    page = writer()
    image = base64.b64encode(png(size=(300, 200))).decode()
    page.evaluate(DROP, [image, "elsewhere.png", "#id_title"])
    page.wait_for_timeout(500)
    expect(page.get_by_role("dialog", name="Describe the image")).to_be_hidden()
    assert BodyImage.objects.count() == 0

    page.evaluate(DROP, [image, "square.png", ".markdownx-preview"])
    dialog = page.get_by_role("dialog", name="Describe the image")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    # The writing view's status line (the autosave line beside it is another).
    expect(page.get_by_role("status").filter(has_text="The image")).to_contain_text(
        "The image was not inserted."
    )
    expect(page.locator("textarea#id_body")).to_have_value("")
    assert BodyImage.objects.unused().count() == 1


def test_without_javascript_the_body_is_a_plain_textarea_and_the_form_saves(new_context, live_server, owner):
    context = new_context(java_script_enabled=False)
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(ADD)
    expect(page.get_by_role("toolbar")).to_be_hidden()
    expect(page.locator(".markdownx-preview")).to_be_hidden()
    body = page.get_by_role("textbox", name="Body")  # "Body is imported HTML" is a checkbox
    expect(body).to_be_visible()
    assert body.bounding_box()["width"] > 1000  # the width of the page
    page.get_by_label("Title").fill("Written without scripts")
    page.get_by_label("Slug").fill("written-without-scripts")
    page.get_by_label("Summary").fill("Plain text.")
    body.fill("Some **text**.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    assert (
        Article.objects.get(slug="written-without-scripts").body_html == "<p>Some <strong>text</strong>.</p>"
    )
