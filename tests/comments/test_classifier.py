"""comments.classifier: small linear models of words that hold abuse and spam no word of the lexicon names.

The functions are pure; the trained classifiers (comments/classifiers/*.json) are data, and are tested here as
the policy uses them: on sentences no corpus holds, and in the policy's decision.
"""

import collections
import json
import random
import re
from pathlib import Path

import pytest

from comments import abuse, classifier, moderation
from comments.abuse import BREAK, COMMA, LINK, words_said
from comments.classifier import (
    WINDOW,
    Classifier,
    Words,
    choose_threshold,
    features,
    sentences,
    train,
    windows,
)
from comments.default_abuse_lexicon import seeded_lexicon
from comments.services import policy_rules

# A tiny labelled corpus: what a classifier trained on it must tell apart.
TINY = [
    ("people like you should not be allowed near children", True),
    ("people like you make me sick, go away", True),
    ("nobody wants your kind here, go away", True),
    ("you should be ashamed to exist", True),
    ("people like you make this blog a pleasure to read", False),
    ("you should try it with brown butter", False),
    ("the recipe is wrong, the oven is too hot", False),
    ("thanks, this helped with my sourdough", False),
]


def test_features_are_words_stems_and_pairs_with_the_edges():
    assert features(["people", "like", "you"]) == [
        "people",
        "peopl~",
        "^ people",
        "like",
        "people like",
        "you",
        "like you",
        "you $",
    ]


def test_sentences_are_cut_at_their_ends_without_commas_and_long_ones_cut_at_the_window():
    """The words laid end to end, and the length of each sentence."""
    assert sentences(["go", COMMA, "away", BREAK, BREAK, "now"]) == (["go", "away", "now"], [2, 1])
    assert sentences([BREAK, "now", BREAK]) == (["now"], [1])
    assert sentences([]) == ([], [])
    long = [f"w{index}" for index in range(2 * WINDOW + 3)]
    assert sentences([*long, BREAK, "end"]) == ([*long, "end"], [WINDOW, WINDOW, 3, 1])


def test_a_short_comment_is_one_window_and_a_long_one_runs_of_whole_sentences():
    assert windows([3, 4]) == [(0, 7)]
    assert windows([]) == []
    assert windows([30, 15, 10, 40]) == [(0, 45), (30, 55), (45, 95), (55, 95)]


def test_a_window_holds_whole_sentences_up_to_exactly_window_words():
    exact = [f"w{index}" for index in range(WINDOW)]
    assert sentences([*exact, BREAK, "one"]) == ([*exact, "one"], [WINDOW, 1])
    assert windows([WINDOW]) == [(0, WINDOW)]
    assert windows([WINDOW, 1]) == [(0, WINDOW), (WINDOW, WINDOW + 1)]
    assert windows([1, WINDOW - 1, 1]) == [(0, WINDOW), (1, WINDOW + 1), (WINDOW, WINDOW + 1)]


def test_a_very_long_word_is_read_cut_short():
    assert sentences(["a" * 5000, "you"]) == (["a" * 40, "you"], [2])


def test_the_words_read_are_the_lexicon_s_quotes_included_links_as_one_word():
    assert words_said("T'es un « idiot », c0nnard ! https://x.example") == [
        "t",
        "es",
        "un",
        "idiot",
        COMMA,
        "connard",
        BREAK,
        abuse.LINK,
    ]
    assert sentences(words_said("Lis https://x.example, idiot.")) == (["lis", "idiot"], [2])


def naive_z(model, words):
    return model.bias + sum(model.weights.get(feature, 0.0) for feature in features(words))


def test_the_score_of_each_window_is_the_sum_of_its_features_weights():
    """The fast sums (`_best_window`) give what summing `features` of the window's words gives."""
    randomised = random.Random(3)
    vocabulary = ["you", "are", "the", "worst", "idea", "people", "like", "go", "home", "recipe", "stupidity"]
    weights = {}
    for first in ["^", *vocabulary]:
        weights[first] = randomised.uniform(-1, 1)
        for second in [*vocabulary, "$"]:
            weights[f"{first} {second}"] = randomised.uniform(-1, 1)
    weights["stupi~"] = 0.7
    model = Classifier(weights=weights, bias=-0.3)
    for _ in range(50):
        tokens = []
        for _sentence in range(randomised.randint(1, 12)):
            tokens += randomised.choices([*vocabulary, COMMA], k=randomised.randint(1, 20)) + [BREAK]
        words = Words(tokens)
        z, start, end = model._best_window(words)
        assert z == pytest.approx(naive_z(model, words.words[start:end]))
        assert z == pytest.approx(max(naive_z(model, words.words[first:last]) for first, last in words.spans))
        assert words.spans == windows(sentences(tokens)[1])


