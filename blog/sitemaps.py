from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Tag


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return Tag.objects.filter(articles__in=Article.objects.published()).distinct().only("slug")


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:article_list", "blog:archive"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": PagesSitemap, "articles": ArticleSitemap, "tags": TagSitemap}
