"""The English and French catalogues: complete, consistent with the source and with their compiled files, and
used by the real pages, mails and admin. Reads the .po and .mo files with the standard library only."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from comments import services
from comments.forms import issue_token
from comments.models import Comment, OutgoingMail
from tests.factories import delivered, make_article, make_comment, make_user

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["en", "fr"]
PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);", "fr": "nplurals=2; plural=(n > 1);"}
# What makemessages is told to skip, as in the README: virtualenvs, npm's folder, tests and benchmarks.
MAKEMESSAGES_IGNORE = [".venv", "node_modules", "tests", "benchmarks"]
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge")
NBSP, NNBSP = "\u00a0", "\u202f"


# Reading a .po file


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translations(self):
        """(what it translates, its translation) pairs: one, or one per plural form."""
        if self.msgid_plural is None:
            return [(self.msgid, self.msgstr)]
        return [
            (self.msgid if n == 0 else self.msgid_plural, text)
            for n, text in sorted(self.msgstr_plural.items())
        ]

    @property
    def key(self):
        """The entry's key in a compiled catalogue, as Python's gettext module reads it."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def read_po(path):
    """Every entry of a .po file, the header (msgid "") first."""
    entries, entry, target = [], Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    def store(name, index, text):
        if name == "msgstr" and index is not None:
            entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + text
        else:
            setattr(entry, name, (getattr(entry, name) or "") + text)

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif line.startswith("#"):
            continue
        if line.startswith('"'):
            store(*target, ast.literal_eval(line))
            continue
        match = _KEYWORD.match(line)
        assert match, f"{path}: cannot read {line!r}"
        name, index, text = match.groups()
        if name.startswith("msgstr"):
            name, index = "msgstr", int(index) if index is not None else None
        target = (name, index)
        store(name, index, ast.literal_eval(text))
    finish()
    return entries


def po_path(language):
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def catalogue(language):
    """The header and the entries of a language's catalogue."""
    header, *entries = read_po(po_path(language))
    assert header.msgid == "", f"{language}: the catalogue does not start with its header"
    return header, entries


# Complete and well formed


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_names_its_language_and_plural_rule(language):
    header, _entries = catalogue(language)
    assert "fuzzy" not in header.flags, f"{language}: the header is still marked fuzzy"
    assert f"Language: {language}\n" in header.msgstr
    assert f"Plural-Forms: {PLURAL_FORMS[language]}\n" in header.msgstr
    assert "charset=UTF-8" in header.msgstr


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_empty_fuzzy_or_obsolete(language):
    _header, entries = catalogue(language)
    assert entries, f"{language}: the catalogue is empty"
    untranslated = [e.msgid for e in entries if any(not text for _source, text in e.translations)]
    plural_forms_missing = [
        e.msgid for e in entries if e.msgid_plural is not None and len(e.msgstr_plural) != 2
    ]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    obsolete = [e.msgid for e in entries if e.obsolete]
    assert not untranslated, f"{language}: untranslated entries: {untranslated}"
    assert not plural_forms_missing, f"{language}: entries without both plural forms: {plural_forms_missing}"
    assert not fuzzy, f"{language}: fuzzy entries (check the guess, then drop the flag): {fuzzy}"
    assert not obsolete, f"{language}: obsolete entries (run makemessages with --no-obsolete): {obsolete}"


def test_the_english_catalogue_says_each_text_as_written():
    _header, entries = catalogue("en")
    changed = [e.msgid for e in entries for source, text in e.translations if text != source]
    assert not changed, f"English entries that differ from the source text: {changed}"


def test_both_catalogues_hold_the_same_texts():
    english = {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue("en")[1]}
    french = {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue("fr")[1]}
    assert english == french, f"only in English: {english - french}; only in French: {french - english}"


_NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
_POSITIONAL = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdifr]")
_BRACED = re.compile(r"\{(\w*)\}")
_TAG = re.compile(r"<[^>]+>")