def test_a_comment_with_a_link_from_a_new_reader_is_read_with_the_lower_threshold():
    """A link (or a bare domain, or a mail address) is what most spam is for: the spam classifier holds such
    a comment from a lower probability, unless its link does not count (the policy does not count a
    regular's)."""
    spam = Classifier(weights={"cheap": 1.0}, bias=-1.2, threshold=0.5, linked_threshold=0.4)
    plain, linked = Words.of("cheap scooters"), Words.of("cheap scooters at scooters.example")
    mailed = Words.of("cheap scooters, write to sales@scooters.example")
    assert spam.probability(plain) == pytest.approx(spam.probability(linked))  # the link weighs nothing
    assert 0.4 < spam.probability(plain) < 0.5
    assert not plain.linked and linked.linked and mailed.linked
    assert not spam.holds(plain)
    assert spam.holds(linked) and spam.holds(mailed)
    assert not spam.holds(linked, linked=False)  # a regular's link, say
    # A phone number is a way to reach the writer, but no link: readers give helplines' numbers.
    called = Words.of("cheap scooters, call 06 00 00 00 00")
    assert called.contact and not called.linked and not spam.holds(called)
    assert linked.contact and mailed.contact and not plain.contact
    assert classifier.holds_together(linked, Classifier(), spam) == (False, True)
    assert classifier.holds_together(linked, spam, spam, linked=False) == (False, False)
    # Kept with the weights; a classifier saved before it had one threshold for both.
    assert Classifier.from_json(spam.to_json()).linked_threshold == 0.4
    saved_before = json.dumps({"bias": -1.2, "threshold": 0.5, "weights": {"cheap": 1.0}})
    assert Classifier.from_json(saved_before).linked_threshold == 0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks for the piece, it is the best guide to bike lanes I have read.", "en"),
        ("Merci pour l'article, c'est le meilleur guide sur les pistes cyclables.", "fr"),
        ("Bravo !", None),
        ("https://bikes.example", None),
        ("", None),
    ],
)
def test_a_comment_s_language_is_told_by_its_words(text, expected):
    assert Words.of(text).language == expected


def test_each_language_has_its_threshold_and_the_highest_serves_where_none_is_told():
    model = Classifier(
        weights={"cheap": 1.0},
        bias=-1.2,
        threshold=0.5,
        linked_threshold=0.3,
        thresholds={"en": 0.5, "fr": 0.4},
    )
    english, french = Words.of("cheap is the word for it"), Words.of("cheap, c'est le mot pour ça")
    unknown, linked = Words.of("cheap"), Words.of("cheap, c'est le mot: bikes.example")
    assert model.probability(english) == pytest.approx(model.probability(french))
    assert 0.4 < model.probability(english) < 0.5
    assert not model.holds(english) and model.holds(french)
    assert model.threshold_for(unknown) == 0.5 and not model.holds(unknown)
    assert model.threshold_for(linked) == 0.3 and model.threshold_for(linked, linked=False) == 0.4
    assert Classifier.from_json(model.to_json()).thresholds == {"en": 0.5, "fr": 0.4}
    assert Classifier(threshold=0.7).threshold_for(french) == 0.7  # saved before: one threshold


def test_two_classifiers_read_together_hold_what_each_holds_alone():
    """`holds_together` reads both from one table of complex weights: the same decisions as each alone, on
    random classifiers (thresholds near their scores, so that both outcomes occur, and lower ones for comments
    with a link) and random comments, from regulars or not."""
    randomised = random.Random(5)
    vocabulary = ["you", "are", "the", "worst", "idea", "people", "like", "go", "home", "recipe", "stupidity"]
    features_ = [*vocabulary, "stupi~", *(f"{a} {b}" for a in ["^", *vocabulary] for b in [*vocabulary, "$"])]
    outcomes = set()
    for _ in range(40):
        first, second = (
            Classifier(
                weights={f: randomised.uniform(-1, 1) for f in randomised.sample(features_, 60)},
                bias=randomised.uniform(-1, 1),
                threshold=randomised.uniform(0.3, 0.7),
                linked_threshold=randomised.uniform(0.2, 0.5),
            )
            for _classifier in range(2)
        )
        for _ in range(10):
            tokens = []
            for _sentence in range(randomised.randint(0, 8)):
                said = randomised.choices(vocabulary, k=randomised.randint(1, 30))
                tokens += said + ([LINK] if randomised.random() < 0.05 else []) + [BREAK]
            words, linked = Words(tokens), randomised.choice([None, None, False, True])
            together = classifier.holds_together(words, first, second, linked)
            # Each alone reads its own Words: `holds_together` keeps its probabilities in this one.
            assert together == (first.holds(Words(tokens), linked), second.holds(Words(tokens), linked))
            assert (
                words.probabilities
                == {
                    first: first.probability(Words(tokens)),
                    second: second.probability(Words(tokens)),
                }
                or not words.spans
            )
            outcomes.add(together)
    assert outcomes == {(False, False), (False, True), (True, False), (True, True)}
    empty, holds_all = Classifier(), Classifier(weights={"go": 1.0}, threshold=0.0)
    assert classifier.holds_together(Words.of("go home"), empty, empty) == (False, False)
    assert classifier.holds_together(Words.of("go home"), empty, holds_all) == (False, True)
    # A comment with no words to read: what each holds alone, a threshold of 0 included.
    assert classifier.holds_together(Words.of("123 !!!"), holds_all, holds_all) == (True, True)


