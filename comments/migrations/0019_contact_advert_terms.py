"""Words of advertising that go with a way to reach the advertiser (issue 12's eighth round): a promo code, a
booking to make, an order to place ("call now" and "appelez le" are not: readers give helplines' numbers).
With a link, an address or a phone number beside them, a comment reads as an advertisement; alone, one of
them holds nothing. Frozen here, as in 0015; an entry the owner added or
removed since stays as it is."""

from django.db import migrations

ADVERTS = [
    ("advert", language, entry)
    for language, entries in (
        (
            "en",
            "promo code, discount code, coupon code, use code, book now, order now, special offer, "
            "limited offer, free delivery",
        ),
        (
            "fr",
            "code promo, code de reduction, reservez au, reservez vite, offre speciale, offre limitee, "
            "livraison gratuite, livraison offerte",
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
        ("comments", "0018_sixth_round_abuse_terms"),
    ]

    operations = [migrations.RunPython(add, remove)]
