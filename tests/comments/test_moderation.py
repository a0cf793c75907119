"""comments.moderation: the policy publishes unless a specific signal says spam or abuse.

Pure functions of plain facts: nothing here touches the database.
"""

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from comments import moderation, services
from comments.abuse import Lexicon
from comments.classifier import Classifier
from comments.default_abuse_lexicon import seeded_lexicon
from comments.default_hold_words import DEFAULT_HOLD_WORDS
from comments.moderation import (
    HELD,
    HOLD_REASONS,
    PUBLISHED,
    SOFT_REASONS,
    SPAM,
    SPAM_REASONS,
    Decision,
    Facts,
    Reason,
    RejectionReason,
    Rules,
    count_links,
    describe,
    discount_code,
    find_hold_words,
    normalize,
    releases_itself,
)
from comments.services import policy_rules

HOLD_WORDS = DEFAULT_HOLD_WORDS["en"] + DEFAULT_HOLD_WORDS["fr"]
HUMAN_SECONDS = 45
HELD_AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def decide(facts, rules=None):
    """The policy's decision under the site's own rules (the settings are their one source), or `rules`."""
    return moderation.decide(facts, rules or policy_rules())


def facts(text="Merci pour cet article.", **overrides):
    """Facts of an ordinary reader's comment: a valid token, typed at human speed, the default hold words."""
    return Facts(text=text, **{"hold_words": HOLD_WORDS, "seconds_to_submit": HUMAN_SECONDS, **overrides})


@pytest.mark.parametrize(
    ("text", "overrides", "outcome", "reasons"),
    [
        # Civil
        ("Thanks, this clarified the middleware order for me.", {}, PUBLISHED, ()),
        ("Merci, je n'avais jamais compris les signaux avant de lire ceci.", {}, PUBLISHED, ()),
        ("Une question : est-ce que ça marche aussi avec PostgreSQL ?", {}, PUBLISHED, ()),
        ("I had a classic conversation with my team in Scunthorpe about this.", {}, PUBLISHED, ()),
        ("J'ai toute confiance dans la constitution, même si le passage est long.", {}, PUBLISHED, ()),
        # Critical of the article
        ("Worst advice I have read this year.", {}, PUBLISHED, ()),
        ("This is wrong and lazy. You did not even benchmark it.", {}, PUBLISHED, ()),
        ("Honestly this article is useless and the conclusion is stupid.", {}, PUBLISHED, ()),
        ("Cet article est nul.", {}, PUBLISHED, ()),
        ("Votre argument est faux, et vous le savez.", {}, PUBLISHED, ()),
        ("Je ne suis pas du tout d'accord, c'est complètement débile comme raisonnement.", {}, PUBLISHED, ()),
        ("Désolé du retard, mais le train avait du retard : je suis crevé.", {}, PUBLISHED, ()),
        # Abusive
        ("You are a moron.", {}, HELD, (Reason.HOLD_WORD,)),
        ("Shut up, asshole.", {}, HELD, (Reason.HOLD_WORD,)),
        ("Nobody cares. Kill yourself.", {}, HELD, (Reason.HOLD_WORD,)),
        ("I know where you live.", {}, HELD, (Reason.HOLD_WORD,)),
        ("T'es un connard.", {}, HELD, (Reason.HOLD_WORD,)),
        ("Ferme ta gueule.", {}, HELD, (Reason.HOLD_WORD,)),
        ("Espèce d'idiot, retourne à tes fourneaux.", {}, HELD, (Reason.HOLD_WORD,)),
        ("Je vais te tuer.", {}, HELD, (Reason.HOLD_WORD,)),
        ("SALE PÉDÉ", {}, HELD, (Reason.HOLD_WORD,)),
        # Spam
        ("Great post!", {"honeypot": "http://pills.example"}, SPAM, (Reason.HONEYPOT,)),
        ("Super article !", {"seconds_to_submit": 0.4}, SPAM, (Reason.TOO_FAST,)),
        ("Nice blog", {"seconds_to_submit": None}, SPAM, (Reason.BAD_TOKEN,)),
        (
            "Cheap watches http://a.example http://b.example https://c.example",
            {},
            HELD,
            (Reason.LINKS,),
        ),
        (
            "Montres pas chères [ici](http://a.example), [là](http://b.example) et www.c.example",
            {},
            HELD,
            (Reason.LINKS,),
        ),
    ],
)
def test_comment_gets_the_expected_decision(text, overrides, outcome, reasons):
    assert decide(facts(text, **overrides)) == Decision(outcome, reasons)


