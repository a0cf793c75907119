"""comments.abuse: abuse aimed at people held, criticism of ideas published, with the seeded lexicon. The
whole corpus is measured by benchmarks/moderation.py; these pin each family on a few examples of its own."""

import random
import re
from pathlib import Path

import pytest

from comments import abuse
from comments.default_abuse_lexicon import seeded_lexicon

LEXICON = seeded_lexicon()


def categories(text):
    return {finding.category for finding in abuse.find_abuse(text, LEXICON)}


@pytest.mark.parametrize(
    "text, category",
    [
        ("You are such a fucking idiot.", abuse.INSULT),  # inflection, intensifier
        ("T'es qu'un abruti.", abuse.INSULT),  # elision
        ("L'auteure est une idiote finie.", abuse.INSULT),  # the author, a feminine form
        ("Espèce de gros connard, t'as rien compris.", abuse.INSULT),  # a vocative, split by an adjective
        ("You absolute, utter, complete moron.", abuse.INSULT),  # split by punctuation
        ("Vous êtes stupide, madame.", abuse.INSULT),  # a judging word aimed at the reader
        ("The author is, frankly, an idiot.", abuse.INSULT),  # the subject before the commas
        ("what a m0ron you are", abuse.INSULT),  # a digit for a letter, the target after
        ("You are an i d i o t.", abuse.INSULT),  # letters spaced out
        ("T'es un c.o.n", abuse.INSULT),
        ("go f*ck yourself, author", abuse.THREAT),  # a star for a letter
        ("Go back to your country, people like you are not welcome here.", abuse.EXCLUSION),
        ("Retourne dans ton pays, on ne veut pas de ta race ici.", abuse.EXCLUSION),
        ("On sait où tu habites.", abuse.THREAT),
        ("Immigrants are parasites living off our taxes.", abuse.DEHUMANISING),
        ("Les immigrés sont tous des fainéants.", abuse.HATE),  # a generalisation about a group
        ('"You are an idiot"', abuse.INSULT),  # a comment that is all quotes says them itself
        ("Call me old-fashioned, but you are an idiot.", abuse.INSULT),  # reported words reach a comma
        ("You are an idiiiot.", abuse.INSULT),  # letters repeated
        ("On voit bien que vous êtes nul.", abuse.INSULT),  # "que": what the reader is, no relative clause
        ("Je savais que tu serais nul.", abuse.INSULT),
        ("Dommage que vous soyez si nuls.", abuse.INSULT),
        ("I knew that you would be stupid.", abuse.INSULT),
        ("I hope you get cancer.", abuse.THREAT),
        ("Nobody wants your kind around here.", abuse.EXCLUSION),
        ("You're an embarrassment to your family.", abuse.INSULT),
        ("Ref, we know where you park. Enjoy the drive home.", abuse.THREAT),  # no bad word
        ("On sait où tu te gares.", abuse.THREAT),
        ("Sale vendu, t'as touché combien pour siffler ce penalty ?", abuse.INSULT),
        ("Va te faire enk*ler avec ta montre connectée.", abuse.THREAT),  # misspelt, then a star
        ("Nice try, shill. How much are they paying you?", abuse.INSULT),
        ("Sale collabo du promoteur, combien t'as touché ?", abuse.INSULT),
        ("Le prochain qui vient repartira avec du plomb dans les fesses.", abuse.THREAT),
        ("Tu n'as pas ta place ici, dégage.", abuse.EXCLUSION),
        ("Black people's culture is trash.", abuse.HATE),  # a group's own culture: the group judged
        ("Whoever did her brows is a useless kunt.", abuse.INSULT),  # a k for a c
        ("Muslim's are vermin.", abuse.DEHUMANISING),  # an apostrophe typed in a plural: no possessive
        ("Women are stupid.", abuse.HATE),
    ],
)
def test_abuse_aimed_at_people_is_found(text, category):
    assert category in categories(text)


