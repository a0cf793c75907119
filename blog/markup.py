"""Markdown to safe HTML: the one place the site turns what people type into markup.

Articles get the Markdown a writer expects, comments a strict subset. Both go the same way: Python-Markdown
with raw HTML switched off and the cost guard of ``blog.markdown_cost`` against inputs it is too slow or too
recursive for, then bleach with an explicit allow-list of tags and attributes and a URL check of our own.
Whatever goes wrong, the text is still shown, escaped.
"""

import html
import re
import unicodedata
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.utils.html import format_html, linebreaks
from django.utils.translation import gettext
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
    SimpleTagInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor

from .control_characters import without_control_characters
from .markdown_cost import CostGuard, too_costly_to_clean

ARTICLE_MAX_CHARS = 100_000
COMMENT_MAX_CHARS = 5_000

_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_COMMENT_TAGS = frozenset({
    "p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "a", "hr",
})  # fmt: skip
_ARTICLE_TAGS = _COMMENT_TAGS | _HEADINGS | {
    "img", "del", "sup", "sub", "abbr", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "div",
}  # fmt: skip
# The classes Markdown's extensions put on these tags; any other class is dropped.
_ARTICLE_CLASSES = {
    "a": {"headerlink", "footnote-ref", "footnote-backref"},
    "div": {"footnote", "toc"},
}
_LANGUAGE_CLASS = re.compile(r"language-[\w#+.-]{1,40}")
_ID_TAGS = _HEADINGS | {"li", "sup"}  # headings for the table of contents, the rest for footnotes
_ID = re.compile(r"[\w:.-]{1,200}")
_DIMENSION = re.compile(r"[0-9]{1,5}")


# URLs

# Browsers drop ASCII tabs and newlines anywhere in a URL, and control characters and spaces at its ends; we
# drop every control, format (zero-width, bidi) and separator character before reading the scheme, so that no
# spelling of a scheme can hide between them.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_ASCII_INVISIBLE = dict.fromkeys([*range(0x00, 0x21), 0x7F])
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _url_for_checking(value):
    text = value
    # bleach hands attribute values over with their character references intact, and they can be nested
    # (&amp;#106;): unescape until nothing changes.
    for _ in range(5):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    if text.isascii():
        text = text.translate(_ASCII_INVISIBLE)
    else:
        text = unicodedata.normalize("NFKC", text)
        text = "".join(char for char in text if unicodedata.category(char) not in _INVISIBLE_CATEGORIES)
    # Browsers read a backslash as a slash in http(s) URLs: /\evil.example is //evil.example.
    return text.replace("\\", "/").lower()


def _is_allowed_url(value, schemes):
    """Whether a URL has one of `schemes`, or is relative (a path, query or fragment, or //host/...).

    Anything that has, or might be read as having, another scheme is refused, whatever its spelling.
    """
    url = _url_for_checking(value)
    try:
        parsed_scheme = urlsplit(url).scheme
    except ValueError:
        return False
    match = _SCHEME.match(url)
    if match or parsed_scheme:
        return bool(match) and match.group(1) in schemes and parsed_scheme in schemes
    # A colon before the first slash that does not follow a valid scheme ("1x:", "%6Aavascript:") makes no
    # scheme for a browser either, but nothing legitimate needs one, so refuse rather than reason about it.
    return ":" not in re.split(r"[/?#]", url, maxsplit=1)[0]


def _is_external(url):
    """Whether an allowed URL points away from this site (a scheme-relative //host counts as https)."""
    return _url_for_checking(url).startswith(("http:", "https:", "//"))


# Markdown


