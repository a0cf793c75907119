"""blog.markup: what Markdown renders, what the sanitiser lets through, and how hostile input degrades (which
input the cost guard refuses is tested in test_markdown_cost.py).

The safety checks parse the output with the standard library's HTML parser and judge it against the allow-list
written out here, not against the module's own constants, so that a change to the module that widens what gets
through fails a test.
"""

import html
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from blog.markup import ARTICLE_MAX_CHARS, COMMENT_MAX_CHARS, render_article, render_comment, to_plain_text
from tests.blog.test_markdown_cost import PATHOLOGICAL_TEXTS, _nested_list
from tests.html import Document

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

ARTICLE_TAGS = {
    "p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "a", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "img", "del", "sup", "sub", "abbr", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "div",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title", "class", "rel"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "code": {"class"},
    "div": {"class"},
    "abbr": {"title"},
    "table": {"tabindex"},
    "th": {"align"},
    "td": {"align"},
    "li": {"id"},
    "sup": {"id"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
COMMENT_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "a", "hr"}
COMMENT_ATTRIBUTES = {"a": {"href", "title", "rel"}, "code": {"class"}}

FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "base", "meta", "link", "svg", "math", "template", "noscript", "title", "xmp",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "background",
    "poster",
    "srcset",
    "data",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
RENDERERS = [pytest.param(render_article, id="article"), pytest.param(render_comment, id="comment")]


def elements(fragment):
    """(tag, [(name, value), ...]) for every start tag in the fragment, values unescaped, repeats kept."""
    return [(element.tag, element.attr_pairs) for element in Document(fragment).iter()]


def url_scheme(value):
    """The scheme in a URL, however it is disguised; "" if it has none.

    Stricter than a browser: character references are unescaped repeatedly and the text is NFKC-normalised, so
    that double-encoded and look-alike schemes count as the scheme they spell.
    """
    text = value or ""
    for _ in range(5):
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char)[0] not in "CZ").lower()
    match = re.match(r"([a-z][a-z0-9+.\-]*):", text)
    return match.group(1) if match else ""


def safety_problems(fragment):
    """Everything in a rendered fragment that could run script, restyle the page or leave for a bad scheme."""
    problems = []
    if re.search(r"<\s*/?\s*(?:" + "|".join(FORBIDDEN_TAGS) + r")\b", fragment, re.IGNORECASE):
        problems.append("raw forbidden tag")
    if "<!--" in fragment:
        problems.append("HTML comment")
    for tag, attrs in elements(fragment):
        if tag in FORBIDDEN_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"{name} on <{tag}>")
            if name == "style":
                problems.append(f"style on <{tag}>")
            if name in URL_ATTRIBUTES and url_scheme(value) not in SAFE_SCHEMES | {""}:
                problems.append(f"{name}={value!r} on <{tag}>")
    return problems


@pytest.mark.parametrize(
    "fragment",
    [
        "<p><script>alert(1)</script></p>",
        '<img src="x" onerror="alert(1)">',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="&amp;#106;avascript:alert(1)">x</a>',
        '<p style="position:fixed">x</p>',
        "<svg><g></g></svg>",
        "<!-- x -->",
    ],
)
def test_safety_check_catches_what_it_looks_for(fragment):
    assert safety_problems(fragment) != []


def outside_allow_list(fragment, tags, attributes):
    found = []
    for tag, attrs in elements(fragment):
        if tag not in tags:
            found.append(f"<{tag}>")
        found.extend(f"{name} on <{tag}>" for name, _ in attrs if name not in attributes.get(tag, set()))
    return found


def attributes_of(fragment, tag):
    return [dict(attrs) for found, attrs in elements(fragment) if found == tag]


# Articles

RICH_ARTICLE = """\
[TOC]

# Café terrace

Some *emphasis*, **strong**, ~~struck~~ and `code`, a [link](https://example.com/a "Title"), a [local
one](/about/) and one to [a heading](#café-terrace).

| Left | Centre | Right |
|:-----|:------:|------:|
| 1    | 2      | 3     |

```python
if a < b and c > d:
    print("<b>")
```

A claim[^1] about HTML.

[^1]: The note, with [a source](https://example.org/source).

*[HTML]: HyperText Markup Language

Term
:   Its definition.

> A quote with a list:
>
> 1. one
> 2. two

![A figure](/media/figure.png "Figure 1")

---
"""