@pytest.mark.parametrize(
    ("text", "aimed"),
    [
        ("Cheers, numpty, for the worst advice on the internet.", True),  # called, between commas
        ("Read the manual, dipshit.", True),
        ("Lis la notice, ducon.", True),
        ("Ce téléphone est une merde.", False),  # a thing the lexicon does not know: the classifier decides
        ("Read the manual, it's a piece of shit anyway.", False),
    ],
)
def test_a_name_for_a_person_said_alone_between_commas_is_aimed_at_someone(text, aimed):
    """A name for a person aimed at no one the clause names is found, but not as aimed (`Finding.aimed`): the
    policy asks the abuse classifier. Said alone in its part of the sentence, someone is being called it."""
    assert [finding.aimed for finding in abuse.find_abuse(text, LEXICON)] == [aimed]


def test_names_aimed_at_no_one_do_not_end_the_reading_before_a_slur():
    """A comment stops being read after ENOUGH findings aimed at someone; findings aimed at no one do not
    count, since they may not hold it, and a slur after them is found."""
    text = "Ce téléphone est une merde. " * (abuse.ENOUGH + 2) + "Les pakis du quartier vendent les mêmes."
    assert abuse.HATE in categories(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Nice try, Einstein, but the cap went up last year.", True),  # someone called it
        ("Relis l'article, génie, il dit le contraire.", True),
        ("Check your facts before posting, Sherlock.", True),
        ("So the cure for fake reviews is more reviews? Genius.", False),  # mocks an idea
        ("You're a genius, this saved my week!", False),  # praise
        ("Einstein would have loved this explainer.", False),
    ],
)
def test_a_name_said_in_mock_praise_is_found_where_someone_is_called_it(text, found):
    """Alone between commas beside what the sentence says, a mock name calls someone; friends tease so too, so
    the finding is not aimed (`Finding.aimed`): the policy asks the abuse classifier."""
    findings = abuse.find_abuse(text, LEXICON)
    assert [(finding.category, finding.aimed) for finding in findings] == (
        [(abuse.INSULT, False)] if found else []
    )


@pytest.mark.parametrize(
    "text",
    [
        "This article is garbage. Half the stats have no source.",  # rude about the article
        "What a stupid idea, posting five times a day.",
        "Your argument is stupid; your data is fine.",  # "your" + an idea
        "Cet article est nul à chier : zéro chiffre.",
        "Quelle idée à la con de publier à 6 h du matin.",
        "Ce plan est con comme la lune, désolé.",
        "Franchement nul comme conseil.",
        "Tu as tort, ton article est nul.",  # the subject after the comma: the article
        "This strategy is idiotic and you know it.",  # "you" after it is not what it describes
        "The maths here is garbage once you count the repairs.",  # "you" starts a clause of time
        "Ce forfait est nul quand tu vis seul.",
        "Ce défi, c'est de la connerie pour ceux qui débutent.",  # people after "pour": whom it is said of
        "Le cours que tu as conseillé est nul.",  # the reader in a relative clause: which course
        "The course that you sold us is garbage.",
        "You're completely wrong on this.",  # disagreement is no insult
        "Someone called me an idiot under our last post, I answered calmly.",  # reported
        "Un client m'a traité de connard. Je lui ai répondu poliment.",
        'A customer wrote "you people are morons" on our page.',  # quoted
        "J'suis trop con, j'avais oublié de cocher la case.",  # about oneself
        "Great conversation starter, from Scunthorpe with love.",  # letters inside other words
        "Désolé pour le retard, on a testé et ça marche.",  # "retard": a delay
        "Chui crevé après le marché mais j'ai lu l'article.",  # "crevé": tired
        "Les gens comme vous rendent internet plus sympa.",  # praise
        "Women in tech get far more abuse in comments, as you say.",  # a group named without hate
        "It isn't stupid, it's brave.",  # "isn't" is no French "t'"
        "Thanks for your kind words.",
        "Sa salopette est jolie.",  # a word family stops where everyday words begin
        "Vous aimez les animaux ?",  # dehumanising only when said of people
        "It won't hurt you to try.",
        "Quelle daube !",  # an exclamation about a thing
        "Some people think this plan is stupid, and I agree.",  # the opinion's subject: the plan
        "Tabs shouldn't be allowed in YAML files.",  # exclusion of no one
        "Do you like animals? The cat picture made my day.",
        "I know where you're coming from, but the park run is free.",  # no threat of where you park
        "J'ai vendu mon vélo de route pour 800 euros.",  # "vendu" alone: sold
        "Le maillot vendu par le club est trop cher.",
        "Il connaît ta voiture mieux que toi, ce garagiste.",
        "Ce genre de remarque n'a pas sa place ici.",  # no one told they have no place
        "Cette voiture n'a pas sa place en centre-ville.",
        "Il a du plomb dans la tête, ce nouveau maire.",  # sensible: no lead promised
        "Let me know where you park and I'll bring the bikes over.",  # no one says they know it
        "Once you know where you park, the walk to the stadium is ten minutes.",
        "Quelqu'un sait quelle maison d'édition publie ce livre ?",
        "Le sanglier est reparti avec du plomb dans les fesses.",  # told, not promised
        "Giroud n'a pas sa place en équipe de France.",  # a player's place in a team
        "Another sellout crowd at Anfield tonight.",  # "sellout" judges: no one is named
        "La grosse truie de la ferme a eu quatorze porcelets.",
    ],
)
def test_criticism_and_everyday_words_are_not_abuse(text):
    assert abuse.find_abuse(text, LEXICON) == []


