"""`manage.py load_demo`. Painting the covers and their renditions is most of a load's cost, so the demo is
loaded once for this module, as `make run` loads it; each test runs in a savepoint of that database, and
what it changes (a second run, an owner's edit, a deleted article) is rolled back after it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from blog import demo
from blog.models import Article, Tag
from comments.models import Comment, CommentEvent, OutgoingMail
from tests.factories import with_renditions

pytestmark = pytest.mark.django_db

THREAD = "how-comment-moderation-works"
# Logging in goes through django-axes, which counts attempts per request.
LOGIN_REQUEST = RequestFactory().post("/accounts/login/")


def load_demo(**options):
    output = StringIO()
    call_command("load_demo", stdout=output, **options)
    return output.getvalue()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module", autouse=True)
def first_run(django_db_setup, django_db_blocker, demo_media):
    """The output of loading the demo into an empty database, rolled back once the module's tests are done."""
    # DEBUG as in development; the hasher is the one the tests' own settings use (tests/conftest.py).
    development = override_settings(
        DEBUG=True,
        MEDIA_ROOT=demo_media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), development, transaction.atomic():
        cache.clear()
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def development_settings(settings):
    # The test runner turns DEBUG off; the command is meant for development, where it is on.
    settings.DEBUG = True


@pytest.fixture(autouse=True)
def media_root(settings, demo_media):
    """The files the loaded demo stored (instead of an empty folder per test, as elsewhere)."""
    settings.MEDIA_ROOT = demo_media
    return demo_media


def snapshot(media_root):
    """Everything a second run could change: rows, their update times, and the files in MEDIA_ROOT."""
    return {
        "users": list(get_user_model().objects.values_list("username", "password", "last_login")),
        "tags": list(Tag.objects.order_by("pk").values_list("pk", "name", "slug")),
        "articles": list(
            Article.objects.order_by("pk").values_list(
                "pk", "slug", "updated_at", "cover", "cover_renditions"
            )
        ),
        "comments": list(Comment.objects.order_by("pk").values_list("pk", "status", "created_at")),
        "history": CommentEvent.objects.count(),
        "mails": OutgoingMail.objects.count(),
        "files": sorted(path.relative_to(media_root) for path in media_root.rglob("*")),
    }


def thread(slug=THREAD):
    """The article's comments by their authors' addresses (the owner's replies by their place)."""
    comments = Comment.objects.filter(article__slug=slug).order_by("created_at")
    return {c.author_email if c.user_id is None else f"owner-{c.reply_to.author_name}": c for c in comments}


def test_load_demo_creates_an_owner_who_can_log_in_to_the_admin(first_run):
    owner = authenticate(LOGIN_REQUEST, username="owner", password="causerie-demo")
    assert owner is not None
    assert owner.is_staff
    assert owner.is_superuser
    assert owner.email == "owner@example.com"
    assert owner.get_full_name()
    assert owner.bio
    assert "6 articles created, 0 already present" in first_run
    assert first_run.splitlines()[-2:] == [
        "Demo owner: owner / causerie-demo",
        "Admin: http://127.0.0.1:8000/admin/",
    ]


def test_load_demo_creates_articles_in_their_languages_with_covers_and_renditions_stored(media_root):
    articles = Article.objects.all()
    assert len(articles) == len(demo.articles()) >= 4
    for article in articles:
        assert article.author.username == "owner"
        assert article.tags.exists()
        assert article.summary
        assert article.meta_description
        assert article.cover_alt
        assert (media_root / article.cover.name).is_file()
        renditions = with_renditions(article).cover_renditions
        assert renditions
        for rendition in renditions:
            assert (media_root / rendition["name"]).is_file()
    french = Article.objects.get(language="fr")
    assert french.title.startswith("Publier")
    assert {article.language for article in articles if article != french} == {"en"}


def test_demo_articles_are_the_markdown_files_with_their_front_matter():
    for data in demo.articles():
        article = Article.objects.get(slug=data["slug"])
        assert article.title == data["title"]
        assert article.body == data["body"]
        assert not article.body.startswith(("+++", "\n"))
        assert "title = " not in article.body
        assert article.cover_alt == data["cover"]["alt"]
        assert set(article.tags.values_list("name", flat=True)) == set(data["tags"])
    # Oldest first, the draft last: ids follow the archives.
    assert list(Article.objects.order_by("pk").values_list("slug", flat=True)) == [
        data["slug"] for data in demo.articles()
    ]


