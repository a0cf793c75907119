"""axe-core on the pages readers use most, light and dark: no serious or critical violation."""

import json

import pytest

from tests.browser.conftest import AXE_SCRIPT, expect, remember_own_comments, unavailable

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe_script():
    if not AXE_SCRIPT.exists():
        unavailable(
            f"axe-core is not installed ({AXE_SCRIPT.relative_to(AXE_SCRIPT.parents[2])} is missing): run "
            "`npm ci` (make test does it when npm is available)."
        )
    return AXE_SCRIPT


def blocking_violations(page, axe_script):
    # Evaluated through the browser's debugging protocol, outside the page's Content Security Policy, which
    # refuses the inline script tag that add_script_tag would write.
    page.evaluate(axe_script.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in results["violations"] if violation["impact"] in BLOCKING]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:160]}")
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)


def open_home(page, thread):
    page.goto("/")


def open_thread(page, thread):
    page.goto(thread[0].get_absolute_url())
    expect(page.get_by_text("Removed by moderation: insult or personal attack")).to_be_visible()
    expect(page.get_by_text("Waiting for review", exact=False).first).to_be_visible()


def open_form_with_errors(page, thread):
    """The comment form sent back with errors. An empty form never leaves the browser (the fields are
    required), so the reader sends what passes the browser's checks and not the site's: blanks for the name
    and the comment, an address without a domain."""
    page.goto(thread[0].get_absolute_url())
    page.get_by_label("Name", exact=True).fill("   ")
    page.get_by_label("Email", exact=True).fill("jeanne@localhost-without-dot")
    page.get_by_label("Comment", exact=True).fill("   ")
    page.get_by_role("button", name="Publish the comment").click()
    expect(page.get_by_label("Comment", exact=True)).to_have_attribute("aria-invalid", "true")


def open_policy(page, thread):
    page.goto("/comments/policy/")


PAGES = {
    "home": open_home,
    "article-with-thread": open_thread,
    "comment-form-with-errors": open_form_with_errors,
    "moderation-policy": open_policy,
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_accessibility_violation(
    new_context, live_server, thread, axe_script, name, scheme
):
    context = new_context(color_scheme=scheme)
    remember_own_comments(context, [thread[1]], live_server.url)
    page = context.new_page()
    PAGES[name](page, thread)

    violations = blocking_violations(page, axe_script)

    assert not violations, f"axe on {name} ({scheme}) at {page.url}:\n{describe(violations)}"