def test_advertising_with_a_link_is_found_and_a_reader_s_own_link_is_not():
    assert abuse.find_advert("Buy cheap viagra online https://pharma.example", LEXICON, links=1)
    assert not abuse.find_advert("We wrote up our numbers: https://blog.example/answers", LEXICON, links=1)


def test_an_empty_lexicon_finds_nothing():
    assert abuse.find_abuse("You idiot.", abuse.Lexicon()) == []


@pytest.mark.parametrize(
    "text, category",
    [
        # Each part of a sentence has its own subject: after a conjunction as after a comma.
        ("The article is fine but you are an idiot.", abuse.INSULT),
        ("Tu as raison sur les chiffres mais t'es vraiment nul.", abuse.INSULT),
        # What follows a preposition is no subject: "in my opinion" does not make an idea of the reader.
        ("In my opinion you are an idiot.", abuse.INSULT),
        ("Dans cet article vous êtes ridicule, madame.", abuse.INSULT),
        # A name for a person after an idea and a preposition names people.
        ("This article is written by idiots.", abuse.INSULT),
        ("Cet article a été écrit par un abruti.", abuse.INSULT),
        ("The comment section is full of idiots.", abuse.INSULT),
        # A pronoun that is what a person did is no subject.
        ("Whoever wrote this is a total clown.", abuse.INSULT),
        ("Celui qui a écrit ça est un guignol.", abuse.INSULT),
        # Letters spaced out after a one-letter word.
        ("what a r e t a r d the writer is", abuse.INSULT),
        # Letters spaced out across the words they spell.
        ("the author is a f u c k i n g i d i o t", abuse.INSULT),
        # A star that hides no letter, typed into a slur.
        ("Forcément c'est un b*ougnoule qui a eu le prix.", abuse.HATE),
        # Threats, exclusion and shame with no bad word.
        ("Nobody would miss you if you disappeared.", abuse.THREAT),
        ("Personne ne te regretterait, tu sais.", abuse.THREAT),
        ("Someone should break your legs.", abuse.THREAT),
        ("Quelqu'un devrait te frapper.", abuse.THREAT),
        ("We know your face, see you at the match.", abuse.THREAT),
        ("Go back to the kitchen where you belong.", abuse.EXCLUSION),
        ("Les gens comme toi n'ont rien à faire ici.", abuse.HATE),
        ("Women have no business refereeing football.", abuse.HATE),
        ("Your parents must be ashamed of you.", abuse.INSULT),
        ("Vous êtes d'une bêtise rare.", abuse.INSULT),
        ("You are stupid and everyone knows it.", abuse.INSULT),
        # Not addresses: a missing space before a sentence, leet in a word.
        ("You moron.Be gone.", abuse.INSULT),
        ("T'es un connard.De toute façon personne ne te lit.", abuse.INSULT),
        ("Sale s@lope.va", abuse.INSULT),
        # An elision and a possessive are no single quotes.
        ("Tell 'em what you think, you moron, it's your kids' fault.", abuse.INSULT),
        # What follows a link is not quoted because the link sits in quotes.
        ("“Read http://a.example/x” you idiot.", abuse.INSULT),
        ("T'es qu'un idiot, l'ami.", abuse.INSULT),
        ("You're an idiot, don't you know it.", abuse.INSULT),
    ],
)
def test_the_held_out_set_s_general_rules_hold_abuse(text, category):
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # The subject of the part of the sentence where the word is: after a conjunction, a comma, or named by
        # a pronoun and a verb.
        "You're wrong and the whole article is crap.",
        # Nor does a person named after a conjunction: they start the next part.
        "This rota system is crap and everyone on the ward knows it.",
        "Is bullshit and you know it.",
        # What is quoted, between single quotes too, is not said here.
        "Our parrot shouts 'shut up, idiot' at the kettle, and I'm mortified.",
        "A customer called our staff ‘lazy idiots’ under our last post.",
        "You can't be serious about this plan, it's garbage.",
        "Vous êtes à côté de la plaque, c'est nul.",
        "Tu dis n'importe quoi, c'est complètement con.",
        "You know it's garbage, right?",
        # An idea before the word, as French adjectives follow nouns, or right after it.
        "T'as fait une erreur débile dans la recette.",
        "Tu donnes un conseil complètement idiot.",
        "C'est complètement crétin comme règle.",
        "That's a dumbass way to store knives.",
        "You made a stupid mistake in step 3.",
        # A person's possessive before an idea: the idea is the subject.
        "The author's advice is stupid.",
        # Denied.
        "You're not stupid for asking, the instructions are confusing.",
        "T'es pas si con, c'est la recette qui est mal écrite.",
        # The writer's own circle, and the writer named after the word.
        "My husband is an idiot about spice, but he loved this.",
        "Mon mari est un boulet en cuisine mais il a réussi ce plat.",
        "What an idiot I was to skip the resting step.",
        "Quel idiot je fais, j'avais oublié le sel.",
        # Animals are no people; "pros and cons" is no insult.
        "Our cat is a complete idiot about the laser pointer.",
        "Les pros et les cons de chaque outil sont bien expliqués.",
        # A thing named between people and a dehumanising word.
        "You guys are killing it, the new layout is sick.",
        # " - " ends a clause like a full stop.
        "You asked - the recipe is garbage, sorry.",
    ],
)
def test_the_held_out_set_s_general_rules_publish_criticism(text):
    assert abuse.find_abuse(text, LEXICON) == []


