"""The comment moderation policy, as pure functions of plain facts.

The policy leans towards publishing: a comment appears at once unless a specific signal says it may be spam or
abuse. Tone, disagreement and harsh criticism of the article are never signals. The caller gathers the facts
(token age, recent counts, the owner's hold words, article settings); nothing here reads the database, the
request, the cache or the settings.
"""

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import abuse
from .abuse import normalize
from .classifier import Classifier, Words, holds_together

PUBLISHED = "published"
HELD = "held"
SPAM = "spam"


class Reason:
    """The codes stored with a held or spam comment; `REASON_LABELS` says each in words."""

    HONEYPOT = "honeypot"
    TOO_FAST = "too_fast"
    BAD_TOKEN = "bad_token"
    LINKS = "links"
    HOLD_WORD = "hold_word"
    RATE = "rate"
    DUPLICATE = "duplicate"
    BANNED = "banned"
    ARTICLE_HOLDS_ALL = "article_holds_all"
    APPEAL = "appeal"
    # Abuse aimed at people (comments/abuse.py), one code for each kind found.
    INSULT = "insult"
    HATE = "hate"
    THREAT = "threat"
    EXCLUSION = "exclusion"
    DEHUMANISING = "dehumanising"
    # Abuse no word of the lexicon names, read by the abuse classifier (comments/classifier.py).
    ATTACK = "attack"
    ADVERT = "advert"
    # Waiting for review on the blog it was imported from (comments/importing.py).
    IMPORTED_PENDING = "imported_pending"


SPAM_REASONS = frozenset({Reason.HONEYPOT, Reason.TOO_FAST, Reason.BAD_TOKEN})
HOLD_REASONS = frozenset(
    {
        Reason.LINKS,
        Reason.HOLD_WORD,
        Reason.RATE,
        Reason.DUPLICATE,
        Reason.BANNED,
        Reason.ARTICLE_HOLDS_ALL,
        Reason.APPEAL,
        Reason.INSULT,
        Reason.HATE,
        Reason.THREAT,
        Reason.EXCLUSION,
        Reason.DEHUMANISING,
        Reason.ATTACK,
        Reason.ADVERT,
        Reason.IMPORTED_PENDING,
    }
)
# What belongs to the act of posting, not to the words: an edit of a held comment keeps these.
POSTING_REASONS = frozenset({Reason.RATE, Reason.DUPLICATE, Reason.APPEAL})
# The abuse signal's categories (comments/abuse.py), as reason codes.
ABUSE_REASONS = (Reason.INSULT, Reason.HATE, Reason.THREAT, Reason.EXCLUSION, Reason.DEHUMANISING)
# A burst of links or comments is usually an enthusiastic reader; time alone may clear it, and a reader whose
# comments were published before skips them.
SOFT_REASONS = frozenset({Reason.LINKS, Reason.RATE})

# Each completes "waiting for review because: ...".
REASON_LABELS = {
    Reason.HONEYPOT: _("a field meant to stay empty was filled in"),
    Reason.TOO_FAST: _("it was sent faster than a person can type"),
    Reason.BAD_TOKEN: _("the form had expired or did not come from this site"),
    Reason.LINKS: _("it contains more links than comments usually do"),
    Reason.HOLD_WORD: _("it contains a word the site holds for review"),
    Reason.RATE: _("several comments came from the same sender within a few minutes"),
    Reason.DUPLICATE: _("it repeats a comment sent recently"),
    Reason.BANNED: _("this address is currently banned from commenting"),
    Reason.ARTICLE_HOLDS_ALL: _("the author reviews every comment on this article before it appears"),
    Reason.APPEAL: _("its author asked for a second review of a rejection"),
    # Categories, never the words found: a reason must not quote a slur back to anyone.
    Reason.INSULT: _("it calls a person a name the site holds for review"),
    Reason.HATE: _("it speaks of a group of people in terms the site holds for review"),
    Reason.THREAT: _("it reads as a threat to someone"),
    Reason.EXCLUSION: _("it tells someone they do not belong here"),
    Reason.DEHUMANISING: _("it speaks of people as vermin or things"),
    Reason.ATTACK: _("its wording reads as an attack on a person rather than on what they said"),
    Reason.ADVERT: _("it reads like an advertisement"),
    Reason.IMPORTED_PENDING: _("it was imported as pending: it was waiting for review on the old blog"),
}


