"""Versions of articles: recorded at each admin save, listed, compared, restored; autosaves, and saves made on
a version someone else has saved over since."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from blog import revisions
from blog.models import Article, Revision
from blog.tasks import prune_autosaves
from tests.factories import make_article, make_tag, make_user
from tests.html import Document

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:blog_article_change", args=[article.pk])


def opened_form(client, article):
    """The change form's fields as the browser has them once the page is loaded."""
    page = Document(client.get(change_url(article)).content.decode())
    return {
        "title": article.title,
        "slug": article.slug,
        "author": article.author_id,
        "language": article.language,
        "summary": article.summary,
        "body": article.body,
        "status": article.status,
        "published_at_0": "",
        "published_at_1": "",
        "tags": [tag.pk for tag in article.tags.all()],
        "version": page.form_values["version"],
    }


def save(client, article, form, **changes):
    return client.post(change_url(article), {**form, **changes})


@pytest.fixture
def article(owner):
    return make_article(
        author=owner, status=Article.Status.DRAFT, body="First words.", tags=[make_tag("One")]
    )


def test_each_admin_save_keeps_a_version_with_its_tags_status_author_and_time(owner_client, owner, article):
    second = make_tag("Two")
    response = save(
        owner_client, article, opened_form(owner_client, article), body="Second words.", tags=[second.pk]
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    [version] = article.revisions.all()
    assert (version.kind, version.body, version.tags, version.status) == (
        "save",
        "Second words.",
        ["Two"],
        "draft",
    )
    assert version.author == owner
    assert timezone.now() - version.created_at < timedelta(minutes=1)


def test_adding_an_article_in_the_admin_keeps_its_first_version(owner_client, owner):
    data = {"title": "New", "slug": "new", "author": owner.pk, "language": "en", "summary": "S", "body": "B"}
    assert (
        owner_client.post(reverse("admin:blog_article_add"), {**data, "status": "draft"}).status_code == 302
    )
    assert Article.objects.get(slug="new").revisions.get().body == "B"


def test_a_save_deletes_the_saver_s_autosave_and_keeps_other_editors_ones(owner_client, owner, article):
    colleague = make_user(is_staff=True)
    revisions.autosave(article, owner, title="T", summary="S", body="Mine, unsaved")
    revisions.autosave(article, colleague, title="T", summary="S", body="Theirs, unsaved")
    save(owner_client, article, opened_form(owner_client, article), body="Mine, saved")
    assert list(article.revisions.autosaves().values_list("body", flat=True)) == ["Theirs, unsaved"]


def test_versions_page_lists_every_saved_version_newest_first_in_a_fixed_number_of_queries(
    owner_client, article, django_assert_num_queries
):
    url = reverse("admin:blog_article_history_versions", args=[article.pk])
    for number in range(3):
        revisions.record(article, by=article.author)
        article.body = f"Version {number}"
    owner_client.get(url)  # the session and the user, as any admin page, once cached by the test client
    with django_assert_num_queries(6):
        first = owner_client.get(url)
    for _number in range(20):
        revisions.record(article, by=make_user())
    with django_assert_num_queries(6):
        many = owner_client.get(url)
    assert first.status_code == many.status_code == 200
    rows = Document(many.content.decode()).find("table", class_="versions").find("tbody").find_all("tr")
    assert len(rows) == 23


def test_comparing_two_versions_shows_removed_and_added_words_escaped(owner_client, owner, article):
    old = revisions.record(article, by=owner)
    article.body = "First words.\n\n<script>alert('x')</script> and more."
    article.save()
    new = revisions.record(article, by=owner)
    url = reverse("admin:blog_article_compare", args=[article.pk])

    page = owner_client.get(url, {"from": old.pk, "to": new.pk}).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    changes = Document(page).find("div", class_="diff")
    assert [ins.text for ins in changes.find_all("ins")] == ["<script>alert('x')</script> and more."]


def test_unchanged_lines_far_from_a_change_are_folded():
    old = "\n".join(f"Line {n}" for n in range(40))
    new = old.replace("Line 20", "Line twenty")
    [(label, html)] = revisions.compare({"body": old}, {"body": new})
    document = Document(str(html))
    assert label == "Body"
    assert [fold.text for fold in document.find_all("div", class_="diff-fold")] == [
        "… 18 unchanged lines …",
        "… 17 unchanged lines …",
    ]
    assert [d.text for d in document.find_all("del")] == ["20"]
    assert [i.text for i in document.find_all("ins")] == ["twenty"]


@pytest.mark.parametrize("given", ["", "abc", "999999"])
def test_comparing_with_a_version_that_is_not_the_article_s_is_not_found(owner_client, article, given):
    other = revisions.record(make_article(), by=None)
    url = reverse("admin:blog_article_compare", args=[article.pk])
    assert owner_client.get(url, {"from": given or other.pk}).status_code == 404


def test_restoring_asks_first_then_writes_the_version_back_as_a_new_version(client, owner, article):
    article.status = Article.Status.PUBLISHED
    article.save()
    old = revisions.record(article, by=owner)
    article.body, article.title = "A rewrite that went wrong.", "Worse title"
    article.save()
    article.tags.set([make_tag("Other")])
    revisions.record(article, by=owner)
    client.force_login(owner)
    url = reverse("admin:blog_article_restore", args=[article.pk, old.pk])

    asked = Document(client.get(url).content.decode())
    assert asked.find("button", class_="default").text == "Yes, restore this version"
    title_change = asked.find("div", class_="diff")
    assert [d.text for d in title_change.find_all("del")] == ["Worse title"]  # today's title, replaced
    assert Article.objects.get(pk=article.pk).body == "A rewrite that went wrong."  # nothing changed yet

    response = client.post(url)

    assert response.status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert (restored.title, restored.body, restored.body_html) == (
        old.title,
        "First words.",
        "<p>First words.</p>",
    )
    assert [tag.name for tag in restored.tags.all()] == ["One"]
    assert restored.status == Article.Status.PUBLISHED  # the words come back; the article stays online
    newest = restored.revisions.first()
    assert (newest.kind, newest.restored_from, newest.body) == ("restore", old, "First words.")
    assert restored.revisions.saved().count() == 3


def test_autosave_keeps_the_editor_s_text_without_changing_the_article(owner_client, owner, article):
    before = Article.objects.get(pk=article.pk)
    url = reverse("admin:blog_article_autosave", args=[article.pk])
    version = revisions.current_version(article)

    for body in ["Typing", "Typing more"]:
        response = owner_client.post(url, {"title": "T", "summary": "S", "body": body, "version": version})
        assert response.status_code == 200
        assert response.json()["conflict"] is None

    [kept] = article.revisions.all()
    assert (kept.kind, kept.body, kept.author) == ("autosave", "Typing more", owner)
    after = Article.objects.get(pk=article.pk)
    assert (after.body, after.body_html, after.updated_at) == (
        before.body,
        before.body_html,
        before.updated_at,
    )


def test_autosave_says_when_someone_else_saved_since_the_form_was_loaded(owner_client, article):
    version = revisions.current_version(article)
    colleague = make_user("camille", first_name="Camille", is_staff=True)
    article.body = "Their change"
    article.save()
    revisions.record(article, by=colleague)
    url = reverse("admin:blog_article_autosave", args=[article.pk])

    answer = owner_client.post(url, {"title": "T", "summary": "S", "body": "Mine", "version": version}).json()

    assert answer["conflict"]["message"].startswith("Camille saved this article at ")


def test_autosave_refuses_a_text_too_long_with_a_reason_and_takes_only_posts(owner_client, article):
    url = reverse("admin:blog_article_autosave", args=[article.pk])
    response = owner_client.post(url, {"title": "T", "summary": "S", "body": "x" * 100_001})
    assert response.status_code == 400 and response.json()["error"]
    assert owner_client.get(url).status_code == 405
    assert not article.revisions.exists()


def test_a_save_on_a_version_someone_else_saved_over_is_stopped_and_can_be_compared(
    owner_client, owner, article
):
    mine = opened_form(owner_client, article)
    article.body = "Their change, saved first."
    article.save()

    response = save(owner_client, article, mine, body="My change, saved second.")

    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).body == "Their change, saved first."
    page = Document(response.content.decode())
    [link] = [a for a in page.find_all("a") if a.text == "Compare your text with theirs"]
    body_changes = Document(owner_client.get(link["href"]).content.decode()).find_all("div", class_="diff")[
        -1
    ]
    assert [d.text for d in body_changes.find_all("del")] == ["My", "second"]
    assert [i.text for i in body_changes.find_all("ins")] == ["Their", "first"]
    assert page.textareas["body"].strip() == "My change, saved second."

    # Saving again, having seen the warning, replaces their version knowingly.
    again = save(
        owner_client, article, {**mine, "version": page.form_values["version"]}, body="Mine after all."
    )
    assert again.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "Mine after all."


