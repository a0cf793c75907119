"""Who may open each admin page and apply each admin action, role by role.

Every row is checked for every role: anonymous visitors are sent to the admin's login, staff members whose
role does not allow the row get a 403 (pages) or find the action neither offered nor applied (actions), and
the roles in `allowed` get the page or see the action done. To cover a new page or action, add a row: a Page
or an Action below, with the roles that may use it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from blog import revisions
from blog.models import Article, BodyImage
from comments.models import Ban, Comment, HoldWord, Report
from comments.moderation import RejectionReason
from tests.factories import PASSWORD, make_article, make_comment, make_image_file, make_tag, make_user

pytestmark = pytest.mark.django_db

# "staff": a staff member without a role; "superuser": staff with every permission, the one above the Owner.
ROLES = ["anonymous", "staff", "moderator", "editor", "owner", "superuser"]
EVERY_STAFF_MEMBER = frozenset({"staff", "moderator", "editor", "owner", "superuser"})
MODERATORS = frozenset({"moderator", "editor", "owner", "superuser"})
EDITORS = frozenset({"editor", "owner", "superuser"})
OWNER = frozenset({"owner", "superuser"})
SUPERUSER = frozenset({"superuser"})


@dataclass(frozen=True)
class Page:
    """An admin page. `url` makes whatever the page needs and returns its address."""

    name: str
    url: Callable[[], str]
    allowed: frozenset
    method: str = "get"
    data: dict = field(default_factory=dict)
    shows: str = ""  # text the allowed roles must find on the page
    status: int = 200  # what the allowed roles get (302 for a form that redirects once done)
    make: Callable[[], object] = lambda: None  # anything else the page needs to exist first
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """An admin list action, sent the way the list's form sends it, on one object made by `make`."""

    name: str
    changelist: str
    make: Callable[[], object]
    done: Callable[[object], bool]
    allowed: frozenset
    data: dict = field(default_factory=dict)  # more fields, such as a confirmation page's answer
    offered_to: frozenset = frozenset()  # roles shown the action that it then leaves undone on this object


def admin_url(name, make=None):
    return lambda: reverse(f"admin:{name}", args=[make().pk] if make else [])


def body_image():
    return BodyImage.objects.upload(make_image_file(), by=None)


def saved_version():
    return revisions.record(make_article(title="Matrix version"), by=None)


def version_url(name, *extra):
    def url():
        version = saved_version()
        return reverse(f"admin:{name}", args=[version.article_id, *extra]) + (
            f"?from={version.pk}" if name == "blog_article_compare" else ""
        )

    return url


def restore_url():
    version = saved_version()
    return reverse("admin:blog_article_restore", args=[version.article_id, version.pk])


def held_comment():
    return make_comment(status=Comment.Status.HELD, policy_reasons=["links"])


def reported_comment():
    comment = make_comment()
    Report.objects.create(comment=comment, reason=RejectionReason.INSULT, note="Reported for the matrix")
    return comment


def moderated_comment():
    comment = held_comment()
    comment.approve(note="Approved for the matrix")
    return comment


def rejected_comment():
    comment = make_comment()
    comment.reject(by=None, reason="insult")
    return comment


def question():
    return make_comment(is_question=True)


def ban():
    return Ban.objects.create(email="banned@example.com", reason="Insults", until=timezone.now())


def status_is(status):
    return lambda comment: Comment.objects.get(pk=comment.pk).status == status


def has_role_group(group_name):
    return lambda user: user.groups.filter(name=group_name).exists()


def has_no_role(user):
    return not user.groups.exists()


def user_with_a_role():
    user = make_user()
    roles.assign_role(user, "moderator")
    return user


def an_owner():
    user = make_user()
    roles.assign_role(user, "owner")
    return user


def a_superuser():
    return make_user(is_staff=True, is_superuser=True)


def password_change(make):
    return lambda: reverse("admin:auth_user_password_change", args=[make().pk])


NEW_PASSWORD = {"password1": "a-new-long-password-77", "password2": "a-new-long-password-77"}
# An image dropped into the editor (read again from its start for each request).
EDITOR_UPLOAD = make_image_file("dropped.png", format="PNG")


