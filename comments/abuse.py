"""Abuse aimed at people, told from criticism of ideas: a pure function of a comment's text and a lexicon.

A word list cannot tell "this argument is stupid" (criticism: published) from "you are stupid" (an insult:
held). This module reads what an insulting word is aimed at:

- **Names for people** ("idiot", "connard", "scumbag") are held unless they describe an idea ("this plan is a
  joke" has none; "cet article est une daube" names a thing). **Words that judge** ("stupid", "débile",
  "merde") are held only when aimed at a person: the reader addressed ("you", "t'es", "vous êtes"), the
  author, other commenters, a group of people, or as a vocative ("espèce de", "sale", "pauvre", "bande de").
  Which target a word is aimed at is read in its clause: an idea just after or just before it ("quelle idée
  débile", "une erreur débile"), else the subject of its part of the sentence (after a comma or a
  conjunction: "you're wrong and the article is crap"), a thing named by a pronoun ("c'est nul"), or the first
  person or idea named before it that follows no preposition ("the author of this post is…", "in my opinion
  you are…"), else a person just after it ("what a moron you are"). A denied word ("you're not stupid"), the
  writer and their own circle ("quel idiot je fais", "my husband is an idiot about spice") and an action
  judged with no one named ("assez idiot de conseiller ça") are no insults; nor is the reader named in a
  relative clause ("le MOOC que vous avez conseillé est nul"). A name for a person aimed at no one the clause
  names ("ce téléphone est une merde": a thing, or a person, the lexicon does not know) is found but not
  aimed (`Finding.aimed`): the policy asks the abuse classifier. Said alone between commas, it calls someone
  ("Cheers, numpty, for…"). **Names said in mock praise** ("Nice try, Einstein, but…") are found only so,
  and held only where the abuse classifier leans: friends tease in the same words.
- **Threats and exclusion** ("go back to your country", "on sait où tu habites") are held on their own,
  **dehumanising** words ("vermin", "parasites") when aimed at people, and **generalisations** ("lazy", "ne
  savent pas") when aimed at a group. **Slurs** are held wherever they appear.
- What is **quoted** (between quotation marks) or **reported** ("called me an idiot", "m'a traité de") is not
  said to anyone here: readers telling what happened to them are published.
- Words are compared casefolded, without accents, with digits and symbols read as letters ("c0nnard",
  "a$$hole"), letters spaced out joined up ("i d i o t"), and "*" standing for any letters ("f*ck"). An entry
  ending in "*" matches its word family ("idiot*": idiote, idiots); several words match in sequence, also
  said one a sentence ("Trou. Du. Cul."), and pieces of a word said so are that word ("Dick. Head.").

The lexicon is data (comments.models.AbuseTerm, seeded from default_abuse_lexicon.py and extended by the
owner). Nothing here reads the database, the request or the settings; each lexicon's index keeps the words it
has read (`_Seen`), so that most comments cost a split at spaces and a few set operations.
"""

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple


class Kind:
    """The lexicon's kinds of entries."""

    PERSON_INSULT = "person_insult"  # a name for a person: held unless it describes an idea (`Finding.aimed`)
    INSULT = "insult"  # judges whatever it describes: held when aimed at a person
    SLUR = "slur"  # held wherever it appears
    DEHUMANISING = "dehumanising"  # held when aimed at people
    DEROGATORY = "derogatory"  # a generalisation: held when aimed at a group
    THREAT = "threat"  # a threat, held on its own
    EXCLUSION = "exclusion"  # "you don't belong here", held on its own
    PERSON = "person"  # a person as a target: you, tu, the author, commenters
    GROUP = "group"  # a group of people by origin, religion, gender, sexuality, situation
    IDEA = "idea"  # an idea, an article, a piece of advice as a target
    SELF = "self"  # the writer themselves: "I", "je" (self-mockery is nobody's business)
    VOCATIVE = "vocative"  # calls someone what follows: "espèce de", "sale", "you"
    REPORT = "report"  # what follows is reported, not said: "called me", "m'a traité de"
    ADVERT = "advert"  # the words of advertising spam
    MOCK = "mock"  # a name said in mock praise: "genius", "Einstein"; held where someone is called it


# Each finding's category, as the policy names it (moderation.Reason).
INSULT, HATE, THREAT, EXCLUSION, DEHUMANISING, ADVERT = (
    "insult",
    "hate",
    "threat",
    "exclusion",
    "dehumanising",
    "advert",
)

TARGETS = frozenset({Kind.PERSON, Kind.GROUP, Kind.IDEA, Kind.SELF})
# The kinds that make a finding (the others say where it is aimed).
TRIGGERS = frozenset(
    {
        Kind.PERSON_INSULT,
        Kind.INSULT,
        Kind.SLUR,
        Kind.DEHUMANISING,
        Kind.DEROGATORY,
        Kind.THREAT,
        Kind.EXCLUSION,
        Kind.MOCK,
    }
)
PEOPLE = frozenset({Kind.PERSON, Kind.GROUP})
# The people a judging word right before them does not describe: "...is idiotic and you know it".
PRONOUNS = frozenset({"you", "u", "ya", "tu", "t", "toi", "te", "vous", "he", "she", "il", "elle"})
# The reader addressed, who may be named after what they are called: "what a moron you are".
SECOND_PERSON = frozenset(
    {"you", "u", "ya", "your", "tu", "t", "toi", "te", "ton", "ta", "tes", "vous", "votre", "vos"}
)
# Words after which an opinion is told: what it judges is named after them ("some people think this plan is
# stupid").
OPINION = frozenset(
    {
        "think",
        "thinks",
        "thought",
        "said",
        "says",
        "say",
        "believe",
        "feel",
        "pense",
        "pensent",
        "dit",
        "disent",
    }
    | {"trouve", "trouvent", "trouvez", "disait"}
)


@dataclass(frozen=True)
class Lexicon:
    """Entries by kind: each a word or several, "*" ending a word for its family."""

    entries: tuple[tuple[str, str], ...] = field(default=())  # (kind, entry)

    def __hash__(self):
        # Hashed on each decision (`_index` is cached by lexicon): a thousand entries once, not every time.
        try:
            return self._hash
        except AttributeError:
            object.__setattr__(self, "_hash", hash(self.entries))
            return self._hash

    @classmethod
    def of(cls, pairs):
        return cls(tuple(sorted({(kind, entry.strip()) for kind, entry in pairs if entry.strip()})))


@dataclass(frozen=True)
class Finding:
    category: str  # INSULT, HATE, THREAT, EXCLUSION, DEHUMANISING or ADVERT
    words: str  # the words found, normalised
    # False for a name for a person aimed at no one the clause names ("ce téléphone est une merde", "ce
    # vendeur est une merde"): a judgement of a thing, or an insult to a person, the lexicon does not know;
    # the policy asks the abuse classifier (`moderation.decide`).
    aimed: bool = True
    # A name said in mock praise ("Nice try, Einstein"), which friends say too: held only where the abuse
    # classifier leans, never by the lexicon alone.
    mocking: bool = False


def normalize(text: str) -> str:
    """Casefolded, ligatures spelled out, accents dropped: "ENCULÉ" and "encule" both give "encule"."""
    # NFKD leaves these ligatures whole, and French writes "cœur" and "coeur" alike.
    folded = text.casefold()
    if folded.isascii():
        return folded  # no accent to drop: most English comments
    folded = folded.replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", folded)
    # Removing each distinct mark is many times faster than rebuilding the string one character at a time.
    for mark in {char for char in set(decomposed) if unicodedata.combining(char)}:
        decomposed = decomposed.replace(mark, "")
    return decomposed