def test_article_renders_a_table_with_header_cells_and_alignment():
    out = render_article("| a | b |\n|:--|--:|\n| 1 | 2 |")

    assert '<table tabindex="0">' in out
    assert '<th align="left">a</th>' in out
    assert '<td align="right">2</td>' in out


def test_article_fenced_code_gets_a_language_class_and_stays_escaped():
    out = render_article('```python\nif a < b:\n    print("<b>")\n```')

    assert '<pre><code class="language-python">' in out
    assert "if a &lt; b:" in out
    assert "<b>" not in out


def test_article_footnote_reference_links_to_the_note_and_back():
    out = render_article("A claim[^1].\n\n[^1]: The note.")

    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in out
    assert '<li id="fn:1">' in out
    assert 'class="footnote-backref" href="#fnref:1"' in out


def test_article_headings_get_an_id_and_a_permalink():
    out = render_article("## Café terrace")

    assert out.startswith('<h2 id="h-café-terrace">Café terrace<a class="headerlink" href="#h-café-terrace"')


def test_article_toc_marker_places_a_table_of_contents():
    out = render_article("[TOC]\n\n# One\n\n## Two")

    assert '<div class="toc">' in out
    assert '<a href="#h-two">Two</a>' in out


def test_article_abbreviations_and_definition_lists_render():
    out = render_article("*[HTML]: HyperText Markup Language\n\nHTML is fun.\n\nTerm\n:   Definition.")

    assert '<abbr title="HyperText Markup Language">HTML</abbr>' in out
    assert "<dl>\n<dt>Term</dt>\n<dd>Definition.</dd>\n</dl>" in out


def test_article_double_tilde_is_strikethrough():
    assert render_article("~~gone~~") == "<p><del>gone</del></p>"


def test_article_image_keeps_alt_and_title_and_loads_lazily():
    (image,) = attributes_of(render_article('![A figure](/media/figure.png "Figure 1")'), "img")

    assert image == {"src": "/media/figure.png", "alt": "A figure", "title": "Figure 1", "loading": "lazy"}


@pytest.mark.parametrize(
    "url", ["https://example.com/", "http://example.com/", "HTTPS://Example.com/", "//example.com/"]
)
def test_article_link_to_another_site_gets_noopener(url):
    (link,) = attributes_of(render_article(f"[x]({url})"), "a")

    assert link["rel"] == "noopener"


@pytest.mark.parametrize("url", ["/about/", "about/", "#notes", "?page=2", "mailto:owner@example.com"])
def test_article_link_on_this_site_or_to_mail_gets_no_rel(url):
    (link,) = attributes_of(render_article(f"[x]({url})"), "a")

    assert link == {"href": url}


def test_article_autolink_to_another_site_gets_noopener():
    (link,) = attributes_of(render_article("<https://example.com/>"), "a")

    assert link == {"href": "https://example.com/", "rel": "noopener"}


def test_article_raw_html_is_shown_escaped():
    out = render_article('<div class="x">Hello <b onclick="alert(1)">you</b></div>\n\nText <i>inline</i>.')

    assert "&lt;div class=" in out
    assert "&lt;b onclick=" in out
    assert "&lt;i&gt;inline&lt;/i&gt;" in out
    assert elements(out) == [("p", []), ("p", [])]


def test_rich_article_uses_only_the_article_allow_list():
    out = render_article(RICH_ARTICLE)

    rendered_tags = {tag for tag, _ in elements(out)}

    assert outside_allow_list(out, ARTICLE_TAGS, ARTICLE_ATTRIBUTES) == []
    assert rendered_tags >= {"h2", "table", "pre", "sup", "abbr", "dl", "blockquote", "img", "del", "hr"}


def test_empty_article_renders_as_empty():
    assert render_article("") == ""


def test_article_longer_than_the_limit_is_shown_as_escaped_text():
    out = render_article("<b>bold</b> " + "a" * ARTICLE_MAX_CHARS)

    assert out.startswith("<p>&lt;b&gt;bold&lt;/b&gt; aaa")


# Comments


def test_comment_links_get_nofollow_ugc_noopener():
    out = render_comment("See [this](https://example.com/), [that](/about/) and <https://example.org/>.")

    assert [link["rel"] for link in attributes_of(out, "a")] == ["nofollow ugc noopener"] * 3


