import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import roles
from blog.models import Article, BodyImage, OldAddress, Tag
from comments import tasks
from comments.models import AbuseTerm, Ban, HoldWord, MailOptOut, OutgoingMail, address_key
from tests.factories import make_article, make_comment, make_image_file, make_tag, make_user, with_renditions
from tests.html import Document

pytestmark = pytest.mark.django_db


# Comments and mails are made by readers and by the site, never typed into the admin; unanswered questions
# are a list to work through, whose rows open the comment itself.
READ_ONLY_IN_ADMIN = {
    "django_tasks_database.dbtaskresult",  # the task worker's queue and results, to look at
    "comments.comment",
    "comments.outgoingmail",
    "comments.unansweredquestion",
    "comments.mailoptout",
    "blog.bodyimage",  # uploaded from the article editor, which re-encodes them
    # django-axes' records of logins: the owner looks at them and deletes an attempt to unlock a login.
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}

NOT_DELETED_IN_ADMIN = {"comments.unansweredquestion", "django_tasks_database.dbtaskresult"}


LOGIN = {
    "username": "root",
    "ip_address": "198.51.100.1",
    "user_agent": "Firefox",
    "path_info": "/admin/login/",
}


def registered_models():
    return [model._meta for model in admin.site._registry]


@pytest.mark.parametrize("opts", registered_models(), ids=lambda opts: opts.label_lower)
def test_every_admin_list_add_change_history_and_delete_page_answers_the_owner(owner_client, owner, opts):
    article = make_article(author=owner, tags=[make_tag()], cover=make_image_file(), cover_alt="Square")
    comment = make_comment(article)
    instances = {
        "blog.article": lambda: article,
        "blog.tag": lambda: article.tags.get(),
        "blog.bodyimage": lambda: BodyImage.objects.upload(make_image_file(), by=owner),
        "blog.oldaddress": lambda: OldAddress.objects.create(path="/2024/05/old/", article=article),
        "accounts.user": lambda: owner,
        "auth.group": lambda: Group.objects.create(name="Editors"),
        "comments.comment": lambda: comment,
        "comments.unansweredquestion": lambda: make_comment(article, is_question=True),
        "comments.holdword": lambda: HoldWord.objects.create(word="brute"),
        "comments.abuseterm": lambda: AbuseTerm.objects.get(kind="person_insult", entry="idiot"),
        "comments.ban": lambda: Ban.objects.create(email="x@example.com", reason="r", until=timezone.now()),
        "comments.mailoptout": lambda: MailOptOut.objects.create(address=address_key("x@example.com")),
        "comments.outgoingmail": lambda: OutgoingMail.objects.create(
            to="x@example.com", subject="s", body="b"
        ),
        "axes.accessattempt": lambda: AccessAttempt.objects.create(failures_since_start=5, **LOGIN),
        "axes.accesslog": lambda: AccessLog.objects.create(**LOGIN),
        "axes.accessfailurelog": lambda: AccessFailureLog.objects.create(**LOGIN),
        "django_tasks_database.dbtaskresult": lambda: DBTaskResult.objects.get(
            pk=tasks.send_mail.enqueue(0).id
        ),
    }
    instance = instances[opts.label_lower]()
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    add_status = 403 if opts.label_lower in READ_ONLY_IN_ADMIN else 200
    delete_status = 403 if opts.label_lower in NOT_DELETED_IN_ADMIN else 200
    for url, status in [
        (reverse(f"{prefix}_changelist"), 200),
        (reverse(f"{prefix}_add"), add_status),
        (reverse(f"{prefix}_change", args=[instance.pk]), 200),
        (reverse(f"{prefix}_history", args=[instance.pk]), 200),
        (reverse(f"{prefix}_delete", args=[instance.pk]), delete_status),
    ]:
        assert owner_client.get(url).status_code == status, url


def test_admin_index_answers_the_owner(owner_client):
    assert owner_client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("query", ["published_at=x", "tags=abc", "author=x", "status=nonsense"])
def test_article_add_page_ignores_malformed_initial_values(owner_client, owner, query):
    response = owner_client.get(reverse("admin:blog_article_add") + "?" + query)
    assert response.status_code == 200
    assert response.context["adminform"].form.initial == {"author": owner.pk}


def test_article_add_page_with_a_nul_character_in_its_address_is_a_bad_request(owner_client):
    assert owner_client.get(reverse("admin:blog_article_add") + "?author=%00x").status_code == 400


