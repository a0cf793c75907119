"""The reader's address, as every part of the site reads it (config/client_address.py): X-Forwarded-For only
as far as our own proxies wrote it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from comments.models import Comment, Report
from comments.moderation import Reason
from config.client_address import client_ip
from tests.factories import comment_form, make_article, make_comment


def address(trusted, forwarded=None, remote="10.0.0.1", settings=None):
    settings.TRUSTED_PROXIES = trusted
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # nobody trusted: the header is ignored
        (0, None, "10.0.0.1"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # nginx: the last entry, the one it added
        (1, "198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 203.0.113.5", "198.51.100.7"),  # CDN then nginx
        (2, "198.51.100.7", "198.51.100.7"),  # fewer entries than proxies: the farthest hop
        (1, "not an address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, " 2001:DB8::1 ", "2001:db8::1"),
    ],
)
def test_the_address_is_the_one_the_outermost_trusted_proxy_saw(settings, trusted, forwarded, expected):
    assert address(trusted, forwarded, settings=settings) == expected


def test_no_address_at_all_is_none(settings):
    assert address(0, remote="", settings=settings) is None


@pytest.mark.django_db
@pytest.mark.parametrize("trusted", [0, 1])
def test_a_forged_forwarded_for_does_not_pass_the_flood_limit(client, settings, trusted):
    settings.TRUSTED_PROXIES = trusted
    settings.COMMENTS_RATE_LIMIT = 5
    article = make_article()
    url = reverse("comments:post", args=[article.slug])
    for number in range(12):
        # The attacker writes a new address each time; with a proxy, it appends the real one.
        forged = f"203.0.113.{number}" + (", 198.51.100.7" if trusted else "")
        data = comment_form(article, body=f"Comment {number}", author_email=f"r{number}@example.com")
        client.post(
            url, data, REMOTE_ADDR="127.0.0.1" if trusted else "198.51.100.7", HTTP_X_FORWARDED_FOR=forged
        )
    comments = Comment.objects.order_by("pk")
    assert {comment.ip_address for comment in comments} == {"198.51.100.7"}
    assert [Reason.RATE in comment.policy_reasons for comment in comments] == [False] * 5 + [True] * 7


@pytest.mark.django_db
def test_a_hundred_reports_from_one_client_are_one_report(client, settings):
    settings.TRUSTED_PROXIES = 1
    comment = make_comment()
    url = reverse("comments:report", args=[comment.pk])
    for number in range(100):
        forged = f"203.0.{number}.1, 198.51.100.7"
        client.post(url, {"reason": "insult"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forged)
    assert Report.objects.count() == 1
    assert Report.objects.get().ip_address == "198.51.100.7"
