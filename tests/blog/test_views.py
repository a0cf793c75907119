from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from tests.factories import make_article, make_image_file, make_tag, make_user
from tests.html import Document

pytestmark = pytest.mark.django_db


def get_page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return Document(response.content.decode())


def make_articles(count, **fields):
    author = make_user()
    tags = [make_tag(), make_tag()]
    return [make_article(author=author, tags=tags, **fields) for _ in range(count)]


def test_home_lists_published_articles_newest_first(client):
    old = make_article(title="Old one", published_at=timezone.now() - timedelta(days=3))
    new = make_article(title="New one", published_at=timezone.now() - timedelta(days=1))
    make_article(title="Draft one", status=Article.Status.DRAFT)
    make_article(title="Future one", published_at=timezone.now() + timedelta(days=1))
    text = get_page(client, "/").all_text
    assert text.index(new.title) < text.index(old.title)
    assert "Draft one" not in text
    assert "Future one" not in text


def test_home_shows_summary_reading_time_and_cover(client):
    make_article(summary="A short summary.", cover=make_image_file(size=(800, 400)), cover_alt="Cover")
    response = client.get("/")
    page = Document(response.content.decode())
    assert "A short summary." in page.all_text
    assert "1 min read" in page.all_text
    assert b"srcset=" in response.content


def test_home_is_paginated(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    make_articles(3)
    assert "Page 1 of 2" in get_page(client, "/").all_text
    assert "Page 2 of 2" in get_page(client, "/?page=2").all_text
    assert "Page 1 of 2" in get_page(client, "/?page=banana").all_text


def test_the_cards_link_each_author_and_tag_to_their_own_page_whatever_changes(client, live_pages):
    """The cards' addresses of authors and tags are found once and reused: a renamed tag still links to its
    new page."""
    articles = make_articles(2)
    tag = articles[0].tag_list[0]
    links = {a["href"] for a in get_page(client, "/").find_all("a")}
    assert {articles[0].author.get_absolute_url(), tag.get_absolute_url()} <= links
    tag.name, tag.slug = "Renamed", "renamed"
    tag.save()
    links = {a["href"] for a in get_page(client, "/").find_all("a")}
    assert reverse("blog:tag", args=["renamed"]) in links
    assert make_tag().get_absolute_url() not in links


@pytest.mark.parametrize("count", [1, 10])
def test_home_costs_the_same_number_of_queries_whatever_the_number_of_articles(
    client, count, django_assert_num_queries, live_pages
):
    make_articles(count)
    with django_assert_num_queries(3):  # count, articles with authors, their tags
        client.get("/")


def test_article_page_shows_body_author_dates_and_tags(client):
    tag = make_tag("Dialogue")
    article = make_article(body="Hello **readers**", tags=[tag])
    response = client.get(article.get_absolute_url())
    assert b"<strong>readers</strong>" in response.content
    page = Document(response.content.decode())
    assert article.author.display_name in page.all_text
    assert tag.get_absolute_url() in page.links


def test_article_page_has_canonical_open_graph_and_twitter_meta(client):
    article = make_article(title="Talk back", meta_description="Why answers matter.")
    page = get_page(client, article.get_absolute_url())
    assert page.meta["canonical"] == f"http://testserver{article.get_absolute_url()}"
    assert page.meta["og:title"] == "Talk back"
    assert page.meta["og:description"] == "Why answers matter."
    assert page.meta["og:type"] == "article"
    assert page.meta["twitter:card"] == "summary"
    assert page.meta["description"] == "Why answers matter."


def test_article_page_shares_through_plain_links_and_no_third_party_script(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    page = Document(response.content.decode())
    encoded = "http%3A//testserver" + article.get_absolute_url()
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={encoded}" in page.links
    assert any(link.startswith("mailto:?subject=") for link in page.links)
    # The only scripts are the site's own files: no inline code, nothing from another host.
    assert all(src and src.startswith("/static/js/") for src in page.scripts)


def test_article_page_links_to_previous_and_next_articles(client):
    first, middle, last = (
        make_article(published_at=timezone.now() - timedelta(days=days)) for days in (3, 2, 1)
    )
    links = get_page(client, middle.get_absolute_url()).links
    assert first.get_absolute_url() in links
    assert last.get_absolute_url() in links


@pytest.mark.parametrize("count", [1, 10])
def test_article_page_costs_a_fixed_number_of_queries(client, count, django_assert_num_queries, live_pages):
    articles = make_articles(count)
    # article with author, its tags, previous, next; its conversations (none: no thread to fetch), the count
    with django_assert_num_queries(6):
        client.get(articles[0].get_absolute_url())


def test_draft_is_not_found_for_readers(client, reader):
    draft = make_article(status=Article.Status.DRAFT)
    get_page(client, draft.get_absolute_url(), status=404)
    client.force_login(reader)
    get_page(client, draft.get_absolute_url(), status=404)


def test_scheduled_article_is_not_found_before_its_date(client):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=2))
    get_page(client, scheduled.get_absolute_url(), status=404)


