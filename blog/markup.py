"""Markdown to safe HTML: the one place the site turns what people type into markup.

Articles get the Markdown a writer expects; comments get a strict subset. Both go through the same steps:
Markdown with raw HTML switched off, then bleach with an explicit allow-list, then a URL check of our own.
"""

import html
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.utils.html import escape, linebreaks
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.preprocessors import Preprocessor

ARTICLE_MAX_CHARS = 100_000
COMMENT_MAX_CHARS = 5_000

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_COMMENT_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "a", "hr"}
_ARTICLE_TAGS = (
    _COMMENT_TAGS
    | _HEADINGS
    | {
        "img",
        "del",
        "sup",
        "sub",
        "abbr",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "div",
    }
)

# Class names Markdown's extensions emit; anything else in a class attribute is dropped.
_ARTICLE_CLASSES = {
    "a": {"headerlink", "footnote-ref", "footnote-backref"},
    "div": {"footnote", "toc"},
}
_LANGUAGE_CLASS = re.compile(r"language-[\w#+.-]{1,40}")
_ID = re.compile(r"[\w:.-]{1,200}")
_DIGITS = re.compile(r"[0-9]{1,5}")


# --- URLs ------------------------------------------------------------------------------------------------------

# Browsers ignore ASCII tab and newline anywhere in a URL and control characters and spaces at its ends; we
# drop every control, format (zero-width, bidi) and separator character before reading the scheme, so that no
# spelling of a scheme can hide between them.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _url_for_checking(value):
    text = value
    # Entity references can be nested (&amp;#106;); unescape until nothing changes, a few rounds at most.
    for _ in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    # Browsers read a backslash as a slash in http(s) URLs: /\evil.example is //evil.example.
    return text.replace("\\", "/").lower()


def is_safe_url(value, *, allow_relative=True):
    """Whether an href or src is safe to keep: http, https or mailto, or (if allowed) a relative URL.

    Relative means a path, query or fragment on this site; a scheme-relative URL (//host/...) counts as an
    absolute https link to another site. Anything that has or might be read as having another scheme, in any
    spelling (entities, mixed case, embedded control characters), is refused.
    """
    url = _url_for_checking(value)
    match = _SCHEME.match(url)
    try:
        parsed_scheme = urlsplit(url).scheme
    except ValueError:
        return False
    if match or parsed_scheme:
        return bool(match) and match.group(1) in ALLOWED_SCHEMES and parsed_scheme in ALLOWED_SCHEMES
    # Something before a colon that is not a valid scheme ("java script:", "1x:") is not a scheme to a browser
    # either, but nothing legitimate needs it, so refuse rather than reason about it.
    first_segment = re.split(r"[/?#]", url, maxsplit=1)[0]
    if ":" in first_segment:
        return False
    return allow_relative or url.startswith("//")


def _is_external(value):
    url = _url_for_checking(value)
    return url.startswith(("http:", "https:", "//"))


# --- Markdown ------------------------------------------------------------------------------------------------


class _TooCostly(Exception):
    """The text is shaped so that Python-Markdown would take far too long on it."""


# Python-Markdown has several paths that are quadratic in the size of one block, and a few that recurse once per
# nesting level. These limits sit one or more orders of magnitude above anything measured in real articles and
# far below the shapes that take seconds; the figures behind them are in the commit that introduced them.
_MAX_NESTING = 50  # ">", list markers or 4-space indents before a line's text
_MAX_FENCE_SCAN = 2_000_000  # characters the fenced-code regex reads looking for closing fences
_MAX_BLOCK_LINE_PAIRS = (
    2_000_000  # sum over blocks of lines squared: block parsers re-split the rest of a block
)
_MAX_BRACKET_SCAN = 1_000_000  # characters the link parser reads looking for "]" and ")"
_MAX_HTML_CHARS = 250_000  # bleach's HTML parser reads about half a million characters a second

_FENCE_LINE = re.compile(r"^(?:~{3,}|`{3,})", re.MULTILINE)
_NESTING_PREFIX = re.compile(r"(?:[ ]{4}|[ ]{0,3}(?:>|[-*+:][ ]|[0-9]{1,9}[.)][ ]))+")
_BRACKETS = re.compile(r"[\[\]()\"']")


def _fence_scan(text):
    """Characters the fenced-code regex may read: from each opening fence to its closing one or the end."""
    total = 0
    openings = list(_FENCE_LINE.finditer(text))
    for index, opening in enumerate(openings):
        fence = opening.group()
        closing = next(
            (
                later
                for later in openings[index + 1 :]
                if later.group() == fence
                and text[later.end() : text.find("\n", later.end())].strip(" ") == ""
            ),
            None,
        )
        total += (closing.start() if closing else len(text)) - opening.start()
        if total > _MAX_FENCE_SCAN:
            break
    return total


