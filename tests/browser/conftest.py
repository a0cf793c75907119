"""Browser tests: Playwright for Python drives the machine's own Chromium against pytest-django's live server.

Locally they skip, saying why, when there is no Chromium (or no axe-core for the accessibility checks); with
CI=true the same absence is a failure, so CI can never pass without having run them.
"""

import os
import shutil
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone

from comments import threads
from comments.models import Comment
from comments.moderation import RejectionReason
from tests.factories import PASSWORD, make_article, make_comment, make_image_file, make_owner, make_tag

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the browser fixture says what to install; collecting the rest of the suite goes on
    expect = sync_playwright = None
    PlaywrightError = Exception
else:
    # Assertions wait as long as actions do (`open_context`): on a loaded CI machine, the writing view's
    # scripts once took more than the default 5 seconds to build its preview.
    expect.set_options(timeout=10_000)

BASE_DIR = Path(settings.BASE_DIR)
AXE_SCRIPT = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# A test run leaves the working tree as it found it: its pictures go to test-results/, which git ignores.
# CAUSERIE_UPDATE_SCREENSHOTS=1 (`make screenshots`) writes the README's own, in docs/screenshots/.
UPDATE_SCREENSHOTS = os.environ.get("CAUSERIE_UPDATE_SCREENSHOTS") == "1"
SCREENSHOTS = BASE_DIR / ("docs/screenshots" if UPDATE_SCREENSHOTS else "test-results/screenshots")
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}


def unavailable(reason):
    """Skip locally; fail in CI, where the browser tests must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} CI=true: the browser tests must run.", pytrace=False)
    pytest.skip(reason)


def chromium_path():
    return os.environ.get("CAUSERIE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One Chromium for the whole run; each test gets fresh contexts (cookies, storage, settings)."""
    path = chromium_path()
    if not path:
        unavailable(
            "No Chromium found: install Debian's chromium package (apt-get install chromium) or set "
            "CAUSERIE_CHROMIUM to a Chromium executable."
        )
    if sync_playwright is None:
        unavailable("Playwright is not installed: .venv/bin/pip install '.[dev]' (make test does it).")
    # Playwright's sync API keeps an asyncio event loop running in this thread for as long as it is started,
    # and Django then refuses every ORM call from this thread (SynchronousOnlyOperation), including the
    # test's own set-up and the database flush between tests. No coroutine of ours ever touches the
    # database: the loop only carries Playwright's messages, so the check has nothing to protect here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    test_connections = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            # With a loop running, Django looks its connections up per async context instead of per thread,
            # and would open new ones: keep the test database's own, which carry the serialized data that
            # restores the migrations' rows after each test, and which the live server shares on SQLite.
            for alias, connection in test_connections.items():
                connections[alias] = connection
            # Never Playwright's own downloaded browser: the machine's Chromium (Debian's package in CI).
            chromium = playwright.chromium.launch(executable_path=path)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def browser_test_database(django_db_serialized_rollback, live_server):
    """The live server needs a transactional database, which is emptied after each test; the serialized
    rollback puts back what the migrations seeded (the default hold words, the roles), as on a real site."""


@pytest.fixture(autouse=True)
def browser_settings(settings):
    # The comment form files a form sent back faster than COMMENTS_MIN_SECONDS as spam, and Playwright
    # types faster than any person. The live server runs in a thread of this process, so it reads this.
    settings.COMMENTS_MIN_SECONDS = 0
    # Plain http on localhost: cookies must not require HTTPS, whatever DJANGO_SECURE_COOKIES says.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


