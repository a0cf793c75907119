"""The owner's writing desk in the real admin: autosave and recovery after a closed tab or an expired session,
two tabs saving the same article, comparing and restoring versions, and a draft shared with someone who has
no account."""

import base64
import re

import pytest

from blog import revisions
from blog.models import Article
from tests.browser.conftest import expect, sign_in
from tests.browser.test_writing_view import DROP, png
from tests.factories import make_article

pytestmark = pytest.mark.browser

AUTOSAVED = re.compile("Draft autosaved at")
OFFERED = "You have unsaved text from an earlier visit"


@pytest.fixture
def draft(owner):
    article = make_article(
        author=owner,
        status=Article.Status.DRAFT,
        title="A draft in progress",
        summary="What the draft is about.",
        body="The first paragraph, saved.",
    )
    revisions.record(article, by=owner)
    return article


def change_url(article):
    return f"/admin/blog/article/{article.pk}/change/"


def body(page):
    return page.get_by_role("textbox", name="Body")


def test_text_typed_before_the_tab_was_closed_is_offered_back_with_what_differs(
    new_context, live_server, owner, draft
):
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(change_url(draft))
    body(page).fill("The first paragraph, saved.\n\nA second paragraph, never saved.")
    expect(page.get_by_text(AUTOSAVED)).to_be_visible(timeout=15_000)
    page.close()  # the tab is closed: nothing was saved
    assert Article.objects.get(pk=draft.pk).body == "The first paragraph, saved."

    page = context.new_page()
    page.goto(change_url(draft))
    banner = page.get_by_role("region", name=OFFERED)
    expect(banner).to_be_visible()
    expect(banner.locator("ins")).to_contain_text(["A second paragraph, never saved."])
    expect(body(page)).to_have_value("The first paragraph, saved.")  # nothing restored until asked
    banner.get_by_role("button", name="Restore").click()
    expect(body(page)).to_have_value("The first paragraph, saved.\n\nA second paragraph, never saved.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert Article.objects.get(pk=draft.pk).body.endswith("A second paragraph, never saved.")

    page.reload()  # saved: nothing is offered any more
    expect(page.get_by_role("region", name=OFFERED)).to_be_hidden()


def test_text_typed_after_the_session_expired_waits_in_the_browser_until_the_owner_logs_in_again(
    new_context, live_server, owner, draft
):
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(change_url(draft))
    context.clear_cookies()  # the session expires while the owner writes
    body(page).fill("Written while logged out.")
    expect(page.get_by_text(re.compile("Not saved to the server"))).to_be_visible(timeout=15_000)

    sign_in(context, owner, live_server.url)  # logs in again, and comes back
    page.goto(change_url(draft))
    banner = page.get_by_role("region", name=OFFERED)
    expect(banner).to_contain_text("kept in this browser")
    expect(banner.locator("ins")).to_have_text(["Written while logged out"])
    banner.get_by_role("button", name="Restore").click()
    expect(body(page)).to_have_value("Written while logged out.")


def test_a_new_article_s_unsaved_text_comes_back_after_a_reload(new_context, live_server, owner):
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto("/admin/blog/article/add/")
    page.get_by_role("textbox", name="Title").fill("Something new")
    body(page).fill("Not saved anywhere but here.")
    page.reload()
    banner = page.get_by_role("region", name=OFFERED)
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("textbox", name="Title")).to_have_value("Something new")
    expect(body(page)).to_have_value("Not saved anywhere but here.")


def test_two_tabs_editing_the_same_article_the_later_save_sees_the_conflict_and_compares(
    new_context, live_server, owner, draft
):
    context = new_context()
    sign_in(context, owner, live_server.url)
    first, second = context.new_page(), context.new_page()
    first.goto(change_url(draft))
    second.goto(change_url(draft))

    second.get_by_role("textbox", name="Summary").fill("Saved from the second tab.")
    second.get_by_role("button", name="Save and continue editing").click()
    expect(second.get_by_text("was changed successfully")).to_be_visible()

    first.get_by_role("textbox", name="Summary").fill("Written in the first tab.")
    expect(first.get_by_role("alert").filter(has_text="after you opened it")).to_be_visible(timeout=15_000)
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.get_by_text("Someone else saved this article at")).to_be_visible()
    assert Article.objects.get(pk=draft.pk).summary == "Saved from the second tab."  # not overwritten
    expect(first.get_by_role("textbox", name="Summary")).to_have_value("Written in the first tab.")

    first.get_by_role("link", name="Compare your text with theirs").click()
    expect(first.locator(".diff del")).to_have_text(["Written in", "first"])
    expect(first.locator(".diff ins")).to_have_text(["Saved from", "second"])


