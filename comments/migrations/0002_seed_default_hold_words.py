from django.db import migrations


def seed(apps, schema_editor):
    # The lists live in the app so they can be read and tested; this runs once, and the owner edits the
    # live list in the admin afterwards.
    from comments.default_hold_words import DEFAULT_HOLD_WORDS

    HoldWord = apps.get_model("comments", "HoldWord")
    seen = set()
    for language, words in DEFAULT_HOLD_WORDS.items():
        for word in words:
            if word.casefold() not in seen:
                seen.add(word.casefold())
                HoldWord.objects.get_or_create(word=word, defaults={"language": language})


def unseed(apps, schema_editor):
    from comments.default_hold_words import DEFAULT_HOLD_WORDS

    HoldWord = apps.get_model("comments", "HoldWord")
    words = [word for words in DEFAULT_HOLD_WORDS.values() for word in words]
    HoldWord.objects.filter(word__in=words).delete()


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_create_comments_reports_bans_and_mail")]

    operations = [migrations.RunPython(seed, unseed)]
