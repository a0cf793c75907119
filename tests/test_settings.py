"""The settings module fails fast, in one line, when production values are missing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "CRITICAL"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "blog.example.com"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_DEBUG": "1", "CAUSERIE_LANGUAGE": "de"}, "CAUSERIE_LANGUAGE"),
        ({"DJANGO_DEBUG": "1", "CAUSERIE_ARTICLES_PER_PAGE": "ten"}, "CAUSERIE_ARTICLES_PER_PAGE"),
    ],
)
def test_start_fails_with_a_one_line_explanation(env, missing):
    result = start(**env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and missing in lines[0]


def test_production_starts_with_its_secret_and_hosts(tmp_path):
    result = start(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="blog.example.com",
        CAUSERIE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr


def test_development_needs_no_configuration(tmp_path):
    result = start(DJANGO_DEBUG="1", CAUSERIE_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def production_settings(tmp_path, *names, **env):
    """The values of `names` in a production start (debug off) with `env` added."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="blog.example.com",
        CAUSERIE_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
        **env,
    )
    code = (
        "import json, sys; from django.conf import settings as s; "
        "print(json.dumps([getattr(s, name) for name in sys.argv[1:]]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_cookies_are_https_only_while_redirect_and_hsts_wait_to_be_asked_for(tmp_path):
    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")
    assert production_settings(tmp_path, *names) == [True, True, False, 0]
    asked = production_settings(tmp_path, *names, DJANGO_SSL_REDIRECT="1", DJANGO_HSTS_SECONDS="3600")
    assert asked == [True, True, True, 3600]