class RejectionReason(models.TextChoices):
    """Why a moderator may reject a comment.

    "Disagrees with the author" is deliberately not on this list: criticism of an article, however harsh, is
    published, and a moderator who rejects a comment must name one of these.
    """

    SPAM = "spam", _("spam or advertising")
    INSULT = "insult", _("insult or personal attack")
    HATE = "hate", _("hate or racism")
    HARASSMENT = "harassment", _("harassment or threats")
    PERSONAL_DATA = "personal_data", _("personal data of others")
    ILLEGAL = "illegal", _("illegal content")


@dataclass(frozen=True)
class Rules:
    """The policy's thresholds. Their values live in one place, the settings (`services.policy_rules()`)."""

    max_links: int  # more than this many links -> held
    min_seconds: float  # fewer seconds between form display and submit -> spam
    rate_limit: int  # this many earlier comments already in the window -> the next one is held


@dataclass(frozen=True)
class Facts:
    text: str
    hold_words: Sequence[str] = ()
    honeypot: str = ""
    seconds_to_submit: float | None = None  # None: token missing, invalid or expired
    recent_comments: int = 0  # earlier comments from the same address or email inside the rate window
    is_duplicate: bool = False
    is_banned: bool = False
    article_holds_all: bool = False
    speaks_for_article: bool = False  # the article's author or staff (Article.speaks_for): no check at all
    lexicon: abuse.Lexicon = abuse.Lexicon()  # the abuse signal's words (models.AbuseTerm)
    trusted: bool = False  # a regular whose earlier comments were published: no soft holds
    # The classifiers (comments/classifier.py): abuse the lexicon finds no word of, and spam. Empty: no hold.
    abuse_classifier: Classifier = Classifier()
    spam_classifier: Classifier = Classifier()


@dataclass(frozen=True)
class Decision:
    outcome: str  # PUBLISHED, HELD or SPAM
    reasons: tuple[str, ...] = ()  # empty when published


def decide(facts: Facts, rules: Rules) -> Decision:
    """The article's author or staff: published. Any spam signal: SPAM with every spam reason that applies.
    Otherwise every hold reason that applies, in the order of `Reason`: HELD. Otherwise PUBLISHED."""
    if facts.speaks_for_article:
        return Decision(PUBLISHED)
    spam = []
    if facts.honeypot:
        spam.append(Reason.HONEYPOT)
    if facts.seconds_to_submit is None:
        spam.append(Reason.BAD_TOKEN)
    elif facts.seconds_to_submit < rules.min_seconds:
        spam.append(Reason.TOO_FAST)
    if spam:
        return Decision(SPAM, tuple(spam))
    links = count_links(facts.text)
    reading = abuse.read(facts.text, facts.lexicon)
    words = Words(reading.tokens, facts.text)  # as the classifiers read them: once for both, if read
    # A link (not a phone number) lowers the spam classifier's threshold, but a regular's links are never a
    # signal (SOFT_REASONS).
    linked = words.linked and not facts.trusted
    attack, advert = holds_together(words, facts.abuse_classifier, facts.spam_classifier, linked)
    abuse_found = {finding.category for finding in reading.findings if finding.aimed}
    # A name for a person aimed at no one the lexicon reads ("ce téléphone est une merde", "ce vendeur est une
    # merde") counts where the abuse classifier leans towards an attack, as it does for insults and not for
    # criticism of things it was taught; without the classifier, it counts. A name said in mock praise
    # ("Nice try, Einstein") counts only where the classifier leans: alone, the lexicon cannot tell it from
    # friends teasing.
    unsure = {
        finding.category
        for finding in reading.findings
        if not finding.aimed and not (finding.mocking and facts.abuse_classifier.empty)
    }
    if unsure - abuse_found and facts.abuse_classifier.leans_to(words):
        abuse_found |= unsure
    # A link, or an address or a phone number to reach the writer from a reader who is not a regular (a
    # regular who gives a helpline's number gives a helpline's).
    contact = links > 0 or (words.contact and not facts.trusted)
    checks = [
        (Reason.LINKS, links > rules.max_links),
        (Reason.HOLD_WORD, bool(find_hold_words(facts.text, facts.hold_words))),
        (Reason.RATE, facts.recent_comments >= rules.rate_limit),
        (Reason.DUPLICATE, facts.is_duplicate),
        (Reason.BANNED, facts.is_banned),
        (Reason.ARTICLE_HOLDS_ALL, facts.article_holds_all),
        *((code, code in abuse_found) for code in ABUSE_REASONS),
        # The abuse classifier's reason only where the lexicon found no abuse: one reason is enough.
        (Reason.ATTACK, not abuse_found and attack),
        # Words of advertising, or a discount code, with a way to reach the advertiser.
        (Reason.ADVERT, reading.is_advert(contact, discount_code(facts.text)) or advert),
    ]
    held = tuple(
        reason for reason, applies in checks if applies and not (facts.trusted and reason in SOFT_REASONS)
    )
    return Decision(HELD, held) if held else Decision(PUBLISHED)