def test_staff_preview_a_draft_with_a_banner_and_noindex(owner_client):
    draft = make_article(status=Article.Status.DRAFT, title="Work in progress")
    page = get_page(owner_client, draft.get_absolute_url())
    assert "Draft: only staff can see this page." in page.all_text
    assert page.meta["robots"] == "noindex, nofollow"


def test_published_article_is_indexable(client):
    page = get_page(client, make_article().get_absolute_url())
    assert "robots" not in page.meta


def test_unknown_article_gets_the_friendly_404_page(client):
    page = get_page(client, "/articles/nothing-here/", status=404)
    assert "This page does not exist" in page.all_text


def test_tag_page_lists_only_that_tags_published_articles(client):
    tag = make_tag("Moderation")
    tagged = make_article(tags=[tag])
    other = make_article()
    make_article(tags=[tag], status=Article.Status.DRAFT, title="Hidden draft")
    text = get_page(client, tag.get_absolute_url()).all_text
    assert tagged.title in text
    assert other.title not in text
    assert "Hidden draft" not in text


@pytest.mark.parametrize("count", [1, 10])
def test_tag_page_costs_a_fixed_number_of_queries(client, count, django_assert_num_queries, live_pages):
    articles = make_articles(count)
    tag = articles[0].tags.first()
    with django_assert_num_queries(4):  # tag, count, articles, their tags
        client.get(tag.get_absolute_url())


def test_author_page_lists_their_published_articles(client):
    author = make_user("camille", first_name="Camille", last_name="Martin", bio="Writes about dialogue.")
    article = make_article(author=author)
    text = get_page(client, reverse("blog:author", args=["camille"])).all_text
    assert "Camille Martin" in text
    assert "Writes about dialogue." in text
    assert article.title in text


def test_author_page_of_someone_without_published_articles_is_not_found(client):
    make_article(author=make_user("drafter"), status=Article.Status.DRAFT)
    get_page(client, reverse("blog:author", args=["drafter"]), status=404)
    get_page(client, reverse("blog:author", args=["nobody"]), status=404)


@pytest.mark.parametrize("count", [1, 10])
def test_author_page_costs_a_fixed_number_of_queries(client, count, django_assert_num_queries, live_pages):
    articles = make_articles(count)
    with django_assert_num_queries(4):  # author, count, articles, their tags
        client.get(articles[0].author.get_absolute_url())


@pytest.mark.parametrize("path", ["/authors/a%20b/", "/authors/%C3%A9t%C3%A9/", "/authors/x%3Cy/"])
def test_author_urls_with_odd_characters_are_simply_not_found(client, path):
    make_article()
    get_page(client, path, status=404)


def test_archives_list_months_with_counts_and_link_to_them(client):
    when = timezone.make_aware(datetime(2025, 3, 14, 12))
    make_article(published_at=when)
    make_article(published_at=when + timedelta(days=1))
    page = get_page(client, reverse("blog:archive"))
    assert "/archive/2025/03/" in page.links
    assert "(2)" in page.all_text


def test_month_and_year_archives_list_their_articles(client):
    march = make_article(published_at=timezone.make_aware(datetime(2025, 3, 14, 12)))
    april = make_article(published_at=timezone.make_aware(datetime(2025, 4, 14, 12)))
    month = get_page(client, "/archive/2025/03/").all_text
    assert march.title in month
    assert april.title not in month
    year = get_page(client, "/archive/2025/").all_text
    assert march.title in year and april.title in year


def test_empty_month_archive_is_not_found(client):
    make_article(published_at=timezone.make_aware(datetime(2025, 3, 14, 12)))
    get_page(client, "/archive/2025/05/", status=404)
    get_page(client, "/archive/2025/13/", status=404)