PAGES = [
    Page("admin index", admin_url("index"), EVERY_STAFF_MEMBER),
    Page("article list", admin_url("blog_article_changelist"), EDITORS),
    Page("article add", admin_url("blog_article_add"), EDITORS),
    Page("article change", admin_url("blog_article_change", make_article), EDITORS),
    Page(
        "article editor preview",
        lambda: reverse("blog:editor_preview"),
        EDITORS,
        method="post",
        data={"content": "**Preview**"},
        shows="<strong>Preview</strong>",
    ),
    Page(
        "article editor preview with counts",
        lambda: reverse("blog:editor_preview"),
        EDITORS,
        method="post",
        data={"content": "**Two words**"},
        shows='"summary": "2 words',
        headers={"accept": "application/json"},
    ),
    Page(
        "editor image upload",
        lambda: reverse("blog:editor_upload"),
        EDITORS,
        method="post",
        data={"image": EDITOR_UPLOAD},
        shows='"image_code"',
        make=lambda: EDITOR_UPLOAD.seek(0),
    ),
    Page("body image list", admin_url("blog_bodyimage_changelist"), OWNER),
    Page(
        "unused body images",
        lambda: reverse("admin:blog_bodyimage_changelist") + "?use=unused",
        OWNER,
        shows="Not shown in any article",
    ),
    Page("body image page", admin_url("blog_bodyimage_change", body_image), OWNER),
    Page("body image deletion", admin_url("blog_bodyimage_delete", body_image), OWNER, shows="Are you sure"),
    Page(
        "article versions",
        version_url("blog_article_history_versions"),
        EDITORS,
        shows="Matrix version",
    ),
    Page("compare article versions", version_url("blog_article_compare"), EDITORS, shows="Compare versions"),
    Page("restore an article version: the question", restore_url, EDITORS, shows="Yes, restore this version"),
    Page("restore an article version", restore_url, EDITORS, method="post", status=302),
    Page(
        "article autosave",
        admin_url("blog_article_autosave", make_article),
        EDITORS,
        method="post",
        data={"title": "T", "summary": "S", "body": "Unsaved"},
        shows="saved_at",
    ),
    Page(
        "unsaved text compared with the article",
        admin_url("blog_article_unsaved", make_article),
        EDITORS,
        method="post",
        data={"body": "Unsaved words"},
        shows="<ins>Unsaved words</ins>",
    ),
    Page(
        "unsaved text of a new article",
        admin_url("blog_article_unsaved_new"),
        EDITORS,
        method="post",
        data={"body": "New words"},
        shows="<ins>New words</ins>",
    ),
    Page("share a draft", admin_url("blog_article_share", make_article), EDITORS, shows="Make a link"),
    Page(
        "make a shared draft link",
        admin_url("blog_article_share", make_article),
        EDITORS,
        method="post",
        data={"share": "new"},
        status=302,
    ),
    Page("tag list", admin_url("blog_tag_changelist"), EDITORS),
    Page("tag change", admin_url("blog_tag_change", make_tag), EDITORS),
    Page("user list", admin_url("accounts_user_changelist"), OWNER),
    Page("user change", admin_url("accounts_user_change", make_user), OWNER),
    Page(
        "user add",
        admin_url("accounts_user_add"),
        OWNER,
        method="post",
        data={
            "username": "newcomer",
            "password1": "a-new-long-password-77",
            "password2": "a-new-long-password-77",
        },
        status=302,
    ),
    # Owners may look at these pages; saving them is a superuser's (who gets the form back, incomplete).
    Page("save a superuser's page", admin_url("accounts_user_change", a_superuser), SUPERUSER, method="post"),
    Page("save another owner's page", admin_url("accounts_user_change", an_owner), SUPERUSER, method="post"),
    Page(
        "set a user's password",
        password_change(make_user),
        OWNER,
        method="post",
        data=NEW_PASSWORD,
        status=302,
    ),
    Page(
        "set a superuser's password",
        password_change(a_superuser),
        SUPERUSER,
        method="post",
        data=NEW_PASSWORD,
        status=302,
    ),
    Page(
        "set an owner's password",
        password_change(an_owner),
        SUPERUSER,
        method="post",
        data=NEW_PASSWORD,
        status=302,
    ),
    Page("group list", admin_url("auth_group_changelist"), OWNER),
    Page("comment list", admin_url("comments_comment_changelist"), MODERATORS),
    Page("comment page", admin_url("comments_comment_change", held_comment), MODERATORS),
    Page(
        "comment page shows its reports",
        admin_url("comments_comment_change", reported_comment),
        MODERATORS,
        shows="Reported for the matrix",
    ),
    Page(
        "comment page shows its history",
        admin_url("comments_comment_change", moderated_comment),
        MODERATORS,
        shows="Approved for the matrix",
    ),
    Page("hold word list", admin_url("comments_holdword_changelist"), MODERATORS),
    Page("hold word add", admin_url("comments_holdword_add"), EDITORS),
    Page("ban list", admin_url("comments_ban_changelist"), MODERATORS),
    Page("ban add", admin_url("comments_ban_add"), MODERATORS),
    Page("ban change", admin_url("comments_ban_change", ban), MODERATORS),
    Page("outgoing mail list", admin_url("comments_outgoingmail_changelist"), OWNER),
    Page("mail opt-out list", admin_url("comments_mailoptout_changelist"), OWNER),
    Page("moderation metrics", admin_url("comments_comment_metrics"), MODERATORS),
    Page(
        "reply page",
        admin_url("comments_comment_reply", held_comment),
        MODERATORS,
        shows="Approve the comment",
    ),
    Page(
        "approve and reply",
        admin_url("comments_comment_reply", held_comment),
        MODERATORS,
        method="post",
        data={"body": "Thank you", "approve": "on"},
        status=302,
    ),
    Page(
        "reply live preview",
        admin_url("comments_comment_preview"),
        MODERATORS,
        method="post",
        data={"body": "*hi*"},
        shows="<em>hi</em>",
    ),
    Page(
        "reverse a rejection",
        admin_url("comments_comment_reverse", rejected_comment),
        MODERATORS,
        method="post",
        status=302,
    ),
    Page("unanswered questions", admin_url("comments_unansweredquestion_changelist"), MODERATORS),
    Page("a reader's data", admin_url("comments_comment_readers_data"), OWNER, shows="Latest exports"),
    Page(
        "export a reader's data",
        admin_url("comments_comment_readers_data"),
        OWNER,
        method="post",
        data={"email": "matrix@example.com", "action": "export"},
        shows="Exported for the matrix",
        make=lambda: make_comment(author_email="matrix@example.com", body="Exported for the matrix"),
    ),
    Page(
        "erase a reader's data",
        admin_url("comments_comment_readers_data"),
        OWNER,
        method="post",
        data={"email": "matrix@example.com", "action": "erase", "confirm": "on"},
        status=302,
        make=lambda: make_comment(author_email="matrix@example.com"),
    ),
    # A signed-in reader's own comments (outside the admin, for every account).
    Page("own comments", lambda: reverse("account_comments"), EVERY_STAFF_MEMBER, shows="My comments"),
    Page(
        "own comments export",
        lambda: reverse("account_comments_export"),
        EVERY_STAFF_MEMBER,
        shows='"comments"',
    ),
    Page(
        "own comments erase",
        lambda: reverse("account_comments_erase"),
        EVERY_STAFF_MEMBER,
        method="post",
        data={"confirm": "on"},
        status=302,
    ),
    Page(
        "hold word preview of caught comments",
        admin_url("comments_holdword_add"),
        EDITORS,
        method="post",
        data={"word": "matrixcaught"},
        shows="would have held 1 published comment",
        make=lambda: make_comment(body="A matrixcaught remark"),
    ),
]

