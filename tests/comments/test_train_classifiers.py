"""comments/management/commands/train_classifiers.py: the classifiers learnt from labelled comments, and
their thresholds chosen on the samples."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comments.classifier import Classifier
from comments.management.commands import train_classifiers


def write_comments(path, comments, language="en"):
    entries = [
        f'[[comment]]\nlang = "{language}"\nlabel = "{label}"\ntext = "{text}"\n' for label, text in comments
    ]
    path.write_text("\n".join(entries), encoding="utf-8")


def test_training_chooses_the_threshold_on_the_samples_and_reads_words_as_the_policy_does(tmp_path):
    """The training set's civil comments read exactly like the samples' abusive ones: counted, they would
    keep the threshold above every abusive comment. The samples' civil comments stay published, and the
    untouched held-out set is not read (it would not even parse)."""
    names = ["cook", "baker", "writer", "reader", "driver", "singer", "player", "teacher", "farmer", "tailor"]
    dishes = ["soup", "bread", "cake", "pie", "stew", "salad", "tart", "curry", "roast", "omelette"]
    samples = [("abusive", f"you are a stupid {name}") for name in names]
    samples += [("civil", f"thanks for the {dish} recipe, it worked") for dish in dishes]
    samples += [("abusive", "what a r e t a r d"), ("abusive", "you are a r e t a r d")]
    write_comments(tmp_path / "moderation_corpus.toml", samples)
    look_alikes = [("civil", f"you are a stupid {name}!") for name in names[:5]]
    write_comments(tmp_path / "moderation_training_1.toml", look_alikes)
    (tmp_path / train_classifiers.UNTOUCHED).write_text("not = [toml", encoding="utf-8")
    output, printed = tmp_path / "classifiers", io.StringIO()

    call_command("train_classifiers", corpora=str(tmp_path), output=str(output), stdout=printed)

    model = Classifier.from_json((output / "abuse.json").read_text(encoding="utf-8"))
    assert model.threshold < 0.5
    assert "| en | civil | samples | without | 10 | 0 (0.0 %) |" in printed.getvalue()
    assert re.search(r"\| en \| civil \| training sets \| without \| 5 \| [1-5] ", printed.getvalue())
    # Letters spaced out after a one-letter word are read as the lexicon reads them: "a retard".
    assert "retard" in model.weights and "aretard" not in model.weights
    # No comment here has a link: the spam classifier has no lower threshold to choose.
    spam = Classifier.from_json((output / "spam.json").read_text(encoding="utf-8"))
    assert spam.linked_threshold == spam.threshold > 0


def test_training_refuses_a_folder_without_samples_of_a_language(tmp_path):
    """Without a sample of French civil comments, no threshold could keep them published."""
    write_comments(
        tmp_path / "moderation_corpus.toml", [("civil", "thanks, it worked"), ("abusive", "you idiot")]
    )
    write_comments(tmp_path / "moderation_training_1.toml", [("civil", "merci")], language="fr")
    with pytest.raises(CommandError, match="fr civil"):
        call_command(
            "train_classifiers", corpora=str(tmp_path), output=str(tmp_path / "out"), stdout=io.StringIO()
        )
    assert not (tmp_path / "out").exists()


def test_training_chooses_a_lower_spam_threshold_for_comments_with_a_link(tmp_path):
    """The spam classifier's threshold for comments with a link keeps 90 % of the civil and critical comments
    with a link published (one of these ten at most is held): below its threshold, which two civil comments
    written like spam keep high. The abuse classifier has one threshold."""
    shops = ["scooters", "helmets", "tyres", "bikes", "locks", "lights", "pumps", "seats", "chains", "bells"]
    samples = [("spam", f"best cheap {shop} here, order today at {shop}.example") for shop in shops]
    samples += [("spam", f"best cheap {shop} here, order today") for shop in shops]
    samples += [("civil", f"the council page on {shop} is at council.example/{shop}") for shop in shops]
    samples += [("civil", f"thanks, my {shop} arrived and work well") for shop in shops]
    samples += [("civil", f"best cheap {shop} here, order today") for shop in ["mirrors", "baskets"]]
    samples += [("critical", f"this advice on {shop} is wrong") for shop in shops]
    samples += [("abusive", f"you are a stupid {shop} seller") for shop in shops]
    write_comments(tmp_path / "moderation_corpus.toml", samples)
    output, printed = tmp_path / "classifiers", io.StringIO()

    call_command("train_classifiers", corpora=str(tmp_path), output=str(output), stdout=printed)

    spam = Classifier.from_json((output / "spam.json").read_text(encoding="utf-8"))
    abuse = Classifier.from_json((output / "abuse.json").read_text(encoding="utf-8"))
    assert spam.linked_threshold < spam.threshold
    assert abuse.linked_threshold == abuse.threshold
    assert re.search(r"\| en \| civil \| samples \| with a link \| 10 \| [01] ", printed.getvalue())
    assert re.search(r"\| en \| spam \| samples \| with a link \| 10 \| ", printed.getvalue())


def test_training_chooses_a_threshold_for_each_language(tmp_path):
    """Two English civil comments written like spam keep the English threshold high; the French one, with no
    such comment, is lower; the highest serves a comment whose language is not told."""
    shops = ["scooters", "helmets", "tyres", "bikes", "locks", "lights", "pumps", "seats", "chains", "bells"]
    english = [("spam", f"best cheap {shop} here, order today at the shop") for shop in shops]
    english += [("civil", f"thanks, the {shop} arrived and they work well") for shop in shops]
    english += [("civil", f"best cheap {thing} here, order today at the shop") for thing in ["bags", "horns"]]
    english += [("critical", f"this advice on {shop} is wrong") for shop in shops]
    french = [("spam", f"les meilleurs {shop} pas chers, commandez aujourd'hui") for shop in shops]
    french += [("civil", f"merci, les {shop} sont arrivés et marchent bien") for shop in shops]
    french += [("critical", f"ce conseil sur les {shop} est faux") for shop in shops]
    write_comments(tmp_path / "moderation_corpus.toml", english)
    write_comments(tmp_path / "moderation_heldout.toml", french, language="fr")
    output = tmp_path / "classifiers"

    call_command("train_classifiers", corpora=str(tmp_path), output=str(output), stdout=io.StringIO())

    spam = Classifier.from_json((output / "spam.json").read_text(encoding="utf-8"))
    assert set(spam.thresholds) == {"en", "fr"}
    assert spam.thresholds["fr"] < spam.thresholds["en"] == spam.threshold