# Digits and symbols that stand for letters inside a word: "c0nnard", "a$$hole", "b!tch", "s@lope".
_LEET = str.maketrans("013457@$!", "oieastasi")
# One pass over a normalised comment gives its tokens, in order:
# - words: letters, and the digits, symbols and stars written in place of letters ("c0nnard", "f*ck"), with
#   their apostrophes, which `_canonical` splits: elisions are two words ("t'es": "t", "es"), an English
#   negation one ("isn't" is not "isn" and the "t'" of "t'es");
# - commas, which start a part of a sentence, and the marks that end a clause (a target does not reach across
#   them; sentences of one word in a row are read together again, `_clauses`).
_TOKEN = re.compile(r"[\w@$*'’]+|[,.!?;:\n]+|\s[-–—]\s")
# The same, and letters spaced out ("i d i o t", "c.o.n", "f-u-c-k"): three or more single letters in a row,
# one word. Read only where letters may be spaced out (`_spaced_out`).
_SPACED_TOKEN = re.compile(r"(?<![\w*])(?:[^\W\d_][ .\-]){2,}[^\W\d_](?![\w*])|" + _TOKEN.pattern)
# Such a run, where `_SPACED_TOKEN` may start one: its spaces read as dots ("i.d.i.o.t"), it is one piece.
_SPACED_RUN = re.compile(r"(?<![\w@$*'’])(?:[^\W\d_][ .\-]){2,}[^\W\d_](?![\w*])")
_DASHES = frozenset("-–—")
COMMA, BREAK = ",", "."
# A letter written three times or more, for emphasis: "idiiiot", "connnard".
_REPEATED = re.compile(r"([^\W\d_])\1{2,}")
_APOSTROPHE = re.compile(r"['’]")
# What is quoted is not said here.
_DOUBLE_QUOTES = '"“”«»„'
_QUOTED = re.compile(r"[\"“”«»„][^\"“”«»„]*[\"“”«»„]")
# Single quotes too, when they stand outside words and open no elision: 'shut up, idiot' is quoted; l'idiot,
# don't and 'em are words. Read only where one may open (after a space, or at the start). The quote comes
# first and what stands before it is looked at after it (`(?<![\w'‘’].)`): a pattern that starts with a
# look-behind is tried at every character, one that starts with a quote only at the quotes.
_SINGLE_QUOTE_BODY = (
    r"(?<![\w'‘’].)(?!(?:em|cause|cos|til|bout|tis|twas|n|round)\b)(?=\w)"
    r"(?:[^'‘’\n]|(?<=\w)['’](?=\w)){1,200}?(?<=[\w.!?,])['’](?![\w'‘’])"
)
_SINGLE_QUOTED = re.compile(f"['‘]{_SINGLE_QUOTE_BODY}")
# The same where no ‘ opens one (most text): one character to look for, which is found many times faster
# than either of two, one of them not ASCII.
_APOSTROPHE_QUOTED = re.compile(f"'{_SINGLE_QUOTE_BODY}")
_LETTER = re.compile(r"[^\W\d_]|\*")
# One-letter words that letters spaced out may start with: "what a r e t a r d" is "a retard".
_ONE_LETTER_WORDS = frozenset("aiy")


# Three single letters in a row with a space among their separators ("i d i o t", "r-e-t-a-r d"): where
# `_SPACED_RUN` may join letters across pieces of text. Without one, it changes nothing, and is not run (it
# starts with a look-behind, and is tried at every character: 0.13 ms on 5,000 characters, where "il y a 2
# ans" made `_spaced_out` say letters may be spaced out). Looked for from a space, what stands before it
# looked at after it.
_SPACED_ACROSS = re.compile(
    r" (?:(?<=(?<![\w*])[^\W\d_][ .\-][^\W\d_] )[^\W\d_](?![\w*])"
    r"|(?<=(?<![\w*])[^\W\d_] )[^\W\d_][ .\-][^\W\d_](?![\w*]))"
)


def _spaced_out(pieces):
    """Whether letters may be spaced out in these pieces of text ("i d i o t", "k y s,"): two one-character
    pieces in a row, beside a third that is one letter, perhaps with punctuation."""
    try:
        lengths = bytes(map(len, pieces))
    except ValueError:  # a piece of more than 255 characters
        lengths = bytes(min(len(piece), 2) for piece in pieces)
    pair = lengths.find(b"\x01\x01")
    while pair != -1:
        for side in (pieces[pair - 1] if pair else "", pieces[pair + 2] if pair + 2 < len(pieces) else ""):
            if side and (len(side) == 1 or not side[1].isalnum() or not side[-2].isalnum()):
                return True
        pair = lengths.find(b"\x01\x01", pair + 1)
    return False


def _canonical(raw, known=None):
    """A token as matching compares it, as a tuple: one word, COMMA or BREAK; none for a number; two words
    for an elision ("l'auteur"); the words letters spaced out spell when together they spell none `known` to
    the lexicon and apart they do ("a r e t a r d", "f u c k i n g i d i o t": `_spelt`)."""
    if raw == COMMA:
        return (COMMA,)
    if raw[0] in ".!?;:\n" or raw[0].isspace():
        return (BREAK,)
    if raw[1:2] in (" ", ".", "-") and len(raw) > 2:  # letters spaced out
        word = _REPEATED.sub(r"\1", re.sub(r"[ .\-]", "", raw))
        return (known and not known(word) and _spelt(word, known)) or (word,)
    if "'" not in raw and "’" not in raw:
        word = _word(raw)
        return (word,) if word else ()
    parts = _APOSTROPHE.split(raw)
    words = []
    for index, part in enumerate(parts):
        if part == "t" and index and len(parts[index - 1]) > 1 and parts[index - 1].endswith("n") and words:
            words[-1] = _word(parts[index - 1] + "t") or words[-1]  # "isn't", "don't": one word
        elif word := _word(part):
            words.append(word)
    return tuple(words)


# Letters spaced out are read as several words (`_spelt`) only up to these: a longer run is no insult spelt.
SPELT_LETTERS, SPELT_WORDS = 20, 4
# The fewest letters of each word they spell, but a first word of one letter: shorter words are everywhere
# inside ordinary words ("S P I C E S" is no "spic es", "C H A R L O T T E" no "charlot te", "F A T H E R"
# no "fat her").
SPELT_SHORTEST = 4


def _spelt(letters, known):
    """The fewest words `known` to the lexicon, each of at least SPELT_SHORTEST letters but a first one-letter
    word ("a", "i"), that `letters` spell one after the other, the one with the longest word among equals;
    None when they spell none, or more than SPELT_WORDS. Letters spaced out are one run across the words
    they spell: "the author is a f u c k i n g i d i o t" says "a fucking idiot"; "what a r e t a r d",
    "a retard"."""
    if len(letters) > SPELT_LETTERS:
        return None
    # The best words found for the letters up to each position, as positions are reached, each with its
    # rank: (how many words, minus the longest's letters), the lowest best.
    best = {0: ((0, 0), ())}
    if letters[0] in _ONE_LETTER_WORDS:
        best[1] = ((1, -1), (letters[0],))
    for start in range(len(letters)):
        if start not in best:
            continue
        (count, longest), words = best[start]
        if count == SPELT_WORDS or not known.may_start(letters[start : start + 3]):
            continue  # words enough, or no word of the lexicon starts so
        for end in range(start + SPELT_SHORTEST, len(letters) + 1):
            piece = letters[start:end]
            if known(piece):
                rank = (count + 1, min(longest, -len(piece)))
                if end not in best or rank < best[end][0]:
                    best[end] = (rank, (*words, piece))
    found = best.get(len(letters))
    return found[1] if found and len(found[1]) > 1 else None


def _word(raw):
    """A word as matching compares it, or None when it has no letter (a number)."""
    word = raw.lstrip("@")  # "@Mark" is a name, not leet
    if not word.isalpha():
        if not _LETTER.search(word):
            return None
        word = word.translate(_LEET)
    return _REPEATED.sub(r"\1", word) if len(word) > 2 else word


def tokens_with_breaks(text):
    """The tokens of a normalised text (`normalize`) as matching compares them, COMMA and BREAK included."""
    raw = _SPACED_TOKEN.findall(text) if _spaced_out(_TOKEN.findall(text)) else _TOKEN.findall(text)
    return [word for token in raw for word in _canonical(token)]


def tokens_of(text):
    """The words of a normalised text (`normalize`), as matching compares them."""
    return [word for word in tokens_with_breaks(text) if word not in (COMMA, BREAK)]


def _joined(run):
    return run[0].replace(" ", ".")


class _Index(NamedTuple):
    exact: dict  # first word: [(kind, words)]
    stems: dict  # first word's stem: [(kind, words)]
    shortest_stem: int
    findings: "_FirstWords"  # a word of each entry that can make a finding
    unaimed: "_FirstWords"  # ... of the entries that may make one with no person named (`_may_find`)
    adverts: "_FirstWords"  # a word of each advertising entry
    candidates: dict  # word: the entries that may start at it (`_candidates`), as they are looked up
    seen: "_Seen"  # what each token read so far is, as it is met


