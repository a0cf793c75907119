"""The Content Security Policy as Chromium applies it: every browser test fails on a violation (conftest.py);
here, that a violation is seen, and the admin pages the other tests do not open keep to the policy."""

import pytest
from django.urls import reverse

from tests.browser.conftest import REPORT_CSP_VIOLATIONS, csp_violation, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

INJECT_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.body.append(script);
  return window.injected === true;
}"""


def test_an_inline_script_is_refused_and_the_refusal_is_seen(browser, live_server, articles):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message) if csp_violation(message) else None)
    try:
        page.goto(articles[0].get_absolute_url())
        ran = page.evaluate(INJECT_INLINE_SCRIPT)
        page.wait_for_timeout(200)  # the violation event comes after the blocked script
    finally:
        context.close()
    assert ran is False
    assert any("script-src" in message.text for message in messages), [m.text for m in messages]


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:blog_article_add"),
        reverse("admin:blog_article_changelist"),
        reverse("admin:comments_comment_changelist"),
        reverse("admin:accounts_user_changelist"),
    ],
)
def test_admin_pages_with_the_editor_and_lists_keep_to_the_policy(new_context, live_server, owner, url):
    context = new_context()
    sign_in(context, owner, live_server.url)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    # new_context fails the test on any violation reported while the page loaded and ran its scripts.
