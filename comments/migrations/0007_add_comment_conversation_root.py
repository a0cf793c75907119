import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_roots(apps, schema_editor):
    """Each reply's conversation: its parent's for the deeper ones, level by level from the top."""
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.filter(depth=1).update(root=models.F("parent"))
    deepest = Comment.objects.aggregate(deepest=models.Max("depth"))["deepest"] or 0
    for depth in range(2, deepest + 1):
        parents_root = Comment.objects.filter(pk=models.OuterRef("parent")).values("root")[:1]
        Comment.objects.filter(depth=depth).update(root=models.Subquery(parents_root))


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0003_add_article_hold_all_comments'),
        ('comments', '0006_rename_hold_reasons_to_policy_reasons'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='root',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='+', to='comments.comment', verbose_name='conversation'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('parent__isnull', True)), fields=['article', 'created_at', 'id'], name='comment_conversations'),
        ),
        migrations.RunPython(fill_roots, migrations.RunPython.noop),
    ]