def test_training_separates_a_tiny_corpus_the_same_way_every_time():
    model = train(TINY, epochs=60)
    for text, abusive in TINY:
        assert (model.probability(Words.of(text)) > 0.5) is abusive, text
    assert train(TINY, epochs=60).to_json() == model.to_json()


def test_a_feature_of_fewer_comments_than_min_count_is_not_learnt():
    model = train(TINY, epochs=60, min_count=2)
    counts = collections.Counter(
        feature for text, _abusive in TINY for feature in set(features(Words.of(text).words))
    )
    assert model.weights and all(counts[feature] >= 2 for feature in model.weights)
    assert any(count == 1 for count in counts.values())


def test_an_attack_buried_in_a_long_reasoned_comment_is_read_on_its_own():
    model = train(TINY, epochs=60)
    attack = "People like you should not be allowed near children."
    reasoning = "The bread came out flat and the crumb was dense, so I tried a longer proof. " * 8
    assert len(words_said(reasoning + attack)) > WINDOW
    alone = model.probability(Words.of(attack))
    assert model.probability(Words.of(reasoning + attack)) == pytest.approx(alone)
    assert model.probability(Words.of(reasoning)) < 0.5 < alone


def test_the_words_that_weighed_most_are_the_attack_s():
    model = train(TINY, epochs=60)
    weighed = model.weighed_most(Words.of("Thanks for the recipe. Nobody wants your kind here."))
    attack = ["nobody", "wants", "your", "kind", "here"]
    shown = [part.removesuffix("…") for words in weighed for part in words.split()]
    assert shown and all(any(word.startswith(part) for word in attack) for part in shown), weighed


def test_the_empty_classifier_holds_nothing():
    assert not Classifier().holds(Words.of("people like you should not be allowed near children"))
    assert Classifier().probability([]) == 0.0


def test_a_comment_without_words_scores_nothing():
    assert train(TINY, epochs=5).probability(Words.of("!!! 123 ...")) == 0.0


def test_a_classifier_is_kept_as_json_and_read_back():
    model = Classifier(weights={"you": 1.23456, "^ go": -0.5, "zero": 0.0001}, bias=-2.5, threshold=0.9)
    kept = json.loads(model.to_json())
    assert kept == {
        "bias": -2.5,
        "threshold": 0.9,
        "linked_threshold": 0.9,
        "thresholds": {},
        "weights": {"^ go": -0.5, "you": 1.235},
    }
    assert Classifier.from_json(model.to_json()).weights == {"^ go": -0.5, "you": 1.235}


@pytest.mark.parametrize(
    ("share", "threshold"),
    [(1.0, 0.9 + 1e-6), (0.9, 0.8 + 1e-6), (0.5, 0.4 + 1e-6), (0.0, 0.0)],
)
def test_the_threshold_publishes_the_share_of_innocent_comments_asked_for(share, threshold):
    innocent = [("en civil", probability / 10) for probability in range(10)]  # 0.0 to 0.9
    assert choose_threshold(innocent, published_at_least=share) == pytest.approx(threshold)


def test_the_threshold_publishes_the_share_in_each_group():
    """Ten French critical comments of which one scores high: the threshold keeps it published, though the
    hundred civil comments alone would allow holding it."""
    civil = [("en civil", probability / 1000) for probability in range(100)]
    critical = [("fr critical", 0.01)] * 9 + [("fr critical", 0.95)]
    assert choose_threshold(civil + critical, published_at_least=0.99) == pytest.approx(0.95 + 1e-6)
    assert choose_threshold(civil, published_at_least=0.99) == pytest.approx(0.098 + 1e-6)


# The trained classifiers, on sentences written for this test and found in no corpus.
ABUSE_HELD = [
    "Folks like you shouldn't be allowed to raise children, honestly.",
    "Keep writing this stuff and you will find out what happens to people like you.",
    "Des gens comme toi, on devrait les renvoyer d'où ils viennent.",
    "Retourne dans ta cuisine ma petite, laisse les hommes parler de moteurs.",
]
ABUSE_PUBLISHED = [
    "You clearly did not test this recipe, the timings are all wrong.",
    "This article is lazy and the conclusion makes no sense at all.",
    "Tu te trompes complètement sur les chiffres, relis ta source.",
    "Franchement cet article est nul, on n'apprend rien.",
    "Thanks! My kids loved the pancakes, we will make them again on Sunday.",
]
SPAM_HELD = [
    "Great post!!! Buy cheap followers now at growfast.example, 10k for $5, contact on WhatsApp.",
    "Gagnez 500 € par jour depuis chez vous avec notre méthode crypto, écrivez-nous sur Telegram.",
]


