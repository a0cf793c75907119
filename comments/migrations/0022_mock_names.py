"""Names said in mock praise (issue 12's eleventh round): "Nice try, Einstein, but...", "Relis l'article,
génie, il dit le contraire", "Check your facts, Sherlock." Someone called it, alone between commas beside what
the sentence says, is insulted; "Genius." alone mocks an idea, and friends tease so too, so the policy asks
the abuse classifier (`abuse.Finding.aimed`). A new kind of entry, and its seeds. Frozen here, as in 0015; an
entry the owner added or removed since stays as it is."""

from django.db import migrations, models

MOCK_NAMES = [
    ("mock", language, entry)
    for language, entries in (
        ("en", "genius, einstein, sherlock, professor, picasso, mozart, bozo"),
        ("fr", "genie, le genie, mon genie, einstein, sherlock, champion, le champion, professeur"),
    )
    for entry in entries.split(", ")
]


def add(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    terms = [AbuseTerm(kind=kind, language=language, entry=entry) for kind, language, entry in MOCK_NAMES]
    AbuseTerm.objects.bulk_create(terms, ignore_conflicts=True)


def remove(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    for kind, _language, entry in MOCK_NAMES:
        AbuseTerm.objects.filter(kind=kind, entry=entry).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0021_business_speaking_advert_terms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="abuseterm",
            name="kind",
            field=models.CharField(
                choices=[
                    ("person_insult", "a name for a person (held unless it describes an idea)"),
                    ("insult", "a word that judges (held when aimed at a person)"),
                    ("slur", "a slur (always held)"),
                    ("dehumanising", "dehumanising (held when aimed at people)"),
                    ("derogatory", "a generalisation (held when aimed at a group)"),
                    ("threat", "a threat (always held)"),
                    ("exclusion", "exclusion, “you do not belong” (always held)"),
                    ("person", "a person as a target (you, the author)"),
                    ("group", "a group of people as a target"),
                    ("idea", "an idea or a thing as a target (article, advice)"),
                    ("self", "the writer themselves (I, je)"),
                    ("vocative", "calls someone what follows (espèce de, you)"),
                    ("report", "reports words said elsewhere (called me)"),
                    ("advert", "advertising (held with a link)"),
                    ("mock", "a name said in mock praise (held when someone is called it: nice try, genius)"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(add, remove),
    ]