def _bracket_scan(block):
    """Characters the link parser may read in one block: each "[" up to its "]", each "](" up to its ")".

    A quote inside the parentheses starts a title, after which Python-Markdown's matching is irregular; that
    case is counted as reading to the end of the block.
    """
    total = 0
    open_squares, open_parens = [], []
    after_link_text = -1
    for match in _BRACKETS.finditer(block):
        char, position = match.group(), match.start()
        if char == "[":
            open_squares.append(position)
        elif char == "]":
            if open_squares:
                total += position - open_squares.pop()
            after_link_text = position + 1
        elif char == "(":
            open_parens.append((position, position == after_link_text))
        elif char == ")":
            if open_parens:
                start, is_link = open_parens.pop()
                if is_link:
                    total += position - start
        else:
            # A quote: every link destination still open may now read to the end of the block.
            total += sum(len(block) - start for start, is_link in open_parens if is_link)
            open_parens = [(start, False) for start, _ in open_parens]
    total += sum(len(block) - start for start in open_squares)
    total += sum(len(block) - start for start, is_link in open_parens if is_link)
    return total


class _FenceGuard(Preprocessor):
    def run(self, lines):
        if _fence_scan("\n".join(lines)) > _MAX_FENCE_SCAN:
            raise _TooCostly("unclosed code fences")
        return lines


class _BlockGuard(Preprocessor):
    """Runs after fenced code is set aside, so code listings do not count."""

    def run(self, lines):
        line_pairs = bracket_scan = 0
        for block in "\n".join(lines).split("\n\n"):
            line_pairs += (block.count("\n") + 1) ** 2
            bracket_scan += _bracket_scan(block)
        if line_pairs > _MAX_BLOCK_LINE_PAIRS:
            raise _TooCostly("too many lines without a blank line")
        if bracket_scan > _MAX_BRACKET_SCAN:
            raise _TooCostly("too many unmatched brackets")
        for line in lines:
            prefix = _NESTING_PREFIX.match(line)
            if prefix and len(prefix.group()) > _MAX_NESTING * 2 and _nesting(prefix.group()) > _MAX_NESTING:
                raise _TooCostly("too deeply nested")
        return lines


def _nesting(prefix):
    return len(re.findall(r"[ ]{4}|[ ]{0,3}(?:>|[-*+:][ ]|[0-9]{1,9}[.)][ ])", prefix))


class _CostGuard(Extension):
    def extendMarkdown(self, md):
        # Between whitespace normalisation (30) and fenced code (25); then after everything else.
        md.preprocessors.register(_FenceGuard(md), "cost_guard_fences", 27)
        md.preprocessors.register(_BlockGuard(md), "cost_guard_blocks", 0)


class _NoRawHtml(Extension):
    """Raw HTML in the source is kept as text, so it reaches the page escaped: `<b>` shows as `<b>`."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


class _CommentSubset(Extension):
    """No headings (a `# title` line is a paragraph) and no images (`![alt](url)` is a link reading "alt")."""

    def extendMarkdown(self, md):
        md.parser.blockprocessors.deregister("hashheader")
        md.parser.blockprocessors.deregister("setextheader")
        md.inlinePatterns.register(LinkInlineProcessor(IMAGE_LINK_RE, md), "image_link", 150)
        md.inlinePatterns.register(ReferenceInlineProcessor(IMAGE_REFERENCE_RE, md), "image_reference", 140)
        md.inlinePatterns.register(
            ShortReferenceInlineProcessor(IMAGE_REFERENCE_RE, md), "short_image_ref", 125
        )


def _article_markdown():
    return markdown.Markdown(
        extensions=[
            _CostGuard(),
            _NoRawHtml(),
            "abbr",
            "def_list",
            "fenced_code",
            "footnotes",
            "sane_lists",
            "tables",
            "toc",
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"permalink": True, "slugify": slugify_unicode},
        },
        output_format="html",
    )


def _comment_markdown():
    return markdown.Markdown(
        extensions=[_CostGuard(), _NoRawHtml(), _CommentSubset(), "fenced_code", "nl2br", "sane_lists"],
        output_format="html",
    )


# --- Sanitising ------------------------------------------------------------------------------------------------


def _article_attribute(tag, name, value):
    if name in {"href", "src"}:
        return is_safe_url(value)
    if name == "class":
        if tag == "code":
            return bool(_LANGUAGE_CLASS.fullmatch(value))
        return value in _ARTICLE_CLASSES.get(tag, ())
    if name == "id":
        return tag in _HEADINGS | {"li", "sup"} and bool(_ID.fullmatch(value))
    if name in {"width", "height"}:
        return tag == "img" and bool(_DIGITS.fullmatch(value))
    if name == "align":
        return tag in {"th", "td"} and value in {"left", "center", "right"}
    if name == "loading":
        return tag == "img" and value == "lazy"
    return name in {"title", "alt"} and tag in {"a", "img", "abbr"}


def _comment_attribute(tag, name, value):
    if name == "href":
        return tag == "a" and is_safe_url(value)
    if name == "class":
        return tag == "code" and bool(_LANGUAGE_CLASS.fullmatch(value))
    return name == "title" and tag == "a"


class _ArticleLinks(Filter):
    """Absolute links get rel="noopener"; images load lazily."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"}:
                attrs = token["data"]
                if token["name"] == "a" and _is_external(attrs.get((None, "href"), "")):
                    attrs[(None, "rel")] = "noopener"
                elif token["name"] == "img":
                    attrs[(None, "loading")] = "lazy"
            yield token