@pytest.mark.parametrize("count", [1, 10])
def test_month_archive_costs_a_fixed_number_of_queries(client, count, django_assert_num_queries, live_pages):
    make_articles(count, published_at=timezone.make_aware(datetime(2025, 3, 14, 12)))
    # any article in the month, its days, previous and next months, count, articles, their tags
    with django_assert_num_queries(7):
        client.get("/archive/2025/03/")


def test_search_finds_articles_by_word(client):
    found = make_article(title="Answering readers", body="Every question deserves an answer.")
    make_article(title="Something else", body="Nothing related.")
    text = get_page(client, "/search/?q=question").all_text
    assert found.title in text
    assert "Something else" not in text
    assert "1 article found" in text


def test_search_never_finds_drafts(client):
    make_article(title="Secret plan", status=Article.Status.DRAFT)
    assert "Secret plan" not in get_page(client, "/search/?q=secret").all_text


@pytest.mark.parametrize("query", ["", "   ", "%", "'; DROP TABLE", "a" * 5000, "<script>", "!!", "&|:*"])
def test_search_answers_any_query_without_error(client, query):
    make_article()
    assert client.get("/search/", {"q": query}).status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_search_costs_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    make_articles(count)
    with django_assert_num_queries(3):  # count, articles, their tags
        client.get("/search/", {"q": "body"})


@pytest.mark.parametrize("url", ["/search/?q=%00", "/authors/%00/", "/admin/blog/article/?status__exact=%00"])
def test_addresses_with_a_nul_character_are_bad_requests(owner_client, url):
    assert owner_client.get(url).status_code == 400


@pytest.mark.parametrize("count", [1, 10])
def test_archive_index_costs_one_query(client, count, django_assert_num_queries, live_pages):
    make_articles(count)
    with django_assert_num_queries(1):
        client.get("/archive/")


@pytest.mark.parametrize("count", [1, 10])
def test_year_archive_costs_a_fixed_number_of_queries(client, count, django_assert_num_queries, live_pages):
    make_articles(count, published_at=timezone.make_aware(datetime(2025, 3, 14, 12)))
    # any article in the year, its months, previous and next years, count, articles, their tags
    with django_assert_num_queries(7):
        client.get("/archive/2025/")


def test_previous_and_next_link_articles_published_at_the_same_moment(client):
    when = timezone.now() - timedelta(hours=1)
    first, second, third = (make_article(published_at=when) for _ in range(3))
    links = get_page(client, second.get_absolute_url()).links
    assert first.get_absolute_url() in links
    assert third.get_absolute_url() in links


def test_tag_used_only_by_drafts_is_not_found(client):
    tag = make_tag("Secret")
    make_article(tags=[tag], status=Article.Status.DRAFT)
    get_page(client, tag.get_absolute_url(), status=404)


def test_updated_date_is_shown_only_when_the_article_changed_on_a_later_day(client):
    changed, unchanged = (make_article(published_at=timezone.now() - timedelta(days=3)) for _ in range(2))
    Article.objects.filter(pk=unchanged.pk).update(updated_at=unchanged.published_at)
    assert "Updated" in get_page(client, changed.get_absolute_url()).all_text
    assert "Updated" not in get_page(client, unchanged.get_absolute_url()).all_text


def test_staff_preview_of_a_scheduled_article_says_when_it_will_appear(owner_client):
    scheduled = make_article(published_at=timezone.now() + timedelta(days=2))
    assert "Scheduled for" in get_page(owner_client, scheduled.get_absolute_url()).all_text


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only")
def test_full_text_search_finds_word_forms_and_ranks_title_matches_first(client):
    in_body = make_article(title="Notes", body="The readers left many comments.")
    in_title = make_article(title="Comments that matter", body="Nothing else.")
    french = make_article(title="Réponses", language="fr", body="Nous répondons aux lecteurs.")
    text = get_page(client, "/search/?q=comment").all_text
    assert text.index(in_title.title) < text.index(in_body.title)
    assert french.title in get_page(client, "/search/?q=réponse").all_text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only")
def test_full_text_search_follows_an_edited_article(client):
    article = make_article(title="Gardening", body="Tomatoes and beans.")
    article.title, article.body = "Cooking", "Soups and stews."
    article.save()
    assert article.title in get_page(client, "/search/?q=stew").all_text
    assert article.title not in get_page(client, "/search/?q=tomato").all_text


def test_server_error_page_renders_on_its_own(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in Document(response.content.decode()).all_text


def test_favicon_address_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