def test_the_owner_compares_two_versions_and_restores_the_older_one(new_context, live_server, owner, draft):
    draft.body = "The first paragraph, rewritten badly."
    draft.save()
    revisions.record(draft, by=owner)
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(change_url(draft))
    page.get_by_role("link", name="Versions").click()
    expect(page.get_by_role("table")).to_contain_text("A draft in progress")
    page.get_by_role("button", name="Compare the chosen versions").click()
    expect(page.locator(".diff del")).to_have_text(["saved"])
    expect(page.locator(".diff ins")).to_have_text(["rewritten badly"])

    page.get_by_role("link", name="Restore the older version…").click()
    page.get_by_role("button", name="Yes, restore this version").click()
    expect(page.get_by_text("The article is back to the version saved by")).to_be_visible()
    expect(body(page)).to_have_value("The first paragraph, saved.")
    assert Article.objects.get(pk=draft.pk).body_html == "<p>The first paragraph, saved.</p>"
    assert draft.revisions.saved().first().kind == "restore"


def test_a_shared_draft_opens_in_a_fresh_browser_without_an_account(new_context, live_server, owner, draft):
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(change_url(draft))
    page.get_by_role("link", name="Share a draft").click()
    page.get_by_role("button", name="Make a link").click()
    link = page.get_by_role("textbox", name=re.compile("Anyone with this link")).input_value()

    stranger = new_context().new_page()
    response = stranger.goto(link)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    expect(stranger.get_by_role("heading", level=1)).to_have_text("A draft in progress")
    expect(stranger.get_by_role("status").filter(has_text="Draft: shared with you")).to_be_visible()
    expect(stranger.locator('meta[name="robots"]')).to_have_attribute("content", "noindex, nofollow")

    page.get_by_role("button", name="Stop sharing").click()
    assert stranger.goto(link).status == 404


def test_text_whose_save_met_a_server_error_is_offered_back(new_context, live_server, owner, draft):
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(change_url(draft))
    body(page).fill("Text sent with a save that failed.")

    def fail_the_save(route):
        if route.request.method == "POST":
            route.fulfill(status=500, body="Server Error (500)")
        else:
            route.continue_()

    page.route(f"**{change_url(draft)}", fail_the_save)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("Server Error (500)")).to_be_visible()
    page.unroute(f"**{change_url(draft)}")

    page.goto(change_url(draft))
    banner = page.get_by_role("region", name=OFFERED)
    expect(banner.locator("ins")).to_have_text(["Text sent with a save that failed"])
    banner.get_by_role("button", name="Restore").click()
    expect(body(page)).to_have_value("Text sent with a save that failed.")


def test_text_put_in_by_shortcuts_and_images_is_autosaved_and_restored_into_the_preview_and_counts(
    new_context, live_server, owner, draft
):
    """The writing view (static/js/writing.js) and the autosave (static/blog/admin/autosave.js) share the
    body: what the shortcuts and an inserted image put in is autosaved, and text offered back is previewed
    and counted once restored."""
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(change_url(draft))
    stats = page.locator(".writing-stats")
    expect(stats).to_have_text("4 words · 1 min read")
    body(page).press("End")
    body(page).press("Enter")
    body(page).press("Enter")
    body(page).press("Control+b")  # the shortcut writes "**bold**" itself
    body(page).press("End")
    page.evaluate(DROP, [base64.b64encode(png(size=(300, 200))).decode(), "heron.png"])
    dialog = page.get_by_role("dialog", name="Describe the image")
    dialog.get_by_label("Description").fill("A heron")
    dialog.get_by_role("button", name="Insert the image").click()
    expect(body(page)).to_have_value(re.compile(r"\*\*bold\*\*\n\n!\[A heron\]\(/media/uploads/\S+\.png\)$"))
    typed = body(page).input_value()

    def autosaved():
        return draft.revisions.autosaves().filter(author=owner).values_list("body", flat=True).first()

    for _attempt in range(30):  # sent every 5 seconds
        if autosaved() == typed:
            break
        page.wait_for_timeout(500)
    assert autosaved() == typed
    page.close()

    page = context.new_page()
    page.goto(change_url(draft))
    stats = page.locator(".writing-stats")
    expect(stats).to_have_text("4 words · 1 min read")
    banner = page.get_by_role("region", name=OFFERED)
    expect(banner.locator("ins")).to_contain_text(["bold"])
    banner.get_by_role("button", name="Restore").click()
    expect(body(page)).to_have_value(typed)
    expect(page.locator(".markdownx-preview img[alt='A heron']")).to_be_visible()
    expect(page.locator(".markdownx-preview strong")).to_have_text("bold")
    expect(stats).to_have_text("5 words · 1 min read")


def test_an_imported_html_body_is_previewed_as_readers_see_it(new_context, live_server, owner):
    article = make_article(author=owner, body="<p>E = mc<sup>2</sup>, said he.</p>", body_is_html=True)
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(change_url(article))
    preview = page.locator(".markdownx-preview .article-body")
    expect(preview.locator("sup")).to_have_text("2")
    expect(page.locator(".writing-stats")).to_have_text("5 words · 1 min read")
    page.get_by_role("checkbox", name="Body is imported HTML").uncheck()  # now read as Markdown: tags escaped
    expect(preview).to_contain_text("<sup>2</sup>")
    expect(preview.locator("sup")).to_have_count(0)
