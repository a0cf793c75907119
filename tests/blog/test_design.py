"""The promises the site's markup and stylesheet make to readers, checked on the server's real HTML: nothing
loaded from another host, share links that survive any title, a language switcher that works without
JavaScript, form errors tied to their fields, headings in order, and colours with enough contrast."""

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from comments.forms import issue_token
from tests.factories import make_article, make_comment
from tests.html import Document

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Document(response.content.decode())


@pytest.fixture
def article(db):
    body = "Intro.\n\n## A section\n\nText.\n\n### A detail\n\nMore."
    return make_article(title="Answering readers", body=body)


def public_pages(article):
    return [reverse("blog:article_list"), article.get_absolute_url(), reverse("comments:policy")]


# Nothing from another host


def is_own(url, under="/"):
    """An address on this site (and under `under`): no scheme, no host, not protocol-relative."""
    parts = urlsplit(url or "")
    return not parts.scheme and not parts.netloc and url.startswith(under)


@pytest.mark.parametrize("page", ["home", "article", "policy"])
def test_pages_load_no_script_stylesheet_or_font_from_another_host(client, article, page):
    url = dict(zip(["home", "article", "policy"], public_pages(article), strict=True))[page]
    document = get(client, url)
    scripts = document.find_all("script")
    assert all(is_own(script.get("src"), settings.STATIC_URL) for script in scripts), "inline or foreign"
    for link in document.find_all("link"):
        rel = set((link.get("rel") or "").split())
        if rel & {"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload", "icon"}:
            assert is_own(link["href"], settings.STATIC_URL), link.attrs
    assert not document.find_all("iframe")
    assert not document.find_all("style"), "styles belong in the site's stylesheet"
    for element in document.iter():
        assert not any(name.startswith("on") for name in element.attrs), element.attrs
        if element.tag in {"img", "source", "video", "audio"}:
            assert is_own(element["src"]), element.attrs


def test_the_stylesheet_imports_nothing_and_brings_no_web_font():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    assert "@import" not in css
    assert "@font-face" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)


# Sharing


def share_links(document):
    section = document.by_id("share-title").parent
    return {link.find("span").text: link["href"] for link in section.find_all("a")}


def test_share_links_carry_the_address_and_a_title_with_spaces_and_an_ampersand_intact(client):
    title = "Tests & trials: why 100% of comments matter?"
    article = make_article(title=title, slug="tests-and-trials")
    article_url = f"http://testserver{article.get_absolute_url()}"
    links = share_links(get(client, article.get_absolute_url()))
    assert set(links) == {"Mastodon", "LinkedIn", "Facebook", "X", "Email"}

    def query(href, host_and_path):
        parts = urlsplit(href)
        assert f"{parts.netloc}{parts.path}" == host_and_path
        assert " " not in parts.query
        # Parsed strictly: an unencoded "&" or "=" in the title would add or break a parameter.
        return parse_qs(parts.query, strict_parsing=True)

    assert query(links["Mastodon"], "mastodonshare.com/") == {"url": [article_url], "text": [title]}
    assert query(links["LinkedIn"], "www.linkedin.com/sharing/share-offsite/") == {"url": [article_url]}
    assert query(links["Facebook"], "www.facebook.com/sharer/sharer.php") == {"u": [article_url]}
    assert query(links["X"], "x.com/intent/post") == {"url": [article_url], "text": [title]}
    mail = urlsplit(links["Email"])
    assert mail.scheme == "mailto"
    # In a mailto: address a space must be %20: "+" would reach the mail's subject as a plus sign.
    assert "+" not in mail.query
    assert parse_qs(mail.query, strict_parsing=True) == {"subject": [title], "body": [article_url]}
    assert all(urlsplit(href).scheme in {"https", "mailto"} for href in links.values())


def test_each_share_link_has_a_hidden_icon_and_readable_words(client, article):
    section = get(client, article.get_absolute_url()).by_id("share-title").parent
    controls = section.find_all("a") + section.find_all("button")
    assert len(controls) == 6
    for control in controls:
        icon = control.find("svg")
        assert (icon["aria-hidden"], icon["focusable"]) == ("true", "false")
        assert control.text, control.attrs