class _FirstWords(NamedTuple):
    """Whether a text holds a word of some entries: a few set lookups a word, to pass over the clauses
    (most of them) where no entry can match."""

    words: frozenset
    stems: dict  # tuples of stems, by their first three letters
    short: tuple  # stems of fewer than three letters
    requirements: dict  # a word: for each entry it was chosen for, (its whole words, whether a group's)
    derogatory: "_FirstWords | None"  # the generalisations' words, that a group's entry needs beside it

    def has(self, token):
        return token in self.words or self.in_family(token)

    def in_family(self, token):
        """Whether `token` may be a word of a family, or hide one behind stars."""
        if "*" in token or token.startswith(self.short):
            return True
        bucket = self.stems.get(token[:3])
        return bool(bucket) and token.startswith(bucket)

    def may_match(self, clause, found):
        """Whether the words of `clause` (a set) may hold an entry: `found` are those of its words that `has`
        tells, and an entry needs its other whole words too ("run you over" is not "a morning run")."""
        for word in found:
            if self.in_family(word):
                return True
            for whole, needs_generalisation in self.requirements.get(word, ()):
                if whole <= clause and (not needs_generalisation or self.derogatory.any_in(clause)):
                    return True
        return False

    def any_in(self, clause):
        return not self.words.isdisjoint(clause) or any(map(self.in_family, clause))


class _Known:
    """Whether a word is one of a lexicon's entries' words, or of one of their families (`_index`)."""

    def __init__(self, words, families):
        self.words = frozenset(words)
        by_three = {}  # the families' stems (of three letters or more) by their first three letters
        for stem in families:
            by_three.setdefault(stem[:3], []).append(stem)
        self.families = {three: tuple(stems) for three, stems in by_three.items()}
        self.starts = frozenset(word[:3] for word in self.words).union(self.families)

    def __call__(self, word):
        return word in self.words or word.startswith(self.families.get(word[:3], ()))

    def may_start(self, letters):
        """Whether a word of the lexicon, or of its families, may start with these three letters."""
        return letters in self.starts


class _Seen:
    """Tokens as they were met, kept by each lexicon's index: a reader's words are mostly the same few
    thousand, and each is read once (`_canonical`) and sorted once (whether it may start a finding, an
    advertising entry, a word that names people or calls someone), so that a comment with none of them costs a
    few set operations."""

    def __init__(self, known, findings, adverts, aimed):
        self.known, self.findings, self.adverts, self.aimed = known, findings, adverts, aimed
        self.clear()

    def clear(self):
        self.canonical = {}  # a token as found: the words matching compares (`_canonical`)
        self.pieces = {}  # a piece of text between spaces: its words, commas and clause ends
        self.sorted = set()  # the words sorted so far
        self.finding_words = set()  # ... that may start a finding
        self.advert_words = set()  # ... that may start an advertising entry
        self.aimed_words = set()  # ... that may name people or call someone (`_may_find`)

    def tokens(self, text):
        """The tokens of a normalised text, as matching compares them. The text is cut at its spaces and each
        piece read once (`_SPACED_TOKEN`, `_canonical`); where letters may be spaced out, each run of them is
        first made one piece (`_SPACED_RUN`). The same tokens as one reading of the whole text, but that a
        piece that is a dash alone ends a clause, wherever it stands."""
        if max(len(self.canonical), len(self.pieces), len(self.sorted)) > CANDIDATES_KEPT:
            self.clear()
        pieces = text.split(" ")
        if _spaced_out(pieces) and _SPACED_ACROSS.search(text):
            pieces = _SPACED_RUN.sub(_joined, text).split(" ")
        read = self.pieces
        for piece in set(pieces).difference(read):
            if piece in _DASHES:  # " - " ends a clause
                read[piece] = (BREAK,)
            elif piece in _QUOTE_MARKS:
                read[piece] = (piece,)
            else:
                words = map(self._canonical, _SPACED_TOKEN.findall(piece))
                read[piece] = tuple(itertools.chain.from_iterable(words))
        return list(itertools.chain.from_iterable(map(read.__getitem__, pieces)))

    def _canonical(self, raw):
        words = self.canonical.get(raw)
        if words is None:
            words = self.canonical[raw] = _canonical(raw, self.known)
        return words

    def sort(self, words):
        """Of `words`, those that may start a finding, those that may start an advertising entry, and those
        that may name people or call someone. (The sets are taken once: a thread that clears them replaces
        them, and this reading keeps its own.)"""
        sorted_words, finding_words, advert_words = self.sorted, self.finding_words, self.advert_words
        aimed_words = self.aimed_words
        for word in words.difference(sorted_words):
            sorted_words.add(word)
            if self.findings.has(word):
                finding_words.add(word)
            if self.adverts.has(word):
                advert_words.add(word)
            if self.aimed.has(word):
                aimed_words.add(word)
        return (
            finding_words.intersection(words),
            advert_words.intersection(words),
            aimed_words.intersection(words),
        )


@functools.lru_cache(maxsize=8)
def _index(lexicon):
    """Entries by their first word: exact words in one table, word families by their stem."""
    exact, stems = {}, {}
    every_word, families = set(), set()
    for kind, entry in lexicon.entries:
        words = tuple(tokens_of(normalize(entry)))
        if not words:
            continue
        first = words[0]
        table, key = (stems, first[:-1]) if first.endswith("*") else (exact, first)
        table.setdefault(key, []).append((kind, words))
        every_word.update(word for word in words if not word.endswith("*"))
        families.update(word[:-1] for word in words if word.endswith("*") and len(word) > 3)
    known = _Known(every_word, families)

    findings, adverts = _first_words(exact, stems, TRIGGERS), _first_words(exact, stems, {Kind.ADVERT})
    # A word of each entry that names people or calls someone: `_Seen.sort` tells the comment's own.
    aimed = _first_words(exact, stems, {Kind.PERSON, Kind.GROUP, Kind.VOCATIVE})
    return _Index(
        exact,
        stems,
        min((len(stem) for stem in stems), default=1),
        findings,
        _first_words(exact, stems, TRIGGERS - AIMED_ONLY),
        adverts,
        {},
        _Seen(known, findings, adverts, aimed),
    )


# Words too common to tell a clause apart: an entry is found by a rarer word of its own where it has one.
_COMMON = frozenset(
    {
        "a",
        "about",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "arent",
        "as",
        "at",
        "back",
        "be",
        "been",
        "being",
        "better",
        "but",
        "by",
        "can",
        "cannot",
        "come",
        "could",
        "did",
        "do",
        "does",
        "dont",
        "down",
        "even",
        "ever",
        "every",
        "everyone",
        "for",
        "from",
        "get",
        "go",
        "going",
        "gonna",
        "got",
        "had",
        "has",
        "have",
        "he",
        "her",
        "here",
        "him",
        "his",
        "home",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isnt",
        "it",
        "its",
        "just",
        "know",
        "like",
        "ll",
        "look",
        "m",
        "made",
        "make",
        "may",
        "me",
        "more",
        "most",
        "much",
        "must",
        "my",
        "need",
        "never",
        "no",
        "not",
        "now",
        "of",
        "off",
        "on",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "people",
        "person",
        "place",
        "re",
        "really",
        "s",
        "same",
        "see",
        "she",
        "should",
        "so",
        "some",
        "someone",
        "somebody",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "up",
        "us",
        "ve",
        "very",
        "want",
        "wants",
        "was",
        "way",
        "we",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "yes",
        "you",
        "your",
        "ai",
        "au",
        "aux",
        "avec",
        "avoir",
        "bien",
        "c",
        "ca",
        "ce",
        "ces",
        "cet",
        "cette",
        "comme",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "elles",
        "en",
        "es",
        "est",
        "et",
        "etes",
        "etre",
        "faire",
        "fait",
        "faut",
        "il",
        "ils",
        "j",
        "je",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "ma",
        "mais",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "nous",
        "ont",
        "ou",
        "pas",
        "par",
        "personne",
        "petit",
        "petite",
        "peut",
        "plus",
        "pour",
        "qu",
        "quand",
        "que",
        "quel",
        "quelle",
        "qui",
        "quoi",
        "sa",
        "sans",
        "se",
        "ses",
        "si",
        "son",
        "sont",
        "suis",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tous",
        "tout",
        "toute",
        "toutes",
        "tres",
        "trop",
        "tu",
        "un",
        "une",
        "va",
        "vais",
        "vont",
        "vos",
        "votre",
        "vous",
        "y",
    }
)


