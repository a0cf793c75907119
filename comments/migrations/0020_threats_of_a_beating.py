"""Threats of a beating said in full (issue 12's tenth round): "I'll break your jaw", "je te casse les dents".
Frozen here, as in 0015; an entry the owner added or removed since stays as it is."""

from django.db import migrations

THREATS = [
    ("threat", language, entry)
    for language, entries in (
        (
            "en",
            "break your jaw, break his jaw, break her jaw, break your face, smash your face, smash your teeth, "
            "knock your teeth out, punch your lights out, kick your head in, beat you up, "
            "beat the shit out of you",
        ),
        (
            "fr",
            "te casse les dents, te casser les dents, te peter la tronche, te casser la figure, "
            "te mettre une raclee",
        ),
    )
    for entry in entries.split(", ")
]


def add(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    terms = [AbuseTerm(kind=kind, language=language, entry=entry) for kind, language, entry in THREATS]
    AbuseTerm.objects.bulk_create(terms, ignore_conflicts=True)


def remove(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    for kind, _language, entry in THREATS:
        AbuseTerm.objects.filter(kind=kind, entry=entry).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0019_contact_advert_terms"),
    ]

    operations = [migrations.RunPython(add, remove)]
