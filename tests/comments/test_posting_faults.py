"""Posting survives what goes wrong around it: the same form sent twice, a flood sent in parallel, a cache
(Redis) that is down or hangs, a database that fails. Readers never lose their words, and never see them
twice."""

import functools
import logging
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.moderation import Reason
from tests import smtp
from tests.factories import comment_form as form_data
from tests.factories import make_article, make_comment, make_owner
from tests.html import Document


def post(client, article, data, **extra):
    return client.post(reverse("comments:post", args=[article.slug]), data, **extra)


@pytest.fixture
def article(db):
    return make_article(title="Double clicks")


# The same form sent twice


def test_the_same_form_sent_twice_makes_one_comment_and_shows_it(client, article):
    data = form_data(article)
    first = post(client, article, data)
    second = post(client, article, data)
    comment = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == comment.get_absolute_url()
    assert comment.history.count() == 1


def test_another_text_from_the_same_form_is_another_comment(client, article):
    data = form_data(article)
    post(client, article, data)
    post(client, article, {**data, "body": "And one more thing."})
    assert Comment.objects.count() == 2


def in_parallel(*calls):
    """Run the calls at the same moment, each in a thread with its own database connection."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        start.wait()
        try:
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers: PostgreSQL in CI")
def test_a_hundred_double_posts_at_the_same_moment_make_no_duplicate():
    article = make_article()
    for number in range(100):
        data = form_data(article, body=f"Double click {number}", author_email=f"r{number}@example.com")
        responses = in_parallel(*[functools.partial(post, Client(), article, data)] * 2)
        assert [response.status_code for response in responses] == [302, 302]
    assert Comment.objects.count() == 100


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers: PostgreSQL in CI")
def test_the_flood_limit_is_exact_for_posts_sent_at_the_same_moment(settings):
    settings.COMMENTS_RATE_LIMIT = 5
    article = make_article()

    def one(number):
        return lambda: post(
            Client(), article, form_data(article, body=f"Flood {number}"), REMOTE_ADDR="10.1.1.1"
        )

    in_parallel(*[one(number) for number in range(20)])
    comments = list(Comment.objects.all())
    assert len(comments) == 20
    assert sum(Reason.RATE not in comment.policy_reasons for comment in comments) == 5


def test_the_flood_limit_counts_in_the_database_without_any_cache(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for number in range(4):
        post(
            client, article, form_data(article, body=f"Note {number}", author_email=f"r{number}@example.com")
        )
    held = Comment.objects.filter(status="held")
    assert [comment.policy_reasons for comment in held] == [[Reason.RATE], [Reason.RATE]]


# The cache (Redis) down or hanging


@pytest.fixture(params=["down", "hanging"])
def broken_redis(request, settings):
    """Redis at a closed port, or at one that takes connections and never answers."""
    with smtp.HangingServer() as hanging:
        port = hanging.port if request.param == "hanging" else smtp.free_port()
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
            }
        }
        settings.PAGE_CACHE = True
        yield


def test_with_redis_broken_readers_post_and_read(client, article, broken_redis, caplog):
    caplog.set_level(logging.WARNING)
    response = post(client, article, form_data(article))
    assert response.status_code == 302
    comment = Comment.objects.get()
    page = Client().get(article.get_absolute_url())
    assert page.status_code == 200
    assert f'id="comment-{comment.pk}"' in page.content.decode()
    assert "The page cache is unavailable" in caplog.text


def test_with_redis_broken_the_owner_replies_from_the_admin(client, db, broken_redis):
    owner = make_owner()
    client.force_login(owner)
    question = make_comment(make_article(author=owner), is_question=True)
    response = client.post(reverse("admin:comments_comment_reply", args=[question.pk]), {"body": "Here."})
    assert response.status_code == 302
    assert Comment.objects.get(reply_to=question).status == "published"


# The database fails


def test_a_comment_the_database_fails_to_save_comes_back_in_the_form(client, article):
    data = form_data(article, body="My long, careful answer.")
    with connection.cursor() as cursor:  # a write of the posting transaction fails (inside the test's own)
        cursor.execute("DROP TABLE comments_postingaddress")
    response = post(client, article, data)
    assert response.status_code == 503
    page = Document(response.content.decode())
    assert page.textareas["body"].removeprefix("\n") == "My long, careful answer."  # as browsers read it
    assert "could not be saved just now" in response.content.decode()
    assert not Comment.objects.exists()