def _first_words(exact, stems, kinds, groups=True):
    """A word of each entry of these kinds, its longest that is not a common word: a clause without any of
    them cannot hold the entry. A generalisation counts only about a group: the groups' words find it (unless
    not `groups`). Each such word that is not a family also keeps the other whole words of its entries, and
    whether the entry is a group's: a clause must hold them all too (`_FirstWords.may_match`)."""
    generalisations = Kind.DEROGATORY in kinds and groups
    entries = [
        (kind, words)
        for table in (exact, stems)
        for items in table.values()
        for kind, words in items
        if (kind in kinds and not (generalisations and kind == Kind.DEROGATORY))
        or (kind == Kind.GROUP and generalisations)
    ]
    longest, requirements = [], {}
    for kind, words in entries:
        word = max([word for word in words if word not in _COMMON] or words, key=len)
        longest.append(word)
        if not word.endswith("*"):
            whole = frozenset(word for word in words if not word.endswith("*"))
            requirements.setdefault(word, []).append((whole, kind == Kind.GROUP))
    families = {}
    for word in longest:
        if word.endswith("*") and len(word) > 3:
            families.setdefault(word[:3], []).append(word[:-1])
    short = tuple(word[:-1] for word in longest if word.endswith("*") and len(word) <= 3)
    words = frozenset(word for word in longest if not word.endswith("*"))
    derogatory = _first_words(exact, stems, {Kind.DEROGATORY}, groups=False) if generalisations else None
    return _FirstWords(
        words, {key: tuple(bucket) for key, bucket in families.items()}, short, requirements, derogatory
    )


# A word of a family, as stars typed in place of letters may hide it: "f*cking", "enc*lé".
_ENDINGS = ("", "s", "e", "es", "ee", "ees", "er", "ers", "ed", "ing", "y")


def _masks(token, form):
    """Whether `token` is `form` typed with stars, each for one letter or hiding none ("f*ck", "b*ougnoule"):
    read letter by letter, with the places in `form` each prefix of `token` may reach (a regular expression
    of optional letters would try every way to spread them: a run of stars would take minutes)."""
    reached = {0}
    for char in token:
        if char == "*":
            reached |= {at + 1 for at in reached if at < len(form)}
        else:
            reached = {at + 1 for at in reached if at < len(form) and form[at] == char}
            if not reached:
                return False
    return len(form) in reached


def _word_matches(pattern, token):
    if "*" in token:  # each star the reader typed stands for one letter; one star alone may hide none
        stem = pattern.rstrip("*")
        forms = [stem + ending for ending in _ENDINGS] if pattern.endswith("*") else [stem]
        shortest = len(token) - (token.count("*") == 1)
        return any(shortest <= len(form) <= len(token) and _masks(token, form) for form in forms)
    if pattern.endswith("*"):
        return token.startswith(pattern[:-1])
    return token == pattern


# Words seen and the entries that may start at them, kept by each lexicon's index: a reader's words are mostly
# the same few thousand, and looking each up once saves most of the time of a decision.
CANDIDATES_KEPT = 200_000


def _candidates(index, token):
    exact, stems = index.exact, index.stems
    if "*" in token:
        prefix = token.split("*")[0]
        if not prefix:
            return []  # "*" alone or first: too little to tell a word by
        return [
            entry
            for table in (exact, stems)
            for key, items in table.items()
            if key.startswith(prefix[: len(key)]) and len(key) <= len(token)
            for entry in items
        ]
    candidates = list(exact.get(token, ()))
    for length in range(len(token), index.shortest_stem - 1, -1):
        candidates += stems.get(token[:length], ())
    return candidates


def _by_length(candidates):
    """Candidates split for a quick look-up: the entries of whole words by their length, longest first, each
    words' first kind; and the word families (`_word_matches`), as a list."""
    whole, families = {}, []
    for kind, words in candidates:
        if any(word.endswith("*") for word in words):
            families.append((kind, words))
        else:
            whole.setdefault(len(words), {}).setdefault(words, kind)
    return tuple(sorted(whole.items(), reverse=True)), families


def _cached_candidates(index, token):
    """The entries that may start at `token`: `_by_length`, and as listed."""
    candidates = index.candidates.get(token)
    if candidates is None:
        listed = _candidates(index, token)
        candidates = (*_by_length(listed), listed)
        if len(index.candidates) < CANDIDATES_KEPT:
            index.candidates[token] = candidates
    return candidates


def _matches(tokens, index, typed=False):
    """The entries found, as (start, end, kind), none overlapping. At each position the longest entry wins;
    at equal length an exact word wins over a family, and a longer stem over a shorter one ("idiotic" is a
    judging word, "idiot*" a name for a person). `typed`: the text holds stars typed for letters."""
    if typed and "*" in " ".join(tokens):
        return _typed_matches(tokens, index)
    tokens = tuple(tokens)
    found = []
    cache = index.candidates
    for start, token in enumerate(tokens):
        candidates = cache.get(token) or _cached_candidates(index, token)
        whole, families, listed = candidates
        if not listed:
            continue
        best = None
        for length, entries in whole:
            kind = entries.get(tokens[start : start + length])
            if kind:
                best = ((length, True, len(tokens[start + length - 1])), (start, start + length, kind))
                break
        if families:
            best = _best(families, tokens, start, best)
        if best:
            found.append(best[1])
    return _outermost(found)


def _typed_matches(tokens, index):
    """`_matches` where stars may stand for letters ("f*ck"): each entry compared word by word."""
    found = []
    masked = 0
    for start, token in enumerate(tokens):
        if "*" in token:
            masked += 1
            if masked > MASKED_WORDS_READ:
                continue
        best = _best(_cached_candidates(index, token)[2], tokens, start)
        if best:
            found.append(best[1])
    return _outermost(found)


def _best(candidates, tokens, start, best=None):
    """The best of `best` and the `candidates` found at `start`, compared word by word: (rank, match)."""
    for kind, words in candidates:
        end = start + len(words)
        if end > len(tokens) or not all(map(_word_matches, words, tokens[start:end])):
            continue
        rank = (len(words), not words[-1].endswith("*"), len(words[-1]))
        if best is None or rank > best[0]:
            best = (rank, (start, end, kind))
    return best


def _outermost(found):
    kept = []
    for match in found:  # in order of their start: a match inside a longer one is part of it
        if not kept or match[0] >= kept[-1][1]:
            kept.append(match)
        elif match[1] - match[0] > kept[-1][1] - kept[-1][0] and match[0] == kept[-1][0]:
            kept[-1] = match
    return kept


@dataclass(frozen=True)
class Reading:
    findings: list  # Findings of abuse aimed at people
    adverts: int  # how many advertising entries
    # The comment's words, with COMMA and BREAK, what it quotes included: the classifiers read them in their
    # context ("he called me 'X'" or "you're a 'X'"). None when the lexicon is empty and nothing was read.
    tokens: list | None

    def is_advert(self, contact, more=0):
        """Advertising spam: words of advertising with a link or a way to reach the advertiser (`contact`), or
        several of them. `more`: words of advertising found elsewhere (`moderation.discount_code`)."""
        adverts = self.adverts + more
        return bool(adverts) and (contact or adverts >= 2)


def read(text, lexicon):
    """What `text` says that the policy holds, in one reading of its clauses: abuse aimed at people, and the
    words of advertising. What is quoted is left out of both (the classifiers read it, `Reading.tokens`).

    Most comments hold no word that can start a finding: they cost one reading of their words and a few set
    operations; only the clauses that hold such a word are read further."""
    if not lexicon.entries:
        return Reading([], 0, None)
    said = _said(text)
    index = _index(lexicon)
    seen = index.seen
    said_tokens, tokens = _tokens(said, seen)
    clauses, runs = _clauses(tokens, seen.known)
    words = set(tokens)
    for _run, spelt in runs:
        words.update(spelt)
    finding_words, advert_words, aimed_words = seen.sort(words)
    if not (finding_words or advert_words):
        return Reading([], 0, said_tokens)
    typed = "*" in said
    findings, adverts = [], 0
    starts = finding_words | advert_words
    for clause in clauses:
        if starts.isdisjoint(clause):
            continue  # most clauses
        if _aimed(findings) >= ENOUGH:
            break  # a comment that says it this often is held already: no need to read the rest
        found, advertising, _matched = _read_clause(
            clause, index, (finding_words, advert_words, aimed_words), typed
        )
        findings += found
        adverts += advertising
    for run, spelt in runs:  # read again as one clause: what the sentences say together
        if _aimed(findings) >= ENOUGH:
            break
        found, _advertising, matched = _read_clause(
            run, index, (finding_words, frozenset(), aimed_words), typed
        )
        if spelt or any(end - start > 1 for start, end, _kind in matched):
            findings += found
    return Reading(list(dict.fromkeys(findings)), adverts, said_tokens)