def test_critical_comment_without_insult_is_published():
    assert decide(facts("This is wrong and lazy, and the benchmark proves nothing.")).outcome == PUBLISHED


@pytest.mark.parametrize(
    "word",
    ["conversation", "confiance", "Scunthorpe", "classic", "assassin", "Cocon", "constitution", "passage"],
)
def test_ordinary_word_never_matches_the_default_lists(word):
    assert find_hold_words(f"{word} {word.upper()} {word}s", HOLD_WORDS) == []


def test_default_lists_leave_out_words_that_judge_an_article():
    entries = {normalize(word) for word in HOLD_WORDS}
    assert not entries & {"nul", "faux", "stupid", "stupide", "debile", "wrong", "lazy", "useless", "con"}


@pytest.mark.parametrize("text", ["ENCULÉ", "encule", "Enculé !", "l'enculé", "l’enculé"])
def test_hold_word_ignores_case_accents_and_elisions(text):
    assert find_hold_words(text, ["enculé"]) == ["enculé"]


def test_hold_word_entry_without_accent_matches_accented_text():
    assert find_hold_words("Quel bâtard.", ["batard"]) == ["batard"]


def test_elided_word_matches_after_straight_or_curly_apostrophe():
    assert find_hold_words("espèce d’idiot", ["espèce d'idiot"]) == ["espèce d'idiot"]


def test_multi_word_entry_matches_the_words_in_sequence():
    assert find_hold_words("well, kill yourself then", ["kill yourself"]) == ["kill yourself"]


def test_multi_word_entry_does_not_match_its_words_apart():
    assert find_hold_words("kill the process yourself", ["kill yourself"]) == []


def test_phrase_spread_across_punctuation_still_matches():
    assert find_hold_words("Sale... con !", ["sale con"]) == ["sale con"]


def test_hyphenated_entry_matches_with_or_without_the_hyphen():
    assert find_hold_words("suicide toi", ["suicide-toi"]) == ["suicide-toi"]


def test_hold_word_inside_another_word_does_not_match():
    assert find_hold_words("A conversation about the Cocon.", ["con"]) == []


def test_hold_word_wrapped_in_markdown_emphasis_matches():
    assert find_hold_words("you are a __moron__ and a *twat*", ["moron", "twat"]) == ["moron", "twat"]


def test_blank_or_punctuation_only_entry_never_matches():
    assert find_hold_words("Well... it's fine!", ["", "   ", "...", "!"]) == []


def test_found_hold_words_are_listed_once_in_list_order_as_spelled():
    found = find_hold_words("twat, MORON, moron", ["Moron", "cunt", "twat"])
    assert found == ["Moron", "twat"]


def test_normalize_casefolds_and_strips_accents():
    assert normalize("ÉLÈVE Œuvre Straße") == "eleve oeuvre strasse"


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("no links here, just example.com prose", 0),
        ("see http://a.example and https://b.example/path?q=1", 2),
        ("www.example.org is mine", 1),
        ("[my site](http://a.example)", 1),
        ("[http://a.example](http://a.example)", 1),
        ("<http://a.example>", 1),
        ("![a picture](https://img.example/cat.png)", 1),
        ('[docs](https://docs.example "The docs") and <https://b.example>', 2),
        ("HTTPS://WWW.A.EXAMPLE/x and WWW.b.example", 2),  # any case; "https://www." counts once
        ('http://a.example"www.b.example', 2),  # a quote ends an address
        ("nothttp://a.example or awww.b.example", 0),  # inside a word: no address
        ("Source: www.google.example/url?q=https://www.who.example/news", 1),  # an address inside another
    ],
)
def test_count_links(text, links):
    assert count_links(text) == links


