from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from . import feeds, views
from .page_cache import cache_for_readers as cached
from .sitemaps import SITEMAPS

app_name = "blog"

urlpatterns = [
    path("", cached(views.article_list), name="article_list"),
    path("articles/<slug:slug>/", cached(views.article_detail), name="article"),
    # Never cached: each link is one person's key to a draft, and it can be withdrawn at any time.
    path("drafts/<str:token>/", views.shared_draft, name="shared_draft"),
    path("tags/<slug:slug>/", cached(views.tag_detail), name="tag"),
    path("tags/<slug:slug>/feed/rss/", cached(feeds.TagFeed()), name="tag_feed_rss"),
    path("tags/<slug:slug>/feed/atom/", cached(feeds.TagAtomFeed()), name="tag_feed_atom"),
    # Django's own username characters: an address with any other is not found. (One with a NUL character
    # never gets here: RejectNullCharactersMiddleware answers 400.)
    re_path(r"^authors/(?P<username>[\w.@+-]+)/$", cached(views.author_detail), name="author"),
    path("archive/", cached(views.archive_index), name="archive"),
    path("archive/<int:year>/", cached(views.ArticleYearArchive.as_view()), name="archive_year"),
    path(
        "archive/<int:year>/<int:month>/", cached(views.ArticleMonthArchive.as_view()), name="archive_month"
    ),
    path("search/", views.search_view, name="search"),
    path("feed/rss/", cached(feeds.LatestArticlesFeed()), name="feed_rss"),
    path("feed/atom/", cached(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon),
    path("admin-editor/preview/", views.editor_preview, name="editor_preview"),
    path("admin-editor/upload/", views.editor_upload, name="editor_upload"),
]
