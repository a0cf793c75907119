"""The settings module fails fast, in one line, when production values are missing."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEY = "k7Qe2-LwXb9Rt4ZsVm1NcYh8GdPa3UoJf6Ei0KxTq5Bn_Wl2Rz"  # 50 characters, as Django asks


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
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": KEY}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": KEY}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_DEBUG": "1", "CAUSERIE_LANGUAGE": "de"}, "CAUSERIE_LANGUAGE"),
        # A key Django's check calls weak (security.W009) stops production: every signed link hangs on it.
        ({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "h", "DJANGO_SECRET_KEY": "s"}, "DJANGO_SECRET_KEY"),
        (
            {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "h", "DJANGO_SECRET_KEY": KEY[:49]},
            "DJANGO_SECRET_KEY",
        ),
        (
            {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "h", "DJANGO_SECRET_KEY": "abcd" * 20},
            "DJANGO_SECRET_KEY",
        ),
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
        DJANGO_SECRET_KEY=KEY,
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
        DJANGO_SECRET_KEY=KEY,
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


def environment_of_env_example(tmp_path, edits=""):
    """The variables .env.example sets, as bash reads it (`set -a; . ./.env.example`), then `edits` (lines of
    bash assignments), with a real key."""
    script = f"set -a; . ./.env.example\n{edits}\nset +a; env -0"
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env={"PATH": os.environ["PATH"]}, capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    environment = dict(line.split("=", 1) for line in result.stdout.split("\0") if "=" in line)
    assert environment["DEFAULT_FROM_EMAIL"] == "Causerie <noreply@blog.example.com>"
    return {**environment, "DJANGO_SECRET_KEY": KEY, "CAUSERIE_DATA_DIR": str(tmp_path)}


def deploy_warnings(environment):
    """The ids of the warnings `manage.py check --deploy` prints in `environment` (over this process's)."""
    environment = {**os.environ, **environment}
    # Not this process's database, nor the browser tests' permission to call the ORM from their event loop.
    unset = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in environment.items() if not k.startswith(unset)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return sorted(re.findall(r"\(security\.(W\d+)\)", result.stderr + result.stdout))


def test_env_example_is_read_by_bash_and_its_production_values_pass_the_deploy_check(tmp_path):
    # The only two warnings are the ones the README's "Security" section explains: HTTPS redirect and HSTS
    # are left to the proxy and to the owner's decision.
    assert deploy_warnings(environment_of_env_example(tmp_path)) == ["W004", "W008"]
    readme = (ROOT / "README.md").read_text()
    assert "security.W004" in readme and "security.W008" in readme


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(tmp_path):
    assert production_settings(tmp_path, "TRUSTED_PROXIES") == [0]
    assert production_settings(tmp_path, "TRUSTED_PROXIES", CAUSERIE_TRUSTED_PROXIES="2") == [2]


def test_the_readmes_production_steps_leave_only_the_warnings_it_explains(tmp_path):
    # Step 6: .env.example copied, then the values the README says to set (the key, the folders, the database
    # and Redis replaced by this machine's: the check connects to neither).
    readme = (ROOT / "README.md").read_text()
    step_6 = re.search(r"Set at least[^\n]*\n\n```sh\n(.*?)```", readme, re.DOTALL)[1]
    # systemd's EnvironmentFile takes a comment after a value as part of the value: comments have own lines.
    assert not [line for line in step_6.splitlines() if "#" in line and not line.startswith("#")]
    environment = environment_of_env_example(tmp_path, step_6)
    environment.update(MEDIA_ROOT=str(tmp_path / "media"), REDIS_URL="")
    assert deploy_warnings(environment) == ["W005", "W021"]
    step_7 = readme[readme.index("**7. Prepare.**") : readme.index("**8. Services.**")]
    assert "`security.W005`" in step_7 and "`security.W021`" in step_7
    # The client's address: one trusted proxy, nginx, which appends it once (deploy/nginx.conf).
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert environment["CAUSERIE_TRUSTED_PROXIES"] == "1"