# An inline Markdown link or image: its text may itself be a URL, and the whole renders as one link.
_MARKDOWN_LINK = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")
# Stops at <, > and quotes so that <http://x> autolinks and HTML attributes count once. Read in lower case,
# the addresses that start with "http" and those that start with "www", then in order, as one pattern would
# find them: a pattern that starts with a word, not a word boundary, a case-blind match or either of two
# words, is tried only where that word stands, and what stands before it is looked at after it (a tenth of the
# time on 5,000 characters).
_ADDRESS = r"[^\s<>\"'\[\]]+"
_SCHEMED_URL = re.compile(rf"http(?<!\w....)s?://{_ADDRESS}")
_WWW_URL = re.compile(rf"www(?<!\w...)\.{_ADDRESS}")


def count_links(text: str) -> int:
    """The links in a raw Markdown comment: inline links and images, http(s):// and www. addresses.

    A Markdown link counts once whatever its text; bare domains ("example.com") are not counted, since the
    comment renderer does not turn them into links.
    """
    markdown_links = 0
    if "](" in text:
        text, markdown_links = _MARKDOWN_LINK.subn(" ", text)
    text = text.lower()
    found = []
    if "://" in text:
        found += [match.span() for match in _SCHEMED_URL.finditer(text)]
    if "www." in text:
        found += [match.span() for match in _WWW_URL.finditer(text)]
    links, end = 0, 0
    # An address inside another one ("https://www.…", "www.…?q=https://…") is part of it.
    for start, stop in sorted(found):
        if start >= end:
            links, end = links + 1, stop
    return markdown_links + links


# Letters and digits only: underscores are Markdown emphasis (__word__), apostrophes split elisions (l'idiot).
_WORD = re.compile(r"[^\W_]+")


# A discount code: capitals then a number, a multiple of five, of the share it takes off, which the text gives
# near it ("avec GENOU20 vous avez -20 %", "use SAVE10 for 10% off"), or said to be a code ("code WOOF15"). A
# product's name is seldom written near its number as a percentage ("COVID19 deaths fell 19%"); when it is
# ("TOP10", "CAC40"), no word says it is a discount. The code's first letter is looked for first, then what
# stands before it (see `_SCHEMED_URL`).
_CODE = re.compile(r"[A-Z](?<![\w.].)[A-Z]{2,}(\d{1,2})\b")
# A share, read back from its sign: "20 %", "20%", a no-break space between; not "19.5 %" nor "120 %".
_SHARE = re.compile(r"(?:^|[^\d.,])(\d{1,2})\s?%$")
# Words that say what a code is.
_CODE_WORDS = r"codes?|coupons?|promo|discount|r[ée]duction|remise|rabais"
# Those, and "off", near a code and its share: they say it takes a share off.
_DISCOUNT = re.compile(rf"\b(?:{_CODE_WORDS}|off)\b", re.IGNORECASE)
# One of them just before a code that has no share near it ("code WOOF15 at PawFresh", "avec le code promo
# LIVRE20"): not "off", which says it only beside a share. Looked for in lower case first, as any of these
# letters: most comments hold none.
_CODE_WORD_BEFORE = re.compile(rf"\b(?:{_CODE_WORDS})\W{{1,3}}$", re.IGNORECASE)
_CODE_WORD_LETTERS = ("code", "coupon", "promo", "discount", "duction", "remise", "rabais")
# Each character of a text as a byte (`discount_code`): "A" for a capital, "0" for a digit, "x" for the rest.
_CAPITALS_AND_DIGITS = bytes(
    ord("A") if 65 <= byte <= 90 else ord("0") if 48 <= byte <= 57 else ord("x") for byte in range(256)
)
NEAR = 40  # characters between a code and its share, or the word that says what it is
SHARES_READ = 20  # percent signs read in one comment: a code whose share comes later is not found
CODES_READ = 20  # and codes


