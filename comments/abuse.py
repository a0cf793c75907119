"""Abuse aimed at people, told from criticism of ideas: a pure function of a comment's text and a lexicon.

A word list cannot tell "this argument is stupid" (criticism: published) from "you are stupid" (an insult:
held). This module reads what an insulting word is aimed at:

- **Names for people** ("idiot", "connard", "scumbag") are held unless they describe an idea ("this plan is a
  joke" has none; "cet article est une daube" names a thing). **Words that judge** ("stupid", "débile",
  "merde") are held only when aimed at a person: the reader addressed ("you", "t'es", "vous êtes"), the
  author, other commenters, a group of people, or as a vocative ("espèce de", "sale", "pauvre", "bande de").
  Which target a word is aimed at is read in its clause: the first person or idea named before it (the
  subject: "the author is…", "cet article est…"), else a person or idea just after it ("what a moron you
  are", "quelle idée débile").
- **Threats and exclusion** ("go back to your country", "on sait où tu habites") are held on their own,
  **dehumanising** words ("vermin", "parasites") when aimed at people, and **generalisations** ("lazy", "ne
  savent pas") when aimed at a group. **Slurs** are held wherever they appear.
- What is **quoted** (between quotation marks) or **reported** ("called me an idiot", "m'a traité de") is not
  said to anyone here: readers telling what happened to them are published.
- Words are compared casefolded, without accents, with digits and symbols read as letters ("c0nnard",
  "a$$hole"), letters spaced out joined up ("i d i o t"), and "*" standing for any letters ("f*ck"). An entry
  ending in "*" matches its word family ("idiot*": idiote, idiots); several words match in sequence.

The lexicon is data (comments.models.AbuseTerm, seeded from default_abuse_lexicon.py and extended by the
owner). Nothing here reads the database, the request or the settings.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple


class Kind:
    """The lexicon's kinds of entries."""

    PERSON_INSULT = "person_insult"  # a name for a person: held unless it describes an idea
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

    @classmethod
    def of(cls, pairs):
        return cls(tuple(sorted({(kind, entry.strip()) for kind, entry in pairs if entry.strip()})))


@dataclass(frozen=True)
class Finding:
    category: str  # INSULT, HATE, THREAT, EXCLUSION, DEHUMANISING or ADVERT
    words: str  # the words found, normalised


def normalize(text: str) -> str:
    """Casefolded, ligatures spelled out, accents dropped: "ENCULÉ" and "encule" both give "encule"."""
    # NFKD leaves these ligatures whole, and French writes "cœur" and "coeur" alike.
    folded = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", folded)
    # Removing each distinct mark is many times faster than rebuilding the string one character at a time.
    for mark in {char for char in set(decomposed) if unicodedata.combining(char)}:
        decomposed = decomposed.replace(mark, "")
    return decomposed


# Digits and symbols that stand for letters inside a word: "c0nnard", "a$$hole", "b!tch", "s@lope".
_LEET = str.maketrans("013457@$!", "oieastasi")
# A word: letters, and the digits, symbols and stars written in place of letters, with at least one letter or
# star. Apostrophes split elisions ("t'es": "t", "es").
_WORD = re.compile(r"[\w@$!*]*[^\W\d_][\w@$!*]*|[\w@$!*]*\*[\w@$!*]*")
# Exclamation marks ending a word, and the at sign starting one: punctuation, not letters.
_MARKS = re.compile(r"!+(?![\w*])|(?<![\w*])@")
_WORD_OR_COMMA = re.compile(rf"(?P<word>{_WORD.pattern})|,")
# English negations: "isn't" is not "isn" and the "t'" of "t'es".
_NOT = re.compile(r"(?<=[a-z])n['’]t\b")
# A letter written three times or more, for emphasis.
_REPEATED = re.compile(r"([^\W\d_])\1{2,}")
# Letters spaced out ("i d i o t", "c.o.n", "f-u-c-k"): three or more single letters in a row.
_SPACED = re.compile(r"(?<![\w*])(?:[^\W\d_][ .\-]){2,}[^\W\d_](?![\w*])")
# Clauses: a target does not reach across these.
_CLAUSE = re.compile(r"[.!?;:\n]+|\s[-–—]\s")
# What is quoted is not said here.
_QUOTED = re.compile(r"[\"“”«»„][^\"“”«»„]*[\"“”«»„]")


