"""What readers, the owner and moderators do on the site, done the way a person does it: finding fields by
their labels and controls by their roles and names, never by CSS selectors."""

import contextlib
import re

import pytest
from django.utils import translation

from accounts.roles import assign_role
from comments.models import Comment
from tests.browser.conftest import PHONE, PlaywrightError, expect, log_in_to_admin, remember_own_comments
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.browser


def write_comment(page, body, *, name="Jeanne", email="jeanne@example.com", question=False):
    """Fill the comment form as a reader does and send it."""
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Comment", exact=True).fill(body)
    if question:
        page.get_by_label("This is a question for the author").check()
    page.get_by_role("button", name="Publish the comment").click()


def comment_item(page, text):
    """The thread's list item holding the comment with `text` (the innermost: replies are nested lists)."""
    return page.get_by_role("listitem").filter(has=page.get_by_text(text, exact=True)).last


def test_a_reader_posts_a_comment_and_sees_it_published_in_the_thread(page, articles):
    article = articles[0]
    page.goto("/")
    page.get_by_role("link", name=article.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)

    write_comment(page, "Clear and useful, thank you.")

    expect(page.get_by_text(re.compile("your comment is published", re.I))).to_be_visible()
    expect(comment_item(page, "Clear and useful, thank you.")).to_contain_text("Jeanne")
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()


def test_a_reader_s_unsent_text_comes_back_after_a_lost_page_until_the_comment_is_saved(page, articles):
    page.goto(articles[0].get_absolute_url())
    text = "A long answer, written before the connection dropped."
    page.get_by_label("Comment", exact=True).fill(text)
    page.reload()  # as after a network failure, an error page or a closed tab
    expect(page.get_by_label("Comment", exact=True)).to_have_value(text)
    expect(page.get_by_text("The text you had not sent yet is back below.")).to_be_visible()

    write_comment(page, text)
    expect(page.get_by_text(re.compile("your comment is published", re.I))).to_be_visible()
    page.reload()  # saved: nothing comes back any more
    expect(page.get_by_label("Comment", exact=True)).to_have_value("")
    expect(page.get_by_text("The text you had not sent yet is back below.")).to_have_count(0)


def test_a_post_saved_but_whose_answer_was_lost_is_not_posted_twice_when_sent_again(page, articles):
    article = articles[0]
    alice = make_comment(article=article, author_name="Alice", body="Does this work offline?")
    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Reply to Alice").click()
    text = "Yes, the page keeps the text while the connection is down."

    def lose_the_answer(route):
        route.fetch()  # the server saves the comment...
        route.abort("connectionreset")  # ...and its answer never reaches the reader

    page.route("**/comments/", lose_the_answer)
    with contextlib.suppress(PlaywrightError):
        write_comment(page, text)
    page.unroute("**/comments/")
    assert Comment.objects.filter(body=text).count() == 1

    page.goto(article.get_absolute_url())  # the reader comes back: the reply, under Alice, as they left it
    expect(page.get_by_text("The text you had not sent yet is back below.")).to_be_visible()
    expect(page.get_by_role("heading", name="Reply to Alice")).to_be_visible()
    page.get_by_role("button", name="Publish the comment").click()
    expect(page.get_by_text(re.compile("your comment is published", re.I))).to_be_visible()
    [reply] = Comment.objects.filter(body=text)  # sent again, the same form and text: the first one shown
    assert reply.reply_to == alice


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_reader_replies_to_another_comment_and_the_reply_is_threaded_under_it(
    new_context, articles, javascript
):
    article = articles[0]
    alice = make_comment(article=article, author_name="Alice", body="Is the policy the same in French?")
    make_comment(article=article, author_name="Bruno", body="A comment that is not answered.")
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(article.get_absolute_url())

    page.get_by_role("link", name="Reply to Alice").click()
    write_comment(page, "It is: the hold words are in both languages.")

    expect(page.get_by_text(re.compile("your comment is published", re.I))).to_be_visible()
    thread_of_alice = comment_item(page, "Is the policy the same in French?")
    expect(thread_of_alice.get_by_role("list").get_by_role("listitem")).to_contain_text(
        "It is: the hold words are in both languages."
    )
    expect(comment_item(page, "A comment that is not answered.").get_by_role("list")).to_have_count(0)
    reply = Comment.objects.get(body="It is: the hold words are in both languages.")
    assert (reply.reply_to, reply.parent) == (alice, alice)


def test_a_comment_with_a_hold_word_waits_for_review_and_its_author_sees_it_marked_as_waiting(page, articles):
    page.goto(articles[0].get_absolute_url())

    write_comment(page, "Only a connard would disagree with this.")

    expect(page.get_by_text(re.compile("waiting for review because", re.I))).to_be_visible()
    own = comment_item(page, "Only a connard would disagree with this.")
    expect(own).to_contain_text("Waiting for review")
    expect(own).to_contain_text("Jeanne")
    assert Comment.objects.get().status == Comment.Status.HELD


def test_a_reader_asks_the_author_a_question(page, articles):
    page.goto(articles[0].get_absolute_url())

    write_comment(page, "Do you also answer by email?", question=True)

    expect(page.get_by_text(re.compile("your comment is published", re.I))).to_be_visible()
    expect(
        comment_item(page, "Do you also answer by email?").get_by_text("Question", exact=True)
    ).to_be_visible()
    assert Comment.objects.get().is_question