# Every page tells its console of each Content Security Policy violation, whatever Chromium itself logs.
# (Playwright's init scripts run outside the page's policy.)
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `(${event.sourceFile}:${event.lineNumber})`);
});
"""


def csp_violation(message):
    """Whether a console message reports a Content Security Policy violation (ours, or Chromium's own)."""
    return message.text.startswith("CSP violation") or "Content Security Policy" in message.text


@pytest.fixture
def new_context(browser, live_server):
    """Open a browser context (a separate visitor): English, desktop-sized unless told otherwise. A script
    error or a Content Security Policy violation on any of its pages fails the test."""
    contexts, errors, violations = [], [], []

    def watch(page):
        def on_console(message):
            if csp_violation(message):
                violations.append(f"{page.url}: {message.text}")

        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", on_console)

    def open_context(**options):
        options = {"base_url": live_server.url, "locale": "en-GB", **DESKTOP, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors on the site's pages:\n" + "\n".join(errors)
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def sign_in(context, user, base_url):
    """A signed-in session for `user`, for tests whose subject is not the login form itself."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def remember_own_comments(context, comments, base_url):
    """The session a reader has after posting `comments`: they see their own held ones, marked as waiting."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[threads.OWN_COMMENTS_KEY] = [comment.pk for comment in comments]
    store.create()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": base_url}])


def log_in_to_admin(page, username, password=PASSWORD):
    """What a member of staff does: open /admin/, fill the login form by its labels, press "Log in"."""
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


# The site a reader meets: a few articles, one of them with a thread that has everything a thread can show.

ARTICLE_BODY = """\
Publishing is the first half of a blog. The second half is answering the people who read it, and that
is where most blogs give up: comments are closed, or left to rot, or drowned in spam.

## What a good thread needs

1. Comments that appear **at once**, so that a conversation can happen.
2. Replies that stay under the comment they answer.
3. A moderator who removes abuse, and says why, without removing the replies.

> Disagreement is not abuse. A harsh comment about an article is still a comment about the article.

| Signal | What happens |
| --- | --- |
| An insult | held for review |
| Three links | held for review |
| Disagreement | published |

The policy fits in one function[^1]:

```python
def decide(facts, rules):
    return Decision(outcome=PUBLISHED)
```

[^1]: See [the moderation policy](/comments/policy/) for the whole of it.
"""


@pytest.fixture
def owner(db):
    return make_owner(first_name="Camille", last_name="Laurent")


@pytest.fixture
def articles(owner):
    """Three published articles by the owner, newest first; the newest has a cover."""
    tags = [make_tag("Moderation"), make_tag("Writing")]
    return [
        make_article(
            author=owner,
            title="Why every comment deserves an answer",
            slug="why-every-comment-deserves-an-answer",
            summary="Publishing is the first half of a blog; answering readers is the second.",
            body=ARTICLE_BODY,
            tags=tags,
            cover=make_image_file("cover.jpg", size=(1200, 600), color=(40, 90, 140)),
            cover_alt="A blue rectangle standing in for a photograph",
            published_at=timezone.now() - timedelta(hours=2),
        ),
        make_article(
            author=owner,
            title="Writing articles in Markdown",
            slug="writing-articles-in-markdown",
            summary="Headings, tables, footnotes and code, rendered once when the article is saved.",
            tags=tags[1:],
            published_at=timezone.now() - timedelta(days=3),
        ),
        make_article(
            author=owner,
            title="Drafts, scheduling and publication dates",
            slug="drafts-scheduling-and-publication-dates",
            summary="A future date schedules an article: it appears by itself at that time.",
            published_at=timezone.now() - timedelta(days=9),
        ),
    ]


@pytest.fixture
def thread(articles, owner):
    """The newest article's thread: a question answered by the owner (Author badge) and nested four levels
    deep with a reply deeper still, a rejected comment whose reply leaves a "removed" placeholder, someone
    else's held comment with a reply (a "waiting" placeholder) and the reader's own held comment."""
    article = articles[0]
    start = timezone.now() - timedelta(hours=1)

    def comment(minutes, **fields):
        return make_comment(article=article, created_at=start + timedelta(minutes=minutes), **fields)

    question = comment(
        0,
        author_name="Alice Martin",
        body="Do you really answer *every* comment, or only the questions?",
        is_question=True,
    )
    answer = comment(
        5,
        reply_to=question,
        user=owner,
        author_name=owner.display_name,
        author_email=owner.email,
        body="Every question, and most of the rest. The list of unanswered questions keeps me honest.",
    )
    follow_up = comment(
        9, reply_to=answer, author_name="Bruno", body="That list is a good idea. Is it public?"
    )
    deepest = comment(
        12,
        reply_to=follow_up,
        user=owner,
        author_name=owner.display_name,
        author_email=owner.email,
        body="No, it lives in the admin: readers see the answers, not the to-do list.",
    )
    # Threads nest four levels; a reply to the fourth level hangs from the third and says whom it answers.
    comment(
        15,
        reply_to=deepest,
        parent=follow_up,
        depth=deepest.depth,
        author_name="Chloé",
        body="Fair enough. Thanks for answering so quickly.",
    )
    rude = comment(20, author_name="Anonymous", body="Whoever wrote this is an idiot.")
    rude.reject(by=owner, reason=RejectionReason.INSULT)
    comment(
        24,
        reply_to=rude,
        author_name="Dan",
        body="I disagree with the article too, but for a reason: moderation takes time.",
    )
    someone_elses = comment(
        30,
        author_name="Eve",
        body="Three links: https://a.example https://b.example https://c.example",
        status=Comment.Status.HELD,
        policy_reasons=["links"],
    )
    comment(
        34,
        reply_to=someone_elses,
        user=owner,
        author_name=owner.display_name,
        author_email=owner.email,
        body="I will look at your links tonight.",
    )
    own_held = comment(
        40,
        author_name="Reader",
        body="My own comment, held for its links: https://a.example https://b.example https://c.example",
        status=Comment.Status.HELD,
        policy_reasons=["links"],
    )
    return article, own_held
