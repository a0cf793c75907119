"""Second readings of abuse and spam: small linear models of words, trained on labelled comments.

The lexicon (comments/abuse.py) reads what a rude word is aimed at, but abuse is often phrased in words no
list holds: "People like you should be banned from having kids", "Keep talking and you'll regret it",
"Typical woman driver post, stick to cooking"; and spam rarely uses the same words twice. A classifier weighs
every word of a comment, its first five letters (so that "idiots" and "idiote" share "idiot") and every pair
of words in a row ("like you", "go back", "your kind", "contact me"), by how often each appeared in comments
of the label it reads (abusive, or spam) and in the others of the labelled corpora (benchmarks/moderation_*
.toml, see moderation_corpus.md): logistic regression, trained by `manage.py train_classifiers` and kept as
data in classifiers/NAME.json, with the thresholds that training chose (one for each language).

A long comment is read in windows of whole sentences of at most WINDOW words, and is held when one window's
probability reaches the threshold: an attack buried in a long, reasoned comment is read on its own, as the
short comments of the corpora were. The words are the lexicon's (`abuse.Reading.tokens`): casefolded, accents
dropped, digits and symbols read as letters, letters spaced out joined up; but what is quoted is read, with
what surrounds it, so that "he called me 'X'" and "you're a 'X'" are told apart, and links are not.

Training is logistic regression with a strong L2 penalty (0.01): a common word ("you", "hope") then weighs
little on its own, and a short friendly comment ("Hope you enjoy it!") is not held for its few words.

Pure: nothing here reads the database, the request or the settings; the caller loads a classifier
(`Classifier.load`) and passes it in the policy's facts.
"""

import bisect
import collections
import functools
import itertools
import json
import math
import operator
import random
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from .abuse import BREAK, COMMA, LINK, PHONE, words_said

FOLDER = Path(__file__).with_name("classifiers")
WINDOW = 50  # the most words read as one comment: most comments of the corpora are shorter
STEM = 5  # the letters a word's family is known by
WORDS_KEPT = 50_000  # words whose weight is kept between comments; past this, the kept ones are forgotten
LONGEST = 40  # letters of a word read
LEANING = 0.5  # of its threshold: a classifier leaning towards its label (`Classifier.leans_to`)
START, END = "^", "$"  # the edges of a window, paired with its first and last words
_UNREAD = frozenset({COMMA, LINK, PHONE})
_NO_PAIRS: dict = {}  # the pairs of a word that starts none


def sentences(tokens: list[str]) -> tuple[list[str], list[int]]:
    """The words of a comment's sentences laid end to end (`abuse.Reading.tokens` without its commas, links
    and sentence ends), and the length of each sentence, one longer than WINDOW words cut into pieces. Commas
    and links are left out: a link is the link rule's business, and the labelled corpora's links would teach
    the classifiers that any link is spam."""
    kept = list(itertools.filterfalse(_UNREAD.__contains__, tokens))
    words, lengths, start = [], [], 0
    try:
        while True:  # list.index finds each end faster than a comparison of every token
            end = kept.index(BREAK, start)
            words += kept[start:end]
            lengths.append(end - start)
            start = end + 1
    except ValueError:  # the last sentence
        words += kept[start:]
        lengths.append(len(kept) - start)
    if max(map(len, words), default=0) > LONGEST:  # no weight is that long; kept words stay small
        words = [word[:LONGEST] for word in words]
    if max(lengths) > WINDOW:
        lengths = [min(WINDOW, length - cut) for length in lengths for cut in range(0, length, WINDOW)]
    return words, [length for length in lengths if length]


