from django.db import migrations, models


class Migration(migrations.Migration):
    # No opt-out has been stored yet anywhere (this lands with the comments app), so nothing is converted.
    dependencies = [("comments", "0003_add_unanswered_questions_and_queue_index")]

    operations = [
        migrations.RemoveConstraint(model_name="mailoptout", name="one_opt_out_per_scope"),
        migrations.RemoveField(model_name="mailoptout", name="email"),
        migrations.AddField(
            model_name="mailoptout",
            name="address",
            field=models.CharField(db_index=True, default="", max_length=64, verbose_name="address (hashed)"),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="mailoptout",
            constraint=models.UniqueConstraint(fields=("address", "comment"), name="one_opt_out_per_comment"),
        ),
        migrations.AddConstraint(
            model_name="mailoptout",
            constraint=models.UniqueConstraint(
                condition=models.Q(("comment__isnull", True)), fields=("address",), name="one_opt_out_of_everything"
            ),
        ),
    ]
