from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from blog.management.commands.load_demo import DEMO_ARTICLES
from blog.models import Article, Tag
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development_settings(settings):
    # The test runner turns DEBUG off; the command is meant for development, where it is on.
    settings.DEBUG = True


def load_demo(**options):
    output = StringIO()
    call_command("load_demo", stdout=output, **options)
    return output.getvalue()


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
        "files": sorted(path.relative_to(media_root) for path in media_root.rglob("*")),
    }


def test_load_demo_creates_an_owner_who_can_log_in_to_the_admin():
    output = load_demo()

    owner = authenticate(username="owner", password="causerie-demo")
    assert owner is not None
    assert owner.is_staff
    assert owner.is_superuser
    assert owner.email == "owner@example.com"
    assert owner.get_full_name()
    assert owner.bio
    assert output.splitlines()[-2:] == [
        "Demo owner: owner / causerie-demo",
        "Admin: http://127.0.0.1:8000/admin/",
    ]


def test_load_demo_creates_articles_in_their_languages_with_covers_and_renditions_stored(media_root):
    load_demo()

    articles = Article.objects.all()
    assert len(articles) == len(DEMO_ARTICLES) >= 4
    for article in articles:
        assert article.author.username == "owner"
        assert article.tags.exists()
        assert article.summary
        assert article.meta_description
        assert article.cover_alt
        assert (media_root / article.cover.name).is_file()
        assert article.cover_renditions
        for rendition in article.cover_renditions:
            assert (media_root / rendition["name"]).is_file()
    french = Article.objects.get(language="fr")
    assert french.title.startswith("Publier")
    assert {article.language for article in articles if article != french} == {"en"}


def test_demo_articles_span_several_months_with_one_scheduled_and_one_draft():
    load_demo()

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
    load_demo()
    before = snapshot(media_root)

    output = load_demo()

    assert snapshot(media_root) == before
    assert f"0 articles created, {len(DEMO_ARTICLES)} already present" in output


def test_running_load_demo_again_keeps_the_owners_edits():
    load_demo()
    owner = get_user_model().objects.get(username="owner")
    owner.set_password("the-owners-own-password")
    owner.save()
    Article.objects.filter(slug=DEMO_ARTICLES[0].slug).update(title="Edited by the owner")

    load_demo()

    assert authenticate(username="owner", password="the-owners-own-password") == owner
    assert Article.objects.get(slug=DEMO_ARTICLES[0].slug).title == "Edited by the owner"


def test_load_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        load_demo()

    assert not get_user_model().objects.exists()
    assert not Article.objects.exists()


def test_load_demo_runs_with_force_when_debug_is_off(settings):
    settings.DEBUG = False

    load_demo(force=True)

    assert Article.objects.count() == len(DEMO_ARTICLES)


def test_load_demo_gives_two_articles_a_thread_with_answers_a_hold_and_a_placeholder(client):
    load_demo()
    article = Article.objects.get(slug="how-comment-moderation-works")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Removed by moderation: insult or personal attack" in page
    assert "badge-author" in page
    assert "Three good reads" not in page  # held for its links
    assert Article.objects.get(slug="publier-nest-que-la-moitie-du-travail").comments.count() == 2


def test_running_load_demo_twice_adds_no_comment():
    load_demo()
    count = Comment.objects.count()
    load_demo()
    assert Comment.objects.count() == count > 0
