"""blog.page_cache: anonymous readers get pages from the cache, and never a stale one.

Each test reads pages through the real URLs and middleware with the local-memory cache of the test settings;
the page is known to come from the cache when it costs no query. Pages go stale once a change is committed:
the tests, which run in a transaction, run the commit's callbacks where a real request would commit."""

import os
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from comments import services
from comments.forms import TOKEN_SALT
from comments.models import Comment
from tests import smtp
from tests.factories import make_article, make_comment, make_tag
from tests.html import Document

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|token)" value=")[^"]+(")')


def without_tokens(content):
    """A page with its per-response values (the CSRF token, the comment form's signed timestamp) blanked."""
    return TOKENS.sub(r"\1\2", content.decode())


def fetch(client, url, *, cached, **headers):
    """The page at `url`, asserting whether it came from the cache (one query: the pages' version) or was
    made (more)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert (len(queries) == 1) == cached, f"{url}: {len(queries)} queries"
    return response


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`commit(change, *args)`: the change, then its commit's callbacks, as a request that made it would."""

    def committed(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return committed


@pytest.fixture
def article(db):
    article = make_article(title="Talking with readers", tags=[make_tag("Dialogue")])
    make_comment(article, body="A first reader's remark.")
    return article


READER_PAGES = [
    "/",
    "/archive/",
    "/tags/dialogue/",
    "/feed/rss/",
    "/feed/atom/",
    "/tags/dialogue/feed/atom/",
]


@pytest.mark.parametrize("path", ["article", *READER_PAGES])
def test_a_readers_second_request_is_served_from_the_cache_as_the_live_page_was(
    client, article, path, settings, commit
):
    url = article.get_absolute_url() if path == "article" else path
    first = fetch(client, url, cached=False)
    second = fetch(client, url, cached=True)
    settings.PAGE_CACHE = False
    live = client.get(url)
    assert first.status_code == second.status_code == live.status_code == 200
    assert without_tokens(second.content) == without_tokens(first.content) == without_tokens(live.content)
    assert second["Content-Type"] == live["Content-Type"]


def test_every_form_of_a_cached_page_has_each_readers_own_csrf_token(article):
    """The language switcher of every page and the comment form: a token stored in a cached page would be
    one reader's secret served to all, and the others' forms refused."""
    first = Client(enforce_csrf_checks=True)
    first.get(article.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    page = fetch(reader, article.get_absolute_url(), cached=True).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) == 2  # the language switcher and the comment form
    assert all("pagehole" not in token for token in tokens)
    response = reader.post(reverse("set_language"), {"language": "fr", "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302


def test_a_page_that_rendered_a_real_token_is_never_stored(client, article, settings):
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {"context_processors": [p for p in processors if "csrf" not in p]},
        },
        *settings.TEMPLATES[1:],
    ]
    client.get(article.get_absolute_url())
    fetch(client, article.get_absolute_url(), cached=False)


@pytest.mark.parametrize("query", ["?page=1", "?page=99", "?page=abc", "?comments=1", "?comments=7"])
def test_an_address_that_is_not_its_pages_own_is_served_but_never_stored(client, article, query):
    url = ("/" if "page=" in query else article.get_absolute_url()) + query
    assert client.get(url).status_code == 200
    fetch(client, url, cached=False)


def test_each_host_has_its_own_cached_pages(article, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    Client().get("/feed/rss/")
    other = Client(HTTP_HOST="other.example").get("/feed/rss/").content.decode()
    assert "http://other.example/" in other and "http://testserver/" not in other


def test_each_response_of_a_cached_page_has_fresh_tokens(client, article, commit):
    url = article.get_absolute_url()
    fetch(client, url, cached=False)
    pages = [fetch(Client(), url, cached=True).content.decode() for _ in range(2)]
    tokens = [Document(page).form_values["token"] for page in pages]
    uniques = set()
    for token in tokens:
        article_pk, issued_at, unique = signing.loads(token, salt=TOKEN_SALT)
        assert article_pk == article.pk and abs(issued_at - time.time()) < 5
        uniques.add(unique)
    assert len(uniques) == 2  # each form posts once (CommentForm.submission_key)
    csrf = [Document(page).form_values["csrfmiddlewaretoken"] for page in pages]
    assert csrf[0] != csrf[1]  # masked anew for each response, as Django does


def form_from(client, article):
    """The comment form's fields as a reader's browser has them, from the page it was served."""
    return Document(client.get(article.get_absolute_url()).content.decode()).form_values


def test_a_comment_posted_from_a_cached_page_is_published_and_shows_on_the_next_request(article, commit):
    Client().get(article.get_absolute_url())  # another reader's visit stores the page
    reader = Client(enforce_csrf_checks=True)
    fields = fetch(reader, article.get_absolute_url(), cached=True)
    fields = Document(fields.content.decode()).form_values
    fields["token"] = signing.dumps(  # the reader took a minute to write it
        [article.pk, int(time.time()) - 60], salt=TOKEN_SALT
    )
    data = {**fields, "author_name": "Léa", "author_email": "lea@example.com", "body": "Merci, très clair."}
    response = commit(reader.post, reverse("comments:post", args=[article.slug]), data)
    assert response.status_code == 302
    assert Comment.objects.get(author_name="Léa").status == Comment.Status.PUBLISHED
    page = fetch(Client(), article.get_absolute_url(), cached=False)
    assert "Merci, très clair." in page.content.decode()


def test_the_timing_trap_measures_from_when_this_readers_cached_page_was_served(article):
    Client().get(article.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    fields = form_from(reader, article)
    data = {**fields, "author_name": "Bot", "author_email": "bot@example.com", "body": "Buy now."}
    assert reader.post(reverse("comments:post", args=[article.slug]), data).status_code == 302
    assert Comment.objects.get(author_name="Bot").status == Comment.Status.SPAM


def test_a_reader_with_a_held_comment_gets_a_live_page_and_others_never_see_it(article, commit):
    Client().get(article.get_absolute_url())
    reader = Client()
    fields = form_from(reader, article)
    fields["token"] = signing.dumps([article.pk, int(time.time()) - 60], salt=TOKEN_SALT)
    data = {
        **fields,
        "author_name": "Max",
        "author_email": "max@example.com",
        "body": "http://a http://b http://c",
    }
    reader.post(reverse("comments:post", args=[article.slug]), data)
    assert Comment.objects.get(author_name="Max").status == Comment.Status.HELD
    mine = fetch(reader, article.get_absolute_url(), cached=False)
    assert "Waiting for review" in mine.content.decode()
    theirs = fetch(Client(), article.get_absolute_url(), cached=True)
    assert "Waiting for review" not in theirs.content.decode()


def test_staff_always_get_a_live_page(owner_client, article, commit):
    Client().get(article.get_absolute_url())
    fetch(owner_client, article.get_absolute_url(), cached=False)
    fetch(owner_client, article.get_absolute_url(), cached=False)


def shows_next(url, change, expected, commit, *, absent=False):
    """`url` is cached; after `change()`, the very next request shows (or no longer shows) `expected`."""
    reader = Client()
    before = reader.get(url).content.decode()
    assert (expected in before) == absent
    fetch(reader, url, cached=True)
    commit(change)
    after = reader.get(url).content.decode()
    assert (expected in after) != absent


def test_a_published_comment_shows_on_the_next_request(article, commit):
    def change():
        services.post_comment(
            article=article,
            data={"author_name": "Zoé", "author_email": "zoe@example.com", "body": "Une question de plus."},
            user=AnonymousUser(),
            seconds_to_submit=60,
        )

    shows_next(article.get_absolute_url(), change, "Une question de plus.", commit)


def test_an_approved_comment_shows_on_the_next_request(article, owner, commit):
    held = make_comment(article, status="held", body="Held, then approved.")
    url = article.get_absolute_url()
    shows_next(url, lambda: services.approve(held, by=owner), "Held, then approved.", commit)


def test_a_rejection_shows_on_the_next_request(article, owner, commit):
    rude = make_comment(article, body="Something rude.")
    make_comment(reply_to=rude, body="A reply that keeps its place.")

    def change():
        services.reject(rude, by=owner, reason="insult")

    shows_next(article.get_absolute_url(), change, "Something rude.", commit, absent=True)
    assert "Removed by moderation" in Client().get(article.get_absolute_url()).content.decode()


def test_a_reply_from_the_admin_shows_on_the_next_request(article, owner, commit):
    question = make_comment(article, body="Why?", is_question=True)

    def change():
        services.reply_from_admin(question, by=owner, body="Because readers deserve answers.")

    shows_next(article.get_absolute_url(), change, "Because readers deserve answers.", commit)


def test_an_article_edit_shows_on_the_next_request_on_every_page(article, commit):
    def change():
        article.title = "Talking with readers, revised"
        article.save()

    for url in [article.get_absolute_url(), "/", "/feed/rss/", "/tags/dialogue/"]:
        article.refresh_from_db()
        article.title = "Talking with readers"
        article.save()
        shows_next(url, change, "revised", commit)


def test_publishing_and_unpublishing_show_on_the_next_request(article, commit):
    draft = make_article(title="A draft comes out", status=Article.Status.DRAFT)
    published = Article.objects.filter(pk=draft.pk)
    shows_next("/", published.publish, "A draft comes out", commit)
    shows_next("/", published.unpublish, "A draft comes out", commit, absent=True)


def test_a_scheduled_article_appears_by_itself_at_its_time(article):
    appears = timezone.now() + timedelta(seconds=1.5)
    make_article(title="Scheduled for a moment from now", published_at=appears)
    reader = Client()
    assert "Scheduled for a moment from now" not in reader.get("/").content.decode()
    while timezone.now() < appears:
        time.sleep(0.1)
    assert "Scheduled for a moment from now" in reader.get("/").content.decode()


def test_comments_closing_by_age_shows_by_itself(article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 1
    closing = timezone.now() + timedelta(seconds=1.5)
    Article.objects.filter(pk=article.pk).update(published_at=closing - timedelta(days=1))
    reader = Client()
    assert "Comments are closed" not in reader.get(article.get_absolute_url()).content.decode()
    while timezone.now() < closing:
        time.sleep(0.1)
    assert "Comments are closed" in reader.get(article.get_absolute_url()).content.decode()


def test_switching_hold_all_on_makes_a_new_page_and_holds_the_next_comment(article, commit):
    reader = Client()
    reader.get(article.get_absolute_url())
    article.hold_all_comments = True
    commit(article.save)
    fields = Document(fetch(reader, article.get_absolute_url(), cached=False).content.decode()).form_values
    fields["token"] = signing.dumps([article.pk, int(time.time()) - 60], salt=TOKEN_SALT)
    data = {**fields, "author_name": "Ana", "author_email": "ana@example.com", "body": "Hello."}
    reader.post(reverse("comments:post", args=[article.slug]), data)
    assert Comment.objects.get(author_name="Ana").status == Comment.Status.HELD


def test_deleting_a_comment_shows_on_the_next_request(article, commit):
    doomed = make_comment(article, body="Deleted by the owner.")
    shows_next(article.get_absolute_url(), doomed.delete, "Deleted by the owner.", commit, absent=True)
    other = commit(make_comment, article, body="Deleted in bulk.")
    remove = Comment.objects.filter(pk=other.pk).delete
    shows_next(article.get_absolute_url(), remove, "Deleted in bulk.", commit, absent=True)


def test_renaming_or_deleting_a_tag_shows_on_the_next_request(article, commit):
    tag = article.tags.get()

    def rename():
        tag.name = "Conversation"
        tag.save()

    shows_next(article.get_absolute_url(), rename, "#Conversation", commit)
    shows_next(article.get_absolute_url(), tag.delete, "#Conversation", commit, absent=True)


def test_an_authors_new_name_shows_on_the_next_request_but_a_login_changes_nothing(article, commit):
    author = article.author

    def rename():
        author.first_name, author.last_name = "Camille", "Renamed"
        author.save()

    shows_next("/", rename, "Camille Renamed", commit)
    Client().get("/")
    author.last_login = timezone.now()
    commit(author.save, update_fields=["last_login"])
    fetch(Client(), "/", cached=True)


def test_a_settings_change_is_a_new_set_of_pages(article, settings, commit):
    url = article.get_absolute_url()
    Client().get(url)
    settings.SITE_NAME = "Causerie renamed"
    page = fetch(Client(), url, cached=False)
    assert "Causerie renamed" in page.content.decode()


@pytest.mark.parametrize("path", ["article", "/", "/feed/rss/"])
def test_a_reader_who_has_the_page_gets_a_304(client, article, path, django_assert_num_queries, commit):
    url = article.get_absolute_url() if path == "article" else path
    etag = client.get(url)["ETag"]
    # One query: the pages' version.
    with django_assert_num_queries(1):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    commit(
        services.post_comment,
        article=article,
        data={"author_name": "Zoé", "author_email": "zoe@example.com", "body": "New."},
        user=AnonymousUser(),
        seconds_to_submit=60,
    )
    # The article and the home page (its cards count comments) changed; the feed did not.
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == (304 if path == "/feed/rss/" else 200)


def test_each_language_has_its_own_cached_page(article):
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(article.get_absolute_url()).content.decode()
    french = Client(HTTP_ACCEPT_LANGUAGE="fr").get(article.get_absolute_url()).content.decode()
    assert 'lang="en"' in english and 'lang="fr"' in french


def test_a_query_other_than_a_page_number_is_never_cached(client, article, commit):
    url = f"{article.get_absolute_url()}?reply_to=1"
    client.get(url)
    fetch(client, url, cached=False)


def test_a_cache_that_is_down_costs_the_cache_not_the_page(client, article, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens there
        }
    }
    for url in [article.get_absolute_url(), "/", "/feed/rss/"]:
        assert client.get(url).status_code == 200


def test_a_deployment_that_changes_a_template_starts_a_new_set_of_pages(settings, tmp_path):
    """A cache such as Redis outlives a deployment: pages made with the old templates are not served."""
    from blog import page_cache

    template = tmp_path / "page.html"
    template.write_text("one")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    try:
        page_cache._release.cache_clear()
        before = page_cache._settings_fingerprint()
        template.write_text("two")
        page_cache._release.cache_clear()
        assert page_cache._settings_fingerprint() != before
    finally:
        page_cache._release.cache_clear()


# A cache that was down when a change was committed


@pytest.fixture
def redis(settings):
    """The machine's Redis (database 13), emptied before and after. CI has one; elsewhere the test skips."""
    settings.CACHES = redis_cache(6379)
    try:
        cache.clear()
    except Exception:  # noqa: BLE001 -- any failure to reach it means there is none here
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: the Redis tests must run, and 127.0.0.1:6379 does not answer.")
        pytest.skip("no Redis at 127.0.0.1:6379")
    yield
    settings.CACHES = redis_cache(6379)
    cache.clear()


def redis_cache(port):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/13",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


def test_a_change_committed_while_redis_was_down_shows_as_soon_as_it_is_back(settings, redis, commit):
    article = make_article(title="Outages")
    url = article.get_absolute_url()
    fetch(Client(), url, cached=False)
    assert fetch(Client(), url, cached=True).status_code == 200

    settings.CACHES = redis_cache(smtp.free_port())  # Redis unreachable while a comment is published
    commit(make_comment, article, body="Written during the outage.")
    settings.CACHES = redis_cache(6379)  # back, with the pages stored before
    assert "Written during the outage." in fetch(Client(), url, cached=False).content.decode()