def test_a_comment_without_any_word_of_the_lexicon_is_read_in_one_pass():
    text = "Thanks, the sourdough rose beautifully this time. " * 100
    reading = abuse.read(text, LEXICON)
    assert reading.findings == [] and reading.adverts == 0
    # The same comment read again, from the words kept by the lexicon's index, says the same.
    assert abuse.read(text, LEXICON) == reading
    assert categories(text + " You are an idiot.") == {abuse.INSULT}


def test_a_hostile_comment_is_read_until_enough_is_found():
    text = "You idiot. " * 500
    assert len(abuse.find_abuse(text, LEXICON)) == 1  # the same finding, once
    mixed = "You idiot. I know where you live. Immigrants are parasites. " * 100
    assert categories(mixed) == {abuse.INSULT, abuse.THREAT, abuse.DEHUMANISING}


def policy_page_examples(prefix):
    """The examples the public policy page gives after `prefix` ("Held:"), in English."""
    page = (Path(__file__).resolve().parents[2] / "templates" / "comments" / "policy.html").read_text()
    examples = re.search(rf"{prefix} (.*?)\" %}}", page).group(1)
    return [example.strip("“” ") for example in examples.split(" · ")]


@pytest.mark.parametrize("text", policy_page_examples("Held:"))
def test_what_the_policy_page_says_is_held_is_held(text):
    assert abuse.find_abuse(text, LEXICON)


