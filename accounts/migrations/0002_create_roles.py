from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy of accounts/roles.py as it was when the roles were created: this migration must do the same
# thing on every database, whatever later code says. A change to a role is a new data migration.
MODERATOR = [
    "comments.view_comment",
    "comments.change_comment",
    "comments.moderate_comment",
    "comments.view_report",
    "comments.view_commentevent",
    "comments.view_ban",
    "comments.add_ban",
    "comments.change_ban",
    "comments.view_holdword",
]
EDITOR = [
    *MODERATOR,
    "blog.view_article",
    "blog.add_article",
    "blog.change_article",
    "blog.delete_article",
    "blog.view_tag",
    "blog.add_tag",
    "blog.change_tag",
    "blog.delete_tag",
    "comments.add_holdword",
    "comments.change_holdword",
    "comments.delete_holdword",
    "comments.delete_ban",
]


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    # Permissions are made by a post_migrate signal, after every migration has run: on a new database they do
    # not exist yet. create_permissions skips app configs without a models module, which the migration
    # state's stand-ins never have, hence the flag.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(dotted_names):
        found = []
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            found.append(
                Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
            )
        return found

    for name, granted in [
        ("Owner", Permission.objects.using(using).all()),
        ("Editor", permissions(EDITOR)),
        ("Moderator", permissions(MODERATOR)),
    ]:
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(granted)


def delete_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=["Owner", "Editor", "Moderator"]).delete()


class Migration(migrations.Migration):
    # Every app whose permissions the roles grant, at its latest migration, so that "every permission" means
    # every permission of every installed app (admin and sessions included) on a new database too.
    dependencies = [
        ("accounts", "0001_create_user"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("blog", "0003_add_article_hold_all_comments"),
        ("comments", "0002_seed_default_hold_words"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