def test_links_are_counted_as_one_case_blind_pattern_tried_everywhere_counts_them():
    """`count_links` looks for "http" then "www" in lower case, where each stands: the same count as one
    case-blind pattern tried at every character, on random texts."""
    everywhere = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\[\]]+", re.IGNORECASE)
    pieces = ["http", "HTTPS", "://", "www", "WWW.", ".", "a", "x", " ", "/", "?q=", '"', "<", "]("]
    draw = random.Random(16)
    counted = 0
    for _ in range(20000):
        text = "".join(draw.choices(pieces, k=draw.randint(0, 12)))
        if "](" not in text:
            assert count_links(text) == len(everywhere.findall(text)), text
            counted += count_links(text) > 1
    assert counted > 50


def test_comment_with_one_link_is_published_and_with_two_held_as_wordpress_does():
    """WordPress holds a comment with two links or more by default; so does Causerie (COMMENTS_MAX_LINKS)."""
    assert decide(facts("Voir [ce billet](http://b.example).")) == Decision(PUBLISHED, ())
    text = "See http://a.example and [this](http://b.example)."
    assert decide(facts(text)) == Decision(HELD, (Reason.LINKS,))
    assert decide(facts(text), Rules(max_links=2, min_seconds=3, rate_limit=5)) == Decision(PUBLISHED, ())


def test_markdown_link_counts_once():
    assert decide(facts("[http://a.example](http://a.example) merci")).outcome == PUBLISHED
    assert count_links("[http://a.example](http://a.example) [http://b.example](http://b.example)") == 2


def test_filled_honeypot_is_spam():
    assert decide(facts(honeypot="x")) == Decision(SPAM, (Reason.HONEYPOT,))


def test_form_sent_faster_than_min_seconds_is_spam():
    assert decide(facts(seconds_to_submit=2.9)) == Decision(SPAM, (Reason.TOO_FAST,))


def test_form_sent_after_exactly_min_seconds_is_published():
    assert decide(facts(seconds_to_submit=3)).outcome == PUBLISHED


def test_missing_or_expired_token_is_spam():
    assert decide(facts(seconds_to_submit=None)) == Decision(SPAM, (Reason.BAD_TOKEN,))


def test_every_spam_reason_that_applies_is_listed():
    decision = decide(facts(honeypot="x", seconds_to_submit=0))
    assert decision == Decision(SPAM, (Reason.HONEYPOT, Reason.TOO_FAST))


def test_spam_beats_hold():
    decision = decide(facts("You moron.", honeypot="x", is_banned=True, article_holds_all=True))
    assert decision == Decision(SPAM, (Reason.HONEYPOT,))


def test_comment_by_someone_speaking_for_the_article_skips_every_check():
    staff = facts(
        "You moron: http://a.example http://b.example http://c.example",
        honeypot="x",
        seconds_to_submit=None,
        recent_comments=99,
        is_duplicate=True,
        is_banned=True,
        article_holds_all=True,
        speaks_for_article=True,
    )
    assert decide(staff) == Decision(PUBLISHED, ())


def test_comment_just_under_the_rate_limit_is_published():
    assert decide(facts(recent_comments=policy_rules().rate_limit - 1)).outcome == PUBLISHED


def test_comment_at_the_rate_limit_is_held():
    assert decide(facts(recent_comments=policy_rules().rate_limit)) == Decision(HELD, (Reason.RATE,))


def test_rules_can_be_tightened():
    rules = Rules(max_links=0, min_seconds=10, rate_limit=1)
    assert decide(facts("http://a.example", recent_comments=1), rules) == Decision(
        HELD, (Reason.LINKS, Reason.RATE)
    )
    assert decide(facts(seconds_to_submit=5), rules) == Decision(SPAM, (Reason.TOO_FAST,))


def test_a_link_from_a_new_reader_is_read_more_strictly_for_advertising_and_a_regular_s_is_not():
    """The spam classifier's lower threshold for comments with a link (or a bare domain, or a mail address)
    applies to readers who are not regulars: links are a soft signal, which regulars skip."""
    spam = Classifier(weights={"cheap": 1.0}, bias=-1.2, threshold=0.5, linked_threshold=0.4)
    linked = "Cheap scooters, see scooters.example"
    assert decide(facts(linked, spam_classifier=spam)) == Decision(HELD, (Reason.ADVERT,))
    assert decide(facts(linked, spam_classifier=spam, trusted=True)) == Decision(PUBLISHED)
    assert decide(facts("Cheap scooters, see the shop", spam_classifier=spam)) == Decision(PUBLISHED)
    # A phone number is a contact, not a link: readers give helplines' and shops' numbers.
    assert decide(facts("Cheap scooters, call 06 00 00 00 00", spam_classifier=spam)) == Decision(PUBLISHED)


