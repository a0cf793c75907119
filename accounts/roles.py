"""The three roles of the admin, as groups with exact permissions, and the one way to give or take them.

The lists below are the definition; migration 0002_create_roles keeps its own frozen copy, so that changing
a list here needs a new data migration to reach databases that already exist.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

OWNER = "Owner"
EDITOR = "Editor"
MODERATOR = "Moderator"

# Moderate and reply; cannot edit articles or users.
MODERATOR_PERMISSIONS = (
    "comments.view_comment",
    "comments.change_comment",
    "comments.moderate_comment",
    "comments.view_report",
    "comments.view_commentevent",
    "comments.view_ban",
    "comments.add_ban",
    "comments.change_ban",
    "comments.view_holdword",
)

# Write and publish articles, and everything a moderator does.
EDITOR_PERMISSIONS = (
    *MODERATOR_PERMISSIONS,
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
)

# The Owner holds every permission of every app (ALL), including those of models added later: giving the
# role re-syncs the group.
ALL = "__all__"

ROLE_PERMISSIONS = {OWNER: ALL, EDITOR: EDITOR_PERMISSIONS, MODERATOR: MODERATOR_PERMISSIONS}

# The names the assign_role command and the admin actions accept, and the group each one stands for.
ROLES = {"owner": OWNER, "editor": EDITOR, "moderator": MODERATOR}


def permissions_of(group_name):
    """The Permission rows the role named `group_name` holds by definition."""
    wanted = ROLE_PERMISSIONS[group_name]
    if wanted == ALL:
        return Permission.objects.all()
    match = Q(pk__in=[])
    for dotted in wanted:
        app_label, codename = dotted.split(".")
        match |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(match)


def role_group(group_name):
    """The role's group. The migration creates it; if it was deleted since, it is made again as defined.
    The Owner's group is brought up to every permission each time, since new models bring new ones."""
    group, created = Group.objects.get_or_create(name=group_name)
    if created or ROLE_PERMISSIONS[group_name] == ALL:
        group.permissions.set(permissions_of(group_name))
    return group


def role_of(user):
    """The name of the role `user` holds ("owner", "editor", "moderator"), or "" for none."""
    names = set(user.groups.filter(name__in=ROLES.values()).values_list("name", flat=True))
    return next((role for role, group_name in ROLES.items() if group_name in names), "")


def writers():
    """Those an article may be signed by: active staff who may write articles (an Editor's or Owner's role,
    the permission given directly, or a superuser)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename="add_article", user_permissions__content_type__app_label="blog")
            | Q(
                groups__permissions__codename="add_article",
                groups__permissions__content_type__app_label="blog",
            )
        )
        .distinct()
    )


def writers_keeping(author_id):
    """The writers, and the author an article is signed by already (an imported article's may be a user who
    does not write here): saving the article keeps its signature, and any other is chosen among writers."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(Q(pk__in=writers().values("pk")) | Q(pk=author_id))


def may_sign_for_others(user):
    """Whether `user` may sign an article with another writer's name: superusers and Owners. Editors sign
    with their own."""
    return user.is_superuser or user.groups.filter(name=OWNER).exists()


def may_manage(actor, user):
    """Whether `actor` may change `user`'s account, password and role: a superuser anyone's, others only the
    accounts of those who are neither superuser nor Owner. Owners hold every permission but one another's
    accounts, so that none takes over a peer's or a superuser's account (or makes one)."""
    if actor.is_superuser:
        return True
    return not user.is_superuser and not user.groups.filter(name=OWNER).exists()


@transaction.atomic
def assign_role(user, role):
    """Give `user` the role named `role` ("owner", "editor", "moderator"), replacing any other role and making
    them staff; or, with role "none", take their roles and their staff status away. A superuser's flags are
    never changed: they hold every permission whatever their groups, and keep the admin open."""
    if role != "none" and role not in ROLES:
        raise ValueError(f"Unknown role {role!r}.")
    user.groups.remove(*Group.objects.filter(name__in=ROLES.values()))
    if role == "none":
        if not user.is_superuser:
            user.is_staff = False
    else:
        user.groups.add(role_group(ROLES[role]))
        user.is_staff = True
    user.save(update_fields=["is_staff"])