class _NoRawHtml(Extension):
    """Raw HTML in the source is kept as text and so reaches the page escaped: `<b>` shows as `<b>`."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


class _Strikethrough(Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~{2})(.+?)~{2}", "del"), "del", 65)


# Headings' ids begin with this, so that none can take an id the page itself uses ("respond", "comments").
HEADING_ID_PREFIX = "h-"


def _heading_id(value, separator):
    return HEADING_ID_PREFIX + slugify_unicode(value, separator)


class _HeadingAnchors(Treeprocessor):
    """A link to "#a-heading" written in the body goes to that heading's prefixed id: writers link to the
    heading's name as Markdown readers know it."""

    def run(self, root):
        ids = {element.get("id") for element in root.iter() if element.get("id")}
        for link in root.iter("a"):
            href = link.get("href") or ""
            target = href.removeprefix("#")
            if href.startswith("#") and target not in ids and HEADING_ID_PREFIX + target in ids:
                link.set("href", f"#{HEADING_ID_PREFIX}{target}")


class _PrefixedHeadingAnchors(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_HeadingAnchors(md), "heading_anchors", 1)  # after the toc's, at 5


class _CommentSubset(Extension):
    """No headings (a `# title` line stays a paragraph); an image (`![alt](url)`) is a link reading alt."""

    def extendMarkdown(self, md):
        md.parser.blockprocessors.deregister("hashheader")
        md.parser.blockprocessors.deregister("setextheader")
        patterns = md.inlinePatterns
        patterns.register(LinkInlineProcessor(IMAGE_LINK_RE, md), "image_link", 150)
        patterns.register(ReferenceInlineProcessor(IMAGE_REFERENCE_RE, md), "image_reference", 140)
        patterns.register(ShortReferenceInlineProcessor(IMAGE_REFERENCE_RE, md), "short_image_ref", 125)


def _article_markdown():
    return markdown.Markdown(
        extensions=[
            CostGuard(),
            _NoRawHtml(),
            _Strikethrough(),
            "abbr",
            "def_list",
            "fenced_code",
            "footnotes",
            "sane_lists",
            "tables",
            "toc",
            _PrefixedHeadingAnchors(),
        ],
        extension_configs={
            # An align attribute rather than a style one, so that no style attribute is ever allowed.
            "tables": {"use_align_attribute": True},
            # Titles in the language active while rendering (Article.save renders in the article's language).
            "toc": {
                "permalink": True,
                "slugify": _heading_id,
                "permalink_title": gettext("Permanent link"),
            },
            "footnotes": {"BACKLINK_TITLE": gettext("Jump back to footnote %d in the text")},
        },
        output_format="html",
    )


def _comment_markdown():
    return markdown.Markdown(
        extensions=[CostGuard(), _NoRawHtml(), _CommentSubset(), "fenced_code", "nl2br", "sane_lists"],
        output_format="html",
    )


# Sanitising


def _article_attribute(tag, name, value):
    if name == "href":
        return tag == "a" and _is_allowed_url(value, _LINK_SCHEMES)
    if name == "src":
        return tag == "img" and _is_allowed_url(value, _IMAGE_SCHEMES)
    if name == "class":
        if tag == "code":
            return bool(_LANGUAGE_CLASS.fullmatch(value))
        return value in _ARTICLE_CLASSES.get(tag, ())
    if name == "id":
        return tag in _ID_TAGS and bool(_ID.fullmatch(value))
    if name in {"width", "height"}:
        return tag == "img" and bool(_DIMENSION.fullmatch(value))
    if name == "align":
        return tag in {"th", "td"} and value in {"left", "center", "right"}
    if name == "loading":
        return tag == "img" and value == "lazy"
    if name == "alt":
        return tag == "img"
    return name == "title" and tag in {"a", "img", "abbr"}


def _comment_attribute(tag, name, value):
    if name == "href":
        return tag == "a" and _is_allowed_url(value, _LINK_SCHEMES)
    if name == "class":
        return tag == "code" and bool(_LANGUAGE_CLASS.fullmatch(value))
    return name == "title" and tag == "a"


class _ArticleLinks(Filter):
    """Links to other sites get rel="noopener"; images load lazily."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"}:
                attributes = token["data"]
                if token["name"] == "a" and _is_external(attributes.get((None, "href"), "")):
                    attributes[(None, "rel")] = "noopener"
                elif token["name"] == "img":
                    attributes[(None, "loading")] = "lazy"
            yield token


class _CommentLinks(Filter):
    """Every link in a comment is marked as the reader's, not ours."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                token["data"][(None, "rel")] = "nofollow ugc noopener"
            yield token