def test_demo_articles_span_several_months_with_one_scheduled_and_one_draft():
    published = Article.objects.published()
    assert published.count() >= 3
    months = {
        timezone.localtime(date).strftime("%Y-%m")
        for date in published.values_list("published_at", flat=True)
    }
    assert len(months) >= 3
    scheduled = Article.objects.get(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
    assert scheduled not in published
    assert timezone.now() + timedelta(days=5) < scheduled.published_at
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1


def test_running_load_demo_twice_changes_nothing(media_root):
    before = snapshot(media_root)

    output = load_demo()

    assert snapshot(media_root) == before
    assert f"0 articles created, {len(demo.articles())} already present" in output


def test_running_load_demo_again_keeps_the_owners_edits():
    owner = get_user_model().objects.get(username="owner")
    owner.set_password("the-owners-own-password")
    owner.save()
    first = demo.articles()[0]["slug"]
    Article.objects.filter(slug=first).update(title="Edited by the owner")

    load_demo()

    assert authenticate(LOGIN_REQUEST, username="owner", password="the-owners-own-password") == owner
    assert Article.objects.get(slug=first).title == "Edited by the owner"


def test_load_demo_is_refused_when_debug_is_off_before_touching_the_database(
    settings, django_assert_num_queries
):
    settings.DEBUG = False

    with django_assert_num_queries(0), pytest.raises(CommandError, match="DEBUG"):
        load_demo()


def test_load_demo_runs_with_force_when_debug_is_off(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path  # the new cover goes here, not among the module's files
    Article.objects.filter(status=Article.Status.DRAFT).delete()

    output = load_demo(force=True)

    assert Article.objects.count() == len(demo.articles())
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    assert f"1 articles created, {len(demo.articles()) - 1} already present" in output


def test_load_demo_gives_two_articles_a_thread_with_answers_a_hold_and_a_placeholder(client):
    article = Article.objects.get(slug=THREAD)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Removed by moderation: insult or personal attack" in page
    assert "badge-author" in page
    assert "Three good reads" not in page  # held for its links
    assert Article.objects.get(slug="publier-nest-que-la-moitie-du-travail").comments.count() == 2


def test_demo_comments_get_their_status_from_the_policy_and_their_removal_from_a_moderator():
    comments = thread()

    assert comments["links@example.com"].status == Comment.Status.HELD
    assert comments["links@example.com"].policy_reasons == ["links"]
    rude = comments["rude@example.com"]
    assert rude.status == Comment.Status.REJECTED
    assert rude.rejection_reason == "insult"
    assert rude.moderated_by.username == "owner"
    assert list(rude.history.values_list("action", "to_status", "reason")) == [
        ("posted", "held", "insult"),
        ("rejected", "rejected", "insult"),
    ]
    others = [c for key, c in comments.items() if key not in {"links@example.com", "rude@example.com"}]
    assert {c.status for c in others} == {Comment.Status.PUBLISHED}
    assert not Comment.objects.filter(status=Comment.Status.SPAM).exists()  # slow, human readers
    assert all(c.speaks_for_article for c in others if c.user_id)


def test_demo_replies_hang_where_the_thread_logic_puts_them():
    comments = thread()

    nadia, answer, tom = comments["nadia@example.com"], comments["owner-Nadia"], comments["tom@example.com"]
    assert (nadia.depth, answer.depth, tom.depth) == (0, 1, 2)
    assert (answer.parent, answer.reply_to) == (nadia, nadia)
    assert (tom.parent, tom.reply_to) == (answer, answer)
    assert comments["owner-Anonymous"].parent == comments["rude@example.com"]


def test_demo_replies_follow_comments_max_depth(settings, tmp_path):
    settings.COMMENTS_MAX_DEPTH = 2
    settings.MEDIA_ROOT = tmp_path  # the new cover goes here, not among the module's files
    Article.objects.filter(slug=THREAD).delete()

    load_demo()

    comments = thread()
    nadia, answer, tom = comments["nadia@example.com"], comments["owner-Nadia"], comments["tom@example.com"]
    assert (tom.depth, tom.parent, tom.reply_to) == (1, nadia, answer)


def test_demo_questions_answered_by_the_author_leave_one_unanswered():
    unanswered = Comment.objects.unanswered_questions()

    assert [c.author_name for c in unanswered] == ["Marc"]
    assert Comment.objects.filter(is_question=True).count() == 3


def test_demo_conversations_are_dated_the_day_after_publication_an_hour_apart():
    for slug in (THREAD, "publier-nest-que-la-moitie-du-travail"):
        article = Article.objects.get(slug=slug)
        comments = list(article.comments.order_by("created_at"))
        start = article.published_at + timedelta(days=1)
        assert [c.created_at for c in comments] == [start + timedelta(hours=n) for n in range(len(comments))]
        for comment in comments:
            for event in comment.history.all():
                assert comment.created_at <= event.created_at < comment.created_at + timedelta(minutes=1)
    rude = thread()["rude@example.com"]
    assert rude.created_at < rude.moderated_at < rude.created_at + timedelta(minutes=1)


def test_running_load_demo_twice_adds_no_comment():
    count = Comment.objects.count()
    load_demo()
    assert Comment.objects.count() == count > 0


def test_each_demo_article_starts_its_history_with_one_version_dated_as_the_article():
    for article in Article.objects.prefetch_related("revisions"):
        [version] = article.revisions.all()
        assert (version.body, version.author, version.created_at) == (
            article.body,
            article.author,
            article.updated_at,
        )
        assert version.tags == sorted(tag.name for tag in article.tags.all())