def test_article_change_page_answers_the_owner(owner_client):
    article = make_article(cover=make_image_file(), cover_alt="Square", tags=[make_tag()])
    response = owner_client.get(reverse("admin:blog_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert b"markdownx" in response.content


def test_article_list_in_admin_can_be_searched_and_filtered(owner_client):
    make_article(title="Findable title")
    make_article(title="Another", status=Article.Status.DRAFT)
    url = reverse("admin:blog_article_changelist")
    assert b"Findable title" in owner_client.get(url, {"q": "Findable"}).content
    drafts = owner_client.get(url, {"status__exact": "draft"}).content
    assert b"Another" in drafts and b"Findable title" not in drafts


def add_article(client, author, **fields):
    """Post the admin's add form as the owner would fill it in, with `fields` changed."""
    data = {
        "title": "From the admin",
        "slug": "from-the-admin",
        "author": author.pk,
        "language": "en",
        "summary": "Written in the admin.",
        "body": "Hello *readers*.",
        "status": "draft",
        **fields,
    }
    return client.post(reverse("admin:blog_article_add"), data)


def test_owner_writes_and_publishes_an_article_with_a_cover_from_the_admin(owner_client, owner):
    tag = make_tag("Dialogue")
    response = add_article(
        owner_client,
        owner,
        cover=make_image_file("cover.png", format="PNG", size=(700, 350)),
        cover_alt="A coloured rectangle",
        status="published",
        tags=[tag.pk],
        comments_enabled="on",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="from-the-admin")
    assert article.is_published()
    assert article.body_html == "<p>Hello <em>readers</em>.</p>"
    assert article.cover.name.endswith(".png")
    assert article.cover_renditions == []  # the task worker makes them: the owner's save does not wait
    assert [r["width"] for r in with_renditions(article).cover_renditions] == [480, 700]
    assert list(article.tags.all()) == [tag]


def test_a_refused_cover_is_explained_on_the_form_and_the_text_is_kept(owner_client, owner):
    not_an_image = SimpleUploadedFile("cover.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = add_article(
        owner_client, owner, body="A long body I do not want to lose.", cover=not_an_image, cover_alt="Cover"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "JPEG, PNG, GIF" in content
    assert "A long body I do not want to lose." in content
    assert not Article.objects.exists()


def test_publish_and_unpublish_actions(owner_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    url = reverse("admin:blog_article_changelist")
    owner_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published()
    owner_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_tag_is_created_from_the_admin(owner_client):
    response = owner_client.post(reverse("admin:blog_tag_add"), {"name": "Écoute", "slug": "ecoute"})
    assert response.status_code == 302
    assert Tag.objects.get().slug == "ecoute"


def test_body_too_dense_to_render_is_explained_on_the_form_and_kept(owner_client, owner):
    response = add_article(owner_client, owner, body="> " * 100 + "kept words")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Split it into two articles" in content
    assert "kept words" in content
    assert not Article.objects.exists()


# Authorship: an article is signed by a writer; an Editor signs with their own name.


def staff_with_role(username, role):
    user = make_user(username, is_staff=True)
    roles.assign_role(user, role)
    return user


def test_the_author_field_offers_only_those_who_write(owner_client, owner):
    editor = staff_with_role("editor", "editor")
    staff_with_role("moderator", "moderator")
    make_user("reader")
    make_user("plain-staff", is_staff=True)
    make_user("gone", is_staff=True, is_active=False).groups.add(roles.role_group(roles.EDITOR))
    page = Document(owner_client.get(reverse("admin:blog_article_add")).content.decode())
    offered = {
        option.text for option in page.find("select", name="author").find_all("option") if option["value"]
    }
    assert offered == {owner.username, editor.username}


def test_an_owner_signs_an_article_with_another_writers_name_but_not_a_readers(client):
    owner = staff_with_role("the-owner", "owner")
    editor = staff_with_role("editor", "editor")
    client.force_login(owner)
    assert add_article(client, editor).status_code == 302
    assert Article.objects.get(slug="from-the-admin").author == editor
    response = add_article(client, make_user("reader"), slug="by-a-reader")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Article.objects.filter(slug="by-a-reader").exists()


def test_an_editor_signs_with_their_own_name_whatever_the_form_says(client):
    owner = staff_with_role("the-owner", "owner")
    editor = staff_with_role("editor", "editor")
    client.force_login(editor)
    page = Document(client.get(reverse("admin:blog_article_add")).content.decode())
    assert page.find_all("select", name="author") == []
    assert add_article(client, owner).status_code == 302
    article = Article.objects.get(slug="from-the-admin")
    assert article.author == editor
    # Editing an owner's article keeps the owner's name.
    article.author = owner
    article.save()
    response = client.post(
        reverse("admin:blog_article_change", args=[article.pk]),
        {
            "title": "Edited",
            "slug": article.slug,
            "author": editor.pk,
            "language": "en",
            "summary": "S",
            "body": "B",
            "status": "draft",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.author) == ("Edited", owner)


def test_an_imported_article_keeps_its_author_who_does_not_write_here_and_speaks_as_a_reader(client):
    # WordPress's authors become users without a password, neither staff nor writers: the Owner saves their
    # articles as they are (the form refused its own author, "Select a valid choice"), and any other name is
    # still chosen among the writers. Their comments are a reader's: the author's privileges are the staff's.
    from blog import wordpress

    owner = staff_with_role("the-owner", "owner")
    imported, made = wordpress.user_for(wordpress.Author("wp-writer", email="w@example.com"))
    assert made and not imported.has_usable_password()
    assert imported not in roles.writers()
    article = make_article(author=imported, slug="imported")
    client.force_login(owner)
    url = reverse("admin:blog_article_change", args=[article.pk])
    fields = {"slug": "imported", "language": "en", "summary": "S", "body": "B", "status": "draft"}
    assert client.post(url, {**fields, "title": "Edited", "author": imported.pk}).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.author) == ("Edited", imported)
    reader = make_user("reader")
    response = client.post(url, {**fields, "title": "Signed", "author": reader.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not article.speaks_for(imported)
