"""The abuse lexicon's changes of issue 12's sixth round, from a cycling blog's held-out comments. The
French slur "pédale" is held in the forms that aim it at people ("sale pédale", "t'es qu'une pédale", "toutes
des pédales"): as a family of its own ("pedale*") it held every bicycle pedal and every "pédaler".
Journalists and a blog's editors ("rédacteur", "rédactrice") are people a comment may aim at. Frozen here,
as in 0015; an entry the owner added or removed since stays as it is."""

from django.db import migrations

REMOVED = ("slur", "fr", "pedale*")
AIMED = [
    ("slur", "fr", entry)
    for entry in (
        "sale pedale*",
        "sales pedales",
        "espece de pedale*",
        "bande de pedale*",
        "grosse pedale*",
        "tous des pedales",
        "toutes des pedales",
        "qu une pedale",
        "c est une pedale",
        "t es une pedale",
        "une vraie pedale",
    )
]
PEOPLE = [
    ("person", "en", "journalist*"),
    ("person", "fr", "journaliste*"),
    ("person", "fr", "redacteur*"),
    ("person", "fr", "redactrice*"),
]


def add(AbuseTerm, entries):
    terms = [AbuseTerm(kind=kind, language=language, entry=entry) for kind, language, entry in entries]
    AbuseTerm.objects.bulk_create(terms, ignore_conflicts=True)


def remove(AbuseTerm, entries):
    """How many of `entries` there were."""
    removed = 0
    for kind, _language, entry in entries:
        removed += AbuseTerm.objects.filter(kind=kind, entry=entry).delete()[0]
    return removed


def change(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    if remove(AbuseTerm, [REMOVED]):  # a site whose owner removed it, or seeded after, keeps its lexicon
        add(AbuseTerm, AIMED)
    add(AbuseTerm, PEOPLE)


def change_back(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    remove(AbuseTerm, PEOPLE)
    if remove(AbuseTerm, AIMED):
        add(AbuseTerm, [REMOVED])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0017_erased_import_keys"),
    ]

    operations = [migrations.RunPython(change, change_back)]
