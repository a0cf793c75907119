from functools import wraps

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST, require_safe
from django.views.generic.dates import MonthArchiveView, YearArchiveView

from . import images, markup, page_cache, search, sharing
from .models import Article, BodyImage, Tag, reading_time


def paginate(request, queryset):
    page = Paginator(queryset, settings.ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    page_cache.page_number_is_canonical(request, "page", page.number)
    return page


def can_edit_articles(user):
    """Staff who may write or change articles: they preview drafts and use the admin editor's helpers."""
    return user.is_staff and (user.has_perm("blog.add_article") or user.has_perm("blog.change_article"))


def editor_required(view):
    """Anonymous visitors go to the login page; people who may not edit articles get a 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not can_edit_articles(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(guarded)


def article_list(request):
    page = paginate(request, Article.objects.published().for_listing())
    return render(request, "blog/article_list.html", {"page_obj": page})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.with_relations(), slug=slug)
    if not article.is_published() and not can_edit_articles(request.user):
        raise Http404
    return article_page(request, article)


def article_page(request, article, extra_context=None):
    """The article's page. `extra_context` is read by the template tags other apps put on the page: an app
    that shows the page again with its form's errors passes the form there."""
    is_preview = not article.is_published()
    context = {
        **(extra_context or {}),
        "article": article,
        "is_preview": is_preview,
        "article_url": request.build_absolute_uri(article.get_absolute_url()),
        "cover_url": request.build_absolute_uri(article.cover.url) if article.cover else "",
    }
    if not is_preview:
        neighbours = Article.objects.only("title", "slug")
        context["previous_article"] = neighbours.before(article).first()
        context["next_article"] = neighbours.after(article).first()
    closing = article.comments_close_at()
    if closing is not None and timezone.now() < closing:
        request.page_valid_until = closing.timestamp()  # the cached page loses its form then
    return render(request, "blog/article_detail.html", context)


@require_safe
def shared_draft(request, token):
    """A draft or scheduled article shown to whoever has its shared link (blog/sharing.py): never cached,
    never indexed, never sent as a referrer. Once the article is live, the link leads to its page."""
    article = sharing.shared_article(token)
    if article is None:
        response = render(request, "blog/shared_draft_gone.html", status=404)
    elif article.is_published():
        return redirect(article)
    else:
        response = article_page(request, article, {"shared_draft": True})
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(request, Article.objects.published().for_listing().filter(tags=tag))
    if not page.paginator.count:
        raise Http404
    return render(request, "blog/tag_detail.html", {"tag": tag, "page_obj": page})


def author_detail(request, username):
    author = get_object_or_404(get_user_model(), username=username)
    page = paginate(request, Article.objects.published().for_listing().filter(author=author))
    if not page.paginator.count:
        raise Http404
    return render(request, "blog/author_detail.html", {"author": author, "page_obj": page})


def archive_index(request):
    months = (
        Article.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    )
    return render(request, "blog/archive_index.html", {"months": months})


class ArchiveMixin:
    date_field = "published_at"
    allow_empty = False
    make_object_list = True

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleYearArchive(ArchiveMixin, YearArchiveView):
    template_name = "blog/archive_year.html"


class ArticleMonthArchive(ArchiveMixin, MonthArchiveView):
    month_format = "%m"
    template_name = "blog/archive_month.html"


def search_view(request):
    query = request.GET.get("q", "").strip()[:200]
    results = search.search_articles(Article.objects.published().for_listing(), query) if query else None
    page = paginate(request, results) if results is not None else None
    return render(request, "blog/search.html", {"query": query, "page_obj": page})


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    return redirect(static("img/favicon.svg"), permanent=True)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /admin-editor/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# The admin editor's preview and uploads. markdownx's own views check no login and its preview does not
# sanitise, so they are never routed; these replace them, for staff who may edit articles.
@editor_required
@require_POST
def editor_preview(request):
    """The body as readers will see it. markdownx's script takes the HTML; the writing view asks for JSON
    (Accept: application/json) to have the word count and reading time counted as the article's save
    counts them. With `body_is_html` (an imported article's HTML body), the HTML goes through the same
    allow-list as on the article's page, not through Markdown."""
    content = request.POST.get("content", "")
    if request.POST.get("body_is_html"):
        html = markup.sanitise_article_html(content)
        html = markup.plain_paragraphs(content) if html is None else html  # as Article.save falls back
    else:
        html = markup.render_article(content)
    if "application/json" not in request.headers.get("Accept", ""):
        return HttpResponse(html)
    words, minutes = reading_time(html)
    summary = ngettext("%(words)s word", "%(words)s words", words) % {"words": intcomma(words)}
    # The article page's own words for the reading time (blog/templatetags/articles.py).
    summary += " · " + ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {
        "minutes": minutes
    }
    return JsonResponse({"html": html, "words": words, "minutes": minutes, "summary": summary})


@editor_required
@require_POST
def editor_upload(request):
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse(
            {"image": [gettext("No file was received. Choose an image to upload.")]}, status=400
        )
    try:
        images.validate_image(upload)
        image = BodyImage.objects.upload(upload, by=request.user)
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    return JsonResponse(
        {
            "image_code": f"![]({image.file.url})",
            "url": image.file.url,
            "preview": default_storage.url(image.fallback),
        }
    )