@pytest.mark.parametrize("text", policy_page_examples("Published at once:"))
def test_what_the_policy_page_says_is_published_is_published(text):
    assert abuse.find_abuse(text, LEXICON) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # A judging name followed by an action, with no one named: the action is judged.
        ("Assez idiot de recommander ce col en plein été.", set()),
        ("Bit idiotic to publish prices from last year.", set()),
        # ... but not a person after it, nor the reader before it.
        ("Pauvre idiot de blogueur.", {abuse.INSULT}),
        ("T'es idiot de croire ça.", {abuse.INSULT}),
        # Threats and dehumanising metaphors without a bad word; nationalities are groups.
        ("Keep it up and I will come find you.", {abuse.THREAT}),
        ("Ces gens-là sont un fléau.", {abuse.DEHUMANISING}),
        ("Romanians ruin every market they touch.", {abuse.HATE}),
    ],
)
def test_the_second_round_s_general_rules(text, expected):
    assert categories(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # A run of one-word sentences is read again as one clause, for what it says across them: an insult
        # of several words said one a sentence, padded or not...
        ("Trou. Du. Cul. Voilà, c'est dit.", {abuse.INSULT}),
        ("Ha. Ha. Ha. Ha. Trou. . Du. . Cul.", {abuse.INSULT}),
        ("Espèce. De. Con.", {abuse.INSULT}),
        # ... and a word said in pieces, unless each piece is a word of the lexicon already.
        ("Dick. Head. That's all I've got for you.", {abuse.INSULT}),
        ("Dick. Head. " * 10, {abuse.INSULT}),
        ("Con. Nard.", {abuse.INSULT}),
        ("Idiot. Idiot.", {abuse.INSULT}),
        # Each sentence is still read on its own: nothing said in one is lost in the run.
        ("Idiot. Bye.", {abuse.INSULT}),
        ("Co. Nigger.", {abuse.HATE}),
        ('Idiot. "x" Bye.', {abuse.INSULT}),
        # Single words that find nothing together stay published, and so does a name followed by a comma.
        ("Merci. Vraiment. Bravo.", set()),
        ("Bull. Shit. The cameras change nothing.", set()),
        ("Who was wrong? You? Stupid? No, just tired.", set()),
        ("Toi ? Con ? Non, fatigué.", set()),
        ("Dick, head of the cycling club, says the lane opens in May.", set()),
        # "Pédale" is a slur in the forms that aim it at people, a bicycle's pedal or "pédaler" elsewhere.
        ("Sale pédale.", {abuse.HATE}),
        ("T'es qu'une pédale.", {abuse.HATE}),
        ("Toutes des pédales.", {abuse.HATE}),
        ("Le col m'a tuée, mais ça valait chaque coup de pédale.", set()),
        ("Vous mettez quoi comme pédales pour rouler sous la pluie ?", set()),
        ("Les personnes âgées ne peuvent pas toutes pédaler.", set()),
        # Journalists and a blog's editors are people.
        ("La rédactrice est complètement débile.", {abuse.INSULT}),
        ("La journaliste est débile.", {abuse.INSULT}),
        ("Le rédacteur en chef a raison, l'article est débile.", set()),
    ],
)
def test_the_sixth_round_s_general_rules(text, expected):
    assert categories(text) == expected


def test_a_hostile_comment_of_one_word_sentences_is_read_up_to_a_point():
    """Past ONE_WORD_SENTENCES_READ sentences of one word, they are read each on its own only: a hostile
    comment of thousands of them costs no more than its sentences' reading."""
    known = abuse._index(LEXICON).seen.known
    assert abuse._said_one_by_one(["dick", "head", "bye"], known) == (["dickhead", "bye"], ["dickhead"])
    clauses, runs = abuse._clauses(["a", abuse.BREAK] * 1000, known)
    assert len(clauses) == 1001 and len(runs) == 1 and len(runs[0][0]) == abuse.ONE_WORD_SENTENCES_READ


