"""Logging in and out, changing and resetting a password, through the real URLs and the site's templates."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, delivered, make_user
from tests.html import Document

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")
PASSWORD_CHANGE = reverse("password_change")
PASSWORD_RESET = reverse("password_reset")
NEW_PASSWORD = "another-long-password-42"


def read(response):
    return Document(response.content.decode())


def visible_fields(page):
    """The inputs a person fills in (not hidden ones, not buttons)."""
    return [field for field in page.find_all("input") if field.get("type") not in {"hidden", "submit"}]


def site_page(response):
    """The page is drawn by the site's base.html (its header and the site's name), not the admin's."""
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert f"· {settings.SITE_NAME}</title>" in page
    assert "admin/css/base.css" not in page
    return page


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def assert_every_field_is_labelled_and_every_post_form_has_csrf(response):
    page = read(response)
    fields = visible_fields(page)
    assert fields
    labelled = {label["for"] for label in page.find_all("label") if label.get("for")}
    for field in fields:
        assert field["id"] in labelled, f"no label for {field['name']}"
    for form in page.find_all("form"):
        if form.get("method", "get").lower() == "post":
            assert form.find_all("input", name="csrfmiddlewaretoken"), form.attrs


def reset_link(message):
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)


# Logging in and out


def test_the_login_page_is_the_sites_own(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    site_page(response)
    assert_every_field_is_labelled_and_every_post_form_has_csrf(response)
    assert f'href="{PASSWORD_RESET}"' in response.content.decode()


def test_logging_in_leads_to_the_admin(client):
    user = make_user("alice")
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert logged_in_user_id(client) == str(user.pk)


def test_logging_in_returns_to_the_page_asked_for_but_never_to_another_site(client):
    make_user("alice")
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": "/archive/"})
    assert response["Location"] == "/archive/"
    client.post(LOGOUT)
    response = client.post(
        LOGIN, {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("admin:index")


def test_a_wrong_password_is_refused_on_the_same_page_with_the_reason(client):
    make_user("alice")
    response = client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    page = site_page(response)
    assert "Please enter a correct username and password" in page
    assert 'role="alert"' in page
    assert logged_in_user_id(client) is None


def test_logging_in_without_the_csrf_token_is_refused():
    make_user("alice")
    client = Client(enforce_csrf_checks=True)
    assert client.post(LOGIN, {"username": "alice", "password": PASSWORD}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(LOGIN).content.decode())[1]
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_logging_out_takes_a_post_and_shows_the_sites_page(client):
    client.force_login(make_user("alice"))
    assert client.get(LOGOUT).status_code == 405
    assert logged_in_user_id(client) is not None
    response = client.post(LOGOUT)
    assert response.status_code == 200
    assert "You are logged out" in site_page(response)
    assert logged_in_user_id(client) is None


# Changing a password


def test_changing_a_password_needs_a_login(client):
    response = client.get(PASSWORD_CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_changing_a_password_end_to_end(client):
    user = make_user("alice")
    client.force_login(user)
    response = client.get(PASSWORD_CHANGE)
    site_page(response)
    assert_every_field_is_labelled_and_every_post_form_has_csrf(response)

    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_change_done")
    assert "Your password was changed" in site_page(client.get(response["Location"]))
    assert logged_in_user_id(client) == str(user.pk)  # the session that changed it stays logged in
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_is_shown_next_to_its_field(client):
    client.force_login(make_user("alice"))
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    page = read(response)
    old_password = page.find("input", name="old_password")
    assert old_password["aria-invalid"] == "true"
    error_id = "id_old_password_error"
    assert error_id in old_password["aria-describedby"].split()
    assert page.by_id(error_id)["class"] == "errorlist"
    assert "Your old password was entered incorrectly" in response.content.decode()


def test_the_admins_own_password_change_still_works(client):
    user = make_user("alice", is_staff=True)
    client.force_login(user)
    url = reverse("admin:password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("admin:password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


# Resetting a forgotten password


def test_the_reset_page_is_the_sites_own(client):
    response = client.get(PASSWORD_RESET)
    site_page(response)
    assert_every_field_is_labelled_and_every_post_form_has_csrf(response)


def test_the_admins_login_page_offers_the_reset(client):
    assert f'href="{PASSWORD_RESET}"' in client.get(reverse("admin:login")).content.decode()


def test_the_reset_does_not_reveal_whether_an_account_uses_the_address(client, mailoutbox):
    make_user("alice", email="alice@example.com")
    known = client.post(PASSWORD_RESET, {"email": "alice@example.com"}, follow=True)
    unknown = client.post(PASSWORD_RESET, {"email": "nobody@example.com"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert known.status_code == unknown.status_code == 200
    # The language switcher's CSRF token is masked afresh on every page; everything else must be identical.
    csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub(b"", known.content) == csrf.sub(b"", unknown.content)
    assert "If an account uses the address you entered" in site_page(known)
    assert mailoutbox == []  # the task worker sends it: the page never waits on the mail server
    assert [message.to for message in delivered()] == [["alice@example.com"]]


def test_a_reset_mail_goes_to_an_active_account_with_a_password_only(client, mailoutbox):
    make_user("gone", email="gone@example.com", is_active=False)
    no_password = make_user("sso", email="sso@example.com")
    no_password.set_unusable_password()
    no_password.save()
    for email in ["gone@example.com", "sso@example.com"]:
        assert client.post(PASSWORD_RESET, {"email": email})["Location"] == reverse("password_reset_done")
    assert delivered() == []


def test_resetting_a_password_end_to_end(client, mailoutbox):
    user = make_user("alice", email="alice@example.com")
    client.post(PASSWORD_RESET, {"email": "ALICE@example.com"})
    (message,) = delivered()
    assert message.subject == f"Reset your password on {settings.SITE_NAME}"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Hello alice," in message.body and f"— {settings.SITE_NAME}" in message.body

    # The link leads to a page that hides the token from the address bar, then to the form.
    response = client.get(reset_link(message), follow=True)
    form_url = response.redirect_chain[-1][0]
    assert form_url.endswith("/set-password/")
    site_page(response)
    assert_every_field_is_labelled_and_every_post_form_has_csrf(response)

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("password_reset_complete")
    assert "Your new password is set" in site_page(client.get(response["Location"]))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.post(LOGOUT)
    assert client.post(LOGIN, {"username": "alice", "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_link_works_once(client, mailoutbox):
    make_user("alice", email="alice@example.com")
    client.post(PASSWORD_RESET, {"email": "alice@example.com"})
    link = reset_link(delivered()[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = Client().get(link, follow=True)
    assert response.status_code == 200
    page = site_page(response)
    assert "This link does not work any more" in page
    assert "<form" not in page.split('<main id="main"')[1]


def test_mismatched_new_passwords_are_shown_next_to_the_second_field(client, mailoutbox):
    user = make_user("alice", email="alice@example.com")
    client.post(PASSWORD_RESET, {"email": "alice@example.com"})
    form_url = client.get(reset_link(delivered()[0]), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "something-else-9"})
    assert response.status_code == 200
    second = read(response).find("input", name="new_password2")
    assert second["aria-invalid"] == "true"
    assert "The two password fields didn’t match." in response.content.decode()
    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)


def test_a_reset_asked_for_an_address_the_account_left_before_the_mail_went_is_not_sent(client, mailoutbox):
    user = make_user("alice", email="alice@example.com")
    client.post(PASSWORD_RESET, {"email": "alice@example.com"})
    user.email = "alice@new.example"  # changed while the mail waited for the worker
    user.save()
    assert delivered() == []
