"""The French slur "pédale" held only when it is aimed at a person ("sale pédale", "t'es qu'une pédale"): as a
slur family ("pedale*") it held every bicycle pedal and every "pédaler" (issue 12's sixth round, a cycling
blog's held-out comments). Frozen here, as in 0015; an entry the owner added or removed since stays as it
is."""

from django.db import migrations

REMOVED = ("slur", "pedale*")
ADDED = [("insult", "fr", "pedale"), ("insult", "fr", "pedales")]


def aim_it(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    removed, _by_model = AbuseTerm.objects.filter(kind=REMOVED[0], entry=REMOVED[1]).delete()
    if removed:  # a site whose owner removed the entry, or seeded after this change, keeps its lexicon
        terms = [AbuseTerm(kind=kind, language=language, entry=entry) for kind, language, entry in ADDED]
        AbuseTerm.objects.bulk_create(terms, ignore_conflicts=True)


def hold_it_always(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    for kind, _language, entry in ADDED:
        AbuseTerm.objects.filter(kind=kind, entry=entry).delete()
    AbuseTerm.objects.get_or_create(kind=REMOVED[0], entry=REMOVED[1], defaults={"language": "fr"})


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0017_erased_import_keys"),
    ]

    operations = [migrations.RunPython(aim_it, hold_it_always)]