LINK, PHONE = abuse.LINK, abuse.PHONE


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("See https://a.example/x?y=1, then www.b.example.", ["see", LINK, ",", "then", LINK, "."]),
        ("Mail bob.smith@shop.example or shop.example/promo!", ["mail", LINK, "or", LINK, "."]),
        ("Visit casino-bonus.com now", ["visit", LINK, "now"]),
        ("Sale s@lope.va", ["sale", "salope", ".", "va"]),
        ("You moron.Be gone", ["you", "moron", ".", "be", "gone"]),
    ],
)
def test_links_addresses_and_bare_domains_are_read_as_one_word(text, words):
    assert abuse.words_said(text) == words


@pytest.mark.parametrize(
    "number",
    [
        "06 00 00 00 00",
        "06.00.00.00.00",
        "0600000000",
        "+33 6 12 34 56 78",
        "+44 20 7946 0958",
        "020 7946 0000",
        "07700 900123",
        "(555) 010-0199",
        "555.010.0199",
        "555-0142",
        "1-800-555-0199",
        "1 (800) 555-0199",
        "0033 6 00 00 00 00",
    ],
)
def test_phone_numbers_are_read_as_one_word_as_links_are(number):
    assert abuse.words_said(f"Réservez au {number}, merci") == ["reservez", "au", PHONE, ",", "merci"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("06 00 00 00 00 07 00 00 00 00", [PHONE, PHONE]),
        ("call 555-0142 555-0143", ["call", PHONE, PHONE]),
        ("call 555-0142 2 times", ["call", PHONE, "times"]),
        ("en 2023 06 00 00 00 00", ["en", PHONE]),
        ("3.14 06 00 00 00 00", [abuse.BREAK, PHONE]),
    ],
)
def test_a_phone_number_beside_other_numbers_is_found_in_them(text, words):
    assert abuse.words_said(text) == words


@pytest.mark.parametrize("hostile", ["0" * 5000, "0 " * 2500, "+" * 5000, "(" * 5000, "12 " * 1666])
def test_runs_of_digits_read_no_phone_number_and_end(hostile):
    assert PHONE not in abuse.words_said(hostile)


@pytest.mark.parametrize(
    "numbers",
    [
        "le 01.02.2024 à 10:30",
        "in 2019 2020 and 2021",
        "1 299 000 readers",
        "ISBN 978-2-07-036822-8",
        "won 3-2",
        "1990-2000",
        "10 000-20 000 €",
        "0 0 0 0 0 0 0 0 0 0",
        "+33",
        "x06 00 00 00 00",
        "06 00 00 00 00x",
    ],
)
def test_dates_years_prices_and_scores_are_no_phone_numbers(numbers):
    assert PHONE not in abuse.words_said(numbers)


def test_what_is_quoted_is_left_to_the_classifiers_which_read_it_in_context():
    text = "He yelled 'go home, you idiot' at me."
    assert abuse.read(text, LEXICON).findings == []
    said = ["he", "yelled", "go", "home", ",", "you", "idiot", "at", "me", "."]
    assert abuse.read(text, LEXICON).tokens == said


def test_a_comment_is_read_once_its_quotes_marked_as_reading_it_twice_would_read_it():
    """The text is read once, its quotes marked (`_mark_quotes`): the classifiers get the words of the whole
    text, and the lexicon finds what it finds in the text with its quotes taken out, on random texts. (A dash
    that touches a quote goes with it: taken out with the quote, it would stand alone and end a clause.)"""
    draw = random.Random(14)
    pieces = ["you", "are", "an", "idiot", "he", "said", "l'idiot", "ok", "a", "b", "c", "7", *"'‘’\"«»,.-"]
    seen = abuse._index(LEXICON).seen
    marked = 0
    for _ in range(6000):
        words = draw.choices(pieces, k=draw.randint(1, 14))
        text = "".join(word + draw.choice(["", " ", " ", "\n"]) for word in words)
        said = abuse._said(text)
        reading = abuse.read(text, LEXICON)
        assert reading.tokens == seen.tokens(said), text  # as the text read without its marks
        if "-" not in text:
            unquoted = abuse._SINGLE_QUOTED.sub(" ", abuse._QUOTED.sub(" ", said))
            if not abuse._LETTER.search(unquoted):
                unquoted = said  # all quotes: said by the reader
            assert reading.findings == abuse.read(unquoted, LEXICON).findings, text
        marked += bool(abuse._quoted(said))
    assert marked > 1000
    assert abuse.read('He said "go"- then left', LEXICON).tokens == ["he", "said", "go", "then", "left"]


