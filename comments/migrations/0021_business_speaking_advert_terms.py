"""Words of advertising in which a business speaks to readers (issue 12's eleventh round): "contact us",
"book direct", "special rate", "mention this blog", "écrivez-nous", "tarif spécial". A reader speaks for
themselves ("contact me" is not one); a business that invites readers to reach it and offers them a price
advertises. With a link, an address or a phone number beside them, or a second word of advertising, a
comment reads as an advertisement; alone, one of them holds nothing. None of them is in any of the 25,000
labelled comments' civil or critical ones. Frozen here, as in 0015; an entry the owner added or removed
since stays as it is."""

from django.db import migrations

ADVERTS = [
    ("advert", language, entry)
    for language, entries in (
        (
            "en",
            "contact us, message us, email us, call us, whatsapp us, dm us, book direct, book directly, "
            "special rate, special price, exclusive discount, mention this blog, mention the blog",
        ),
        (
            "fr",
            "contactez nous, ecrivez nous, appelez nous, tarif special, prix special, remise exclusive, "
            "mentionnez le blog, sans frais de reservation",
        ),
    )
    for entry in entries.split(", ")
]


def add(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    terms = [AbuseTerm(kind=kind, language=language, entry=entry) for kind, language, entry in ADVERTS]
    AbuseTerm.objects.bulk_create(terms, ignore_conflicts=True)


def remove(apps, schema_editor):
    AbuseTerm = apps.get_model("comments", "AbuseTerm")
    for kind, _language, entry in ADVERTS:
        AbuseTerm.objects.filter(kind=kind, entry=entry).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0020_threats_of_a_beating"),
    ]

    operations = [migrations.RunPython(add, remove)]