def test_a_name_for_a_person_aimed_at_no_one_named_is_held_where_the_abuse_classifier_leans_to_an_attack():
    """ "Ce téléphone est une merde" names a thing the lexicon does not know; "Ce vendeur est une merde" a
    person it does not know. The lexicon reads both as a name for a person aimed at no one it knows, and the
    abuse classifier tells them apart: held where its probability reaches half its threshold."""
    lexicon = Lexicon.of([("person_insult", "une merde")])
    abuse = Classifier(weights={"telephone": -4.0, "vendeur": 1.0}, threshold=0.7)  # 0.02, and 0.73
    thing = "Ce téléphone est une merde."
    person = "Ce vendeur est une merde."
    assert decide(facts(thing, lexicon=lexicon, abuse_classifier=abuse)) == Decision(PUBLISHED)
    assert decide(facts(person, lexicon=lexicon, abuse_classifier=abuse)) == Decision(HELD, (Reason.INSULT,))
    # Without classifiers, the lexicon alone holds both.
    for text in (thing, person):
        assert decide(facts(text, lexicon=lexicon)) == Decision(HELD, (Reason.INSULT,))
    # A person named, or called ("Lis la notice, ducon."), is no doubt for the classifier to settle.
    named = Lexicon.of([("person_insult", "une merde"), ("person", "ce mec")])
    assert decide(facts("Ce mec au téléphone est une merde.", lexicon=named, abuse_classifier=abuse)) == (
        Decision(HELD, (Reason.INSULT,))
    )
    called = Lexicon.of([("person_insult", "ducon")])
    assert decide(facts("Le téléphone, ducon.", lexicon=called, hold_words=(), abuse_classifier=abuse)) == (
        Decision(HELD, (Reason.INSULT,))
    )


def test_a_name_said_in_mock_praise_is_held_only_where_the_abuse_classifier_leans_to_an_attack():
    """Friends tease in the words of mock praise: without the abuse classifier, the lexicon holds none."""
    lexicon = Lexicon.of([("mock", "einstein"), ("mock", "professor")])
    abuse = Classifier(weights={"try": 1.0, "lecture": -4.0}, threshold=0.7)
    mocking, thanking = "Nice try, Einstein, but no.", "Thank you, Professor, for this lecture."
    assert decide(facts(mocking, lexicon=lexicon, abuse_classifier=abuse)) == Decision(HELD, (Reason.INSULT,))
    assert decide(facts(thanking, lexicon=lexicon, abuse_classifier=abuse)) == Decision(PUBLISHED)
    for text in (mocking, thanking):
        assert decide(facts(text, lexicon=lexicon)) == Decision(PUBLISHED)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Ce téléphone est une merde sans nom. Batterie morte à midi.", PUBLISHED),
        ("Les NFT dans les jeux, c'est l'arnaque la plus crétine de la décennie.", PUBLISHED),
        ("Read the manual, dipshit.", HELD),
        ("Lis la notice, ducon.", HELD),
    ],
)
def test_the_trained_abuse_classifier_settles_names_for_people_aimed_at_no_one_named(text, outcome):
    decision = decide(facts(text, lexicon=seeded_lexicon(), **services.classifiers()))
    assert decision.outcome == outcome, decision