ACTIONS = [
    Action("approve", "comments_comment_changelist", held_comment, status_is("published"), MODERATORS),
    Action("mark_spam", "comments_comment_changelist", held_comment, status_is("spam"), MODERATORS),
    Action(
        "reject",
        "comments_comment_changelist",
        held_comment,
        status_is("rejected"),
        MODERATORS,
        data={"apply": "yes", "reason": "insult"},
    ),
    Action(
        "ban_authors",
        "comments_comment_changelist",
        held_comment,
        lambda comment: Ban.objects.filter(email=comment.author_email).exists(),
        MODERATORS,
        data={"apply": "yes", "days": 7, "reason": "Insults"},
    ),
    Action(
        "no_answer_needed",
        "comments_unansweredquestion_changelist",
        question,
        lambda asked: Comment.objects.get(pk=asked.pk).answer_not_needed,
        MODERATORS,
        data={"apply": "yes", "note": "Answered in the article"},
    ),
    Action(
        "publish",
        "blog_article_changelist",
        lambda: make_article(status=Article.Status.DRAFT),
        lambda article: Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED,
        EDITORS,
    ),
    Action(
        "delete_selected",
        "comments_holdword_changelist",
        lambda: HoldWord.objects.create(word="matrixword"),
        lambda word: not HoldWord.objects.filter(pk=word.pk).exists(),
        EDITORS,
        data={"post": "yes"},
    ),
    Action(
        "delete_selected",
        "comments_ban_changelist",
        ban,
        lambda banned: not Ban.objects.filter(pk=banned.pk).exists(),
        EDITORS,
        data={"post": "yes"},
    ),
    Action(
        "delete_selected",
        "blog_bodyimage_changelist",
        body_image,
        lambda image: not BodyImage.objects.filter(pk=image.pk).exists(),
        OWNER,
        data={"post": "yes"},
    ),
    Action("give_owner_role", "accounts_user_changelist", make_user, has_role_group("Owner"), SUPERUSER),
    Action("give_editor_role", "accounts_user_changelist", make_user, has_role_group("Editor"), OWNER),
    Action("give_moderator_role", "accounts_user_changelist", make_user, has_role_group("Moderator"), OWNER),
    Action("remove_roles", "accounts_user_changelist", user_with_a_role, has_no_role, OWNER),
    Action("remove_roles", "accounts_user_changelist", an_owner, has_no_role, SUPERUSER, offered_to=OWNER),
    Action(
        "give_editor_role",
        "accounts_user_changelist",
        an_owner,
        has_role_group("Editor"),
        SUPERUSER,
        offered_to=OWNER,
    ),
]