def _clean(rendered, tags, attributes, link_filter):
    # A Cleaner holds parser state and is not thread-safe; making one costs a fraction of a millisecond.
    cleaner = bleach.Cleaner(
        tags=tags,
        attributes=attributes,
        protocols=_LINK_SCHEMES,
        strip=True,
        strip_comments=True,
        filters=[link_filter],
    )
    return cleaner.clean(rendered)


# Rendering


def _render(text, render_or_none):
    html_fragment = render_or_none(text)
    return plain_paragraphs(text) if html_fragment is None else html_fragment


def plain_paragraphs(text: str) -> str:
    """The fallback of every renderer: the text escaped, in ``<p>`` paragraphs with ``<br>`` line breaks."""
    return _as_plain_paragraphs(without_control_characters(text))


def _render_markdown(text, make_markdown, tags, attributes, link_filter):
    """The cleaned HTML, or None where the text must fall back to escaped paragraphs."""
    text = without_control_characters(text)
    if len(text) > ARTICLE_MAX_CHARS:
        return None
    try:
        rendered = make_markdown().convert(text)
    except Exception:
        # TooCostly, RecursionError from nesting Python-Markdown does not guard against, or anything else it
        # trips on: the text is still shown, escaped, rather than failing the save or the page.
        return None
    if too_costly_to_clean(rendered):
        return None
    return _clean(rendered, tags, attributes, link_filter)


def _as_plain_paragraphs(text):
    return linebreaks(text, autoescape=True)


def render_article(text: str) -> str:
    """The blog owner's Markdown as safe HTML.

    Tables (with align attributes), fenced code (``<pre><code class="language-x">``), footnotes,
    abbreviations, definition lists, ``~~strikethrough~~``, sane lists, and headings with ids and a permalink
    (``[TOC]`` places a table of contents). Raw HTML is escaped, not interpreted: ``<b>`` shows as ``<b>``.
    Links keep only http, https, mailto and relative URLs, images only http, https and relative ones; links to
    absolute or scheme-relative http(s) URLs get ``rel="noopener"``, images ``loading="lazy"``.

    Never raises. Input longer than ARTICLE_MAX_CHARS, or shaped so that Markdown would take too long or
    recurse too deeply, is returned as escaped text in ``<p>`` paragraphs with ``<br>`` line breaks.
    """
    return _render(text, render_article_or_none)


def render_article_or_none(text: str) -> str | None:
    """What render_article returns, or None where that would be the escaped-text fallback.

    The article form asks, so that the owner is told at once instead of finding plain text on the page.
    """
    html = _render_markdown(text, _article_markdown, _ARTICLE_TAGS, _article_attribute, _ArticleLinks)
    if html is None:
        return None
    # Raw HTML is always escaped, so every tag named below is one Markdown made. The page's only <h1> is the
    # title, so "# A heading" becomes an <h2> like "## A heading"; a wide table scrolls sideways inside its
    # own box on a phone, and keyboard users must be able to reach it to scroll it.
    html = html.replace("<h1 ", "<h2 ").replace("</h1>", "</h2>")
    return html.replace("<table>", '<table tabindex="0">')


def sanitise_article_html(fragment: str) -> str | None:
    """HTML from elsewhere (an imported blog's) through the articles' allow-list, shaped as rendered Markdown
    is (no <h1>: the title is the page's; tables scroll). None, like render_article_or_none, for a fragment
    too long or with too many tags to clean quickly."""
    fragment = without_control_characters(fragment)
    if len(fragment) > ARTICLE_MAX_CHARS or too_costly_to_clean(fragment):
        return None
    html = _clean(fragment, _ARTICLE_TAGS, _article_attribute, _ArticleLinks)
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    return html.replace("<table>", '<table tabindex="0">')


def _comment_or_none(text):
    return _render_markdown(text, _comment_markdown, _COMMENT_TAGS, _comment_attribute, _CommentLinks)