def test_copy_link_is_a_script_enhancement_over_a_readonly_field_and_is_announced(client, article):
    document = get(client, article.get_absolute_url())
    button = document.find("button", class_="share-copy")
    assert "hidden" in button.attrs  # share.js shows it only where the clipboard can be used
    assert button["type"] == "button"
    assert button["data-copied"] == "Link copied"
    field = document.by_id(button["data-copy-target"])
    assert field["value"] == f"http://testserver{article.get_absolute_url()}"
    assert "readonly" in field.attrs
    assert document.find("label", for_=field["id"]).text == "Link to this article"
    status = document.find(class_="share-status")
    assert status["role"] == "status"
    assert status.parent is button.parent.parent.parent  # in the share section


# The language switcher


def language_form(document):
    return document.find("form", class_="language-form")


def test_the_language_switcher_posts_to_set_language_with_a_token_and_every_language(client, article):
    form = language_form(get(client, article.get_absolute_url()))
    assert (form["action"], form["method"]) == ("/i18n/setlang/", "post")
    assert reverse("set_language") == "/i18n/setlang/"
    hidden = {field["name"]: field.get("value") for field in form.find_all("input", type="hidden")}
    assert hidden["csrfmiddlewaretoken"]
    assert hidden["next"] == article.get_absolute_url()
    select = form.find("select", name="language")
    assert form.find("label", for_=select["id"]).text == "Language"
    options = [(option["value"], option["lang"], option.text) for option in select.find_all("option")]
    assert options == [("en", "en", "English"), ("fr", "fr", "Français")]
    assert [code for code, _ in settings.LANGUAGES] == ["en", "fr"]
    assert "selected" in select.find("option", value="en").attrs
    assert form.find("button")["type"] == "submit"


def test_the_language_switcher_works_without_javascript_and_keeps_the_page(article):
    browser = Client(enforce_csrf_checks=True)
    url = f"{reverse('blog:archive')}?page=1"
    form = language_form(get(browser, url))
    token = form.find("input", name="csrfmiddlewaretoken")["value"]
    response = browser.post(form["action"], {"csrfmiddlewaretoken": token, "language": "fr", "next": url})
    assert (response.status_code, response["Location"]) == (302, url)
    document = get(browser, url)
    assert document.find("html")["lang"] == "fr"
    assert "selected" in language_form(document).find("option", value="fr").attrs


def test_after_a_comment_with_errors_the_switcher_returns_to_the_article_not_the_post_url(client, article):
    response = client.post(reverse("comments:post", args=[article.slug]), comment_data(article, body=""))
    document = Document(response.content.decode())
    assert language_form(document).find("input", name="next")["value"] == article.get_absolute_url()


# The comment form and its errors


def comment_data(article, **fields):
    data = {
        "author_name": "Camille",
        "author_email": "camille@example.com",
        "author_url": "",
        "body": "Thank you.",
        "token": issue_token(article, issued_at=time.time() - 60),
        "company": "",
    }
    return {**data, **fields}


