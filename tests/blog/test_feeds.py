import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from blog.models import Article, BodyImage
from tests.factories import make_article, make_image_file, make_tag, run_tasks

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return ElementTree.fromstring(response.content)


def test_rss_feed_lists_published_articles_with_full_text(client):
    article = make_article(title="On answers", body="Answer **everyone**.")
    make_article(title="Draft", status=Article.Status.DRAFT)
    make_article(title="Later", published_at=timezone.now() + timedelta(days=1))
    channel = parse(client, "/feed/rss/").find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["On answers"]
    assert items[0].findtext("link") == f"http://testserver{article.get_absolute_url()}"
    assert "<strong>everyone</strong>" in items[0].findtext("description")


def test_atom_feed_lists_published_articles(client):
    make_article(title="On answers")
    feed = parse(client, "/feed/atom/")
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == ["On answers"]
    assert feed.find(f"{ATOM}entry/{ATOM}updated") is not None


def test_tag_feeds_list_only_that_tags_articles(client):
    tag = make_tag("Dialogue")
    make_article(title="Tagged", tags=[tag])
    make_article(title="Untagged")
    rss = parse(client, f"/tags/{tag.slug}/feed/rss/")
    assert [item.findtext("title") for item in rss.iter("item")] == ["Tagged"]
    atom = parse(client, f"/tags/{tag.slug}/feed/atom/")
    assert [entry.findtext(f"{ATOM}title") for entry in atom.iter(f"{ATOM}entry")] == ["Tagged"]


def test_feed_of_unknown_tag_is_not_found(client):
    assert client.get("/tags/nothing/feed/rss/").status_code == 404


@pytest.mark.parametrize("count", [1, 10])
def test_feed_costs_a_fixed_number_of_queries(client, count, django_assert_num_queries, live_pages):
    tags = [make_tag()]
    for _ in range(count):
        make_article(tags=tags)
    with django_assert_num_queries(2):
        client.get("/feed/rss/")


@pytest.mark.parametrize("url", ["/feed/atom/", "/tags/{tag}/feed/rss/", "/tags/{tag}/feed/atom/"])
@pytest.mark.parametrize("count", [1, 10])
def test_other_feeds_cost_a_fixed_number_of_queries(
    client, url, count, django_assert_num_queries, live_pages
):
    tag = make_tag("Counted")
    for _ in range(count):
        make_article(tags=[tag])
    expected = 2 if url == "/feed/atom/" else 3  # (the tag), articles with authors, their tags
    with django_assert_num_queries(expected):
        client.get(url.format(tag=tag.slug))


def test_feed_gives_absolute_addresses_for_a_body_image_s_renditions(client, media_root):
    image = BodyImage.objects.upload(make_image_file(size=(1000, 500)), by=None)
    run_tasks()
    make_article(body=f"![A photo]({image.file.url})")
    description = parse(client, "/feed/rss/").find("channel/item").findtext("description")
    srcset = re.search(r'srcset="([^"]*)"', description).group(1)
    assert [entry.split()[0][:28] for entry in srcset.split(", ")] == ["http://testserver/media/uplo"] * 3
    assert re.search(r'<img src="http://testserver/media/uploads/fallbacks/', description)


def test_feed_gives_absolute_addresses_for_images_and_links(client):
    make_article(body="![A photo](/media/uploads/a.jpg) and [another article](/articles/other/)")
    description = parse(client, "/feed/rss/").find("channel/item").findtext("description")
    assert 'src="http://testserver/media/uploads/a.jpg"' in description
    assert 'href="http://testserver/articles/other/"' in description


@pytest.mark.parametrize("count", [1, 10])
def test_sitemap_costs_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    tag = make_tag()
    for _ in range(count):
        make_article(tags=[tag])
    with django_assert_num_queries(4):  # articles, tags, and a count for each of the two
        client.get("/sitemap.xml")


def test_sitemap_lists_home_published_articles_and_tags(client):
    tag = make_tag("Listed")
    article = make_article(tags=[tag])
    draft = make_article(status=Article.Status.DRAFT)
    urlset = parse(client, "/sitemap.xml")
    locations = [url.findtext(f"{SITEMAP}loc") for url in urlset.findall(f"{SITEMAP}url")]
    assert "http://testserver/" in locations
    assert f"http://testserver{article.get_absolute_url()}" in locations
    assert f"http://testserver{tag.get_absolute_url()}" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations
