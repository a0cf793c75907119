"""The reader's own pages, through the real URLs and middleware: "my comments" by a link mailed from the
outbox, its export and erasure; a signed-in reader's own page; editing or deleting a comment within its
window, from the browser it was posted from."""

import json
import re
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import reader_views
from comments.models import Comment, OutgoingMail, ReaderLink
from tests.factories import comment_form, delivered, make_article, make_comment, make_user
from tests.html import Document

pytestmark = pytest.mark.django_db

EMAIL = "camille@example.com"


def ask(client, email=EMAIL, **extra):
    return client.post(reverse("comments:mine"), {"email": email}, **extra)


def link_in(mail):
    return re.search(r"https?://\S+/comments/mine/\S+/", mail.body).group(0).split("8000", 1)[-1]


def texts(response):
    return Document(response.content.decode()).all_text


def test_a_reader_asks_for_their_link_gets_it_by_mail_and_sees_every_comment_of_the_address(client):
    article = make_article(title="On answering")
    make_comment(article=article, author_email=EMAIL, body="My published words.")
    make_comment(
        article=article, author_email="Camille@Example.com", body="Held.", status=Comment.Status.HELD
    )
    make_comment(article=article, author_email="bruno@example.com", body="Bruno's words.")

    response = ask(client)

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "a link to them is on its way" in texts(page)
    [mail] = delivered()
    assert mail.to == [EMAIL] and "Your comments" in mail.subject
    listing = client.get(link_in(mail))
    assert listing.status_code == 200 and listing["Cache-Control"].startswith("max-age=0")
    text = texts(listing)
    assert "My published words." in text and "Held." in text and "Bruno" not in text
    assert "2 comments." in text


def test_the_answer_is_the_same_for_an_address_without_comments_and_nothing_is_mailed(client):
    make_comment(author_email=EMAIL)
    with_comments = client.get(ask(client)["Location"])
    without = client.get(ask(client, email="nobody@example.com")["Location"])
    message = [str(m) for m in without.context["messages"]]
    assert message == [str(m) for m in with_comments.context["messages"]]
    assert [mail.to for mail in delivered()] == [[EMAIL]]


def test_links_are_limited_per_address_silently_and_per_network_with_a_page_that_says_so(client):
    make_comment(author_email=EMAIL)
    for _ in range(reader_views.LINKS_PER_ADDRESS + 1):
        assert ask(client).status_code == 302
    assert len(delivered()) == reader_views.LINKS_PER_ADDRESS  # the 4th is answered the same, not sent
    for number in range(reader_views.LINKS_PER_CLIENT - reader_views.LINKS_PER_ADDRESS - 1):
        assert ask(client, email=f"other{number}@example.com").status_code == 302
    refused = ask(client, email="one-more@example.com")
    assert refused.status_code == 429 and "Too many links" in texts(refused)
    other_network = Client(REMOTE_ADDR="198.51.100.9")
    assert ask(other_network, email="one-more@example.com").status_code == 302


def test_a_forged_or_expired_link_opens_nothing(client):
    make_comment(author_email=EMAIL)
    ask(client)
    good = link_in(delivered()[0])
    assert client.get(good.replace("/mine/", "/mine/x")).status_code == 404

    class Yesterday(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 25 * 3600)

    secret = "s" * 43
    ReaderLink.objects.create(key=reader_views._hash(secret), email=EMAIL)
    old = Yesterday(salt=reader_views.LINK_SALT).sign_object(secret)
    assert client.get(reverse("comments:mine_list", args=[old])).status_code == 404
    fresh = signing.dumps(secret, salt=reader_views.LINK_SALT)
    assert client.get(reverse("comments:mine_list", args=[fresh])).status_code == 200


@pytest.fixture
def link(client):
    make_comment(author_email=EMAIL)
    ask(client)
    return link_in(delivered()[0])


def test_the_list_and_the_export_cost_a_fixed_number_of_queries(client, link, django_assert_num_queries):
    article = make_article()
    for number in range(5):
        make_comment(article=article, author_email=EMAIL, body=f"Words {number}.")
    with django_assert_num_queries(2):  # the link, the comments with their articles
        client.get(link)
    with django_assert_num_queries(7):  # the link, comments, reports, histories, opt-outs, mails, bans
        response = client.get(link + "export/")
    assert response["Content-Disposition"].startswith('attachment; filename="comments-')
    assert len(json.loads(response.content)["comments"]) == 6


def test_erasing_one_comment_asks_to_confirm_then_erases_it(client, link):
    comment = make_comment(author_email=EMAIL, body="Erase me.")
    erase = f"{link}erase/?comment={comment.pk}"
    assert "Erase me." in texts(client.get(erase))
    refused = client.post(erase, {})
    assert refused.status_code == 200 and "Tick the box to confirm." in texts(refused)
    assert Comment.objects.filter(pk=comment.pk).exists()
    done = client.post(erase, {"confirm": "on"})
    assert done.status_code == 302 and not Comment.objects.filter(pk=comment.pk).exists()
    assert Comment.objects.filter(author_email=EMAIL).count() == 1
    assert client.get(f"{link}erase/?comment=abc").status_code == 404
    other = make_comment(author_email="bruno@example.com")
    assert client.post(f"{link}erase/?comment={other.pk}", {"confirm": "on"}).status_code == 404


def test_erasing_everything_needs_the_csrf_token(link):
    make_comment(author_email=EMAIL)
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(f"{link}erase/", {"confirm": "on"}).status_code == 403
    page = browser.get(f"{link}erase/")
    token = Document(page.content.decode()).find("input", name="csrfmiddlewaretoken")["value"]
    assert browser.post(f"{link}erase/", {"confirm": "on", "csrfmiddlewaretoken": token}).status_code == 302
    assert not Comment.objects.filter(author_email__iexact=EMAIL).exists()
    assert "There are no comments of yours" in texts(browser.get(link))


def test_a_signed_in_reader_sees_exports_and_erases_their_account_s_comments(
    client, django_assert_num_queries
):
    reader = make_user("camille", is_staff=True)
    mine = make_comment(user=reader, author_email=reader.email, body="Signed-in words.")
    make_comment(author_email=reader.email, body="Typed with the address, not the account.")
    client.force_login(reader)
    with django_assert_num_queries(3):  # the session, the account, the comments with their articles
        page = client.get(reverse("account_comments"))
    assert "Signed-in words." in texts(page)
    data = json.loads(client.get(reverse("account_comments_export")).content)
    assert data["account"]["username"] == "camille"
    assert [c["text"] for c in data["comments"]] == ["Signed-in words."]
    client.post(reverse("account_comments_erase"), {"confirm": "on"})
    assert not Comment.objects.filter(pk=mine.pk).exists()


# Edit and delete within the window


@pytest.fixture
def posted(client):
    article = make_article()
    response = client.post(reverse("comments:post", args=[article.slug]), comment_form(article))
    return Comment.objects.get(), response


def test_posting_gives_this_browser_a_cookie_for_the_comment_s_own_addresses_only(client, posted):
    comment, response = posted
    cookie = response.cookies[reader_views.EDIT_COOKIE]
    assert cookie["path"] == f"/comments/{comment.pk}/"
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["max-age"] == 15 * 60
    page = client.get(response["Location"])
    link = Document(page.content.decode()).find("a", data_own_comment=str(comment.pk))
    assert link["href"] == f"/comments/{comment.pk}/edit/"
    assert int(link["data-until"]) == int((comment.created_at + timedelta(minutes=15)).timestamp() * 1000)


def test_the_author_edits_within_the_window_and_the_thread_says_edited(
    client, posted, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE = True
    comment, _response = posted
    article_url = comment.article.get_absolute_url()
    Client().get(article_url)  # a cached copy for anonymous readers
    edit = reverse("comments:edit", args=[comment.pk])
    assert "Thank you for this article." in client.get(edit).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit, {"body": "Thank you for this *clear* article."})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.edited_at is not None and comment.status == "published"
    fresh = texts(Client().get(article_url))  # the cached page is stale: a new one shows the edit
    assert "Thank you for this clear article." in fresh and "edited" in fresh
    assert comment.history.filter(action="edited").exists()


