"""Entries of issue 12's twelfth round, from the misses of held-out sets 21 to 23: threats that say where the
reader parks or sleeps ("we know where you park", "on sait où tu te gares") or promise lead ("du plomb dans les
fesses"), names for a sellout ("sale vendu", "collabo", "shill"), "sorry sack of", "benêt", "teubé", "grosse
vache", "vraie truie", "enculé" spelt with a k and "kunt", "this kind of person has no place here" ("ce genre
de personne n'a pas sa place"), and the words of crypto hype ("to the moon"). Frozen here, as in 0015; an entry
the owner added or removed since stays as it is."""

from django.db import migrations

ENTRIES = [
    (kind, language, entry)
    for kind, language, entries in (
        (
            "person_insult",
            "en",
            "sorry sack of, sack of shit, sack of nothing, sellout, sellouts, shill, shills, kunt*",
        ),
        (
            "person_insult",
            "fr",
            "enkule*, sale vendu, sales vendus, espece de vendu, bande de vendus, pauvre vendu, collabo, collabos, "
            "benet, benets, grosse vache, grosses vaches, vieille vache, vraie truie, grosse truie, sale truie",
        ),
        ("insult", "fr", "teube, teubes"),
        (
            "threat",
            "en",
            "know where you park, know where you sleep, know which house is yours, know what car you drive",
        ),
        (
            "threat",
            "fr",
            "va te faire encul*, va te faire enkul*, allez vous faire encul*, sait ou tu te gares, "
            "on connait ta voiture, sait quelle maison, plomb dans les fesses, plomb dans le cul",
        ),
        ("exclusion", "fr", "n a pas sa place, n as pas ta place, n avez pas votre place"),
        ("person", "fr", "genre de personne*"),
        ("advert", "en", "to the moon, before it moons, get in early"),
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