def _unspaced(text):
    return _SPACED.sub(lambda spaced: re.sub(r"[ .\-]", "", spaced.group()), text)


def tokens_of(text):
    """The words of a normalised clause (`normalize`, then `_unspaced`), as matching compares them."""
    text = _MARKS.sub(" ", text)  # "idiot!!!" and "@Mark" are words, not leet
    return [word if word.isalpha() else word.translate(_LEET) for word in _WORD.findall(text)]


class _Index(NamedTuple):
    exact: dict  # first word: [(kind, words)]
    stems: dict  # first word's stem: [(kind, words)]
    shortest_stem: int
    findings: "_FirstWords"  # a word of each entry that can make a finding
    adverts: "_FirstWords"  # a word of each advertising entry
    candidates: dict  # word: the entries that may start at it (`_candidates`), as they are looked up


class _FirstWords(NamedTuple):
    """Whether a text holds a word of some entries: a few set lookups a word, to pass over the clauses
    (most of them) where no entry can match."""

    words: frozenset
    stems: dict  # tuples of stems, by their first three letters
    short: tuple  # stems of fewer than three letters

    def in_(self, tokens):
        if not self.words.isdisjoint(tokens):
            return True
        for token in tokens:
            bucket = self.stems.get(token[:3])
            if (bucket and token.startswith(bucket)) or token.startswith(self.short) or "*" in token:
                return True
        return False


@functools.lru_cache(maxsize=8)
def _index(lexicon):
    """Entries by their first word: exact words in one table, word families by their stem."""
    exact, stems = {}, {}
    for kind, entry in lexicon.entries:
        words = tuple(tokens_of(_unspaced(normalize(entry))))
        if not words:
            continue
        first = words[0]
        table, key = (stems, first[:-1]) if first.endswith("*") else (exact, first)
        table.setdefault(key, []).append((kind, words))
    return _Index(
        exact,
        stems,
        min((len(stem) for stem in stems), default=1),
        _first_words(exact, stems, TRIGGERS),
        _first_words(exact, stems, {Kind.ADVERT}),
        {},
    )


# Words too common to tell a clause apart: an entry is found by a rarer word of its own where it has one.
_COMMON = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "at",
        "back",
        "be",
        "can",
        "cannot",
        "de",
        "des",
        "do",
        "en",
        "est",
        "et",
        "go",
        "home",
        "i",
        "il",
        "is",
        "it",
        "la",
        "le",
        "les",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "our",
        "pas",
        "people",
        "place",
        "que",
        "same",
        "so",
        "the",
        "they",
        "this",
        "to",
        "tous",
        "tu",
        "un",
        "une",
        "we",
        "you",
        "your",
    )
)


def _first_words(exact, stems, kinds):
    """A word of each entry of these kinds, its longest that is not a common word: a clause without any of
    them cannot hold the entry. A generalisation counts only about a group: the groups' words find it."""
    entries = [
        words
        for table in (exact, stems)
        for items in table.values()
        for kind, words in items
        if kind in kinds or (kind == Kind.GROUP and Kind.DEROGATORY in kinds)
    ]
    derogatory = {
        words
        for table in (exact, stems)
        for items in table.values()
        for kind, words in items
        if kind == Kind.DEROGATORY
    }
    longest = [
        max([word for word in words if word not in _COMMON] or words, key=len)
        for words in entries
        if words not in derogatory
    ]
    stems = {}
    for word in longest:
        if word.endswith("*") and len(word) > 3:
            stems.setdefault(word[:3], []).append(word[:-1])
    short = tuple(word[:-1] for word in longest if word.endswith("*") and len(word) <= 3)
    words = frozenset(word for word in longest if not word.endswith("*"))
    return _FirstWords(words, {key: tuple(bucket) for key, bucket in stems.items()}, short)


