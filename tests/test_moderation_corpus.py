"""benchmarks/moderation_corpus.toml: the labelled comments that measure the moderation policy.

The benchmark and the policy tests read it; an entry with a misspelt label or family would silently drop out
of their figures, and a corpus that shrinks below the issue's minimums would measure less than it claims.
"""

import tomllib
from collections import Counter
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "benchmarks" / "moderation_corpus.toml"
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


@pytest.fixture(scope="module")
def comments():
    return tomllib.loads(CORPUS.read_text(encoding="utf-8"))["comment"]


def test_every_entry_has_a_known_language_label_and_family(comments):
    for comment in comments:
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