def test_comment_image_becomes_a_link_reading_its_alt_text():
    out = render_comment("![a cat](https://example.com/cat.png)")

    assert out == '<p><a href="https://example.com/cat.png" rel="nofollow ugc noopener">a cat</a></p>'


def test_comment_reference_image_becomes_a_link_too():
    out = render_comment("![a cat][cat]\n\n[cat]: https://example.com/cat.png")

    assert "<img" not in out
    assert ">a cat</a>" in out


@pytest.mark.parametrize("text", ["# Title", "###### Title", "Title\n=====", "Title\n-----"])
def test_comment_heading_stays_a_paragraph(text):
    out = render_comment(text)

    assert not re.search(r"<h[1-6]", out)
    assert out.startswith("<p>")


def test_comment_raw_html_is_shown_escaped():
    out = render_comment("I typed <b>bold</b> and <script>alert(1)</script>")

    assert out == "<p>I typed &lt;b&gt;bold&lt;/b&gt; and &lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_comment_table_syntax_stays_text():
    out = render_comment("| a | b |\n|---|---|\n| 1 | 2 |")

    assert "<table" not in out
    assert "| a | b |" in out


def test_comment_newline_is_a_line_break():
    assert render_comment("first line\nsecond line") == "<p>first line<br>\nsecond line</p>"


def test_comment_keeps_emphasis_code_lists_and_quotes():
    out = render_comment("*em* **strong** `code`\n\n- one\n- two\n\n> quoted\n\n```\nblock\n```")

    assert {tag for tag, _ in elements(out)} == {"p", "em", "strong", "code", "ul", "li", "blockquote", "pre"}


def test_comment_uses_only_the_comment_allow_list():
    out = render_comment(RICH_ARTICLE)

    assert outside_allow_list(out, COMMENT_TAGS, COMMENT_ATTRIBUTES) == []


def test_comment_longer_than_its_limit_still_renders():
    out = render_comment("*" + "a" * COMMENT_MAX_CHARS + "*")

    assert out.startswith("<p><em>aaa")


# URLs and hostile payloads


def test_scheme_relative_link_is_kept_as_a_link_to_another_site():
    # A //host URL resolves to https on an https site: no script can run, so it is treated like https.
    (link,) = attributes_of(render_article("[x](//evil.example/path)"), "a")

    assert link == {"href": "//evil.example/path", "rel": "noopener"}


def test_backslash_scheme_relative_link_is_treated_as_another_site():
    # Browsers read /\host as //host.
    (link,) = attributes_of(render_article("[x](/\\evil.example/path)"), "a")

    assert link["rel"] == "noopener"


@pytest.mark.parametrize("url", ["localhost:8000/admin", "evil.example:80", "1x:y", "java script:alert(1)"])
def test_link_with_something_like_a_scheme_loses_its_href(url):
    (link,) = attributes_of(render_article(f"[x](<{url}>)"), "a")

    assert "href" not in link


def test_image_source_must_be_http_https_or_relative():
    out = render_article("![a](mailto:a@example.com) ![b](/media/b.png) ![c](https://example.com/c.png)")

    assert [image.get("src") for image in attributes_of(out, "img")] == [
        None,
        "/media/b.png",
        "https://example.com/c.png",
    ]


TRICKY_PAYLOADS = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#0000106;&#0000097;vascript:alert(1))",
    "[x](&amp;#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java&Tab;script:alert(1))",
    "[x](java&NewLine;script:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java\x00script:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](&#x20;javascript:alert(1))",
    "[x](\u200bjavascript:alert(1))",
    "[x](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert(1))",
    '[x](javascript:alert(1) "title")',
    "[x](javascript://example.com/%0Aalert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][ref]\n\n[ref]: &#106;avascript:alert(1)",
    "[ref]\n\n[ref]: data:text/html,x",
    "![x][img]\n\n[img]: javascript:alert(1)",
    "A note[^1].\n\n[^1]: [x](javascript:alert(1))",
    '[x](https://example.com" onclick="alert(1))',
    "[x](https://example.com 'a\" onmouseover=\"alert(1)')",
    '![x" onerror="alert(1)](https://example.com/a.png)',
    '<https://example.com/" onmouseover="alert(1)>',
    "<javascript:alert(1)@example.com>",
    '<a href="javascript:alert(1)">x</a>',
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<style>body { display: none }</style>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "```\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "# <img src=x onerror=alert(1)>",
    '[TOC]\n\n# "><script>alert(1)</script>',
    "*[HTML]: <script>alert(1)</script>\n\nHTML",
    "Term\n: <script>alert(1)</script>",
    "| <script>alert(1)</script> | x |\n|---|---|\n| a | b |",
    '[x](javascript:alert(1)){: onclick="alert(1)" }',
    "```{ onclick=alert(1) }\ncode\n```",
    "\x00<script>alert(1)</script>",
    "\x02wzxhzdk:0\x03 <script>alert(1)</script>",
]


