"""benchmarks/moderation_corpus.toml, the held-out and the training sets: the labelled comments that measure
the policy and that its classifiers learn from.

The benchmark, the policy tests and `manage.py train_classifiers` read them; an entry with a misspelt label or
family would silently drop out of their figures or teach the classifiers the wrong thing, and a corpus that
shrinks below the issue's minimums would measure less than it claims. The held-out sets
(moderation_heldout*.toml) measure the signal on comments it was not written against: no comment appears in
two files, and the last held-out set is never learnt from.
"""

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from comments import moderation, services
from comments.default_abuse_lexicon import seeded_lexicon
from comments.management.commands import train_classifiers

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
CORPUS = BENCHMARKS / "moderation_corpus.toml"
HELD_OUT = train_classifiers.held_out_sets(BENCHMARKS)  # in the order they were written
TRAINING = sorted(BENCHMARKS.glob("moderation_training_*.toml"))
FAMILIES = {
    "abusive": {
        "insult-you",
        "insult-author",
        "insult-commenters",
        "group-hate",
        "exclusion",
        "threat",
        "dehumanising",
        "vocative",
        "split-insult",
        "obfuscated",
    },
    "critical": {"rude-about-idea", "harsh-review", "disagreement", "sarcasm"},
    "civil": set(),
    "spam": set(),
}
MINIMUM_PER_LANGUAGE = {"civil": 70, "critical": 70, "abusive": 60, "spam": 20}
# Each family needs enough examples in each language for a miss to show in the benchmark's list.
MINIMUM_PER_FAMILY = 5


def read(path):
    return tomllib.loads(path.read_text(encoding="utf-8"))["comment"]


@pytest.fixture(scope="module")
def comments():
    return read(CORPUS)


@pytest.mark.parametrize("path", [CORPUS, *HELD_OUT, *TRAINING], ids=lambda path: path.name)
def test_every_entry_has_a_known_language_label_and_family(path):
    for comment in read(path):
        assert set(comment) <= {"lang", "label", "family", "text", "note"}, comment
        assert comment["lang"] in {"en", "fr"}, comment
        assert comment["label"] in FAMILIES, comment
        assert comment["text"].strip(), comment
        families = FAMILIES[comment["label"]]
        if families:
            assert comment.get("family") in families, comment
        else:
            assert "family" not in comment, comment


def test_no_comment_appears_twice(comments):
    texts = Counter(comment["text"].casefold() for comment in comments)
    assert [text for text, count in texts.items() if count > 1] == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_language_has_the_minimum_per_label(comments, lang):
    labels = Counter(comment["label"] for comment in comments if comment["lang"] == lang)
    assert sum(labels.values()) >= 220
    for label, minimum in MINIMUM_PER_LANGUAGE.items():
        assert labels[label] >= minimum, label


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_family_is_represented_in_each_language(comments, lang):
    families = Counter(comment.get("family") for comment in comments if comment["lang"] == lang)
    for family in set().union(*FAMILIES.values()):
        assert families[family] >= MINIMUM_PER_FAMILY, family


def test_the_corpus_holds_at_least_440_comments(comments):
    assert len(comments) >= 440


def test_no_comment_appears_in_two_files():
    assert len(HELD_OUT) >= 2
    files = [CORPUS, *HELD_OUT, *TRAINING]
    seen = Counter(comment["text"].casefold() for path in files for comment in read(path))
    assert [text for text, count in seen.items() if count > 1] == []


def test_the_classifiers_never_learn_from_the_last_held_out_set():
    assert HELD_OUT[-1].name == train_classifiers.UNTOUCHED
    learnt = train_classifiers.labelled_comments(BENCHMARKS)
    assert len(learnt) == sum(len(read(path)) for path in [CORPUS, *HELD_OUT[:-1], *TRAINING])


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda path: path.name)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_held_out_set_weighs_criticism_against_abuse_in_each_language(path, lang):
    labels = Counter(comment["label"] for comment in read(path) if comment["lang"] == lang)
    assert labels["civil"] >= 10 and labels["critical"] >= 10 and labels["abusive"] >= 8
    # Sets 1 to 3 weigh them 3 to 2; sets 4 and later, which measure the classifiers on spam too, 2 to 1.
    assert labels["civil"] + labels["critical"] >= 1.5 * labels["abusive"]


@pytest.mark.parametrize("classifiers", [False, True], ids=["lexicon alone", "with the classifiers"])
def test_the_corpus_meets_the_issue_s_targets_through_the_policy_s_decision(comments, classifiers):
    """Civil and critical published at once: 98 % in each language; abusive held: 90 %; spam: all held. (The
    classifiers learnt from this corpus: with them, this checks that the policy uses them as trained; what
    they do on comments they never saw is the benchmark's last held-out set.)"""
    lexicon = seeded_lexicon()
    rules = moderation.Rules(max_links=2, min_seconds=3, rate_limit=5)
    trained = services.classifiers() if classifiers else {}
    held = Counter()
    for comment in comments:
        facts = moderation.Facts(text=comment["text"], seconds_to_submit=60.0, lexicon=lexicon, **trained)
        outcome = moderation.decide(facts, rules).outcome
        held[comment["lang"], comment["label"]] += outcome != moderation.PUBLISHED
    counts = Counter((comment["lang"], comment["label"]) for comment in comments)
    for (lang, label), count in counts.items():
        share_held = held[lang, label] / count
        if label in ("civil", "critical"):
            assert 1 - share_held >= 0.98, (lang, label)
        else:
            assert share_held >= (0.9 if label == "abusive" else 1), (lang, label)