def render_comment(text: str) -> str:
    """A reader's Markdown as safe HTML, in a strict subset.

    Paragraphs, line breaks (each newline is a ``<br>``), emphasis, inline code and code blocks, lists,
    blockquotes, horizontal rules and links. A heading line stays a paragraph, an image becomes a link reading
    its alt text, raw HTML is escaped text, tables stay text. Every link gets ``rel="nofollow ugc noopener"``.
    Never raises, and degrades like render_article.
    """
    return _render(text, _comment_or_none)


# Uploaded images

# bleach writes every attribute of an <img> it keeps in double quotes, its value escaped.
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
# The article column is 46rem wide at most and the whole screen below that (static/css/site.css).
IMAGE_SIZES = "(max-width: 46rem) 100vw, 46rem"


class Picture(NamedTuple):
    """How readers get an uploaded image: ``src`` a copy that is not the original at full size, ``srcset``
    its WebP renditions ("url 480w, ..."; empty until they are made), ``width`` and ``height`` its size."""

    src: str
    width: int
    height: int
    srcset: str = ""


def _img_attributes(tag):
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def image_sources(html_fragment: str, without_alt=False) -> list[str]:
    """The addresses of the images an HTML fragment from ``render_article`` shows; with ``without_alt``, of
    those without a description (an empty or blank alt)."""
    sources = []
    for tag in _IMG_TAG.findall(html_fragment):
        attributes = _img_attributes(tag)
        if "src" in attributes and not (without_alt and attributes.get("alt", "").strip()):
            sources.append(attributes["src"])
    return sources


def with_renditions(html_fragment: str, pictures: dict[str, Picture]) -> str:
    """``html_fragment`` (from ``render_article``) with each image whose address is a key of ``pictures``
    shown from its Picture instead: a ``<picture>`` with a WebP ``<source>`` srcset, or, before its
    renditions exist, an ``<img>`` of the smaller copy. Its alt and title are kept; the original address is
    gone. Only this module's output and our own file addresses go in, so no sanitising is needed after it.
    """
    if not pictures:
        return html_fragment

    def replace(match):
        attributes = _img_attributes(match.group(0))
        picture = pictures.get(attributes.get("src", ""))
        if picture is None:
            return match.group(0)
        img = format_html(
            '<img src="{}" width="{}" height="{}" alt="{}"{} loading="lazy">',
            picture.src,
            picture.width,
            picture.height,
            attributes.get("alt", ""),
            format_html(' title="{}"', attributes["title"]) if "title" in attributes else "",
        )
        if not picture.srcset:
            return img
        return format_html(
            '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
            picture.srcset,
            IMAGE_SIZES,
            img,
        )

    return _IMG_TAG.sub(replace, html_fragment)


# Plain text

_INLINE_TAGS = frozenset({"a", "abbr", "b", "code", "del", "em", "i", "img", "span", "strong", "sub", "sup"})
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_INVISIBLE_TAGS = frozenset({"script", "style", "template", "head", "title"})
# Permalink and back-reference glyphs and the table of contents are navigation, not the text.
_NAVIGATION_CLASSES = frozenset({"headerlink", "footnote-backref", "toc"})


def _classes(attrs):
    return (dict(attrs).get("class") or "").split()


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _VOID_TAGS:
            if tag not in _INLINE_TAGS:
                self.parts.append(" ")
        elif self.skip_depth:
            self.skip_depth += 1
        elif tag in _INVISIBLE_TAGS or _NAVIGATION_CLASSES.intersection(_classes(attrs)):
            self.skip_depth = 1
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS:
            return
        if self.skip_depth:
            self.skip_depth -= 1
        elif tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip_depth:
            self.parts.append(data)


def to_plain_text(html_fragment: str) -> str:
    """The visible text of an HTML fragment, runs of whitespace collapsed to one space, trimmed.

    Block boundaries and ``<br>`` separate words; permalink glyphs, footnote back-references and a table of
    contents are left out. Written for this module's output; other HTML gets a best effort.
    """
    parser = _TextExtractor()
    parser.feed(html_fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())