def test_words_of_advertising_with_a_phone_number_or_an_address_to_reach_the_advertiser_are_held():
    """A phone number, a bare domain or a mail address is a contact, as a link is: with one word of
    advertising beside it, the comment reads as an advertisement. A helpline's number is not one."""
    lexicon = Lexicon.of([("advert", "code promo"), ("advert", "reservez au")])
    for text in (
        "Le meilleur italien de la ville, réservez au 06 00 00 00 00 !",
        "Code promo MIAM50 chez miam.example",
        "Code promo MIAM50, écrivez à offres@miam.example",
    ):
        assert decide(facts(text, lexicon=lexicon)) == Decision(HELD, (Reason.ADVERT,)), text
    assert decide(facts("Il y a un code promo sur l'appli", lexicon=lexicon)) == Decision(PUBLISHED)
    helpline = "La ligne d'écoute gratuite, 0800 00 00 00, m'a beaucoup aidée."
    assert decide(facts(helpline, lexicon=lexicon)) == Decision(PUBLISHED)
    # A regular's address or number is never a contact: only a link is.
    regular = "Le meilleur italien de la ville, réservez au 06 00 00 00 00 !"
    assert decide(facts(regular, lexicon=lexicon, trusted=True)) == Decision(PUBLISHED)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("J'ai essayé ArticoFlex, et avec GENOU20 vous avez -20 %.", 1),  # a code and its share
        ("Code PROF50 pour -50\u00a0% ce mois-ci.", 2),  # said to be a code; a no-break space before the sign
        ("Use SAVE10 at the till for 10% off.", 2),
        ("KNEE15: 15 % off everything", 2),
        ("Use SAVE10 at the till for 15% off.", 0),  # not the share it takes off
        ("COVID19 deaths fell 19% last year.", 0),  # a discount takes a multiple of five off
        ("Only 10% of the films this year made my TOP10 list.", 1),  # no word says it is a discount
        ("40 % des entreprises du CAC40 ont publié leurs comptes.", 1),
        ("La PS5 baisse de 5 % en janvier.", 0),  # two capitals: a product
        ("xSAVE10 10%", 0),  # inside a word
        ("GENOU20 sans pourcentage", 0),
        # Said to be a code, with no share: an advertisement alone.
        ("Thanks! PawFresh Kitchen have it with code WOOF15.", 2),
        ("Code promo MIAM50 sur l'appli", 2),
        ("Le coupon RENTREE20 marche encore chez Papeterie Lune.", 2),
        ("Use SAVE10 at the till", 0),  # no word says it is a code
        ("My dishwasher shows error code E15 again.", 0),  # one capital: an error code
        ("The postcode is SW1A 1AA, the code for the door is 1234.", 0),
        ("Code ABC12 unlocks the bonus level.", 0),  # not a multiple of five
        # Products and events of one digit, or with no code word just before them.
        ("The HTML5 code in your example does not validate.", 0),
        ("Any GTA5 cheat codes for the kids?", 0),
        ("La COP25 a promis une réduction des émissions, rien n'a suivi.", 0),
        ("Use SAVE10 for a treat. " + "Lorem ipsum dolor sit amet. " * 3 + "Prices went up 10 %.", 0),  # far
    ],
)
def test_a_discount_code_is_capitals_and_the_share_it_takes_off_near_it(text, code):
    assert discount_code(text) == code


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("En tant qu'enseignante, je recommande ProfFacile. Code PROF50 pour -50 % ce mois-ci.", HELD),
        ("J'ai essayé ArticoFlex, c'est sur articoflex.example et avec GENOU20 vous avez -20 %.", HELD),
        ("ProfFacile m'a fait gagner des heures de préparation.", PUBLISHED),
        ("Only 10% of the films this year made my TOP10 list.", PUBLISHED),
        ("40 % des entreprises du CAC40 ont publié leurs comptes.", PUBLISHED),
    ],
)
def test_a_discount_code_reads_as_an_advertisement_when_said_to_be_one_or_with_a_way_to_reach_the_seller(
    text, outcome
):
    """Readers who tell what worked for them name a product, not the share a code takes off: a code said to be
    one is an advertisement alone; a code and its share are one with a link, a phone number or a second word
    of advertising."""
    decision = decide(facts(text))
    assert decision.outcome == outcome, decision
    if outcome == HELD:
        assert decision.reasons == (Reason.ADVERT,)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("We run a guesthouse by the lake: book direct and save, lakehouse.example", HELD),
        ("Nous tenons un gîte près du lac, écrivez-nous : gite-du-lac.example", HELD),
        ("Readers get a special rate at our café, just mention this blog at the till!", HELD),
        ("I used the council's contact us form and had an answer within a day.", PUBLISHED),
        ("J'ai demandé un tarif spécial étudiant à la mairie, ils n'en ont pas.", PUBLISHED),
    ],
)
def test_a_business_that_invites_readers_to_reach_it_advertises(text, outcome):
    """With the seeded lexicon: "book direct", "écrivez-nous", "special rate" are a business speaking; with a
    way to reach it or a second word of advertising, an advertisement. A reader who names them is not one."""
    decision = decide(facts(text, lexicon=seeded_lexicon()))
    assert decision.outcome == outcome, decision
    if outcome == HELD:
        assert decision.reasons == (Reason.ADVERT,)


