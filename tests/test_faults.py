"""Issue 11's targets, tried as an operator would: `benchmarks/faults.py --quick` serves a fresh site with
gunicorn, a real SMTP server that refuses, hangs, is slow or accepts, Redis down or hanging, gunicorn workers
and a task worker killed by SIGKILL, and double posts; it exits non-zero when a comment or a mail is lost or
doubled, or a reader gets a 5xx. On SQLite always, and on PostgreSQL when the suite runs on it."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def on_postgres():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_nothing_is_lost_or_sent_twice_when_things_fail(database):
    if database == "postgres" and not on_postgres():
        pytest.skip("the suite runs on SQLite")
    command = [sys.executable, str(ROOT / "benchmarks" / "faults.py"), "--quick", "--database", database]
    if database == "postgres":
        # The script makes its own scratch database next to the suite's, from the server's default one.
        command += ["--postgres", urlunsplit(urlsplit(settings.DATABASE_URL)._replace(path="/postgres"))]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout + finished.stderr[-5000:]