def cells(rows):
    """One test case per row and role."""
    params = []
    for row in rows:
        row_id = f"{row.name} on {row.changelist}" if isinstance(row, Action) else row.name
        params += [pytest.param(row, role, id=f"{row_id} / {role}") for role in ROLES]
    return params


@pytest.fixture
def client_as(client):
    def log_in(role):
        if role != "anonymous":
            member = make_user(f"{role}-member", is_staff=True, is_superuser=role == "superuser")
            if role in roles.ROLES:
                roles.assign_role(member, role)
            client.force_login(member)
        return client

    return log_in


def assert_sent_to_the_admin_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + "?next=")


@pytest.mark.parametrize(("page", "role"), cells(PAGES))
def test_page(client_as, page, role):
    url = page.url()
    page.make()
    response = getattr(client_as(role), page.method)(url, page.data, headers=page.headers)
    if role == "anonymous":
        assert_sent_to_the_admin_login(response)
    elif role in page.allowed:
        assert response.status_code == page.status
        assert page.shows in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("action", "role"), cells(ACTIONS))
def test_action(client_as, action, role):
    target = action.make()
    client = client_as(role)
    changelist = reverse(f"admin:{action.changelist}")
    listing = client.get(changelist)
    offered = listing.status_code == 200 and f'value="{action.name}"' in listing.content.decode()
    response = client.post(
        changelist, {"action": action.name, "_selected_action": [target.pk], **action.data}
    )
    if role == "anonymous":
        assert_sent_to_the_admin_login(response)
    elif role in action.allowed:
        assert response.status_code == 302
    assert offered == (role in action.allowed | action.offered_to)
    assert action.done(target) == (role in action.allowed)


# Raising one's own privileges, through the user change form: nobody can.


def own_page_with_every_privilege(user):
    """What a user posts on their own change page to make themselves superuser, Owner and holder of every
    permission: every field of Django's form, the privileges all set."""
    return {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [roles.role_group(roles.OWNER).pk],
        "user_permissions": list(Permission.objects.values_list("pk", flat=True)),
        "bio": "",
        "held_comment_mail": "each",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "10:00:00",
    }


@pytest.mark.parametrize("role", ["staff", "moderator", "editor", "owner"])
def test_nobody_raises_their_own_privileges_on_their_own_page(client_as, role):
    client = client_as(role)
    user = get_user_model().objects.get(username=f"{role}-member")
    groups_before = set(user.groups.values_list("name", flat=True))
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]), own_page_with_every_privilege(user)
    )
    assert response.status_code in {302, 200, 403}
    user.refresh_from_db()
    assert not user.is_superuser
    assert set(user.groups.values_list("name", flat=True)) == groups_before
    assert not user.user_permissions.exists()


def test_an_owner_cannot_make_another_user_superuser_or_owner_from_the_change_form(client_as):
    client = client_as("owner")
    other = make_user("someone", is_staff=True)
    response = client.post(
        reverse("admin:accounts_user_change", args=[other.pk]), own_page_with_every_privilege(other)
    )
    other.refresh_from_db()
    assert not other.is_superuser
    assert not other.groups.filter(name=roles.OWNER).exists()
    assert not other.user_permissions.exists()
    assert response.status_code in {200, 302}


def test_a_superuser_makes_an_owner_and_a_superuser(client_as):
    client = client_as("superuser")
    other = make_user("someone", is_staff=True)
    response = client.post(
        reverse("admin:accounts_user_change", args=[other.pk]), own_page_with_every_privilege(other)
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_superuser and other.groups.filter(name=roles.OWNER).exists()


def test_an_owner_cannot_take_over_a_superuser_by_setting_their_password(client_as):
    root = make_user("root", is_staff=True, is_superuser=True)
    client = client_as("owner")
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.post(url, NEW_PASSWORD).status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