@pytest.mark.parametrize(
    "text",
    [
        "Si vous êtes mal, appelez le 01 45 39 40 00, SOS Amitié répond jour et nuit.",
        "Mon fils a fait une réaction : appelez le 01 40 05 48 48 (centre antipoison de Paris).",
        "If it happens again, call the poison centre on 0344 892 0111 straight away.",
    ],
)
def test_a_helpline_s_number_is_published_with_the_seeded_lexicon(text):
    assert decide(facts(text, lexicon=seeded_lexicon(), **services.classifiers())) == Decision(PUBLISHED)


def test_duplicate_comment_is_held():
    assert decide(facts(is_duplicate=True)) == Decision(HELD, (Reason.DUPLICATE,))


def test_banned_author_is_held():
    assert decide(facts(is_banned=True)) == Decision(HELD, (Reason.BANNED,))


def test_article_holding_every_comment_holds_a_civil_one():
    assert decide(facts(article_holds_all=True)) == Decision(HELD, (Reason.ARTICLE_HOLDS_ALL,))


def test_no_hold_words_means_no_hold_word_check():
    assert decide(facts("You moron.", hold_words=())).outcome == PUBLISHED


def test_several_policy_reasons_are_listed_in_order_once_each():
    text = "moron moron connard http://a.example http://b.example http://c.example"
    decision = decide(
        facts(text, recent_comments=9, is_duplicate=True, is_banned=True, article_holds_all=True)
    )
    assert decision == Decision(
        HELD,
        (
            Reason.LINKS,
            Reason.HOLD_WORD,
            Reason.RATE,
            Reason.DUPLICATE,
            Reason.BANNED,
            Reason.ARTICLE_HOLDS_ALL,
        ),
    )


def test_comment_held_for_soft_reasons_releases_itself_when_due():
    now = HELD_AT + timedelta(hours=6)
    assert releases_itself([Reason.LINKS, Reason.RATE], HELD_AT, now, after_hours=6)


def test_comment_held_for_a_hard_reason_never_releases_itself():
    now = HELD_AT + timedelta(days=30)
    assert not releases_itself([Reason.LINKS, Reason.HOLD_WORD], HELD_AT, now, after_hours=6)


def test_comment_held_for_soft_reasons_waits_until_due():
    now = HELD_AT + timedelta(hours=5, minutes=59)
    assert not releases_itself([Reason.RATE], HELD_AT, now, after_hours=6)


@pytest.mark.parametrize("after_hours", [None, 0])
def test_held_comments_never_release_themselves_when_the_delay_is_off(after_hours):
    now = HELD_AT + timedelta(days=30)
    assert not releases_itself([Reason.LINKS], HELD_AT, now, after_hours=after_hours)


def test_comment_without_reasons_does_not_release_itself():
    assert not releases_itself([], HELD_AT, HELD_AT + timedelta(days=30), after_hours=1)


def test_soft_reasons_are_links_and_rate():
    assert {Reason.LINKS, Reason.RATE} == SOFT_REASONS


def test_spam_and_policy_reasons_are_distinct():
    assert not SPAM_REASONS & HOLD_REASONS
    assert SOFT_REASONS <= HOLD_REASONS
    assert Reason.APPEAL in HOLD_REASONS


@pytest.mark.parametrize("code", sorted(SPAM_REASONS | HOLD_REASONS))
def test_every_reason_is_described_in_words(code):
    (label,) = describe([code])
    assert isinstance(label, str)
    assert label != code
    assert " " in label


def test_describe_keeps_order_and_returns_unknown_codes_as_they_are():
    with translation.override("en"):
        labels = describe([Reason.RATE, "mystery", Reason.LINKS])
    assert labels == [
        "several comments came from the same sender within a few minutes",
        "mystery",
        "it contains more links than comments usually do",
    ]


def test_rejection_reasons_are_the_six_kinds_of_abuse():
    assert set(RejectionReason.values) == {"spam", "insult", "hate", "harassment", "personal_data", "illegal"}


def test_disagreeing_with_the_author_is_not_a_rejection_reason():
    assert not any("disagree" in f"{value} {label}".casefold() for value, label in RejectionReason.choices)