def test_unsaved_text_is_compared_with_the_article_escaped(owner_client, article):
    url = reverse("admin:blog_article_unsaved", args=[article.pk])
    fragment = owner_client.post(
        url, {"title": article.title, "summary": article.summary, "body": "<b>New</b>"}
    )
    document = Document(fragment.content.decode())
    assert [ins.text for ins in document.find_all("ins")] == ["<b>New</b>"]
    assert document.find_all("b") == []
    new = owner_client.post(reverse("admin:blog_article_unsaved_new"), {"title": "Fresh", "body": "Text"})
    assert [ins.text for ins in Document(new.content.decode()).find_all("ins")] == ["Fresh", "Text"]


def test_the_periodic_jobs_delete_old_autosaves_and_keep_saved_versions(settings, article, owner):
    settings.AUTOSAVE_KEEP_DAYS = 30
    saved = revisions.record(article, by=owner)
    old = revisions.autosave(article, owner, title="T", summary="S", body="Old")
    recent = revisions.autosave(article, make_user(), title="T", summary="S", body="Recent")
    Revision.objects.filter(pk__in=[old.pk, saved.pk]).update(created_at=timezone.now() - timedelta(days=31))

    assert prune_autosaves() == 1
    assert set(Revision.objects.values_list("pk", flat=True)) == {saved.pk, recent.pk}