def placeholders(text):
    """What a translation must keep from its source: named and positional % placeholders, {name} fields and
    HTML tags."""
    bare = text.replace("%%", "")
    return {
        "named": sorted(_NAMED.findall(bare)),
        "positional": _POSITIONAL.findall(_NAMED.sub("", bare)),
        "braced": sorted(_BRACED.findall(bare)),
        "tags": _TAG.findall(bare),
        "percent signs": text.count("%%"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_and_tag(language):
    _header, entries = catalogue(language)
    mismatches = [
        (source, text)
        for entry in entries
        for source, text in entry.translations
        if placeholders(source) != placeholders(text)
    ]
    assert not mismatches, f"{language}: placeholders or tags differ: {mismatches}"


def test_french_uses_french_typography():
    """Typographic apostrophes, « guillemets », and no-break spaces before : ; ! ? » and %, and after «."""
    _header, entries = catalogue("fr")
    faults = []
    for entry in entries:
        for _source, text in entry.translations:
            prose = _TAG.sub("", text)
            if "'" in prose or "“" in prose or "”" in prose or '"' in prose:
                faults.append(("straight apostrophe or English quotes", text))
            if re.search(r"(^|\S)[;!?»]|(^|\S)(?<!\d):(?!//)|«(?=\S)| [;:!?»]| %%|« ", prose):
                faults.append(("spacing around : ; ! ? « » %", text))
    assert not faults, faults


# Compiled and up to date


def compiled(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_says_what_the_source_catalogue_says(language):
    """The .mo files are committed (a fresh machine needs no gettext to serve French): they must hold every
    entry of the .po, as written there, and nothing else."""
    _header, entries = catalogue(language)
    expected = {}
    for entry in entries:
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr
        else:
            expected.update({(entry.key, n): text for n, text in entry.msgstr_plural.items()})
    found = {key: text for key, text in compiled(language)._catalog.items() if key != ""}
    stale = sorted(str(key) for key in expected.keys() - found.keys())
    extra = sorted(str(key) for key in found.keys() - expected.keys())
    different = sorted(str(key) for key in expected.keys() & found.keys() if expected[key] != found[key])
    assert not (stale or extra or different), (
        f"{language}: django.mo is older than django.po (run `manage.py compilemessages`). "
        f"Missing: {stale}; not in the .po: {extra}; different: {different}"
    )


def test_the_compiled_french_catalogue_follows_the_french_plural_rule():
    french = compiled("fr")
    assert french.ngettext("%(counter)s comment", "%(counter)s comments", 0) == "%(counter)s commentaire"
    assert french.ngettext("%(counter)s comment", "%(counter)s comments", 1) == "%(counter)s commentaire"
    assert french.ngettext("%(counter)s comment", "%(counter)s comments", 2) == "%(counter)s commentaires"


def _msgids(path):
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in read_po(path)[1:] if not e.obsolete}


def test_every_translatable_text_of_the_source_is_in_the_catalogues(tmp_path):
    """makemessages, run on a copy of the project, finds no text the catalogues lack: a template or a module
    that gained a string fails here until it is translated."""
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        message = (
            f"GNU gettext is not installed ({', '.join(missing_tools)} not found; apt-get install gettext): "
            "cannot check that the catalogues cover the source."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    copy = tmp_path / "project"
    ignored = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in ("config", "accounts", "blog", "comments", "templates", "locale"):
        shutil.copytree(settings.BASE_DIR / name, copy / name, ignore=ignored)
    shutil.copy2(settings.BASE_DIR / "manage.py", copy)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(
        DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", CAUSERIE_DATA_DIR=str(tmp_path / "data")
    )
    ignore = [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
    command = [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", *ignore]
    subprocess.run(command, cwd=copy, env=env, check=True, capture_output=True, timeout=300)
    new = _msgids(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po") - _msgids(po_path("fr"))
    assert not new, (
        "Texts marked for translation that the catalogues lack: run `manage.py makemessages -l fr -l en "
        f"--no-obsolete {' '.join(ignore)}`, translate them, then `manage.py compilemessages`: "
        f"{sorted(new, key=str)}"
    )


# The pages, mails and admin in French


@pytest.fixture(autouse=True)
def forget_the_language():
    """LocaleMiddleware leaves the last request's language active in the thread: later tests start afresh."""
    yield
    translation.deactivate()


def words(response):
    """A page's text with its no-break spaces as plain ones, to compare with sentences typed in a test."""
    return response.content.decode().replace(NBSP, " ").replace(NNBSP, " ")


@pytest.fixture
def french_article(db):
    return make_article(
        title="Le pain au levain",
        language="fr",
        published_at=datetime(2025, 3, 5, 10, 0, tzinfo=UTC),
    )


@pytest.mark.django_db
def test_the_home_page_follows_a_french_browser(client, french_article):
    make_comment(french_article)
    page = words(client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5"))
    assert '<html lang="fr">' in page
    assert "Derniers articles" in page
    assert "1 commentaire" in page and "1 comment<" not in page
    assert "5 mars 2025" in page


@pytest.mark.django_db
def test_an_english_browser_gets_english(client, french_article):
    make_comment(french_article)
    make_comment(french_article)
    page = words(client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="en">' in page
    assert "Latest articles" in page and "2 comments" in page
    assert "March 5, 2025" in page


@pytest.mark.django_db
def test_the_site_language_applies_when_the_browser_names_none(client, settings, french_article):
    settings.LANGUAGE_CODE = "fr"
    page = words(client.get("/"))
    assert '<html lang="fr">' in page and "Derniers articles" in page


@pytest.mark.django_db
def test_the_browser_language_wins_over_the_site_language(client, settings, french_article):
    settings.LANGUAGE_CODE = "fr"
    page = words(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in page and "Latest articles" in page


@pytest.mark.django_db
def test_the_language_chosen_on_the_site_is_remembered(client, french_article):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    page = words(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="fr">' in page and "Derniers articles" in page


@pytest.mark.django_db
def test_an_article_with_its_comments_in_french(client, french_article):
    make_comment(french_article, author_name="Alice")
    make_comment(french_article, author_name="Bruno")
    page = words(client.get(french_article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "2 commentaires" in page
    assert 'Répondre<span class="visually-hidden"> à Alice</span>' in page
    assert "Signaler" in page and "Laisser un commentaire" in page
    assert "Comment les commentaires sont modérés" in page
    # The comment field's help, formatted for each request in the reader's language.
    assert "caractères au plus" in page and "characters" not in page
    assert "5 mars 2025" in page


@pytest.mark.django_db
def test_the_comment_forms_errors_are_in_french(client, french_article):
    response = client.post(
        reverse("comments:post", args=[french_article.slug]),
        {
            "author_name": "\u200b",
            "author_email": "alice@example.com",
            "body": "",
            "token": issue_token(french_article, issued_at=time.time() - 60),
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    page = words(response)
    assert "Indiquez le nom à afficher avec votre commentaire." in page
    assert "Ce champ est obligatoire." in page
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_the_moderation_policy_in_french(client):
    page = words(client.get(reverse("comments:policy"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Comment les commentaires sont modérés" in page
    assert "Il contient plus de liens que les commentaires n’en ont d’habitude (2 liens ou plus)." in page
    assert "Insulte ou attaque personnelle" in page
    assert "« GENOU20 pour -20 % »" in page  # a discount code, with its sign
    assert "How comments" not in page


@pytest.mark.django_db
def test_a_reader_whose_comment_is_held_is_told_why_in_french(client):
    article = make_article(language="fr", hold_all_comments=True)
    response = client.post(
        reverse("comments:post", args=[article.slug]),
        {
            "author_name": "Alice",
            "author_email": "alice@example.com",
            "body": "Merci pour cet article.",
            "token": issue_token(article, issued_at=time.time() - 60),
        },
        HTTP_ACCEPT_LANGUAGE="fr",
        follow=True,
    )
    page = words(response)
    assert (
        "Votre commentaire est enregistré et attend une relecture, car l’auteur relit chaque commentaire de "
        "cet article avant sa parution." in page
    )
    assert "En attente de relecture : ce commentaire n’est visible que par vous" in page


@pytest.mark.django_db
def test_mails_about_a_french_article_are_in_french_whatever_the_active_language():
    author = make_user("auteur", email="auteur@example.com")
    article = make_article(author=author, title="Le pain au levain", language="fr", hold_all_comments=True)
    data = {"author_name": "Alice", "author_email": "alice@example.com", "body": "Une question ?"}
    with translation.override("en"):
        services.post_comment(article=article, data=data, user=AnonymousUser(), seconds_to_submit=60)
    [sent] = delivered()
    expected = f"[{settings.SITE_NAME}] Un commentaire attend une relecture sur « Le pain au levain »"
    assert sent.subject.replace(NBSP, " ").replace(NNBSP, " ") == expected
    assert OutgoingMail.objects.get().subject == sent.subject
    body = sent.body.replace(NBSP, " ").replace(NNBSP, " ")
    assert "Alice a commenté « Le pain au levain ». Le commentaire est retenu pour relecture, car :" in body
    assert "- l’auteur relit chaque commentaire de cet article avant sa parution" in body


@pytest.mark.django_db
def test_mails_about_an_english_article_stay_in_english():
    author = make_user("author", email="author@example.com")
    article = make_article(author=author, title="Sourdough", language="en", hold_all_comments=True)
    data = {"author_name": "Alice", "author_email": "alice@example.com", "body": "A question?"}
    with translation.override("fr"):
        services.post_comment(article=article, data=data, user=AnonymousUser(), seconds_to_submit=60)
    assert delivered()[0].subject == f"[{settings.SITE_NAME}] A comment waits for review on “Sourdough”"


@pytest.mark.django_db
def test_the_admin_comment_list_speaks_french_to_a_french_owner(owner_client, french_article):
    make_comment(french_article, status=Comment.Status.HELD, policy_reasons=["links"])
    page = words(owner_client.get(reverse("admin:comments_comment_changelist"), HTTP_ACCEPT_LANGUAGE="fr"))
    for text in (
        "Approuver : publier les commentaires sélectionnés",  # an action
        "Refuser les commentaires sélectionnés (demande le motif)…",
        ">Commentaire<",  # a column
        "En attente de relecture",  # a status
        "il contient plus de liens que les commentaires n’en ont d’habitude",  # a hold reason
        "À décider",  # a filter
        "Par motif de retenue",
        "Répondre",
    ):
        assert text in page, text
    assert "Approve: publish" not in page


@pytest.mark.django_db
def test_the_admin_index_says_what_is_waiting_in_french(owner_client, french_article):
    make_comment(french_article, status=Comment.Status.HELD)
    page = words(owner_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Ce qui vous attend" in page
    assert "1 commentaire attend une décision" in page
    assert "Administration de Causerie" in page