def _read_clause(clause, index, sorted_words, typed):
    """The findings of abuse in a clause, its advertising entries, and the entries it matched: nothing for
    most clauses, which hold no word that may start a finding or an advertising entry. `sorted_words`: the
    comment's words that may start a finding, an advertising entry, or name people (`_Seen.sort`)."""
    finding_words, advert_words, aimed_words = sorted_words
    abusive = not finding_words.isdisjoint(clause)
    if abusive:
        words = set(clause)
        found = finding_words.intersection(words)
        abusive = index.findings.may_match(words, found) and _may_find(index, words, found, aimed_words)
    if not abusive and not _may_advertise(clause, index, advert_words):
        return [], 0, []  # most clauses
    commas = [0]  # where each part of the sentence starts
    if COMMA in clause:
        words = []
        for token in clause:
            if token == COMMA:
                commas.append(len(words))
            else:
                words.append(token)
        clause = words
    matches = _matches(clause, index, typed)
    findings = _clause_findings(clause, matches, commas) if abusive else []
    return findings, sum(kind == Kind.ADVERT for _start, _end, kind in matches), matches


def _may_advertise(clause, index, advert_words):
    """Whether a clause may hold an advertising entry: a word of one ("book", "call") and the entry's other
    words ("book now", "call now")."""
    if advert_words.isdisjoint(clause):
        return False
    words = set(clause)
    return index.adverts.may_match(words, advert_words.intersection(words))


def _clauses(tokens, known):
    """The clauses of a comment's tokens, cut at BREAK; and its runs of sentences of one word, each as the
    words it says and those of them it spells (`_said_one_by_one`). A run is read again as one clause, for
    what it says across its sentences: an insult of several words said one a sentence ("Trou. Du. Cul.",
    "Espèce. De. Con."), a word said in pieces ("Dick. Head.")."""
    clauses, start = [], 0
    try:
        while True:  # list.index finds each end faster than a comparison of every token
            end = tokens.index(BREAK, start)
            clauses.append(tokens[start:end])
            start = end + 1
    except ValueError:  # the last clause
        clauses.append(tokens[start:])
    if not _TWO_ONE_WORD_SENTENCES.search(bytes(map(min, map(len, clauses), itertools.repeat(2)))):
        return clauses, []  # most comments
    runs, run, read = [], [], 0
    for clause in clauses:
        if len(clause) == 1 and clause[0] != COMMA and read < ONE_WORD_SENTENCES_READ:
            run += clause
            read += 1
        elif clause:  # an empty sentence (". .") does not end a run
            if len(run) > 1:
                runs.append(_said_one_by_one(run, known))
            run = []
    if len(run) > 1:
        runs.append(_said_one_by_one(run, known))
    return clauses, runs


# Two sentences of one word each, perhaps with empty ones between them, in the lengths of a comment's
# clauses (0, 1, or 2 for more).
_TWO_ONE_WORD_SENTENCES = re.compile(b"\x01\x00*\x01")
# Sentences of one word read in runs, at most, and the most sentences read as pieces of one word: past these,
# a comment is a list, or hostile, and reading on costs time.
ONE_WORD_SENTENCES_READ = 100
PIECES_OF_A_WORD = 3


def _said_one_by_one(run, known):
    """The words of a run of one-word sentences, those that spell a word `known` to the lexicon together
    read as that word ("dick", "head": "dickhead"), each from the fewest pieces, unless each piece is a word
    of the lexicon already ("idiot", "idiot"); and the words so spelt."""
    words, spelt, start = [], [], 0
    while start < len(run):
        for end in range(start + 2, min(start + PIECES_OF_A_WORD, len(run)) + 1):
            pieces = run[start:end]
            if known(word := "".join(pieces)) and not all(map(known, pieces)):
                spelt.append(word)
                break
        else:
            word, end = run[start], start + 1
        words.append(word)
        start = end
    return words, spelt


def _tokens(said, seen):
    """The tokens of a comment (`_said`) as the classifiers read them, and as the lexicon does, what it
    quotes left out. The text is read once, its quotes marked (`_mark_quotes`); a comment of more than
    QUOTES_MARKED quotes, which would cost a mark each, is read twice instead, with and without them."""
    spans = _quoted(said)
    if spans is None:
        unquoted = _SINGLE_QUOTED.sub(" ", _QUOTED.sub(" ", said))
        if not _LETTER.search(unquoted):
            unquoted = said  # a comment that is all quotes says them itself
        return seen.tokens(said), seen.tokens(unquoted)
    if not spans:
        tokens = seen.tokens(said)
        return tokens, tokens
    return _unquote(seen.tokens(_mark_quotes(said, spans)))


QUOTES_MARKED = 40


# Links, bare domains and mail addresses: each is read as the one word LINK. What an address spells is not
# what the reader says, and the classifiers (comments/classifier.py) would otherwise learn the labelled
# corpora's reserved ".example" addresses as words of spam.
# An address stops before a sentence's punctuation and before quotes.
_ADDRESS_END = r"[^\s<>\"'“”«»„‘’\[\]()]*[^\s<>\"'“”«»„‘’\[\]().,;:!?]"
# Endings that do not start a common word ("idiot.De toute façon", "moron.Be gone" are no addresses).
_DOMAIN = r"\.(?:com|net|org|info|biz|io|ly|tv|app|dev|shop|store|online|site|xyz|fr|uk|eu|example)\b"
# Each starts only where a run of its characters starts: a match cannot be tried at every letter of a word.
_LINK = re.compile(
    rf"(?:https?://|www\.){_ADDRESS_END}"
    rf"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*{_DOMAIN}"
    rf"|(?<![\w.-])[\w-]+(?:\.[\w-]+)*{_DOMAIN}(?:/{_ADDRESS_END})?"
)
# Where a link may be: one pass, which most comments (they have none) end with.
_MAY_LINK = re.compile(rf"://|www\.|{_DOMAIN}")
LINK = "xlinkx"
PHONE = "xphonex"  # a phone number (`_read_phones`): a way to reach the writer, as LINK is, but no address


def _read_links(text):
    """The text with each link, bare domain and mail address read as LINK. `_LINK` is tried only on the piece
    between spaces around each place `_MAY_LINK` finds (an address holds no space): on all of a text it would
    start at every word, and most text holds no address at all."""
    pieces, done = [], 0
    for anchor in _MAY_LINK.finditer(text):
        if anchor.start() < done:
            continue  # in the piece just read
        start = max(done, text.rfind(" ", 0, anchor.start()) + 1, text.rfind("\n", 0, anchor.start()) + 1)
        ends = [end for end in (text.find(" ", anchor.end()), text.find("\n", anchor.end())) if end != -1]
        end = min(ends, default=len(text))
        pieces += [text[done:start], _LINK.sub(f" {LINK} ", text[start:end])]
        done = end
    return "".join([*pieces, text[done:]]) if pieces else text