def test_a_rewritten_sentence_reads_as_one_removal_and_one_addition():
    [(_label, html)] = revisions.compare(
        {"title": "The first draft, saved."}, {"title": "Written while away."}
    )
    assert (
        str(html)
        == '<div class="diff-change"><del>The first draft, saved</del><ins>Written while away</ins>.</div>'
    )


def test_publishing_and_unpublishing_from_the_list_are_versions_too(owner_client, owner, article):
    url = reverse("admin:blog_article_changelist")
    revisions.autosave(article, owner, title="T", summary="S", body="Unsaved words")
    for action in ["publish", "unpublish"]:
        owner_client.post(url, {"action": action, "_selected_action": [article.pk]})
    saved = article.revisions.saved()
    assert [(v.status, v.tags, v.author) for v in saved] == [
        ("draft", ["One"], owner),
        ("published", ["One"], owner),
    ]
    assert article.revisions.autosaves().get().body == "Unsaved words"  # the editor's text was not saved


def test_a_restore_is_written_in_the_admin_s_own_history(owner_client, owner, article):
    old = revisions.record(article, by=owner)
    owner_client.post(reverse("admin:blog_article_restore", args=[article.pk, old.pk]))
    page = owner_client.get(reverse("admin:blog_article_history", args=[article.pk])).content.decode()
    assert "Restored the version saved by" in page


def test_a_long_rewritten_block_is_shown_removed_then_added_rather_than_word_by_word():
    old, new = " ".join(["old"] * 600), " ".join(["new"] * 600)
    [(_label, html)] = revisions.compare({"body": old}, {"body": new})
    document = Document(str(html))
    assert [d.text for d in document.find_all("del")] == [old]
    assert [i.text for i in document.find_all("ins")] == [new]


def test_the_migration_starts_each_existing_article_s_history_with_what_it_is_now(owner):
    migration = importlib.import_module("blog.migrations.0007_add_revisions_and_draft_links")
    articles = [make_article(author=owner, tags=[make_tag("Kept")]), make_article()]
    Revision.objects.all().delete()

    migration.record_current_versions(django_apps, None)

    for article in articles:
        [version] = Article.objects.get(pk=article.pk).revisions.all()
        assert (version.body, version.status, version.author_id) == (
            article.body,
            "published",
            article.author_id,
        )
        assert version.created_at == Article.objects.get(pk=article.pk).updated_at
    assert articles[0].revisions.get().tags == ["Kept"]


def test_a_version_of_an_imported_html_body_is_restored_as_html(owner):
    html = "<p>E = mc<sup>2</sup></p>"
    article = make_article(author=owner, body=html, body_is_html=True)
    imported = revisions.record(article, by=owner)
    article.body, article.body_is_html = "Rewritten in *Markdown*.", False
    article.save()
    revisions.record(article, by=owner)

    revisions.restore(imported, by=owner)

    article.refresh_from_db()
    assert (article.body, article.body_is_html) == (html, True)
    assert article.body_html == "<p>E = mc<sup>2</sup></p>"  # as imported, not escaped as Markdown would
    assert article.revisions.saved().first().body_is_html


def test_the_migration_marks_the_versions_holding_an_imported_html_body(owner):
    migration = importlib.import_module("blog.migrations.0011_revision_body_is_html")
    article = make_article(author=owner, body="<p>Imported</p>", body_is_html=True)
    markdown = make_article(author=owner, body="Markdown")
    current, older = revisions.record(article, by=owner), revisions.record(markdown, by=owner)
    Revision.objects.update(body_is_html=False)
    Revision.objects.filter(pk=older.pk).update(article=article, body="An older Markdown body")

    migration.mark_html_versions(django_apps, None)

    assert Revision.objects.get(pk=current.pk).body_is_html
    assert not Revision.objects.get(pk=older.pk).body_is_html