def test_an_edit_that_adds_an_insult_is_held_and_its_author_is_told_why(client, posted):
    comment, _response = posted
    response = client.post(
        reverse("comments:edit", args=[comment.pk]), {"body": "You are an idiot."}, follow=True
    )
    assert "waiting for review because it calls a person a name" in texts(response)
    assert Comment.objects.get().status == Comment.Status.HELD
    assert OutgoingMail.objects.filter(kind="held_comment").exists()


def test_another_browser_or_a_closed_window_cannot_edit_or_delete(client, posted):
    comment, _response = posted
    edit = reverse("comments:edit", args=[comment.pk])
    delete = reverse("comments:delete", args=[comment.pk])
    assert Client().post(edit, {"body": "Not mine"}).status_code == 403
    assert Client().post(delete).status_code == 403
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    closed = client.post(edit, {"body": "Too late"})
    assert closed.status_code == 403 and "My comments" in texts(closed)
    assert Comment.objects.get().body == "Thank you for this article."


def test_the_author_deletes_within_the_window_a_reply_keeps_its_place(client, posted):
    comment, _response = posted
    make_comment(reply_to=comment, body="A reply that stays.")
    assert client.post(reverse("comments:delete", args=[comment.pk])).status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    page = texts(client.get(comment.article.get_absolute_url()))
    assert "Comment deleted by its author" in page and "A reply that stays." in page
    assert "Thank you for this article." not in page


def test_the_policy_page_says_what_is_kept_and_for_how_long_and_links_my_comments(client, settings):
    settings.COMMENTS_ADDRESS_RETENTION_DAYS = 60
    page = Document(client.get(reverse("comments:policy")).content.decode())
    section = page.by_id("your-data").parent
    assert "erased after 60 days" in section.text
    assert reverse("comments:mine") in [link["href"] for link in section.find_all("a")]


def test_the_request_page_and_the_edit_page_cost_a_fixed_number_of_queries(
    client, posted, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert client.get(reverse("comments:mine")).status_code == 200
    comment, _response = posted
    with django_assert_num_queries(1):  # the comment with its article and account
        assert client.get(reverse("comments:edit", args=[comment.pk])).status_code == 200


def test_no_hostile_input_gets_a_server_error_from_the_reader_s_pages(client, link):
    """Forged tokens, odd ids (a superscript two is a digit to Python, not to the database), every method and
    the public corpus's hostile strings: a clear answer each time, never a 500."""
    from tests.blog.test_markup import _corpus_lines

    strings = [line for line in _corpus_lines("naughty_public.txt") if line and not line.startswith("#")]
    strings += [json.loads(line)["payload"] for line in _corpus_lines("xss_public.jsonl")[:200] if line]
    article = make_article()
    client.post(reverse("comments:post", args=[article.slug]), comment_form(article))
    own = Comment.objects.latest("pk")
    client.raise_request_exception = False
    urls = [f"{link}erase/?comment=²", f"{link}erase/?comment=١٢", f"{link}erase/?comment={'9' * 30}"]
    urls += [reverse("comments:mine_list", args=["x" * 5000]), "/comments/mine/%00/", "/comments/mine/%C0/"]
    for url in urls:
        assert client.get(url).status_code in {200, 302, 400, 404}, url
    for method in ("get", "post", "put", "patch", "delete", "head", "options"):
        for url in [
            link,
            f"{link}export/",
            f"{link}erase/",
            reverse("comments:mine"),
            reverse("comments:edit", args=[own.pk]),
            reverse("comments:delete", args=[own.pk]),
            reverse("account_comments"),
        ]:
            assert getattr(client, method)(url).status_code < 500, (method, url)
    for text in strings:
        token = text.replace("/", "")[:500] or "x"
        for response in [
            client.post(reverse("comments:mine"), {"email": text}),
            client.get(reverse("comments:mine_list", args=["x"]).replace("/x/", f"/{quote(token)}/")),
            client.get(f"{link}erase/", {"comment": text}),
            client.post(f"{link}erase/", {"confirm": text}),
            client.post(reverse("comments:edit", args=[own.pk]), {"body": text}),
        ]:
            assert response.status_code < 500, text
