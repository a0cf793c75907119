"""The abuse lexicon's data migrations: a site seeded before an entry changed gets the change, and an owner's
own choice stays as it is."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = ("comments", "0017_erased_import_keys"), ("comments", "0018_pedale_aimed_only")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def at_0017(transactional_db):
    apps = migrate(BEFORE)
    yield apps.get_model("comments", "AbuseTerm")
    migrate(executor_leaf())


def executor_leaf():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("comments")[0]


def entries(AbuseTerm, entry_prefix="pedale"):
    return set(AbuseTerm.objects.filter(entry__startswith=entry_prefix).values_list("kind", "entry"))


def test_pedale_is_held_only_when_aimed_at_a_person_on_a_site_seeded_before(at_0017):
    AbuseTerm = at_0017
    AbuseTerm.objects.filter(entry__startswith="pedale").delete()
    AbuseTerm.objects.create(kind="slur", entry="pedale*", language="fr")  # as the seeding had it
    after = migrate(AFTER).get_model("comments", "AbuseTerm")
    assert entries(after) == {("insult", "pedale"), ("insult", "pedales")}
    before = migrate(BEFORE).get_model("comments", "AbuseTerm")
    assert entries(before) == {("slur", "pedale*")}


def test_an_owner_who_removed_pedale_keeps_their_lexicon(at_0017):
    AbuseTerm = at_0017
    AbuseTerm.objects.filter(entry__startswith="pedale").delete()
    after = migrate(AFTER).get_model("comments", "AbuseTerm")
    assert entries(after) == set()
