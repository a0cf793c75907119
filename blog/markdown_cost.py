"""The Markdown cost guard: refuses text whose formatting is so dense that rendering it would take too long.

``CostGuard`` is a Python-Markdown extension: it raises ``TooCostly`` from ``convert`` before Markdown starts
on a text it would be too slow or recurse too deeply for, and ``too_costly_to_clean`` says whether Markdown's
output has more tags than bleach can clean quickly. ``blog.markup`` uses both and falls back to escaped text.
"""

import re
from bisect import bisect_left, bisect_right

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

# Python-Markdown has paths that are quadratic in the size of a block or in the number of some construct, and
# recursion that grows with nesting; bleach's HTML tree walker is quadratic in the number of siblings. Each
# limit below bounds one of these. They sit above what real articles use (a 100 KB article with a heading
# every 2 KB, lists, tables, code and a link every few sentences uses half of _MAX_HTML_TOKENS, a quarter of
# _MAX_ELEMENTS and a few percent of the rest) and low enough that the worst input we could construct renders
# in about half a second, most in under a fifth.
_MAX_FENCE_SCAN = 3_000_000  # characters the fenced-code regex reads from opening fences to their close
_MAX_BRACKET_SCAN = 200_000  # characters the link parser reads from "[" to "]" and from "](" to ")"
_MAX_INLINE_SCAN = 1_000_000_000  # sum over blocks of length × markup characters; each inline match copies it
_MAX_ELEMENTS = 12_000  # markup characters, lines and blocks, each costing up to tens of microseconds
_MAX_LINE_SCAN = 200_000  # sum over blocks of one-line constructs × the block's lines (see _check_cost)
_MAX_ONE_LINE_CONSTRUCTS = 500  # headings, rules, definitions and link references
_MAX_FOOTNOTES = 300  # "[^", definitions and references: the footnote extension is quadratic in them
_MAX_ABBREVIATIONS = 100  # abbreviations: one regex alternation tried at every word of the text
_MAX_NESTING = 50  # ">", list markers and 4-space indents before a line's text; each is a level of recursion
_MAX_SIBLING_PAIRS = 4_000_000  # sum over elements of children squared, for bleach's tree walker
_MAX_HTML_TOKENS = 6_000  # tags and character references: bleach spends 10 to 50 microseconds on each
_MAX_HTML_CHARS = 500_000  # plain text is cheap for bleach, but not free

_FENCE_LINE = re.compile(r"^(?:~{3,}|`{3,})", re.MULTILINE)
_MARKUP_CHARS = re.compile(r"[\\`*_\[<>&~|\n]")
_PLACEHOLDER_SOURCES = re.compile(r"\\|`|\[\^")
_BRACKETS = re.compile(r"[\[\]()\"']")
_NESTING = re.compile(r"[ ]{4}|[ ]{0,3}(?:>|[-*+:][ ]|[0-9]{1,9}[.)][ ])")
_NESTING_PREFIX = re.compile(rf"(?:{_NESTING.pattern})+")
# The container prefix is possessive (*+) so that a line of "> > > ..." cannot make the regex backtrack.
_ONE_LINE_CONSTRUCT = re.compile(
    r"""^(?:[ ]*(?:>|[-*+](?=[ ])|[0-9]{1,9}[.)](?=[ ])))*+[ ]*+
    (?:
        (?P<abbreviation>\*\[[^\]\n]*\]:)
      | \#
      | \[[^\]\n]*\]:
      | :[ ]
      | [=*_-][=*_ -]*$
    )""",
    re.MULTILINE | re.VERBOSE,
)


class TooCostly(Exception):
    """Markdown would take too long, or recurse too deeply, on this text."""


def _fence_scan(text):
    """Characters the fenced-code regex may read: from each opening fence to its closing one or to the end."""
    closings = {}
    for fence_line in _FENCE_LINE.finditer(text):
        line_end = text.find("\n", fence_line.end())
        if not text[fence_line.end() : line_end if line_end >= 0 else None].strip(" "):
            closings.setdefault(fence_line.group(), []).append(fence_line.start())
    total, position = 0, 0
    while opening := _FENCE_LINE.search(text, position):
        candidates = closings.get(opening.group(), [])
        index = bisect_right(candidates, opening.start())
        if index < len(candidates):
            total += candidates[index] - opening.start()
            position = candidates[index] + 1
        else:
            total += len(text) - opening.start()
            position = opening.end()
        if total > _MAX_FENCE_SCAN:
            break
    return total