# Words that tell a comment's language (`language`): frequent, and each in one language only.
LANGUAGE_WORDS = {
    "en": frozenset(
        {"the", "and", "is", "are", "you", "your", "this", "that", "it", "of", "to", "in", "for"}
        | {"with", "not", "was", "have", "be", "what", "i", "my", "we", "they", "at", "just", "so"}
        | {"but", "if", "do", "dont", "its", "im"}
    ),
    "fr": frozenset(
        {"le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "que", "qui", "pas", "je"}
        | {"tu", "vous", "il", "elle", "ce", "c", "l", "d", "j", "n", "qu", "sur", "pour", "dans"}
        | {"avec", "mais", "ou", "ne", "mon", "ton", "sa", "ses", "au", "aux", "cette", "ca", "t"}
        | {"es", "suis"}
    ),
}


LANGUAGE_SAMPLE = 200  # the first words, enough to tell


def language(words: list[str]) -> str | None:
    """The language of a comment's words (`Words.words`), by which has more of its LANGUAGE_WORDS; None
    when neither has more (a few words, a name, a link). Right on 99.98 % of the labelled comments it tells
    (98 % of them: the rest have none, or as many of each)."""
    words = words[:LANGUAGE_SAMPLE]
    counts = {name: sum(map(known.__contains__, words)) for name, known in LANGUAGE_WORDS.items()}
    first, second = sorted(counts, key=counts.get, reverse=True)
    return first if counts[first] > counts[second] else None


class Words:
    """A comment's words as the classifiers read them, worked out once for all of them, when one first reads
    them: laid end to end, and the windows (`windows`). From the tokens the lexicon read
    (`abuse.Reading.tokens`), or when it read none, from the text."""

    def __init__(self, tokens: list[str] | None, text: str = ""):
        self.tokens, self.text = tokens, text
        self.probabilities = {}  # by classifier, once read (`Classifier.probability`, `holds_together`)

    @functools.cached_property
    def _read(self):
        return words_said(self.text) if self.tokens is None else self.tokens

    @functools.cached_property
    def _parts(self):
        return sentences(self._read)

    @functools.cached_property
    def language(self) -> str | None:
        return language(self.words)

    @functools.cached_property
    def contact(self) -> bool:
        """Whether the comment holds a way to reach its writer: a link, a bare domain, a mail address (what
        `abuse._said` reads as LINK: an address on one of the domain endings it knows) or a phone number
        (PHONE: a number of a phone's shape)."""
        return self.linked or PHONE in self._read

    @functools.cached_property
    def linked(self) -> bool:
        """Whether the comment holds a link, a bare domain or a mail address: a contact that is no phone
        number (readers give a helpline's or a shop's number far more often than its address)."""
        return LINK in self._read

    @functools.cached_property
    def spans(self):
        return windows(self._parts[1])

    @property
    def words(self) -> list[str]:
        return self._parts[0]

    @classmethod
    def of(cls, text: str) -> "Words":
        return cls(None, text)


def features(words: list[str]) -> list[str]:
    """What the model weighs in a run of words: each word, the first STEM letters of a longer word (marked
    "~"), each pair of words in a row, the edges included."""
    found = []
    previous = START
    for word in words:
        found.append(word)
        if len(word) > STEM:
            found.append(word[:STEM] + "~")
        found.append(f"{previous} {word}")
        previous = word
    found.append(f"{previous} {END}")
    return found


def windows(lengths: list[int]) -> list[tuple[int, int]]:
    """The runs of words the model reads, given the length of each sentence (none longer than WINDOW:
    `sentences` cuts them), as (start, end) in the sentences' words laid end to end: all of them when there
    are at most WINDOW, otherwise each run of whole sentences of at most WINDOW words, one starting at each
    sentence."""
    ends = list(itertools.accumulate(lengths))  # where each sentence ends
    if not ends or ends[-1] <= WINDOW:
        return [(0, ends[-1])] if ends and ends[-1] else []
    starts = [0, *ends[:-1]]
    # The last sentence that ends at most WINDOW words after each start: no sentence is longer (`sentences`).
    lasts = [bisect.bisect_right(ends, start + WINDOW) - 1 for start in starts]
    return list(zip(starts, map(ends.__getitem__, lasts), strict=True))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


class Classifier:
    """Weights of features (`features`), a bias, and the probability from which a comment is held: its
    language's threshold (`thresholds`), or `threshold` when its language is not told, and no more than
    `linked_threshold` for a comment with a link from a reader who is not a regular (`threshold_for`). The
    empty classifier holds nothing.

    Kept as read (`Words`): single words and stems by their text, pairs by their first word then their second
    (one small table a word: a look-up in it is quicker than one in a table of every pair), each word's text
    kept once (`sys.intern`) and each distinct weight once: the 143,000 weights of the two shipped classifiers
    take 9.7 MB, read in 0.2 s, once a process (`load`)."""

    def __init__(
        self,
        weights: dict | None = None,
        bias: float = 0.0,
        threshold: float = 0.5,
        linked_threshold: float | None = None,
        thresholds: dict | None = None,
    ):
        self.bias, self.threshold = bias, threshold
        self.linked_threshold = threshold if linked_threshold is None else linked_threshold
        self.thresholds = thresholds or {}  # by language ("en", "fr")
        self._singles, self._after, distinct = {}, {}, {}
        for feature, weight in (weights or {}).items():
            weight = distinct.setdefault(weight, weight)
            if " " in feature:
                first, second = feature.split(" ")
                self._after.setdefault(sys.intern(first), {})[sys.intern(second)] = weight
            else:
                self._singles[sys.intern(feature)] = weight
        # Each word's weight with its stem's, and the pairs it starts (`_follow`), kept as words are met:
        # readers' words are mostly the same few thousand.
        self._alone, self._followers = {}, {}

    @property
    def weights(self) -> dict:
        """Every weight by its feature (`features`)."""
        pairs = {
            f"{first} {second}": weight
            for first, after in self._after.items()
            for second, weight in after.items()
        }
        return {**self._singles, **pairs}

    def _weight(self, feature: str) -> float:
        if " " in feature:
            first, second = feature.split(" ")
            return self._after.get(first, _NO_PAIRS).get(second, 0.0)
        return self._singles.get(feature, 0.0)

    @property
    def empty(self) -> bool:
        return not (self._singles or self._after)

    def _weigh(self, word: str) -> float:
        """A word's weight with its stem's."""
        weights = self._singles
        return weights.get(word, 0.0) + (weights.get(word[:STEM] + "~", 0.0) if len(word) > STEM else 0.0)

    def _follow(self, word: str) -> dict:
        """The pairs `word` starts, by their second word, each weighed with its second word (`_weigh`): what
        that word adds after `word`."""
        return _with_second(self._after.get(word, _NO_PAIRS), self._weigh)

    def _best_window(self, words: Words):
        """The window with the highest score (z), as (z, start, end), or None for a comment without words."""
        if not words.spans:
            return None
        kept = (self._alone, self._followers)
        sums, (self._alone, self._followers) = _window_sums(words, self._weigh, self._follow, kept, 0.0)
        z, (start, end) = max(zip(sums, words.spans, strict=True), key=operator.itemgetter(0))
        return self.bias + z, start, end

    def probability(self, words: Words) -> float:
        """The highest probability of the label among the windows of a comment's words; 0 without words or
        weights."""
        if self.empty:
            return 0.0
        probability = words.probabilities.get(self)
        if probability is None:
            best = self._best_window(words)
            probability = words.probabilities[self] = 0.0 if best is None else _sigmoid(best[0])
        return probability

    def threshold_for(self, words: Words, linked: bool | None = None) -> float:
        """The threshold of a comment: its language's, or `threshold`; and no more than `linked_threshold`
        where its link counts (`linked`: by default, where it has one; the policy does not count a
        regular's, `moderation.decide`)."""
        threshold = self.thresholds.get(words.language, self.threshold) if self.thresholds else self.threshold
        return (
            min(threshold, self.linked_threshold)
            if (words.linked if linked is None else linked)
            else threshold
        )

    def holds(self, words: Words, linked: bool | None = None) -> bool:
        return not self.empty and self.probability(words) >= self.threshold_for(words, linked)

    def leans_to(self, words: Words) -> bool:
        """Whether a comment's probability reaches LEANING of its threshold, a link not counted: what confirms
        a reading the lexicon is unsure of. The empty classifier confirms any."""
        return self.empty or self.probability(words) >= LEANING * self.threshold_for(words, linked=False)

    def weighed_most(self, words: Words, count: int = 5) -> list[str]:
        """The words and pairs of words that weighed most towards the label in the window that has most of it,
        heaviest first, for moderators."""
        best = None if self.empty else self._best_window(words)
        if best is None:
            return []
        _z, start, end = best
        weights = {feature: self._weight(feature) for feature in set(features(words.words[start:end]))}
        heaviest = sorted((f for f, weight in weights.items() if weight > 0), key=lambda f: (-weights[f], f))
        shown = []
        for feature in heaviest:
            said = " ".join(part for part in feature.split(" ") if part not in (START, END)).replace("~", "…")
            if said not in shown:
                shown.append(said)
        return shown[:count]

    def to_json(self) -> str:
        weights = {feature: round(weight, 3) for feature, weight in sorted(self.weights.items())}
        return json.dumps(
            {
                "bias": round(self.bias, 4),
                "threshold": round(self.threshold, 4),
                "linked_threshold": round(self.linked_threshold, 4),
                "thresholds": {name: round(value, 4) for name, value in sorted(self.thresholds.items())},
                "weights": {feature: weight for feature, weight in weights.items() if weight},
            },
            ensure_ascii=False,
            indent=0,  # a weight a line: a new training's changes show in a diff
        )

    @classmethod
    def from_json(cls, text: str) -> "Classifier":
        data = json.loads(text)
        return cls(
            weights=data["weights"],
            bias=data["bias"],
            threshold=data["threshold"],
            linked_threshold=data.get("linked_threshold"),
            thresholds=data.get("thresholds"),
        )

    @classmethod
    @functools.cache
    def load(cls, name: str) -> "Classifier":
        """The classifier trained for `name` ("abuse", "spam"), read once."""
        return cls.from_json((FOLDER / f"{name}.json").read_text(encoding="utf-8"))


def _remember(kept: dict, words: set[str], weigh) -> dict:
    """`kept` (word: its weight) with the weight of each of `words` it lacks (`weigh`): readers' words are
    mostly the same few thousand. Past WORDS_KEPT words, a new dict: a reading in another thread keeps its
    own."""
    if len(kept) > WORDS_KEPT:
        kept = {}
    for word in words.difference(kept):
        kept[word] = weigh(word)
    return kept


def _with_second(pairs: dict, weigh) -> dict:
    """Pairs' weights (second word: weight) each with its second word's own (`weigh`), END's none."""
    if not pairs:
        return _NO_PAIRS  # most words: one table for all
    return {second: weight + (weigh(second) if second != END else 0) for second, weight in pairs.items()}


def _window_sums(
    words: Words, weigh, follow, kept: tuple[dict, dict], zero
) -> tuple[list, tuple[dict, dict]]:
    """The sum of the weights of each window's features (`features`), in the order of `words.spans`, and the
    weights now kept (`_remember`): plain numbers, or complex ones for two classifiers read together
    (`holds_together`). `weigh`: a word's weight with its stem's; `follow`: the pairs a word starts, each
    with its second word's weight (`Classifier._follow`); `kept`: the weights of both kept so far.

    Each word's weight (itself, its stem, its pair with the word before) is counted once, in one look-up: its
    pair's, or its own where the word before starts no pair with it. A window starting after the first word
    trades the pair across its edge for its own edge."""
    said = words.words
    met = set(said)
    alone = _remember(kept[0], met, weigh)
    met.add(START)
    followers = _remember(kept[1], met, follow)
    weights = list(
        map(dict.get, map(followers.__getitem__, [START, *said]), said, map(alone.__getitem__, said))
    )
    sums = [zero, *itertools.accumulate(weights)]
    starts = followers[START]
    found = []
    for start, end in words.spans:
        z = sums[end] - sums[start] + followers[said[end - 1]].get(END, zero)
        if start:
            word = said[start]
            z += starts.get(word, alone[word]) - weights[start]
        found.append(z)
    return found, (alone, followers)


class _Together:
    """Two classifiers' weights in one table, each feature's as one complex number, the first classifier's
    weight its real part and the second's its imaginary part: one look-up and one running sum a word read both
    (complex numbers add their parts apart, so each sum is the one its classifier makes alone). The policy
    reads every comment with the classifiers of abuse and of spam; benchmarks/moderation.py times it."""

    def __init__(self, first: Classifier, second: Classifier):
        self.first, self.second = first, second
        distinct = {}
        self.after = {}
        for part, classifier in ((1.0, first), (1j, second)):
            for word, after in classifier._after.items():
                together = self.after.setdefault(word, {})
                for following, weight in after.items():
                    together[following] = together.get(following, 0j) + part * weight
        for after in self.after.values():
            for following, weight in after.items():
                after[following] = distinct.setdefault(weight, weight)
        # Each word's two weights with its stems', and the pairs it starts, as words are met (`_remember`).
        self.kept = ({}, {})

    def holds(self, words: Words, linked: bool | None = None) -> tuple[bool, bool]:
        first, second = self.first, self.second
        if not words.spans:  # no window to read: what each holds alone
            return first.holds(words, linked), second.holds(words, linked)

        def weigh(word):
            return complex(first._weigh(word), second._weigh(word))

        def follow(word):  # as `Classifier._follow`
            return _with_second(self.after.get(word, _NO_PAIRS), weigh)

        sums, self.kept = _window_sums(words, weigh, follow, self.kept, 0j)
        words.probabilities[first] = _sigmoid(first.bias + max(z.real for z in sums))
        words.probabilities[second] = _sigmoid(second.bias + max(z.imag for z in sums))
        return first.holds(words, linked), second.holds(words, linked)


@functools.lru_cache(maxsize=2)
def _together(first: Classifier, second: Classifier) -> _Together:
    return _Together(first, second)


def holds_together(
    words: Words, first: Classifier, second: Classifier, linked: bool | None = None
) -> tuple[bool, bool]:
    """`first.holds(words, linked)` and `second.holds(words, linked)`, read at once (`_Together`)."""
    if first.empty or second.empty:
        return first.holds(words, linked), second.holds(words, linked)
    return _together(first, second).holds(words, linked)


def train(
    examples: Iterable[tuple[str, bool]],
    *,
    read: Callable[[str], Words] = Words.of,
    epochs: int = 30,
    l2: float = 0.01,
    rate: float = 0.5,
    seed: int = 1,
    min_count: int = 1,
) -> Classifier:
    """Logistic regression on (text, has_the_label) pairs, each comment read whole, by stochastic gradient
    descent with AdaGrad steps and an L2 penalty, in a fixed order (`seed`): the same examples give the same
    model. Its threshold stays 0.5; `choose_threshold` picks one from probabilities on unseen comments.
    `read`: a comment's words (`Words`); `manage.py train_classifiers` reads them as the policy does.
    `min_count`: a feature found in fewer comments than this is not learnt (a pair of words only one comment
    holds says more about that comment's writer than about its label)."""
    data = [(features(read(text).words), 1.0 if labelled else 0.0) for text, labelled in examples]
    if min_count > 1:
        counts = collections.Counter(feature for found, _label in data for feature in set(found))
        data = [
            ([feature for feature in found if counts[feature] >= min_count], label) for found, label in data
        ]
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias = bias_squares = 0.0
    order = random.Random(seed)
    for _epoch in range(epochs):
        order.shuffle(data)
        for found, label in data:
            error = _sigmoid(bias + sum(weights.get(feature, 0.0) for feature in found)) - label
            for feature in found:
                weight = weights.get(feature, 0.0)
                gradient = error + l2 * weight
                squares[feature] = squares.get(feature, 0.0) + gradient * gradient
                weights[feature] = weight - rate * gradient / math.sqrt(squares[feature] + 1e-8)
            bias_squares += error * error
            bias -= rate * error / math.sqrt(bias_squares + 1e-8)
    return Classifier(weights=weights, bias=bias)


def choose_threshold(innocent: Iterable[tuple[str, float]], *, published_at_least: float) -> float:
    """The lowest threshold that still publishes at least `published_at_least` (0 to 1) of the innocent
    comments of each group, given as (group, probability) pairs measured on comments the classifier did not
    see: the civil comments in English, the critical ones in French, and so on, each group on its own."""
    groups: dict[str, list[float]] = {}
    for group, probability in innocent:
        groups.setdefault(group, []).append(probability)
    threshold = 0.0
    for probabilities in groups.values():
        probabilities.sort(reverse=True)
        allowed = int(len(probabilities) * (1 - published_at_least) + 1e-9)  # that may be held
        if allowed < len(probabilities):  # hold above the (allowed + 1)-th highest: at most `allowed` held
            threshold = max(threshold, min(1.0, probabilities[allowed] + 1e-6))
    return threshold