# A word of a family, as stars typed in place of letters may hide it: "f*cking", "enc*lé".
_ENDINGS = ("", "s", "e", "es", "ee", "ees", "er", "ers", "ed", "ing", "y")


@functools.lru_cache(maxsize=4096)
def _typed(token):
    return re.compile(re.escape(token).replace(r"\*", "[a-z]"))


def _word_matches(pattern, token):
    if "*" in token:  # each star the reader typed stands for one letter
        stem = pattern.rstrip("*")
        forms = [stem + ending for ending in _ENDINGS] if pattern.endswith("*") else [stem]
        return any(len(form) == len(token) and _typed(token).fullmatch(form) for form in forms)
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


def _matches(tokens, index):
    """The entries found, as (start, end, kind), none overlapping. At each position the longest entry wins;
    at equal length an exact word wins over a family, and a longer stem over a shorter one ("idiotic" is a
    judging word, "idiot*" a name for a person)."""
    found = []
    masked = 0
    for start, token in enumerate(tokens):
        if "*" in token:
            masked += 1
            if masked > MASKED_WORDS_READ:
                continue
        candidates = index.candidates.get(token)
        if candidates is None:
            candidates = _candidates(index, token)
            if len(index.candidates) < CANDIDATES_KEPT:
                index.candidates[token] = candidates
        best = None
        for kind, words in candidates:
            end = start + len(words)
            if end > len(tokens) or not all(map(_word_matches, words, tokens[start:end])):
                continue
            rank = (len(words), not words[-1].endswith("*"), len(words[-1]))
            if best is None or rank > best[0]:
                best = (rank, (start, end, kind))
        if best:
            found.append(best[1])
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

    def is_advert(self, links):
        """Advertising spam: words of advertising with a link or a contact, or several of them."""
        return bool(self.adverts) and (links > 0 or self.adverts >= 2)


def read(text, lexicon):
    """What `text` says that the policy holds, in one reading of its clauses: abuse aimed at people, and the
    words of advertising. What is quoted is left out of both."""
    if not lexicon.entries:
        return Reading([], 0)
    findings, adverts = [], 0
    index = _index(lexicon)
    prepared = _unspaced(normalize(text))
    prepared = _NOT.sub("nt", prepared)  # "don't" is one word, not "don" and a French "t'"
    prepared = _REPEATED.sub(r"\1", prepared)  # "idiiiot", "connnard"
    unquoted = _QUOTED.sub(" ", prepared)
    if not _WORD.search(unquoted):
        unquoted = prepared  # a comment that is all quotes says them itself
    for clause in _CLAUSE.split(unquoted):
        tokens, commas = [], [0]  # the words, and where each part of the sentence starts
        for match in _WORD_OR_COMMA.finditer(_MARKS.sub(" ", clause)):
            word = match.group("word")
            if word is None:
                commas.append(len(tokens))
            else:
                tokens.append(word if word.isalpha() else word.translate(_LEET))
        abusive, advertising = index.findings.in_(tokens), index.adverts.in_(tokens)
        if abusive or advertising:
            matches = _matches(tokens, index)
            if abusive:
                findings += _clause_findings(tokens, matches, commas)
            adverts += sum(kind == Kind.ADVERT for _start, _end, kind in matches)
    return Reading(list(dict.fromkeys(findings)), adverts)


def find_abuse(text, lexicon):
    """The abuse aimed at people that `text` contains: a list of Findings, empty when there is none."""
    return read(text, lexicon).findings


def find_advert(text, lexicon, links):
    return read(text, lexicon).is_advert(links)


# Findings enough in one clause, and masked words enough in one comment: past these, reading on costs time
# (hostile input) and changes nothing.
ENOUGH = 10
MASKED_WORDS_READ = 50


