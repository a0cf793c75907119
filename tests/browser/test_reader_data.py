"""A reader's rights over their words, in a real Chromium: edit a comment within its window from a cached
page, ask for "my comments" by email, open the link mailed by the task worker, download the export and read
it, erase, and find "Comment deleted by its author" where the comment was."""

import json
import re
from pathlib import Path

import pytest
from django.core import mail

from comments.models import Comment
from tests.browser.conftest import expect
from tests.browser.test_journeys import comment_item, write_comment
from tests.factories import make_comment, run_tasks

pytestmark = pytest.mark.browser

EMAIL = "jeanne@example.com"


def test_a_reader_edits_their_comment_then_exports_and_erases_everything_by_a_mailed_link(
    page, articles, settings
):
    settings.PAGE_CACHE = True
    article = articles[0]
    page.goto(article.get_absolute_url())
    write_comment(page, "A first version, with a tpyo.", email=EMAIL)
    expect(page.get_by_text(re.compile("your comment is published", re.I))).to_be_visible()
    comment = Comment.objects.get(author_email=EMAIL)
    make_comment(article=article, reply_to=comment, author_name="Bruno", body="I answer the first version.")

    # The article's page as anonymous readers get it, from the cache: the browser adds the Edit link itself.
    cached = page.goto(article.get_absolute_url())
    assert cached.headers.get("etag")  # only the page cache's pages have one
    mine = comment_item(page, "A first version, with a tpyo.")
    mine.get_by_role("link", name="Edit or delete your comment").click()
    page.get_by_label("Your comment").fill("A second version, without the typo.")
    page.get_by_role("button", name="Save the edit").click()
    expect(page.get_by_text("Your edit is saved and published.")).to_be_visible()
    edited = comment_item(page, "A second version, without the typo.")
    expect(edited.get_by_text("edited", exact=True)).to_be_visible()

    # "My comments": the link by mail, sent by the task worker.
    page.get_by_role("link", name="My comments").click()
    page.get_by_label("Your email").fill(EMAIL)
    page.get_by_role("button", name="Mail me the link").click()
    expect(page.get_by_text(re.compile("a link to them is on its way"))).to_be_visible()
    run_tasks()
    [sent] = [
        message for message in mail.outbox if message.to == [EMAIL] and "Your comments" in message.subject
    ]
    link = re.search(r"https?://\S+/comments/mine/\S+/", sent.body).group(0)
    page.goto(link.split("8000", 1)[-1])
    expect(page.get_by_role("heading", name="My comments")).to_be_visible()
    expect(page.get_by_text("A second version, without the typo.")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text())
    [exported] = data["comments"]
    assert exported["text"] == "A second version, without the typo." and exported["edited_at"]
    assert exported["email"] == EMAIL and [e["action"] for e in exported["history"]] == ["posted", "edited"]
    assert "Bruno" not in json.dumps(data)

    page.get_by_role("link", name="Erase all of them").click()
    page.get_by_label("I understand that this cannot be undone").check()
    page.get_by_role("button", name="Erase all my comments").click()
    expect(page.get_by_text("1 comment erased.")).to_be_visible()
    expect(page.get_by_text("There are no comments of yours on this site.")).to_be_visible()

    page.goto(article.get_absolute_url())
    expect(page.get_by_text("Comment deleted by its author")).to_be_visible()
    expect(page.get_by_text("I answer the first version.")).to_be_visible()
    expect(page.get_by_text("A second version, without the typo.")).to_have_count(0)