# Phone numbers are read as the one word PHONE: what a number spells is not what the reader says, and a
# number to call is what much advertising is for, as a link is. A number is one of these shapes with as many
# digits as the shape has (`_is_phone`): no date, price, year or score is one.
_PHONES = [
    (re.compile(r"\+\d[\d .()\-]+", re.ASCII), range(8, 16)),  # international, from +
    (re.compile(r"00[1-9][\d .()\-]+", re.ASCII), range(10, 16)),  # international, from 00
    (re.compile(r"0[1-9][\d .\-]+", re.ASCII), range(10, 12)),  # national: "06 00 00 00 00", "020 7946 0000"
    (
        re.compile(r"(?:1[ .\-]?)?\(?[2-9]\d\d\)?[ .\-]?\d{3}[ .\-]\d{4}", re.ASCII),
        (10, 11),
    ),  # North American
    (re.compile(r"\d{3}[.\-]\d{4}", re.ASCII), (7,)),  # local: "555-0142"
]
SHORTEST_PHONE, LONGEST_PHONE = 7, 15  # digits
# A group of digits as a number is typed: "06", "+33", "(555)".
_DIGIT_GROUP = re.compile(r"\(?\+?\d+\)?", re.ASCII)
# Each character of a text as a byte (`_phone_numbers`): "0" for a digit, "-" for what may stand between the
# groups of a phone number (a space, ".", "-", "(", ")", "+"), "x" for anything else.
_DIALLING = bytes(
    ord("0") if chr(byte).isdigit() else ord("-") if chr(byte) in " .-()+" else ord("x")
    for byte in range(256)
)
_DIALLED = frozenset(b"0-")
PHONE_GROUPS_READ = 100  # in a run of digits and separators: past these, it is no list of numbers to call


def _phone_numbers(text):
    """Where `text` holds a phone number, as (start, end). Most text has fewer than seven digits and costs two
    passes in C; elsewhere only the runs of digits and separators are read (a regular expression tried at
    every character would cost more than the rest of a decision)."""
    shape = text.encode("ascii", "replace").translate(_DIALLING)  # a byte a character
    if shape.count(b"0") < SHORTEST_PHONE:
        return []
    found, at = [], shape.find(b"00")
    while at != -1:
        start, end = at, at + 2
        while start and shape[start - 1] in _DIALLED:
            start -= 1
        while end < len(shape) and shape[end] in _DIALLED:
            end += 1
        if shape.count(b"0", start, end) >= SHORTEST_PHONE:  # not a price, a year, a score
            found += _numbers_in(text, start, end)
        at = shape.find(b"00", end)
    return found


def _numbers_in(text, start, end):
    """The phone numbers of a run of digits and separators (`text[start:end]`): from each group of digits, the
    most groups that follow it that make one, that no word or number touches; then on after it."""
    groups = [match.span() for match in _DIGIT_GROUP.finditer(text, start, end)][:PHONE_GROUPS_READ]
    found, first = [], 0
    while first < len(groups):
        best, digits = None, 0
        for last in range(first, len(groups)):
            digits += sum(map(str.isdigit, text[groups[last][0] : groups[last][1]]))
            if digits > LONGEST_PHONE:
                break
            number = (groups[first][0], groups[last][1])
            if _is_phone(text[number[0] : number[1]], digits) and _stands_alone(text, *number):
                best = (last, number)
        if best:
            found.append(best[1])
        first = best[0] + 1 if best else first + 1
    return found


def _is_phone(number, digits):
    """Whether `number`, of this many digits, has one of the shapes of `_PHONES` and its count of digits."""
    return any(digits in counts and shape.fullmatch(number) for shape, counts in _PHONES)


def _stands_alone(text, start, end):
    """Whether no word or number touches `text[start:end]`: in "x06 00 00 00 00" and "3.14 06 00 00 00" no
    number is to call."""
    before = text[start - 1] if start else " "
    after = text[end : end + 2]
    return not (before.isalnum() or before in "._,-+") and not (
        after[:1].isalnum() or (after[:1] in (".", ",", "-") and after[1:2].isdigit())
    )


def _read_phones(text):
    """The text with each phone number (`_phone_numbers`) read as PHONE."""
    pieces, done = [], 0
    for start, end in _phone_numbers(text):
        pieces += [text[done:start], f" {PHONE} "]
        done = end
    return "".join([*pieces, text[done:]]) if pieces else text


def _said(text):
    """The comment normalised with its links read as LINK and its phone numbers as PHONE, as the lexicon and
    the classifiers read it."""
    said = _read_phones(_read_links(normalize(text)))
    return said.replace(_MARK, " ") if _MARK in said else said


# Pieces of text that mark where a quote opens and where it closes (`_mark_quotes`), each a piece of its own
# that `_Seen.tokens` keeps as one token. Their character is taken out of what readers type (`_said`), and
# their letters keep them from reading as letters spaced out (`_spaced_out`).
_MARK = "\x01"
OPEN_QUOTE, CLOSE_QUOTE = f"{_MARK}open{_MARK}", f"{_MARK}close{_MARK}"
_QUOTE_MARKS = frozenset({OPEN_QUOTE, CLOSE_QUOTE})


def _quoted(said):
    """Where `said` quotes, as (start, end) in order, none inside another: double quotes and guillemets, then
    single quotes outside them; each with the dashes that touch it, which are part of its piece of text.
    None for more than QUOTES_MARKED quotes."""
    spans = _double_quotes(said)
    if "'" in said or "‘" in said:
        rest = said
        for start, end in spans:  # the double quotes' places kept
            rest = f"{rest[:start]}{' ' * (end - start)}{rest[end:]}"
        if "‘" in rest:
            spans += [match.span() for match in _SINGLE_QUOTED.finditer(rest)]
        elif rest.startswith("'") or " '" in rest or "\n'" in rest:
            spans += [match.span() for match in _APOSTROPHE_QUOTED.finditer(rest)]
    if len(spans) > QUOTES_MARKED:
        return None
    kept = []
    for start, end in sorted(spans):  # a single quote around double ones: one quote
        while start and said[start - 1] in _DASHES:
            start -= 1
        while end < len(said) and said[end] in _DASHES:
            end += 1
        if kept and start <= kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    return kept


def _double_quotes(said):
    """Where `said` quotes between double quotes or guillemets, as `_QUOTED.finditer` finds them, up to one
    more than QUOTES_MARKED. `_QUOTED` is tried only at each quote, found by a search for each kind of quote
    the text holds: a pattern that starts with any of several characters, some not ASCII, is tried at every
    character (a fifth of a decision's time on a French text of 5,000 characters)."""
    present = [quote for quote in _DOUBLE_QUOTES if quote in said]
    spans, start = [], 0
    while present and len(spans) <= QUOTES_MARKED:
        found = [(at, quote) for quote in present if (at := said.find(quote, start)) != -1]
        present = [quote for _at, quote in found]
        match = _QUOTED.match(said, min(found)[0]) if found else None
        if match is None:
            break  # no quote left, or none after it to close it
        spans.append(match.span())
        start = match.end()
    return spans


def _mark_quotes(said, spans):
    """`said` with each of its quotes (`spans`) between OPEN_QUOTE and CLOSE_QUOTE. The text is then read
    once, for the classifiers, which read the quotes, and for the lexicon, which leaves them out
    (`_unquote`)."""
    pieces, done = [], 0
    for start, end in spans:
        pieces += [said[done:start], f" {OPEN_QUOTE} ", said[start:end], f" {CLOSE_QUOTE} "]
        done = end
    return "".join([*pieces, said[done:]])


def _unquote(tokens):
    """The tokens of a marked text (`_mark_quotes`) without the marks, as the classifiers read them; and
    without what is quoted either, as the lexicon does (a comment that is all quotes says them itself)."""
    said, unquoted, done = [], [], 0
    try:
        while True:
            opened = tokens.index(OPEN_QUOTE, done)
            closed = tokens.index(CLOSE_QUOTE, opened)
            unquoted += tokens[done:opened]
            said += tokens[done:opened] + tokens[opened + 1 : closed]
            done = closed + 1
    except ValueError:  # no quote left
        unquoted += tokens[done:]
        said += tokens[done:]
    return said, said if {COMMA, BREAK}.issuperset(unquoted) else unquoted


def words_said(text):
    """The tokens of a comment, quotes included, as `read` gives them to the classifiers (`Reading.tokens`),
    without a lexicon."""
    return tokens_with_breaks(_said(text))


def find_abuse(text, lexicon):
    """The abuse aimed at people that `text` contains: a list of Findings, empty when there is none."""
    return read(text, lexicon).findings


def find_advert(text, lexicon, links):
    return read(text, lexicon).is_advert(links > 0)


# Findings enough in one comment, and masked words enough in one comment: past these, reading on costs time
# (hostile input) and changes nothing but the list of what was found. Only findings aimed at someone count:
# the others hold a comment only where the abuse classifier leans (`Finding.aimed`), and what follows them may
# be a slur. (At five, a rant of insults that ends in a threat no longer names the threat.)
ENOUGH = 10
MASKED_WORDS_READ = 50


