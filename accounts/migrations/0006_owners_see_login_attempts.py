from django.contrib.auth.management import create_permissions
from django.db import migrations


def owners_see_login_attempts(apps, schema_editor):
    """The Owner role holds every permission; django-axes' records of logins arrived after the role was made.
    Owners get their permissions here, so that they can unlock a login in the admin (as 0002 does, the
    permissions are made first: on a new database the post_migrate signal has not made them yet)."""
    using = schema_editor.connection.alias
    axes = apps.get_app_config("axes")
    axes.models_module = True
    create_permissions(axes, apps=apps, verbosity=0, using=using)
    axes.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    owner = Group.objects.using(using).filter(name="Owner").first()
    if owner is not None:
        owner.permissions.add(*Permission.objects.using(using).filter(content_type__app_label="axes"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_add_held_mail_overflow"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(owners_see_login_attempts, migrations.RunPython.noop)]