def _clause_findings(tokens, matches, commas=()):
    findings = []
    # "He called me an idiot": what follows reported words, in their part of the sentence, is told, not said.
    reported = [
        (end, _part_end(end, commas, len(tokens))) for _start, end, kind in matches if kind == Kind.REPORT
    ]
    matches = [match for match in matches if not any(a <= match[0] < b for a, b in reported)]
    targets = [(start, kind) for start, _end, kind in matches if kind in TARGETS]
    vocatives = [end for _start, end, kind in matches if kind == Kind.VOCATIVE]
    groups = [start for start, _end, kind in matches if kind == Kind.GROUP]
    people = [start for start, _end, kind in matches if kind in PEOPLE]
    for start, end, kind in matches:
        if len(findings) >= ENOUGH:
            break  # a comment that says it this often is held already: no need to read the rest
        words = " ".join(tokens[start:end])
        if kind == Kind.SLUR:
            findings.append(Finding(HATE, words))
        elif kind == Kind.THREAT:
            findings.append(Finding(THREAT, words))
        elif kind == Kind.EXCLUSION and (people or SECOND_PERSON.intersection(tokens[start:end])):
            # "You don't belong here", not "these files don't belong in the repository".
            findings.append(Finding(EXCLUSION, words))
        elif kind == Kind.DEHUMANISING and _said_of(start, people, tokens):
            findings.append(Finding(DEHUMANISING, words))
        elif kind == Kind.DEROGATORY and groups:
            findings.append(Finding(HATE, words))
        elif kind in (Kind.PERSON_INSULT, Kind.INSULT):
            target = _target(start, end, kind, targets, vocatives, tokens, commas)
            if target in PEOPLE or (target is None and kind == Kind.PERSON_INSULT):
                findings.append(Finding(HATE if target == Kind.GROUP and groups else INSULT, words))
    return findings


def _target(start, end, kind, targets, vocatives, tokens, commas):
    """What the insulting words at start:end (of `kind`) are aimed at: a kind of target, or None when the
    clause names none."""
    # What a judging word describes, named right after it: "a stupid idea", "brainless marketing plan",
    # "garbage human being" (not "...idiotic and you know it").
    after = [
        target
        for position, target in targets
        if end <= position <= end + 1 and target != Kind.SELF and tokens[position] not in PRONOUNS
    ]
    if after and kind == Kind.INSULT:
        return after[0]
    # Called it just before, with nothing named in between: "espèce de gros nul", "you absolute moron".
    if any(start - 3 <= called <= start and not _between(targets, called, start) for called in vocatives):
        return Kind.PERSON
    # The subject of its part of the sentence, after the last comma: "tu as tort, ton article est nul".
    part = max((comma for comma in commas if comma <= start), default=0)
    subject = [target for position, target in targets if part <= position < start and target != Kind.SELF]
    if part and subject:
        return subject[0]
    # The subject: the first person or idea named before ("the author is...", "cet article est..."), after
    # the opinion that tells it if any ("some people think this plan is stupid"); the writer themselves only
    # when they name no one else ("j'suis trop con").
    told = max((position for position in range(start) if tokens[position] in OPINION), default=-1)
    before = [target for position, target in targets if told < position < start]
    if before and set(before) == {Kind.SELF}:  # "..., and I say this as calmly as I can, a total idiot"
        before = [target for position, target in targets if position < start]
    others = [target for target in before if target != Kind.SELF]
    if others or before:
        return (others or before)[0]
    # The reader addressed just after: "what a moron you are", "quel naze tu fais".
    later = [position for position, _target in targets if end <= position <= end + 3]
    return Kind.PERSON if any(tokens[position] in SECOND_PERSON for position in later) else None


def _part_end(position, commas, length):
    return min((comma for comma in commas if comma > position), default=length)


# What makes a word say what someone is: "they are vermin", "ces gens sont des parasites", "c'est de la
# vermine".
COPULAS = frozenset({"are", "is", "re", "s", "sont", "est", "es", "etes", "c"})


def _said_of(start, people, tokens):
    """Whether the word at `start` says what the people named before it are: "immigrants are parasites", not
    "vous aimez les animaux"."""
    return any(position < start and COPULAS.intersection(tokens[position:start]) for position in people)


def _between(targets, start, end):
    return any(start <= position < end for position, _kind in targets)
