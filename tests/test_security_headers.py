"""Content-Security-Policy and Permissions-Policy on every response: reader pages, the admin, feeds, static
files and media (issue 13)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import make_article

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_reader_pages_allow_only_the_sites_own_scripts_and_styles(client):
    article = make_article()
    for url in ["/", article.get_absolute_url(), "/feed/rss/", "/search/?q=x", "/no-such-page/"]:
        response = client.get(url)
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        assert "camera=()" in response["Permissions-Policy"], url


def test_the_admin_allows_inline_styles_but_never_inline_scripts(owner_client):
    response = owner_client.get("/admin/blog/article/add/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]


def test_media_carry_the_headers_too(client):
    name = default_storage.save("uploads/x.txt", ContentFile(b"hello"))
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"])["default-src"] == ["'self'"]
    assert "Permissions-Policy" in response


def test_report_only_mode_sends_the_same_policy_under_the_report_only_header(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get("/")
    assert "Content-Security-Policy" not in response
    assert directives(response["Content-Security-Policy-Report-Only"])["script-src"] == ["'self'"]


def settings_with(expression, **env):
    """The value of `expression` (JSON) in the settings a fresh process reads from `env`."""
    code = f"import json; from django.conf import settings; print(json.dumps({expression}))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("report_only", "enforced"), [("1", False), ("", True)])
def test_the_report_only_setting_comes_from_the_environment(report_only, enforced):
    enforcing, reporting = settings_with(
        "[settings.CONTENT_SECURITY_POLICY, settings.CONTENT_SECURITY_POLICY_REPORT_ONLY]",
        CAUSERIE_CSP_REPORT_ONLY=report_only,
        CAUSERIE_CSP_REPORT_URI="https://reports.example.com/csp",
    )
    policy = enforcing if enforced else reporting
    assert (enforcing is None) is not enforced and (reporting is None) is enforced
    assert policy["DIRECTIVES"]["report-uri"] == ["https://reports.example.com/csp"]


@pytest.mark.parametrize(
    ("env", "origin"),
    [
        # A private bucket on the local network: /media/ redirects to its signed http addresses.
        ({"CAUSERIE_MEDIA_ENDPOINT_URL": "http://10.0.0.5:9000"}, "http://10.0.0.5:9000"),
        ({"CAUSERIE_MEDIA_PUBLIC_URL": "http://media.example.com/blog"}, "http://media.example.com"),
        ({"CAUSERIE_MEDIA_ENDPOINT_URL": "https://s3.example.net"}, None),  # https: is allowed already
    ],
)
def test_images_from_a_buckets_plain_http_origin_are_allowed(env, origin):
    img_src = settings_with("settings.CONTENT_SECURITY_POLICY", CAUSERIE_MEDIA_BUCKET="blog-media", **env)[
        "DIRECTIVES"
    ]["img-src"]
    assert img_src[:2] == ["'self'", "https:"]
    assert img_src[2:] == ([origin] if origin else [])