# The kinds that make a finding only about people the clause names or calls (`_clause_findings`): "this
# article is stupid" holds none, whatever the judging word.
AIMED_ONLY = frozenset({Kind.INSULT, Kind.DEHUMANISING, Kind.DEROGATORY})


def _aimed(findings):
    return sum(finding.aimed for finding in findings)


def _may_find(index, words, found, aimed_words):
    """Whether a clause, of `words` and holding these words that may start a finding (`found`), may hold one:
    a slur, a threat, an exclusion, a name for a person, or words that name people, call someone or speak to
    the reader (`aimed_words`, of the comment). Most harsh criticism is none of these, and is not read
    further."""
    return (
        not SECOND_PERSON.isdisjoint(words)
        or not aimed_words.isdisjoint(words)
        or index.unaimed.may_match(words, {word for word in found if index.unaimed.has(word)})
    )


def _clause_findings(tokens, matches, commas=()):
    findings = []
    # "He called me an idiot": what follows reported words, in their part of the sentence, is told, not said.
    reported = [
        (end, _part_end(end, commas, len(tokens))) for _start, end, kind in matches if kind == Kind.REPORT
    ]
    matches = [match for match in matches if not any(a <= match[0] < b for a, b in reported)]
    targets = [match for match in matches if match[2] in TARGETS]
    vocatives = [end for _start, end, kind in matches if kind == Kind.VOCATIVE]
    groups = [start for start, _end, kind in matches if kind == Kind.GROUP]
    people = [start for start, _end, kind in matches if kind in PEOPLE]
    for start, end, kind in matches:
        if _aimed(findings) >= ENOUGH:
            break  # a comment that says it this often is held already: no need to read the rest
        words = " ".join(tokens[start:end])
        if kind == Kind.SLUR:
            findings.append(Finding(HATE, words))
        elif kind == Kind.THREAT:
            findings.append(Finding(THREAT, words))
        elif kind == Kind.EXCLUSION and (people or SECOND_PERSON.intersection(tokens[start:end])):
            # "You don't belong here", not "these files don't belong in the repository".
            findings.append(Finding(EXCLUSION, words))
        elif kind == Kind.DEHUMANISING and _said_of(start, people, targets, tokens):
            findings.append(Finding(DEHUMANISING, words))
        elif kind == Kind.DEROGATORY and groups:
            findings.append(Finding(HATE, words))
        elif kind == Kind.MOCK and len(commas) > 1 and _alone_in_part(start, end, commas, len(tokens)):
            # Someone called it, beside what the sentence says: "Nice try, Einstein, but...", "Check your
            # facts, genius." ("Genius." alone mocks an idea). Friends tease so too: the policy asks the abuse
            # classifier.
            findings.append(Finding(INSULT, words, aimed=False, mocking=True))
        elif kind in (Kind.PERSON_INSULT, Kind.INSULT) and not _denied(start, tokens):
            target = _target(start, end, kind, targets, vocatives, tokens, commas)
            if target in PEOPLE or (target is None and kind == Kind.PERSON_INSULT):
                category = HATE if target == Kind.GROUP and groups else INSULT
                findings.append(Finding(category, words, aimed=target is not None))
    return findings


# Words that start a new part of a sentence, with its own subject: "you're wrong and the article is crap".
CONJUNCTIONS = frozenset(
    {"and", "but", "so", "because", "cause", "while", "whereas", "though", "although", "yet"}
    | {"et", "mais", "donc", "car", "parce", "puisque", "alors", "sauf", "quoique"}
)
# Words that start a clause of time or condition, with its own subject: "the maths is garbage once you factor
# in the inverter", "c'est nul quand tu vis seul".
SUBORDINATORS = frozenset(
    {"once", "when", "whenever", "if", "unless", "until", "till", "since", "after", "before", "moment"}
    | {"quand", "lorsque", "lorsqu", "si", "avant", "apres", "fois", "des", "sauf"}
)
# Words after a judging word that make the reader named after them the subject of what follows, not what the
# word judges: "...is bullshit and you know it", "...is garbage once you factor in...".
LEADS = CONJUNCTIONS | SUBORDINATORS
# A thing named by a pronoun, then a verb that says what it is: "it's garbage", "c'est nul", "ça reste nul".
THING_PRONOUNS = frozenset({"it", "this", "that", "c", "ca", "cela", "ceci"})
THING_VERBS = frozenset(
    {"s", "is", "was", "looks", "sounds", "seems", "feels", "reads"}
    | {"est", "etait", "reste", "sonne", "semble", "parait"}
)
# Words after which a thing named by a pronoun starts what is said: "you know that it's crap", "franchement
# c'est nul".
THING_LEADS = frozenset(
    {
        "that",
        "know",
        "think",
        "guess",
        "sure",
        "honestly",
        "frankly",
        "seriously",
        "really",
        "well",
        "oh",
        "ok",
    }
    | {"que", "qu", "sais", "pense", "franchement", "honnetement", "serieusement", "vraiment", "bon", "ca"}
    | {"lol", "mdr", "ptn", "wow", "man", "bref"}
)
# Words between an idea and a name for a person that make the person someone else: "this article is written
# by idiots", "a blog for morons", "écrit par un abruti".
PREPOSITIONS = frozenset(
    {"by", "for", "of", "from", "with", "among", "par", "pour", "avec", "parmi", "entre"}
)
# Words that may stand between an idea and the judging word after it: "une idée complètement débile".
INTENSIFIERS = frozenset(
    {"so", "really", "totally", "completely", "utterly", "very", "pretty", "just", "truly"}
    | {
        "vraiment",
        "completement",
        "totalement",
        "tellement",
        "trop",
        "tres",
        "bien",
        "assez",
        "super",
        "franchement",
    }
)


def _target(start, end, kind, targets, vocatives, tokens, commas):
    """What the insulting words at start:end (of `kind`) are aimed at: a kind of target, or None when the
    clause names none. `targets` are (start, end, kind) in the order of the clause."""
    # What it describes, named right after it in the same part of the sentence: "a stupid idea", "brainless
    # marketing plan", "garbage human being", "c'est crétin comme règle" (not "...idiotic and you know it",
    # a judging word's "...is crap and everyone knows it", nor "you idiot, the article is fine").
    after = [
        target
        for position, _end, target in targets
        if end <= position <= end + 1
        and target != Kind.SELF
        and tokens[position] not in PRONOUNS
        and not any(end <= comma <= position for comma in commas)
        and (kind != Kind.INSULT or tokens[end] not in CONJUNCTIONS)
        and (position == end or tokens[end] not in PREPOSITIONS)  # not "de la connerie pour ceux qui..."
    ]
    if after and kind == Kind.INSULT:
        return after[0]
    # A name for a person said alone between commas or sentence ends: someone called, "Cheers, numpty, for
    # the advice", "Read the manual, dipshit.", "Idiot."
    if kind == Kind.PERSON_INSULT and _alone_in_part(start, end, commas, len(tokens)):
        return Kind.PERSON
    # Called it just before, with nothing named in between: "espèce de gros nul", "you absolute moron".
    if any(start - 3 <= called <= start and not _between(targets, called, start) for called in vocatives):
        return Kind.PERSON
    # A name for a person used of a thing right after it: "a dumbass way to store knives".
    if after and after[0] == Kind.IDEA:
        return Kind.IDEA
    # An idea it follows, as French adjectives do: "une erreur débile", "un conseil complètement idiot".
    if any(
        target == Kind.IDEA
        and start - 1 <= target_end <= start
        and all(token in INTENSIFIERS for token in tokens[target_end:start])
        and not any(target_end <= comma <= start for comma in commas)
        for _position, target_end, target in targets
    ):
        return Kind.IDEA
    # Parts of the sentence, after a comma or a conjunction: each has its own subject.
    boundaries = [comma for comma in commas if comma <= start]
    boundaries += [position + 1 for position in range(start) if tokens[position] in CONJUNCTIONS]
    part = max(boundaries, default=0)
    # A thing named by a pronoun and a verb at the start of a part of the sentence or of what is said, with no
    # person named between it and the word: "you know it's garbage", "vous avez tort, c'est nul" (not
    # "whoever wrote this is a clown", where it is what the person did).
    if kind == Kind.INSULT:
        for position in range(start - 2, part - 1, -1):
            if any(position < other < start and target in PEOPLE for other, _end, target in targets):
                break
            if tokens[position] in THING_PRONOUNS and tokens[position + 1] in THING_VERBS:
                if position == part or tokens[position - 1] in THING_LEADS:
                    return Kind.IDEA
                break
    # The subject of its part of the sentence: "tu as tort, ton article est nul", "you're wrong and the
    # whole article is crap".
    subject = [match for match in _subjects(targets, tokens) if part <= match[0] < start]
    if part and subject:
        return _named(subject[0], start, kind, tokens)
    # The subject: the first person or idea named before ("the author is...", "cet article est..."), after
    # the opinion that tells it if any ("some people think this plan is stupid"); the writer themselves only
    # when they name no one else ("j'suis trop con").
    told = max((position for position in range(start) if tokens[position] in OPINION), default=-1)
    before = [match for match in _subjects(targets, tokens, self=True) if told < match[0] < start]
    if before and {match[2] for match in before} == {
        Kind.SELF
    }:  # "..., and I say this calmly, a total idiot"
        before = [match for match in _subjects(targets, tokens, self=True) if match[0] < start]
    others = [match for match in before if match[2] != Kind.SELF]
    if others or before:
        return _named((others or before)[0], start, kind, tokens)
    # The reader addressed just after: "what a moron you are", "quel naze tu fais"; or the writer: "what an
    # idiot I was", "quel idiot je fais" (but after a judging word, "...is bullshit and you know it", a
    # conjunction starts the next part and its subject).
    later = [
        (position, target)
        for position, _end, target in targets
        if end <= position <= end + 3 and (kind != Kind.INSULT or LEADS.isdisjoint(tokens[end:position]))
    ]
    if later and later[0][1] == Kind.SELF and later[0][0] <= end + 1:
        return Kind.SELF
    if any(tokens[position] in SECOND_PERSON for position, _target in later):
        return Kind.PERSON
    # With no one named, what follows it is an action it judges: "assez idiot de conseiller ce sentier",
    # "stupid to recommend it".
    if end + 1 < len(tokens) and tokens[end] in ACTION_MARKS and _verb(end + 1, tokens, targets):
        return Kind.IDEA
    return None


