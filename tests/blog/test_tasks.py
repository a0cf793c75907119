"""The blog's slow work, run by the task framework's real worker: covers' renditions."""

import pytest
from django.core.management import call_command
from django.test import Client

from blog.models import Article
from tests.factories import make_article, make_image_file

# The worker commits what it does, as in production: these tests run outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def save_with_new_cover(size):
    article = Article.objects.get()
    article.cover = make_image_file(size=size)
    article.save()
    return article


def test_the_worker_makes_a_new_covers_renditions_and_the_page_shows_them(media_root, settings):
    settings.PAGE_CACHE = True
    article = make_article(title="Covers")
    url = article.get_absolute_url()
    save_with_new_cover((700, 350))
    assert "srcset=" not in Client().get(url).content.decode()  # the cover itself, until they are made
    run_worker()
    article.refresh_from_db()
    assert [r["width"] for r in article.cover_renditions] == [480, 700]
    assert all((media_root / r["name"]).is_file() for r in article.cover_renditions)
    assert "480w" in Client().get(url).content.decode()  # the cached page went stale


def test_renditions_of_a_cover_replaced_before_the_worker_came_are_not_kept(media_root):
    make_article(title="Covers")
    save_with_new_cover((700, 350))
    latest = save_with_new_cover((500, 250))
    run_worker()  # two tasks: the first cover's finds it gone, the second makes the renditions
    latest.refresh_from_db()
    assert [r["width"] for r in latest.cover_renditions] == [480, 500]
    stored = {path.name for path in (media_root / "covers" / "renditions").iterdir()}
    assert stored == {r["name"].rsplit("/", 1)[1] for r in latest.cover_renditions}
