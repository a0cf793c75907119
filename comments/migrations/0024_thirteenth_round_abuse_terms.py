"""Entries of issue 12's thirteenth round, from the misses of held-out sets 24 and 25: threats to shut the
reader up for good or of a bullet ("tu vas te prendre une balle"), "un demeuré" for a person (not "demeure",
a house), and a search engine named as where to find what is sold ("tapez « X » sur Google"), which with a
second word of advertising is an advertisement. Frozen here, as in 0015; an entry the owner added or removed
since stays as it is."""

from django.db import migrations

ENTRIES = [
    (kind, language, entry)
    for kind, language, entries in (
        ("person_insult", "fr", "espece de demeure, un demeure, une demeuree"),
        ("threat", "en", "shut you up for good, shut you up permanently, silence you for good"),
        (
            "threat",
            "fr",
            "te mettre une balle, te prendre une balle, vous mettre une balle, vous prendre une balle",
        ),
        ("advert", "en", "on google"),
        ("advert", "fr", "sur google"),
    )
    for entry in entries.split(", ")
]


def add(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    terms = [AbuseTerm(kind=kind, language=language, entry=entry) for kind, language, entry in ENTRIES]
    AbuseTerm.objects.bulk_create(terms, ignore_conflicts=True)


def remove(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    for kind, _language, entry in ENTRIES:
        AbuseTerm.objects.filter(kind=kind, entry=entry).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0023_twelfth_round_abuse_terms"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