def _bracket_scan(block):
    """Characters the link parser may read in one block: each "[" to its "]", each "](" to its ")".

    By the time links are parsed, escapes, code spans and footnote references have become placeholders up to
    14 characters longer, so distances are measured in those stretched positions. After a quote,
    Python-Markdown reads a link's parentheses as holding a title and matches them irregularly; destinations
    open at that point are counted as read to the end of the block.
    """
    placeholders = [match.start() for match in _PLACEHOLDER_SOURCES.finditer(block)]

    def stretched(position):
        return position + 14 * bisect_left(placeholders, position)

    total = 0
    end = stretched(len(block))
    open_squares, open_parens = [], []
    after_link_text = -1
    # Open link destinations since the last quote, kept as a count and a sum so that a quote costs O(1).
    quotes_seen = link_parens = link_paren_starts = 0
    for match in _BRACKETS.finditer(block):
        char, position = match.group(), stretched(match.start())
        if char == "[":
            open_squares.append(position)
        elif char == "]":
            if open_squares:
                total += position - open_squares.pop()
            after_link_text = match.end()
        elif char == "(":
            is_link = match.start() == after_link_text
            open_parens.append((position, is_link, quotes_seen))
            if is_link:
                link_parens += 1
                link_paren_starts += position
        elif char == ")":
            if open_parens:
                start, is_link, opened_after = open_parens.pop()
                if is_link and opened_after == quotes_seen:
                    total += position - start
                    link_parens -= 1
                    link_paren_starts -= start
        else:
            total += link_parens * end - link_paren_starts
            quotes_seen += 1
            link_parens = link_paren_starts = 0
        if total > _MAX_BRACKET_SCAN:
            return total
    total += sum(end - start for start in open_squares)
    return total + link_parens * end - link_paren_starts


def _check_cost(lines):
    """Raise TooCostly if Markdown's source lines, fenced code already set aside, exceed a guard limit."""
    text = "\n".join(lines)
    chunks = text.split("\n\n")
    blocks = [block for block in chunks if block.strip()]
    # Markdown pops blocks off the front of a list, so even empty ones cost something.
    elements = len(chunks) + 2 * len(blocks)
    if elements > _MAX_ELEMENTS:
        raise TooCostly("too many blocks")
    inline_scan = line_scan = bracket_scan = 0
    for block in blocks:
        markup = len(_MARKUP_CHARS.findall(block))
        # Escapes, code spans and footnote references become placeholders up to 14 characters longer before
        # links and emphasis are parsed.
        stretched_length = len(block) + 14 * len(_PLACEHOLDER_SOURCES.findall(block))
        # A line can start a list item or a table row, which cost a few markup characters' worth each.
        elements += markup + 2 * block.count("\n")
        inline_scan += markup * stretched_length
        # Each one-line construct leaves the rest of its block to be searched by several regexes and split
        # into lines again: about 20 characters cost as much as one line.
        rest = block.count("\n") + 1 + len(block) // 20
        line_scan += rest * len(_ONE_LINE_CONSTRUCT.findall(block))
        bracket_scan += _bracket_scan(block)
    if elements > _MAX_ELEMENTS or inline_scan > _MAX_INLINE_SCAN:
        raise TooCostly("too much inline markup")
    if line_scan > _MAX_LINE_SCAN:
        raise TooCostly("too many headings, rules or definitions without a blank line")
    if bracket_scan > _MAX_BRACKET_SCAN:
        raise TooCostly("too many unmatched brackets")

    constructs = abbreviations = 0
    for construct in _ONE_LINE_CONSTRUCT.finditer(text):
        constructs += 1
        abbreviations += construct.group("abbreviation") is not None
    footnotes = text.count("[^")
    if (
        constructs > _MAX_ONE_LINE_CONSTRUCTS
        or footnotes > _MAX_FOOTNOTES
        or abbreviations > _MAX_ABBREVIATIONS
    ):
        raise TooCostly("too many headings, definitions or footnotes")

    for line in lines:
        prefix = _NESTING_PREFIX.match(line)
        if (
            prefix
            and len(prefix.group()) > _MAX_NESTING
            and len(_NESTING.findall(prefix.group())) > _MAX_NESTING
        ):
            raise TooCostly("nested too deeply")


class _FenceGuard(Preprocessor):
    def run(self, lines):
        if _fence_scan("\n".join(lines)) > _MAX_FENCE_SCAN:
            raise TooCostly("unclosed code fences")
        return lines


class _BlockGuard(Preprocessor):
    def run(self, lines):
        _check_cost(lines)
        return lines


class _TreeGuard(Treeprocessor):
    def run(self, root):
        if sum(len(element) ** 2 for element in root.iter()) > _MAX_SIBLING_PAIRS:
            raise TooCostly("too many elements side by side")


class CostGuard(Extension):
    def extendMarkdown(self, md):
        # The fence check runs on the normalised source before fenced code is extracted (priority 25); the
        # block check after every preprocessor, so that code listings do not count as markup; the tree check
        # after every tree processor that adds elements (the lowest, toc, is 5).
        md.preprocessors.register(_FenceGuard(md), "cost_guard_fences", 27)
        md.preprocessors.register(_BlockGuard(md), "cost_guard_blocks", 0)
        md.treeprocessors.register(_TreeGuard(md), "cost_guard_tree", 1)


def too_costly_to_clean(html_fragment):
    """Whether Markdown's output has more tags, character references or text than bleach cleans quickly."""
    tokens = html_fragment.count("<") + html_fragment.count("&")
    return tokens > _MAX_HTML_TOKENS or len(html_fragment) > _MAX_HTML_CHARS