# Words after which an action is named: "idiot de conseiller", "stupid to say".
ACTION_MARKS = frozenset({"de", "d", "to"})
FRENCH_INFINITIVES = ("er", "ir", "re")


def _verb(position, tokens, targets):
    """Whether the word at `position` may be a verb: no pronoun, determiner or target ("d'auteur", "de
    ce"), and in French, an infinitive."""
    word = tokens[position]
    if word in PRONOUNS or word in DETERMINERS or any(start == position for start, _end, _kind in targets):
        return False
    return tokens[position - 1] == "to" or word.endswith(FRENCH_INFINITIVES)


def _subjects(targets, tokens, self=False):
    """The targets that can be a subject, in order: not the writer (unless `self`), nor a person whose
    possessive is followed by an idea, which is the subject ("the author's advice is stupid"), nor what
    follows a preposition ("in my opinion you are an idiot", "the author of this post is an idiot")."""
    subjects = []
    for index, (position, end, target) in enumerate(targets):
        if target == Kind.SELF and not self:
            continue
        following = targets[index + 1] if index + 1 < len(targets) else None
        # "the author's advice": the entry "author s", or "the author" then "s"
        owner_end = end + 1 if end < len(tokens) and tokens[end] == "s" else end
        possessive = (
            target == Kind.PERSON
            and tokens[owner_end - 1] == "s"
            and owner_end - position > 1
            and tokens[position] not in PRONOUNS
        )
        if possessive and following and following[2] == Kind.IDEA and following[0] <= owner_end + 1:
            continue
        if _complement(position, tokens) or _in_relative_clause(position, tokens):
            continue
        subjects.append((position, end, target))
    return subjects


# Prepositions, and the determiners that may follow them, before a complement: "of this article", "dans
# cet article", "in my opinion".
COMPLEMENT_PREPOSITIONS = frozenset(
    {"in", "of", "with", "for", "about", "on", "from", "by", "to", "at", "into", "after", "before", "under"}
    | {"dans", "de", "d", "du", "sur", "avec", "pour", "par", "en", "au", "aux", "chez", "selon", "apres"}
)
DETERMINERS = frozenset(
    {"the", "this", "that", "my", "your", "his", "her", "our", "their", "a", "an"}
    | {"le", "la", "l", "les", "ce", "cet", "cette", "ces", "mon", "ma", "mes", "ton", "ta", "tes", "son"}
    | {"sa", "ses", "votre", "vos", "notre", "nos", "un", "une"}
)


# Words that open a relative clause: "le MOOC que vous avez conseillé est nul", "the course that you sold".
RELATIVES = frozenset({"that", "which", "que", "qu"})
BEING = frozenset({"are", "re", "were", "etes", "es", "etiez", "seriez", "serez"})


def _in_relative_clause(position, tokens):
    """Whether the reader addressed at `position` is the subject of a relative clause, which says which thing
    the sentence is about ("le MOOC que vous avez conseillé est nul"), not what they are ("on voit que vous
    êtes nul")."""
    if tokens[position] not in ("you", "vous", "tu") or not position:
        return False
    if position + 1 < len(tokens) and tokens[position + 1] in BEING:
        return False  # "on voit que vous êtes...": what the reader is
    # Right after a thing named with its determiner: "que" after a verb says what the reader is or did ("je
    # savais que tu serais nul", "dommage que vous soyez si nuls").
    return (
        position >= 3
        and tokens[position - 1] in RELATIVES
        and tokens[position - 3] in DETERMINERS
        and tokens[position - 2] not in PRONOUNS
    )


def _complement(position, tokens):
    """Whether the target at `position` follows a preposition, with or without a determiner between."""
    before = tokens[max(position - 2, 0) : position]
    if before and before[-1] in COMPLEMENT_PREPOSITIONS:
        return True
    return len(before) == 2 and before[0] in COMPLEMENT_PREPOSITIONS and before[1] in DETERMINERS


def _named(subject, start, kind, tokens):
    """The subject found for the word at `start`; a name for a person that follows an idea across a
    preposition names someone else ("this article is written by idiots")."""
    position, end, target = subject
    if target == Kind.IDEA and kind == Kind.PERSON_INSULT and PREPOSITIONS.intersection(tokens[end:start]):
        return None
    return target


def _alone_in_part(start, end, commas, length):
    """Whether the words at start:end are all of their part of the sentence (between commas, `commas` being
    where each part starts)."""
    return max((comma for comma in commas if comma <= start), default=0) == start and end == _part_end(
        start, commas, length
    )


def _part_end(position, commas, length):
    return min((comma for comma in commas if comma > position), default=length)


# What makes a word say what someone is: "they are vermin", "ces gens sont des parasites", "c'est de la
# vermine".
COPULAS = frozenset({"are", "is", "re", "s", "sont", "est", "es", "etes", "c"})


def _said_of(start, people, targets, tokens):
    """Whether the word at `start` says what the people named before it are: "immigrants are parasites", not
    "vous aimez les animaux", nor "you guys rock, the new layout is sick" (a thing named in between)."""
    return any(
        position < start
        and COPULAS.intersection(tokens[position:start])
        and not any(position < other < start and target == Kind.IDEA for other, _end, target in targets)
        for position in people
    )


# Words that deny what follows them: "you're not stupid", "t'es pas si con".
NEGATIONS = frozenset({"not", "never", "isnt", "arent", "wasnt", "werent", "aint", "dont", "pas", "jamais"})
# Words that may stand between the denial and the word: "not that stupid", "pas un con".
DENIAL_FILLERS = frozenset(
    {
        "be",
        "a",
        "an",
        "so",
        "that",
        "this",
        "such",
        "as",
        "un",
        "une",
        "si",
        "aussi",
        "tellement",
        "du",
        "tout",
    }
)


def _denied(start, tokens):
    """Whether the word at `start` is denied: a negation before it, with at most two filler words between."""
    for position in range(start - 1, max(start - 4, -1), -1):
        if tokens[position] in NEGATIONS:
            return True
        if tokens[position] not in DENIAL_FILLERS:
            return False
    return False


def _between(targets, start, end):
    return any(start <= position < end for position, _end, _kind in targets)
