"""blog.markdown_cost: which texts the guard refuses before Markdown spends too long on them, and which it
lets through. What the site shows for a refused text is blog.markup's business (tests/blog/test_markup.py)."""

import markdown
import pytest

from blog.markdown_cost import CostGuard, TooCostly, too_costly_to_clean

ARTICLE_EXTENSIONS = ["abbr", "def_list", "fenced_code", "footnotes", "sane_lists", "tables", "toc"]


def _nested_list(depth):
    return "".join("    " * level + "- item\n" for level in range(depth))


PATHOLOGICAL_TEXTS = [
    pytest.param(_nested_list(1_000), id="list nested 1000 deep"),
    pytest.param("".join("  " * level + "- item\n" for level in range(1_000)), id="list nested by 2 spaces"),
    pytest.param("> " * 1_000 + "quote", id="blockquotes nested 1000 deep on one line"),
    pytest.param("".join(">" * level + " quote\n" for level in range(1, 500)), id="blockquotes deepening"),
    pytest.param("- > " * 300 + "x", id="lists and quotes alternating"),
    pytest.param("[" * 50_000, id="50 KB of ["),
    pytest.param("![" * 25_000, id="50 KB of !["),
    pytest.param("[](" * 20_000, id="link openings"),
    pytest.param("```\n" * 20_000, id="code fences"),
    pytest.param("a\n: b\n" * 5_000, id="definition lists"),
    pytest.param("\\" * 50_000, id="backslashes"),
]


def convert(text, extensions=ARTICLE_EXTENSIONS):
    return markdown.Markdown(extensions=[CostGuard(), *extensions], output_format="html").convert(text)


@pytest.mark.parametrize(
    "extensions", [pytest.param([], id="plain"), pytest.param(ARTICLE_EXTENSIONS, id="article extensions")]
)
@pytest.mark.parametrize("text", PATHOLOGICAL_TEXTS)
def test_formatting_too_dense_to_render_quickly_is_refused_before_markdown_starts(text, extensions):
    with pytest.raises(TooCostly):
        convert(text, extensions)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("> " * 100 + "a quote inside a hundred quotes", id="a hundred nested quotes"),
        pytest.param("".join(f"x[^{n}]\n\n[^{n}]: y\n\n" for n in range(5_000)), id="5000 footnotes"),
        pytest.param("".join(f"[r{n}]: /x{n}\n" for n in range(5_000)), id="5000 link references"),
    ],
)
def test_texts_the_article_form_refuses_are_too_costly(text):
    with pytest.raises(TooCostly):
        convert(text)


def test_an_ordinary_long_article_passes_the_guard():
    sentence = "A sentence of prose with a [link](https://example.org) in it. "
    text = (("## A section\n\n" + sentence * 30 + "\n\n") * 100)[:90_000]

    assert convert(text).count("<h2") == text.count("## A section") > 40


def test_code_listings_do_not_count_as_markup():
    listing = "x = a[i] * b[j] <> c & d `e` _f_\n" * 1_500

    assert convert(f"```\n{listing}```\n").startswith("<pre><code>")
    with pytest.raises(TooCostly):
        convert(listing)


def test_html_with_more_tags_than_bleach_cleans_quickly_is_too_costly():
    assert not too_costly_to_clean("<p>" + "<em>a</em> " * 2_000 + "</p>")
    assert too_costly_to_clean("<em>a</em> " * 3_001)
    assert too_costly_to_clean("&amp;" * 6_001)
    assert too_costly_to_clean("a" * 500_001)