def test_the_marks_of_quotes_cannot_be_typed_to_hide_words():
    typed = [
        'He said "hi". \x01open\x01 you are an idiot \x01close\x01',
        "\x01close\x01 you are an idiot \x01open\x01",
        "you\x01idiot",
    ]
    for text in typed:
        reading = abuse.read(text, LEXICON)
        assert reading.findings, text
        assert all("\x01" not in token for token in reading.tokens), text


def test_single_quotes_are_found_as_a_pattern_that_looks_behind_first_would_find_them():
    """`_SINGLE_QUOTED` starts with the quote, so that it is tried only at quotes, and looks at what stands
    before the quote after it: the same spans as the pattern that looks behind first, on random texts."""
    behind_first = re.compile(
        abuse._SINGLE_QUOTED.pattern.replace("['‘](?<![\\w'‘’].)", "(?<![\\w'‘’])['‘]", 1)
    )
    assert behind_first.pattern != abuse._SINGLE_QUOTED.pattern
    draw = random.Random(13)
    quoted = 0
    for _ in range(20000):
        text = "".join(draw.choice("ab e'‘’\n.,!?") for _ in range(draw.randint(0, 30)))
        assert abuse._SINGLE_QUOTED.sub(" ", text) == behind_first.sub(" ", text), text
        quoted += behind_first.search(text) is not None
    assert quoted > 1000
    assert abuse._SINGLE_QUOTED.sub("_", "'shut up' l'idiot said 'ok'") == "_ l'idiot said _"


def test_quotes_are_found_at_the_quotes_as_a_pattern_tried_everywhere_finds_them():
    """`_quoted` tries its patterns only where a quote stands (`_double_quotes`, `_APOSTROPHE_QUOTED`): the
    same spans as the patterns of every quote run over the whole text, on random texts."""

    def everywhere(said):
        spans = [match.span() for match in abuse._QUOTED.finditer(said)]
        rest = abuse._QUOTED.sub(lambda match: " " * len(match[0]), said)
        if "‘" in rest or rest.startswith("'") or " '" in rest or "\n'" in rest:  # where one may open
            spans += [match.span() for match in abuse._SINGLE_QUOTED.finditer(rest)]
        return spans

    draw = random.Random(15)
    quoted = 0
    for _ in range(20000):
        text = "".join(draw.choice("ab e'‘’\"“”«»„\n.,") for _ in range(draw.randint(0, 30)))
        spans = everywhere(text)
        assert _joined(abuse._quoted(text)) == _joined(sorted(spans)), text
        quoted += bool(spans)
    assert quoted > 5000
    most = abuse.QUOTES_MARKED
    assert abuse._quoted('"a" ' * (most - 1) + "« b »") == [(4 * n, 4 * n + 3) for n in range(most - 1)] + [
        (4 * most - 4, 4 * most + 1)
    ]
    assert abuse._quoted('"a" ' * most + "« b »") is None


def _joined(spans):
    """Spans where they touch or overlap joined, as `_quoted` keeps them (there is no dash to widen them)."""
    kept = []
    for start, end in spans:
        if kept and start <= kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    return kept


def test_letters_are_joined_across_pieces_only_where_three_stand_alone_around_a_space():
    """`_SPACED_ACROSS` finds every run of letters `_SPACED_RUN` would join across a space: without one,
    joining changes nothing, on random texts (and "il y a 2 ans", which `_spaced_out` lets through, has
    none)."""
    draw = random.Random(17)
    joined = 0
    for _ in range(30000):
        text = "".join(draw.choice("ab e'’@$*.-1xé ") for _ in range(draw.randint(0, 25)))
        changed = abuse._SPACED_RUN.sub(abuse._joined, text) != text
        assert not changed or abuse._SPACED_ACROSS.search(text), text
        joined += changed
    assert joined > 50
    assert abuse._spaced_out(["il", "y", "a", "2", "ans"]) and not abuse._SPACED_ACROSS.search("il y a 2 ans")


