"""The abuse lexicon's data migrations: a site seeded before an entry changed gets the change, and an owner's
own choice stays as it is. Each is run on today's AbuseTerm table, whose shape they did not change."""

import importlib

import pytest
from django.apps import apps

from comments.models import AbuseTerm

SIXTH_ROUND = importlib.import_module("comments.migrations.0018_sixth_round_abuse_terms")
PEOPLE = ["journalist*", "journaliste*", "redacteur*", "redactrice*"]

pytestmark = pytest.mark.django_db


def entries(containing):
    return set(AbuseTerm.objects.filter(entry__contains=containing).values_list("kind", "entry"))


@pytest.fixture
def seeded_before():
    """The lexicon of a site seeded before the sixth round: "pedale*" a slur, no journalists."""
    AbuseTerm.objects.filter(entry__contains="pedale").delete()
    AbuseTerm.objects.filter(entry__in=PEOPLE).delete()
    AbuseTerm.objects.create(kind="slur", entry="pedale*", language="fr")


def test_a_site_seeded_before_gets_the_sixth_round_s_changes_and_can_go_back(seeded_before):
    SIXTH_ROUND.change(apps, None)
    assert ("slur", "pedale*") not in entries("pedale")
    assert {("slur", "sale pedale*"), ("slur", "qu une pedale"), ("slur", "toutes des pedales")} <= entries(
        "pedale"
    )
    assert set(AbuseTerm.objects.filter(entry__in=PEOPLE).values_list("entry", flat=True)) == set(PEOPLE)
    SIXTH_ROUND.change_back(apps, None)
    assert entries("pedale") == {("slur", "pedale*")}
    assert not AbuseTerm.objects.filter(entry__in=PEOPLE).exists()


def test_an_owner_who_removed_pedale_keeps_their_lexicon(seeded_before):
    AbuseTerm.objects.filter(entry="pedale*").delete()
    SIXTH_ROUND.change(apps, None)
    assert entries("pedale") == set()
    SIXTH_ROUND.change_back(apps, None)
    assert entries("pedale") == set()


def test_a_site_seeded_after_has_the_sixth_round_s_lexicon_already():
    """Migration 0012 seeds from today's module: the forms, the people, no "pedale*"."""
    assert ("slur", "pedale*") not in entries("pedale") and ("slur", "sale pedale*") in entries("pedale")
    before = entries("")
    SIXTH_ROUND.change(apps, None)
    assert entries("") == before


# Later rounds only add entries: (the migration, its entries).
ADDED = [
    (importlib.import_module("comments.migrations.0019_contact_advert_terms"), "ADVERTS"),
    (importlib.import_module("comments.migrations.0020_threats_of_a_beating"), "THREATS"),
    (importlib.import_module("comments.migrations.0021_business_speaking_advert_terms"), "ADVERTS"),
    (importlib.import_module("comments.migrations.0022_mock_names"), "MOCK_NAMES"),
    (importlib.import_module("comments.migrations.0023_twelfth_round_abuse_terms"), "ENTRIES"),
    (importlib.import_module("comments.migrations.0024_thirteenth_round_abuse_terms"), "ENTRIES"),
]


@pytest.mark.parametrize(("migration", "name"), ADDED)
def test_a_site_seeded_before_gets_a_round_s_entries_and_can_go_back(migration, name):
    added = {(kind, entry) for kind, _language, entry in getattr(migration, name)}
    for kind, entry in added:
        AbuseTerm.objects.filter(kind=kind, entry=entry).delete()
    before = entries("")
    migration.add(apps, None)
    assert entries("") - before == added
    migration.remove(apps, None)
    assert entries("") == before


@pytest.mark.parametrize(("migration", "name"), ADDED)
def test_a_site_seeded_after_has_a_round_s_entries_already(migration, name):
    """Migration 0012 seeds from today's module: "code promo", "je te casse les dents" are there."""
    before = entries("")
    assert {(kind, entry) for kind, _language, entry in getattr(migration, name)} <= before
    migration.add(apps, None)
    assert entries("") == before