def discount_code(text: str) -> int:
    """How surely `text` gives a discount code, as words of advertising count (`abuse.Reading.is_advert`):
    0, none; 1, a code and its share near each other (an advertisement with a way to reach the seller); 2,
    said to be a discount ("code", "off", "réduction" beside a code and its share; "code", "coupon", "promo"
    just before a code of two digits alone): an advertisement alone. Capitals before a digit are looked for
    first, in one pass in C (most comments have none); then the percent signs, the few characters before
    each, and the words that say what a code is."""
    if text.encode("ascii", "replace").translate(_CAPITALS_AND_DIGITS).find(b"AAA0") == -1:
        return 0  # no capitals before a digit: no code (most comments)
    shares, at, read = {}, text.find("%"), 0
    while at != -1 and read < SHARES_READ:
        if share := _SHARE.search(text[max(0, at - 4) : at + 1]):
            shares.setdefault(share[1], []).append(at)
        at, read = text.find("%", at + 1), read + 1
    lower = text.lower()
    said = any(letters in lower for letters in _CODE_WORD_LETTERS)
    found = 0
    for code in itertools.islice(_CODE.finditer(text), CODES_READ) if shares or said else ():
        share = code[1]
        if int(share) % 5:
            continue
        if any(abs(sign - code.start()) <= NEAR for sign in shares.get(share, ())):
            if _DISCOUNT.search(text, max(0, code.start() - NEAR), code.end() + NEAR):
                return 2
            found = 1
        elif (
            said
            and len(share) == 2
            and _CODE_WORD_BEFORE.search(text[max(0, code.start() - 16) : code.start()])
        ):
            return 2  # a code of two digits ("HTML5", "GTA5" are no codes)
    return found


def words_of(text: str) -> tuple[str, ...]:
    """The words matching compares, normalised: "L’ENCULÉ !" gives ("l", "encule")."""
    return tuple(_WORD.findall(normalize(text)))


# The owner's list is the same on every call: normalising its few hundred entries costs more than the text.
@functools.lru_cache(maxsize=8)
def _index(entries: tuple[str, ...]):
    """Each entry's words, the one-word entries, and the longer entries by their first word."""
    keys = [(entry, words_of(entry)) for entry in entries]
    singles = set()
    phrases: dict[str, set[tuple[str, ...]]] = {}
    for _entry, key in keys:
        if len(key) == 1:
            singles.add(key[0])
        elif key:
            phrases.setdefault(key[0], set()).add(key)
    return keys, singles, phrases


def find_hold_words(text: str, words: Sequence[str]) -> list[str]:
    """The entries of `words` found in `text` as whole words, ignoring case, accents and punctuation.

    Never a substring: "con" does not match "conversation". A several-word entry ("sale con") matches the same
    words in sequence, whatever punctuation lies between them. Returns the matching entries as spelled in
    `words`, once each, in their order there.
    """
    if not words:
        return []
    keys, singles, phrases = _index(tuple(words))
    tokens = words_of(text)
    found = {(token,) for token in singles.intersection(tokens)}
    for index, token in enumerate(tokens):
        for phrase in phrases.get(token, ()):
            if tokens[index : index + len(phrase)] == phrase:
                found.add(phrase)
    return list(dict.fromkeys(entry for entry, key in keys if key in found))


def releases_itself(
    reasons: Iterable[str], held_at: datetime, now: datetime, after_hours: int | None
) -> bool:
    """True when the comment was held only for soft reasons and has waited at least `after_hours` hours.

    A missing or non-positive `after_hours` means held comments never release themselves.
    """
    reasons = set(reasons)
    if not after_hours or after_hours < 0 or not reasons or not reasons <= SOFT_REASONS:
        return False
    return now - held_at >= timedelta(hours=after_hours)


def describe(reasons: Iterable[str]) -> list[str]:
    """The plain-words label of each reason code, in order; an unknown code is returned as it is."""
    return [str(REASON_LABELS.get(code, code)) for code in reasons]