def test_the_owner_approves_a_held_comment_and_replies_in_thread_with_the_author_badge(
    new_context, owner, articles
):
    article = articles[0]
    make_comment(
        article=article,
        author_name="Marc",
        body="This idiot of a policy holds everything. Why was mine held?",
        status=Comment.Status.HELD,
        policy_reasons=["hold_word"],
    )
    make_comment(article=article, author_name="Nina", body="Published: no decision needed.")
    admin = new_context().new_page()
    log_in_to_admin(admin, owner.username)

    admin.get_by_role("link", name="1 comment needs a decision").click()
    expect(admin.get_by_role("link", name="Needs a decision")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text="Published: no decision needed.")).to_have_count(0)
    row = admin.get_by_role("row").filter(has_text="Why was mine held?")
    row.get_by_role("link", name="Reply", exact=True).click()
    expect(admin.get_by_label("Approve the comment and reply")).to_be_checked()
    admin.get_by_label("Your reply").fill(
        "It held a word from the list; a person read it and it is **fine**."
    )
    admin.get_by_role("button", name="Publish the reply").click()
    expect(admin.get_by_text("Reply published.")).to_be_visible()

    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    comment = comment_item(reader, "This idiot of a policy holds everything. Why was mine held?")
    expect(comment).to_contain_text("Marc")
    answer = comment.get_by_role("list").get_by_role("listitem")
    expect(answer).to_contain_text("It held a word from the list; a person read it and it is fine.")
    expect(answer.get_by_text("Author", exact=True)).to_be_visible()
    expect(answer).to_contain_text(owner.display_name)


def test_a_moderator_rejects_a_comment_with_a_reason_and_its_reply_stays_under_a_placeholder(
    new_context, articles
):
    article = articles[0]
    insult = make_comment(article=article, author_name="Troll", body="The author is a clown.")
    make_comment(reply_to=insult, author_name="Dan", body="Criticise the article, not its author.")
    moderator = make_user("moderator")
    assign_role(moderator, "moderator")
    admin = new_context().new_page()
    log_in_to_admin(admin, "moderator")

    admin.get_by_role("link", name="Comments", exact=True).last.click()
    admin.get_by_role("link", name="All comments").click()
    # The row's checkbox is named after the comment ("Troll: “…”"); the reply's row quotes the same text.
    admin.get_by_role("checkbox", name=re.compile(r"^Select this object for an action - Troll:")).check()
    admin.get_by_role("combobox", name="Action").select_option(
        label="Reject the selected comments (asks for the reason)…"
    )
    admin.get_by_role("button", name="Go").click()
    admin.get_by_label("insult or personal attack").check()
    admin.get_by_role("button", name="Reject with this reason").click()
    expect(admin.get_by_text("1 comment rejected.")).to_be_visible()

    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.get_by_text("Removed by moderation: insult or personal attack")).to_be_visible()
    expect(reader.get_by_text("The author is a clown.")).to_have_count(0)
    placeholder = reader.get_by_role("listitem").filter(
        has=reader.get_by_text("Removed by moderation: insult or personal attack")
    )
    expect(placeholder.get_by_role("listitem")).to_contain_text("Criticise the article, not its author.")


def french(message):
    with translation.override("fr"):
        return translation.gettext(message)


def test_a_reader_switches_to_french_and_sees_the_page_in_french(page, articles):
    article = articles[0]
    make_comment(article=article, author_name="Alice", body="Premier commentaire.")
    make_comment(article=article, author_name="Bruno", body="Second commentaire.")
    page.goto(article.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("banner").get_by_label("Language", exact=True).select_option("fr")
    with page.expect_navigation():
        page.get_by_role("banner").get_by_role("button", name="Change").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name=re.compile(r"^2 commentaires$"))).to_be_visible()
    for english in (
        "Publish the comment",
        "Leave a comment",
        "How comments are moderated",
        "Skip to content",
    ):
        translated = french(english)
        assert translated != english, f"{english!r} has no French translation in the catalogue"
        expect(page.get_by_text(translated, exact=True).first).to_be_attached()
        expect(page.get_by_text(english, exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=french("Publish the comment"))).to_be_visible()
    expect(page.get_by_label(french("Email"), exact=True)).to_be_visible()
    # The article itself keeps its own language; only the site around it changes.
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)


def test_pages_have_no_horizontal_scrolling_on_a_360_px_phone(new_context, live_server, thread):
    article, own_held = thread
    context = new_context(**PHONE)
    remember_own_comments(context, [own_held], live_server.url)
    page = context.new_page()
    overflowing = {}
    for url in ("/", article.get_absolute_url(), "/comments/policy/", "/admin/login/"):
        page.goto(url)
        too_wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        if too_wide:
            overflowing[url] = too_wide
    assert not overflowing, "Pages wider than a 360 px screen (the elements sticking out):\n" + "\n".join(
        f"{url}: {elements}" for url, elements in overflowing.items()
    )


# Nothing if the page fits the window's width; otherwise the outermost elements whose right edge is past it.
WIDER_THAN_THE_SCREEN = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return null;
  const sticking = [...document.body.querySelectorAll("*")].filter(
    (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
  );
  const outermost = sticking.filter((el) => !sticking.includes(el.parentElement));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    elements: outermost.slice(0, 10).map((el) => {
      const id = el.id ? "#" + el.id : "";
      const classes = el.classList.length ? "." + [...el.classList].join(".") : "";
      const right = Math.round(el.getBoundingClientRect().right);
      return `${el.tagName.toLowerCase()}${id}${classes} (right edge ${right} px)`;
    }),
  };
}"""