@pytest.mark.parametrize("render", RENDERERS)
@pytest.mark.parametrize("payload", TRICKY_PAYLOADS)
def test_tricky_payload_renders_safely(render, payload):
    assert safety_problems(render(payload)) == []


def _corpus_lines(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(
            f"the public corpus is not at {CORPUS}; CI has it at ../shared/corpus from the project root"
        )
    return path.read_text(encoding="utf-8").split("\n")


def _unsafe_renderings(payloads, render):
    return {payload: problems for payload in payloads if (problems := safety_problems(render(payload)))}


@pytest.mark.parametrize("render", RENDERERS)
def test_public_xss_corpus_renders_safely(render):
    payloads = [json.loads(line)["payload"] for line in _corpus_lines("xss_public.jsonl") if line.strip()]

    assert len(payloads) >= 600
    assert _unsafe_renderings(payloads, render) == {}


@pytest.mark.parametrize("render", RENDERERS)
def test_public_naughty_strings_render_safely(render):
    assert _unsafe_renderings(_corpus_lines("naughty_public.txt"), render) == {}


# Degradation


@pytest.mark.parametrize("render", RENDERERS)
@pytest.mark.parametrize("text", PATHOLOGICAL_TEXTS)
def test_pathological_input_returns_escaped_text_without_raising(render, text):
    out = render(text)

    assert out.startswith("<p>")
    assert {tag for tag, _ in elements(out)} <= {"p", "br"}


def test_deeply_nested_list_is_shown_as_escaped_text():
    out = render_comment(_nested_list(1_000))

    assert out.startswith("<p>- item<br>    - item<br>")
    assert "<ul>" not in out


def test_run_of_brackets_is_shown_as_text():
    assert render_article("[" * 50_000) == "<p>" + "[" * 50_000 + "</p>"


def test_markdown_that_runs_out_of_stack_is_shown_as_escaped_text():
    # Leave the renderer 40 frames: enough to reach Markdown, not enough for a list nested 20 deep (Markdown
    # needs about four frames a level). This is the path a RecursionError from deep nesting takes.
    frame, depth = sys._getframe(), 0
    while frame:
        frame, depth = frame.f_back, depth + 1
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 40)
    try:
        out = render_article("<b>\n\n" + _nested_list(20))
    finally:
        sys.setrecursionlimit(limit)

    assert out.startswith("<p>&lt;b&gt;</p>")
    assert "<ul>" not in out


# Plain text


def test_plain_text_strips_tags_and_collapses_whitespace():
    assert to_plain_text("<p>Hello   <em>dear</em>\n\n reader</p>\n<ul><li>one</li><li>two</li></ul>") == (
        "Hello dear reader one two"
    )


def test_plain_text_separates_blocks_and_line_breaks_but_not_inline_tags():
    assert to_plain_text("<h2>Title</h2><p>a<br>b</p><p>c<strong>d</strong></p>") == "Title a b cd"


def test_plain_text_unescapes_character_references():
    assert to_plain_text("<p>Fish &amp; chips &lt;3 &#8217;</p>") == "Fish & chips <3 \u2019"


def test_plain_text_of_an_article_leaves_out_permalinks_back_references_and_the_toc():
    html_fragment = render_article("[TOC]\n\n## Heading\n\nText[^1].\n\n[^1]: Note.")

    assert to_plain_text(html_fragment) == "Heading Text1. Note."


def test_plain_text_of_empty_html_is_empty():
    assert to_plain_text("") == ""


def test_a_level_one_heading_in_the_body_becomes_an_h2_since_the_title_is_the_pages_h1():
    out = render_article("# Part one\n\n## Detail")
    assert "<h1" not in out
    assert out.startswith('<h2 id="h-part-one">') and '<h2 id="h-detail">' in out


def test_tables_can_be_reached_by_keyboard_to_scroll_them():
    out = render_article("| a | b |\n|---|---|\n| 1 | 2 |")
    assert '<table tabindex="0">' in out
