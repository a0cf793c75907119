from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse

from accounts import roles
from tests.factories import make_owner, make_user

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")


def dotted(permissions):
    return {f"{app_label}.{codename}" for app_label, codename in permissions}


def permissions_of_group(name):
    return dotted(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))


def role_groups(user):
    return set(user.groups.filter(name__in=roles.ROLES.values()).values_list("name", flat=True))


def assign_role(username, role):
    output = StringIO()
    call_command("assign_role", username, role, stdout=output)
    return output.getvalue()


def test_the_moderator_group_holds_exactly_the_moderation_permissions():
    assert permissions_of_group("Moderator") == {
        "comments.view_comment",
        "comments.change_comment",
        "comments.moderate_comment",
        "comments.view_report",
        "comments.view_commentevent",
        "comments.view_ban",
        "comments.add_ban",
        "comments.change_ban",
        "comments.view_holdword",
    }


def test_the_editor_group_holds_the_moderators_permissions_and_the_articles_tags_and_word_list():
    assert permissions_of_group("Editor") == set(roles.MODERATOR_PERMISSIONS) | {
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
    }


@pytest.mark.parametrize("group", ["Moderator", "Editor"])
def test_the_groups_match_their_definition_in_roles(group):
    assert permissions_of_group(group) == set(roles.ROLE_PERMISSIONS[group])


@pytest.mark.parametrize("group", ["Moderator", "Editor"])
def test_neither_moderators_nor_editors_may_touch_users_groups_or_outgoing_mail(group):
    granted = permissions_of_group(group)
    assert not {p for p in granted if p.startswith(("accounts.", "auth.", "admin.", "sessions."))}
    assert not {p for p in granted if p.endswith(("_outgoingmail", "_mailoptout"))}


def test_moderators_cannot_edit_articles():
    assert not {p for p in permissions_of_group("Moderator") if p.startswith("blog.")}


def test_the_owner_group_holds_every_permission():
    every = dotted(Permission.objects.values_list("content_type__app_label", "codename"))
    assert permissions_of_group("Owner") == every
    assert {"accounts.change_user", "auth.change_group", "comments.view_outgoingmail"} <= every


def test_the_owner_group_gains_the_permissions_of_models_added_later():
    # What a later migration does: a new model, whose permissions post_migrate creates.
    content_type = ContentType.objects.create(app_label="comments", model="newmodel")
    new = Permission.objects.create(content_type=content_type, codename="view_newmodel", name="Can view")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert Group.objects.get(name="Owner").permissions.filter(pk=new.pk).exists()
    assert not Group.objects.get(name="Editor").permissions.filter(pk=new.pk).exists()


def test_giving_the_owner_role_brings_the_owner_group_up_to_every_permission():
    Group.objects.get(name="Owner").permissions.remove(Permission.objects.get(codename="delete_user"))
    assign_role(make_user("alice").username, "owner")
    assert Group.objects.get(name="Owner").permissions.filter(codename="delete_user").exists()


@pytest.mark.parametrize(
    ("role", "group", "may", "may_not"),
    [
        ("owner", "Owner", "accounts.change_user", None),
        ("editor", "Editor", "blog.change_article", "accounts.change_user"),
        ("moderator", "Moderator", "comments.moderate_comment", "blog.change_article"),
    ],
)
def test_the_command_gives_a_role_and_makes_the_user_staff(role, group, may, may_not):
    user = make_user("alice")
    output = assign_role("alice", role)
    user = type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance
    assert role_groups(user) == {group}
    assert user.is_staff and not user.is_superuser
    assert user.has_perm(may)
    assert may_not is None or not user.has_perm(may_not)
    assert output == f"alice is now {group} (was none) and staff.\n"


def test_a_new_role_replaces_the_old_one_and_leaves_other_groups_alone():
    user = make_user("alice")
    newsletter = Group.objects.create(name="Newsletter")
    user.groups.add(newsletter)
    assign_role("alice", "moderator")
    output = assign_role("alice", "Editor")
    assert set(user.groups.values_list("name", flat=True)) == {"Editor", "Newsletter"}
    assert output == "alice is now Editor (was moderator) and staff.\n"


def test_none_takes_the_role_and_the_staff_status_away():
    user = make_user("alice")
    assign_role("alice", "editor")
    output = assign_role("alice", "none")
    user.refresh_from_db()
    assert role_groups(user) == set()
    assert not user.is_staff
    assert "alice no longer has a role (was editor)." in output
    assert "alice is no longer staff." in output


def test_none_never_changes_a_superusers_flags():
    owner = make_owner()
    assign_role("owner", "owner")
    output = assign_role("owner", "none")
    owner.refresh_from_db()
    assert role_groups(owner) == set()
    assert owner.is_superuser and owner.is_staff
    assert "still a superuser" in output


def test_the_command_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        assign_role("nobody", "editor")


def test_the_command_names_an_unknown_role_and_lists_the_roles():
    make_user("alice")
    with pytest.raises(
        CommandError, match="Unknown role 'admin': choose one of owner, editor, moderator, none"
    ):
        assign_role("alice", "admin")


def test_a_deleted_role_group_is_made_again_as_defined():
    Group.objects.filter(name="Moderator").delete()
    assign_role(make_user("alice").username, "moderator")
    assert permissions_of_group("Moderator") == set(roles.MODERATOR_PERMISSIONS)


def act(client, action, *users):
    return client.post(
        USERS, {"action": action, "_selected_action": [user.pk for user in users]}, follow=True
    )


@pytest.mark.parametrize(
    ("action", "group"),
    [("give_owner_role", "Owner"), ("give_editor_role", "Editor"), ("give_moderator_role", "Moderator")],
)
def test_the_user_list_gives_roles(owner_client, action, group):
    alice, bob = make_user("alice"), make_user("bob")
    response = act(owner_client, action, alice, bob)
    assert "2 users updated." in response.content.decode()
    for user in (alice, bob):
        user.refresh_from_db()
        assert role_groups(user) == {group} and user.is_staff


def test_the_user_list_removes_roles(owner_client):
    alice = make_user("alice")
    roles.assign_role(alice, "moderator")
    act(owner_client, "remove_roles", alice)
    alice.refresh_from_db()
    assert role_groups(alice) == set() and not alice.is_staff


def test_the_user_list_offers_the_role_actions_by_name(owner_client):
    page = owner_client.get(USERS).content.decode()
    for label in ["Give the Owner role", "Give the Editor role", "Give the Moderator role", "Remove roles"]:
        assert label in page


def test_nobody_changes_their_own_role_from_the_list(client):
    member = make_user("member")
    roles.assign_role(member, "owner")
    alice = make_user("alice")
    client.force_login(member)
    page = act(client, "remove_roles", member, alice).content.decode()
    member.refresh_from_db()
    alice.refresh_from_db()
    assert role_groups(member) == {"Owner"} and member.is_staff
    assert not alice.is_staff
    assert "Your own role was left unchanged" in page
    assert "1 user updated." in page


def test_staff_who_may_only_view_users_are_not_offered_the_role_actions(client):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    alice = make_user("alice")
    client.force_login(viewer)
    page = client.get(USERS).content.decode()
    assert "alice" in page
    assert "give_owner_role" not in page
    act(client, "give_owner_role", alice)
    assert role_groups(alice) == set()
    assert role_groups(viewer) == set()