def test_invalid_comment_fields_are_marked_and_point_to_their_error(client, article):
    data = comment_data(article, author_name="", author_email="not an email", body="")
    response = client.post(reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 200
    document = Document(response.content.decode())
    expected = {
        "author_name": "This field is required.",
        "author_email": "Enter a valid email address.",
        "body": "This field is required.",
    }
    for name, error in expected.items():
        field = document.find(name=name)
        assert field["aria-invalid"] == "true", name
        described_by = [document.by_id(element_id) for element_id in field["aria-describedby"].split()]
        errors = [element.text for element in described_by if "errorlist" in element.get("class", "")]
        assert errors == [error], name
    assert "aria-invalid" not in document.find(name="author_url").attrs
    form = document.by_id("respond").find("form")
    summary = document.by_id(form["aria-describedby"])
    assert summary["role"] == "alert"
    assert "please correct what is marked below" in summary.text
    assert form["action"].endswith("#respond")  # the page comes back scrolled to the form


def test_an_error_without_a_field_is_in_the_summary_the_form_points_to(client, article):
    data = comment_data(article, parent=999999)
    document = Document(client.post(reverse("comments:post", args=[article.slug]), data).content.decode())
    form = document.by_id("respond").find("form")
    assert "not on this article any more" in document.by_id(form["aria-describedby"]).text


def test_a_failed_login_points_the_form_to_its_error(client):
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong-password"})
    document = Document(response.content.decode())
    form = document.find("form", class_="account-form")
    errors = document.by_id(form["aria-describedby"])
    assert errors["role"] == "alert"
    assert "Please enter a correct username and password" in errors.text


def visible_fields(document):
    """Fields a person can reach: not hidden inputs, and nothing inside a hidden element."""
    fields = document.find_all("input") + document.find_all("textarea") + document.find_all("select")
    return [
        field
        for field in fields
        if field.get("type") not in {"hidden", "submit"}
        and not any("hidden" in element.attrs for element in (field, *field.ancestors()))
    ]


@pytest.mark.parametrize("query", ["", "?reply_to"])
def test_every_field_on_the_article_page_has_a_label(client, article, query):
    comment = make_comment(article)
    document = get(client, article.get_absolute_url() + (f"?reply_to={comment.pk}" if query else ""))
    fields = visible_fields(document)
    assert {field.get("name") for field in fields} >= {"q", "language", "author_name", "body", "is_question"}
    labelled = {label["for"] for label in document.find_all("label") if label.get("for")}
    for field in fields:
        assert field["id"] in labelled, field.attrs


def test_the_honeypot_is_hidden_from_sight_and_from_assistive_technology(client, article):
    document = get(client, article.get_absolute_url())
    honeypot = document.find("input", name="company")
    assert any("hidden" in element.attrs for element in honeypot.ancestors())
    assert honeypot["tabindex"] == "-1"
    assert honeypot["autocomplete"] == "off"
    assert honeypot not in visible_fields(document)


# The thread and the reply form


def test_reply_links_keep_their_address_for_readers_without_javascript(client, article):
    comment = make_comment(article, author_name="Sam & Max")
    document = get(client, article.get_absolute_url())
    link = document.find("a", class_="comment-reply")
    assert link["href"] == f"?reply_to={comment.pk}#respond"
    assert link["data-reply-to"] == str(comment.pk)
    assert link["data-reply-title"] == "Reply to Sam & Max"
    assert link.text == "Reply to Sam & Max"  # "to Sam & Max" is for screen readers only
    respond = document.by_id("respond")
    assert respond["data-default-title"] == "Leave a comment"
    assert "hidden" in respond.find("button", class_="reply-cancel").attrs
    assert respond.find("input", name="parent").get("value") is None


def test_the_thread_is_nested_lists_and_each_comment_names_its_author_and_date(client, article):
    question = make_comment(article, author_name="Nadia", is_question=True)
    answer = make_comment(reply_to=question, author_name=article.author.display_name, user=article.author)
    removed = make_comment(article, status="rejected", rejection_reason="insult")
    make_comment(reply_to=removed)
    document = get(client, article.get_absolute_url())
    thread = document.find("ol", class_="thread")
    items = [child for child in thread.children if child.tag == "li"]
    assert len(items) == 2
    for comment in (question, answer):
        card = document.by_id(f"comment-{comment.pk}").find("article", class_="comment-card")
        header = card.find("header")
        assert document.by_id(card["aria-labelledby"]).text == comment.author_name
        assert header.find("a", class_="comment-permalink")["href"] == f"#comment-{comment.pk}"
        assert header.find("time")["datetime"]
    answer_item = document.by_id(f"comment-{answer.pk}")
    assert answer_item.parent.tag == "ol" and "replies" in answer_item.parent["class"]
    assert "comment-card--author" in answer_item.find("article")["class"]
    placeholder = document.by_id(f"comment-{removed.pk}")
    assert placeholder.tag == "li"
    text = placeholder.find("p", class_="comment-placeholder--removed").text
    assert text.startswith("Removed by moderation:")


# Scripts only where they serve


def script_sources(document):
    return [script.get("src") for script in document.find_all("script")]


def test_the_comment_and_share_scripts_are_deferred_and_only_on_article_pages(client, article):
    scripts = {static("js/comments.js"), static("js/share.js")}
    document = get(client, article.get_absolute_url())
    assert scripts <= set(script_sources(document))
    assert all("defer" in script.attrs for script in document.find_all("script"))
    for url in [
        reverse("blog:article_list"),
        reverse("comments:policy"),
        reverse("blog:archive"),
        f"{reverse('blog:search')}?q=readers",
        reverse("login"),
        article.author.get_absolute_url(),
    ]:
        assert not scripts & set(script_sources(get(client, url))), url


# Structure


def heading_levels(document):
    main = document.find("main")
    return [int(element.tag[1]) for element in main.iter() if re.fullmatch(r"h[1-6]", element.tag)]


@pytest.mark.parametrize("page", ["home", "article", "policy"])
def test_headings_start_at_one_h1_and_never_skip_a_level(client, article, page):
    make_comment(article)
    url = dict(zip(["home", "article", "policy"], public_pages(article), strict=True))[page]
    levels = heading_levels(get(client, url))
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(level <= previous + 1 for previous, level in zip(levels, levels[1:], strict=False)), levels


def test_every_page_has_its_landmarks_and_a_skip_link_to_the_content(client, article):
    document = get(client, article.get_absolute_url())
    body = document.find("body")
    first_link = body.find("a")
    assert first_link["href"] == "#main" and first_link.text == "Skip to content"
    main = document.by_id("main")
    assert main.tag == "main"
    for tag in ("header", "footer"):
        assert [element for element in body.children if element.tag == tag], tag
    assert document.find("nav", aria_label="Main")
    assert document.find("form", role="search")


def test_an_article_in_another_language_marks_its_own_words_not_the_pages(client):
    article = make_article(language="fr", title="Répondre aux lecteurs")
    document = get(client, article.get_absolute_url())
    assert document.find("html")["lang"] == "en"
    assert "lang" not in document.find("article", class_="article").attrs  # the share box is in English
    assert document.find("h1")["lang"] == "fr"
    assert document.find(class_="article-body")["lang"] == "fr"


# Colours


def theme_colours():
    """The stylesheet's custom properties, light (the first :root) and dark (the prefers-color-scheme one)."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    light = re.search(r":root, :host\s*\{(.*?)\}", css, re.S).group(1)
    dark = re.search(r"prefers-color-scheme:\s*dark\)\s*\{\s*:root, :host\s*\{(.*?)\}", css, re.S).group(1)
    pattern = r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;"
    light_colours = dict(re.findall(pattern, light))
    return {"light": light_colours, "dark": {**light_colours, **dict(re.findall(pattern, dark))}}


def contrast(first, second):
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


BACKGROUNDS = ("bg", "surface", "note", "removed", "accent-soft")
# Text on the backgrounds it appears on: 4.5:1. Borders of fields, focus rings, the thread's lines: 3:1.
TEXT_PAIRS = [
    *((fg, bg) for fg in ("fg", "muted", "accent") for bg in BACKGROUNDS),
    ("fg", "code-bg"),
    ("on-accent", "accent"),
    ("danger", "bg"),
    ("danger", "surface"),
    ("question", "surface"),
    ("question", "accent-soft"),
]
UI_PAIRS = [
    ("border", "bg"),
    ("border", "surface"),
    ("thread", "bg"),
    ("focus", "bg"),
    ("focus", "surface"),
    ("focus", "note"),
    ("note-border", "note"),
    ("accent", "accent-soft"),
    ("danger", "surface"),
]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_and_controls_have_enough_contrast_in_both_themes(theme):
    colours = theme_colours()[theme]
    weak = [
        (first, second, round(contrast(colours[first], colours[second]), 2))
        for pairs, minimum in ((TEXT_PAIRS, 4.5), (UI_PAIRS, 3))
        for first, second in pairs
        if contrast(colours[first], colours[second]) < minimum
    ]
    assert not weak