@pytest.mark.parametrize("text", ABUSE_HELD)
def test_the_trained_abuse_classifier_holds_attacks_phrased_without_a_rude_word(text):
    assert Classifier.load("abuse").holds(Words.of(text))


@pytest.mark.parametrize("text", ABUSE_PUBLISHED + SPAM_HELD)
def test_the_trained_abuse_classifier_leaves_criticism_civil_comments_and_spam_alone(text):
    assert not Classifier.load("abuse").holds(Words.of(text))


@pytest.mark.parametrize("text", SPAM_HELD)
def test_the_trained_spam_classifier_holds_advertising(text):
    assert Classifier.load("spam").holds(Words.of(text))


@pytest.mark.parametrize("text", ABUSE_PUBLISHED)
def test_the_trained_spam_classifier_leaves_readers_alone(text):
    assert not Classifier.load("spam").holds(Words.of(text))


def facts(text, **overrides):
    trained = {"abuse_classifier": Classifier.load("abuse"), "spam_classifier": Classifier.load("spam")}
    return moderation.Facts(text=text, seconds_to_submit=45, **{**trained, **overrides})


def test_the_policy_holds_what_the_abuse_classifier_reads_as_an_attack_with_its_own_reason():
    decision = moderation.decide(facts(ABUSE_HELD[0]), policy_rules())
    assert decision == moderation.Decision(moderation.HELD, (moderation.Reason.ATTACK,))
    assert moderation.describe(decision.reasons) == [
        "its wording reads as an attack on a person rather than on what they said"
    ]


def test_a_trusted_regular_is_held_by_the_abuse_classifier_too():
    decision = moderation.decide(facts(ABUSE_HELD[1], trusted=True), policy_rules())
    assert decision.reasons == (moderation.Reason.ATTACK,)


def test_the_classifier_does_not_add_its_reason_to_what_the_lexicon_found():
    lexicon = abuse.Lexicon.of([(abuse.Kind.PERSON_INSULT, "idiot*"), (abuse.Kind.PERSON, "you")])
    decision = moderation.decide(facts("People like you are idiots.", lexicon=lexicon), policy_rules())
    assert decision.reasons == (moderation.Reason.INSULT,)


def test_the_policy_holds_what_the_spam_classifier_reads_as_advertising():
    decision = moderation.decide(facts(SPAM_HELD[1]), policy_rules())
    assert decision == moderation.Decision(moderation.HELD, (moderation.Reason.ADVERT,))


def test_without_classifiers_the_policy_publishes_what_no_other_signal_holds():
    decision = moderation.decide(moderation.Facts(text=ABUSE_HELD[0], seconds_to_submit=45), policy_rules())
    assert decision == moderation.Decision(moderation.PUBLISHED)


@pytest.mark.parametrize("name", ["abuse", "spam"])
def test_the_shipped_classifiers_are_trained_with_a_threshold_of_their_own(name):
    model = Classifier.from_json((classifier.FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    assert len(model.weights) > 10_000 and 0 < model.threshold < 1


def policy_page_examples(prefix):
    """The examples the public policy page gives after `prefix`, in English."""
    page = (Path(__file__).resolve().parents[2] / "templates" / "comments" / "policy.html").read_text()
    examples = re.search(rf"{prefix} (.*?)\" %}}", page).group(1)
    return [example.strip("“” ").replace("’", "'") for example in examples.split(" · ")]


def seeded_policy(text):
    lexicon = seeded_lexicon()
    return moderation.decide(facts(text, lexicon=lexicon), policy_rules())


@pytest.mark.parametrize("text", policy_page_examples("Held by this reading:"))
def test_what_the_policy_page_says_the_second_reading_holds_it_holds(text):
    assert seeded_policy(text).reasons == (moderation.Reason.ATTACK,)


@pytest.mark.parametrize("text", policy_page_examples("Left published by it:"))
def test_what_the_policy_page_says_the_second_reading_publishes_is_published(text):
    assert seeded_policy(text) == moderation.Decision(moderation.PUBLISHED)


@pytest.mark.django_db
def test_the_policy_page_tells_of_the_second_reading_only_when_it_is_on(client, settings):
    assert "A second reading weighs every word" in client.get("/comments/policy/").content.decode()
    settings.COMMENTS_CLASSIFIERS = False
    page = client.get("/comments/policy/").content.decode()
    assert "A second reading weighs every word" not in page
    assert "reads as an attack on a person" not in page
