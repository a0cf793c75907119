from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_name_mail_and_thread_fields_for_translation"),
    ]

    operations = [
        # The field holds spam reasons too, not only hold reasons: renamed, its data kept.
        migrations.RenameField(model_name="comment", old_name="hold_reasons", new_name="policy_reasons"),
        migrations.AlterField(
            model_name="comment",
            name="policy_reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="why it was held or filed as spam"),
        ),
    ]