class _CommentLinks(Filter):
    """Every link in a comment is marked as the reader's, not ours."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                token["data"][(None, "rel")] = "nofollow ugc noopener"
            yield token


_article_cleaner = bleach.Cleaner(
    tags=_ARTICLE_TAGS,
    attributes=_article_attribute,
    protocols=ALLOWED_SCHEMES,
    strip=True,
    strip_comments=True,
    filters=[_ArticleLinks],
)
_comment_cleaner = bleach.Cleaner(
    tags=_COMMENT_TAGS,
    attributes=_comment_attribute,
    protocols=ALLOWED_SCHEMES,
    strip=True,
    strip_comments=True,
    filters=[_CommentLinks],
)


# --- Rendering -------------------------------------------------------------------------------------------------

# C0 controls other than tab and newline have no business in text and some are Markdown's own placeholders.
_CONTROL_CHARS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _as_plain_paragraphs(text):
    return linebreaks(text, autoescape=True)


def _render(text, make_markdown, cleaner):
    text = text.translate(_CONTROL_CHARS)
    if len(text) > ARTICLE_MAX_CHARS:
        return _as_plain_paragraphs(text)
    try:
        rendered = make_markdown().convert(text)
    except Exception:
        # _TooCostly, or RecursionError from nesting that Python-Markdown does not guard, or whatever else it
        # trips on: the text is still shown, escaped, rather than failing the save or the page.
        return _as_plain_paragraphs(text)
    if len(rendered) > _MAX_HTML_CHARS:
        return _as_plain_paragraphs(text)
    return cleaner.clean(rendered)


def render_article(text: str) -> str:
    """The blog owner's Markdown as safe HTML.

    Supports tables, fenced code (``<code class="language-x">``), footnotes, abbreviations, definition lists,
    sane lists, and heading ids with a permalink (``[TOC]`` places a table of contents). Raw HTML is escaped,
    not interpreted. Links and images keep only http, https, mailto and relative URLs; links to absolute
    http(s) URLs get ``rel="noopener"``; images get ``loading="lazy"``. Never raises: input Markdown cannot
    handle (or is known to be too slow for) is returned as escaped text in paragraphs.
    """
    return _render(text, _article_markdown, _article_cleaner)


def render_comment(text: str) -> str:
    """A reader's Markdown as safe HTML, in a strict subset.

    Paragraphs, line breaks (a newline is a ``<br>``), emphasis, code, lists, blockquotes and links. Headings
    render as paragraphs, images as links reading their alt text, raw HTML as escaped text; no tables. Every
    link gets ``rel="nofollow ugc noopener"``. Never raises, like render_article.
    """
    return _render(text, _comment_markdown, _comment_cleaner)


# --- Plain text ------------------------------------------------------------------------------------------------

_BLOCKS = _ARTICLE_TAGS - {"a", "em", "strong", "code", "del", "sup", "sub", "abbr", "img"} | {"section"}
# Permalink and back-reference glyphs and the table of contents are navigation, not the text.
_NAVIGATION_CLASSES = {"headerlink", "footnote-backref", "toc"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "embed", "source", "track"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            self.parts.append(" ")
            return
        if self.skip_depth:
            self.skip_depth += 1
        elif tag in {"script", "style", "template"} or _NAVIGATION_CLASSES.intersection(
            (dict(attrs).get("class") or "").split()
        ):
            self.skip_depth = 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self.skip_depth:
            self.skip_depth -= 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip_depth:
            self.parts.append(data)


def to_plain_text(html_fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed to single spaces and trimmed.

    Block boundaries and ``<br>`` separate words; permalink glyphs, footnote back-references and a table of
    contents are left out. Meant for this module's output; other HTML gives a best effort.
    """
    parser = _TextExtractor()
    parser.feed(html_fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


__all__ = [
    "ARTICLE_MAX_CHARS",
    "COMMENT_MAX_CHARS",
    "escape",
    "is_safe_url",
    "render_article",
    "render_comment",
    "to_plain_text",
]
