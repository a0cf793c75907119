"""Guessing passwords and asking for resets, as an attacker would: bounded, through the real forms."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import ResetRequest
from tests.factories import PASSWORD, delivered, make_user

pytestmark = pytest.mark.django_db

LOGIN_FORMS = [reverse("login"), reverse("admin:login")]
PASSWORD_RESET = reverse("password_reset")


def log_in(client, url, username, password, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("url", LOGIN_FORMS)
def test_two_hundred_wrong_passwords_then_the_right_one_is_refused_while_locked(client, url):
    user = make_user("root", is_staff=True, is_superuser=True)
    answers = [log_in(client, url, "root", f"guess-{number}").status_code for number in range(200)]
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(answers[settings.AXES_FAILURE_LIMIT :]) == {429}

    response = log_in(client, url, "root", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert "Too many failed logins" in page and "Try again in 15 minutes" in page
    # From another address too: the username itself is locked.
    assert log_in(Client(), url, "root", PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 429

    # The owner unlocks it (the admin's access attempts, or the command).
    call_command("axes_reset_username", user.username)
    assert log_in(Client(), url, "root", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked_out_even_for_a_right_password(client):
    make_user("alice")
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, reverse("login"), f"someone-{number}", "guess")
    assert log_in(client, reverse("login"), "alice", PASSWORD).status_code == 429
    # Another reader's address is not concerned.
    assert (
        log_in(Client(), reverse("login"), "alice", PASSWORD, REMOTE_ADDR="198.51.100.30").status_code == 302
    )


def test_a_forged_forwarded_address_does_not_escape_the_lockout(client):
    make_user("alice")
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(
            client, reverse("login"), f"someone-{number}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}"
        )
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.99"}
    assert log_in(client, reverse("login"), "alice", PASSWORD, **forged).status_code == 429


def test_behind_a_trusted_proxy_the_lockout_is_per_reader_and_a_forged_hop_does_not_escape_it(settings):
    # One proxy of ours (CAUSERIE_TRUSTED_PROXIES=1): every request comes from its address, and the reader's
    # is the last X-Forwarded-For entry, the one it appended. What the reader wrote before it proves nothing.
    settings.TRUSTED_PROXIES = 1
    make_user("alice")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    guesser = Client(**proxy)
    for number in range(settings.AXES_FAILURE_LIMIT):
        forged = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{number}, 198.51.100.66"}
        log_in(guesser, reverse("login"), f"someone-{number}", "guess", **forged)
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 198.51.100.66"}
    assert log_in(guesser, reverse("login"), "alice", PASSWORD, **forged).status_code == 429
    assert AccessAttempt.objects.filter(ip_address="198.51.100.66").exists()
    # Another reader behind the same proxy signs in.
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.67"}
    assert log_in(Client(**proxy), reverse("login"), "alice", PASSWORD, **other).status_code == 302


def test_a_success_clears_the_usernames_failures(client):
    make_user("alice")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, reverse("login"), "alice", "typo")
    assert log_in(client, reverse("login"), "alice", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert log_in(client, reverse("login"), "alice", "typo").status_code == 200


def test_twelve_reset_requests_for_one_address_in_a_minute_send_a_bounded_number_of_mails(mailoutbox):
    make_user("alice", email="alice@example.com")
    for number in range(12):
        response = Client().post(
            PASSWORD_RESET, {"email": "alice@example.com"}, REMOTE_ADDR=f"198.51.100.{number}"
        )
        # Every answer is the same as for an unknown address: nobody learns who has an account.
        assert response["Location"] == reverse("password_reset_done")
    assert len(delivered()) == settings.PASSWORD_RESET_PER_ADDRESS == 3


def test_one_client_asking_for_many_resets_is_told_to_wait(client, mailoutbox):
    for number in range(settings.PASSWORD_RESET_PER_CLIENT):
        assert client.post(PASSWORD_RESET, {"email": f"r{number}@example.com"}).status_code == 302
    response = client.post(PASSWORD_RESET, {"email": "another@example.com"})
    assert response.status_code == 200
    assert "Too many password resets were asked for from your connection" in response.content.decode()
    # Another address is not concerned, and the keys are hashes, never the addresses.
    assert (
        Client().post(PASSWORD_RESET, {"email": "x@example.com"}, REMOTE_ADDR="198.51.100.1").status_code
        == 302
    )
    assert not ResetRequest.objects.filter(key__contains="example").exists()


def test_the_reset_link_is_made_from_the_site_address_never_from_the_host_header(client, mailoutbox):
    make_user("alice", email="alice@example.com")
    client.post(PASSWORD_RESET, {"email": "alice@example.com"}, HTTP_HOST="localhost:6666")
    (message,) = delivered()
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith(settings.SITE_URL + "/accounts/reset/") for link in links)
    assert "6666" not in message.body and "localhost" not in message.body


def test_an_owner_unlocks_a_login_in_the_admin(client):
    make_user("alice")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), reverse("login"), "alice", "guess", REMOTE_ADDR="198.51.100.40")
    assert log_in(Client(), reverse("login"), "alice", PASSWORD).status_code == 429
    # The Owner's group got django-axes' permissions from the migration, with no role given since.
    owner = make_user("the-owner", is_staff=True)
    owner.groups.add(Group.objects.get(name=roles.OWNER))
    client.force_login(owner)
    attempts = list(AccessAttempt.objects.filter(username="alice").values_list("pk", flat=True))
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "alice" in client.get(changelist).content.decode()
    data = {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}
    assert client.post(changelist, data).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(Client(), reverse("login"), "alice", PASSWORD).status_code == 302
