"""Entries of issue 12's twelfth round, from the misses of held-out sets 21 to 23: threats that say the writer
knows where the reader parks or sleeps ("we know where you park", "on sait où tu te gares") or promise lead
("tu repartiras avec du plomb"), names for a sellout ("sale vendu", "collabo"; "sellout" and "shill" judge, as
"sellout crowd" and "shill bidding" show), "sorry sack of", "benêt", "teubé", "grosse vache", "vraie truie",
"enculé" spelt with a k and "kunt", "tu n'as pas ta place", and the words of crypto hype ("to the moon").
Frozen here, as in 0015; an entry the owner added or removed since stays as it is."""

from django.db import migrations

ENTRIES = [
    (kind, language, entry)
    for kind, language, entries in (
        ("person_insult", "en", "kunt*, sack of nothing, sack of shit, sorry sack of"),
        (
            "person_insult",
            "fr",
            "bande de vendus, benet, benets, collabo, collabos, enkule*, espece de vendu, grosse "
            "vache, grosses vaches, pauvre vendu, sale truie, sale vendu, sales vendus, vieille "
            "vache, vraie truie",
        ),
        ("insult", "en", "sellout, sellouts, shill, shills"),
        ("insult", "fr", "teube, teubes"),
        (
            "threat",
            "en",
            "i know what car you drive, i know where you park, i know where you sleep, i know which "
            "house is yours, we know what car you drive, we know where you park, we know where you "
            "sleep, we know which house is yours",
        ),
        (
            "threat",
            "fr",
            "allez vous faire encul*, repartir* avec du plomb, sait ou tu te gares, va te faire "
            "encul*, va te faire enkul*",
        ),
        ("exclusion", "fr", "n as pas ta place, n avez pas votre place"),
        ("person", "fr", "genre de personne*"),
        ("advert", "en", "before it moons, get in early, to the moon"),
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
        ("comments", "0022_mock_names"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