def test_letters_spaced_out_are_read_piece_by_piece_as_the_whole_text_would_be():
    """Where letters may be spaced out, their runs are joined into one piece and the rest read piece by piece
    from what was read before, not the whole text again: the same tokens as one reading of the whole text,
    on random texts of letters, spaces and punctuation (dashes, which end a clause only between spaces, are
    left out: a whole-text reading does not see a space before the first one)."""
    seen = abuse._index(LEXICON).seen
    draw = random.Random(12)
    spaced = 0
    for _ in range(6000):
        text = "".join(draw.choice("abcdeio .'’@$*,!x ") for _ in range(draw.randint(1, 60)))
        if abuse._spaced_out(text.split(" ")):
            spaced += 1
            read = abuse._SPACED_TOKEN.findall(text)
            assert seen.tokens(text) == [
                word for raw in read for word in abuse._canonical(raw, seen.known)
            ], text
    assert spaced > 100
    long_text = "some context here. " * 200 + "you are an i d i o t, s t u p i d."
    assert seen.tokens(long_text)[-7:] == ["you", "are", "an", "idiot", ",", "stupid", "."]


@pytest.mark.parametrize(
    ("spaced", "words"),
    [
        ("f u c k i n g i d i o t", ["fucking", "idiot"]),  # two words the lexicon knows
        ("a f u c k i n g i d i o t", ["a", "fucking", "idiot"]),  # a one-letter word first
        ("a r e t a r d", ["a", "retard"]),  # the longest word among equals, not "are tard"
        ("i d i o t", ["idiot"]),  # one word: as it is
        ("c o n n a r d s", ["connards"]),  # a word of a family: as it is
        ("U S A", ["usa"]),  # words of one or two letters: no words spelt
        # Ordinary words hold shorter words of the lexicon: none shorter than SPELT_SHORTEST is spelt.
        ("S P I C E S", ["spices"]),
        ("C H A R L O T T E", ["charlotte"]),
        ("F A T H E R", ["father"]),
        ("D É P U T É", ["depute"]),
        ("L E Ç O N", ["lecon"]),
        ("S C U M M Y", ["scummy"]),
        ("f u c k i n g a m a z i n g", ["fuckingamazing"]),  # one word the lexicon does not know
        ("S C U N T H O R P E", ["scunthorpe"]),  # no words of the lexicon from its first letter
        # Past SPELT_LETTERS, a run is read as one word.
        (" ".join("fuckingidiotfuckingidiot"), ["fuckingidiotfuckingidiot"]),
    ],
)
def test_letters_spaced_out_are_read_as_the_fewest_words_they_spell(spaced, words):
    seen = abuse._index(LEXICON).seen
    seen.clear()
    assert [word for word in seen.tokens(abuse.normalize(spaced)) if word != abuse.BREAK] == words


@pytest.mark.parametrize(
    "text",
    [
        "Your recipe needs more S P I C E S, in my opinion it was a bit bland.",
        "La C H A R L O T T E aux fraises de ma mère, un souvenir.",
        "The F A T H E R of the bride looked H O M E S I C K all day.",
        "Le D É P U T É est R É P U T É pour sa L E Ç O N de choses.",
    ],
)
def test_ordinary_words_spaced_out_stay_published(text):
    assert abuse.find_abuse(text, LEXICON) == []


def test_a_run_of_stars_is_read_quickly():
    """Stars hide one letter each, or one star none: a run of stars is compared letter by letter, not tried
    every way a regular expression of optional letters would (84 s for "c", thirty stars and "q")."""
    found = abuse.read("c" + "*" * 30 + "q, " + "Quel c" + "*" * 17 + "q, franchement. " * 50, LEXICON)
    assert found.findings == []
    assert abuse._masks("b*ougnoule", "bougnoule") and abuse._masks("f*ck", "fuck")
    assert not abuse._masks("f*ck", "fucks") and not abuse._masks("c*n", "cul")
