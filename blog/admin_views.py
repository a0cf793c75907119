"""The article admin's own pages, wired by `ArticleAdmin.get_urls`: the history of an article's versions,
the comparison of two, restoring one, the editor's autosave and the comparison of unsaved text with the
article, and its shared draft link. Each takes its ModelAdmin first; writes go through blog/revisions.py and
blog/sharing.py."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import markup, revisions, sharing
from .models import Article, Revision

REVISIONS_PER_PAGE = 50
CURRENT = "current"


def post_only(view):
    """Django's require_POST, for a view that takes its ModelAdmin first."""

    @functools.wraps(view)
    def posted(model_admin, request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(model_admin, request, *args, **kwargs)

    return posted


def render(model_admin, request, template, title, article, **context):
    """`admin/blog/article/<template>` inside the admin's frame, with the article for the breadcrumbs."""
    frame = model_admin.admin_site.each_context(request)
    context = {**frame, "title": title, "opts": Article._meta, "original": article, **context}
    return TemplateResponse(request, f"admin/blog/article/{template}", context)


def article_for(model_admin, request, pk, *, change=False):
    """The article, if the user may see it (or change it, with `change`): a 403 otherwise."""
    article = get_object_or_404(Article.objects.defer("search_vector", "body_html"), pk=pk)
    allowed = model_admin.has_change_permission if change else model_admin.has_view_permission
    if not allowed(request, article):
        raise PermissionDenied
    return article


def history(model_admin, request, pk):
    """Every saved version of the article, newest first, with who saved it and when; two can be chosen and
    compared, and any restored."""
    article = article_for(model_admin, request, pk)
    versions = article.revisions.saved().select_related("author").defer("body", "summary")
    page = Paginator(versions, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    autosave = article.revisions.autosaves().filter(author=request.user).only("created_at").first()
    return render(
        model_admin,
        request,
        "history.html",
        _("Versions of “%(title)s”") % {"title": article.title},
        article,
        page_obj=page,
        autosave=autosave,
        can_restore=model_admin.has_change_permission(request, article),
    )


def compare(model_admin, request, pk):
    """Two versions side by side, word by word: `from` and `to` are revision ids, or "current" for the
    article as it is now."""
    article = article_for(model_admin, request, pk)
    old, old_label = _version(article, request.GET.get("from"))
    new, new_label = _version(article, request.GET.get("to", CURRENT))
    return render(
        model_admin,
        request,
        "compare.html",
        _("Compare versions"),
        article,
        changes=revisions.compare(revisions.text_of(old), revisions.text_of(new)),
        old_label=old_label,
        new_label=new_label,
        restorable=old if isinstance(old, Revision) and old.kind != Revision.Kind.AUTOSAVE else None,
    )


def _version(article, given):
    if given == CURRENT:
        return article, gettext("the article as it is now")
    try:
        revision = article.revisions.select_related("author").get(pk=int(given))
    except (TypeError, ValueError, Revision.DoesNotExist) as missing:
        raise Http404(gettext("No such version of this article.")) from missing
    return revision, describe(revision)


def describe(revision):
    who = revision.author.display_name if revision.author else gettext("someone since removed")
    when = formats.date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
    if revision.kind == Revision.Kind.AUTOSAVE:
        return gettext("unsaved text autosaved by %(who)s, %(when)s") % {"who": who, "when": when}
    return gettext("the version saved by %(who)s, %(when)s") % {"who": who, "when": when}


def restore(model_admin, request, pk, revision_pk):
    """Asks first (showing what would change), then writes the version back as a new save."""
    article = article_for(model_admin, request, pk, change=True)
    revision = get_object_or_404(article.revisions.saved(), pk=revision_pk)
    if request.method == "POST":
        revisions.restore(revision, by=request.user)
        model_admin.log_change(
            request, article, gettext("Restored %(version)s.") % {"version": describe(revision)}
        )
        model_admin.message_user(
            request,
            gettext("The article is back to %(version)s. This is a new version: the history keeps them all.")
            % {"version": describe(revision)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:blog_article_change", args=[article.pk]))
    return render(
        model_admin,
        request,
        "restore.html",
        _("Restore this version?"),
        article,
        revision=revision,
        version=describe(revision),
        changes=revisions.compare(revisions.text_of(article), revisions.text_of(revision)),
    )


@post_only
def autosave(model_admin, request, pk):
    """Keep the editor's unsaved title, summary and body as their autosave; say whether someone else saved
    the article since the form was loaded (its `version`). JSON: nothing is published."""
    article = article_for(model_admin, request, pk, change=True)
    body = request.POST.get("body", "")
    if len(body) > markup.ARTICLE_MAX_CHARS:
        return JsonResponse({"error": gettext("The text is too long to be kept.")}, status=400)
    saved = revisions.autosave(
        article,
        request.user,
        title=request.POST.get("title", ""),
        summary=request.POST.get("summary", ""),
        body=body,
    )
    return JsonResponse({"saved_at": saved.created_at.isoformat(), "conflict": conflict(article, request)})


def conflict(article, request):
    """What the editor should know when the article was saved by someone else after their form was loaded:
    a sentence, and the address comparing their text with the article now. None when there is none."""
    if request.POST.get("version", "") == revisions.current_version(article):
        return None
    latest = article.revisions.saved().select_related("author").first()
    who = latest.author.display_name if latest and latest.author else gettext("someone")
    when = formats.time_format(timezone.localtime(article.updated_at), "TIME_FORMAT")
    return {
        "message": gettext(
            "%(who)s saved this article at %(when)s, after you opened it. Saving now would replace their "
            "changes with yours."
        )
        % {"who": who, "when": when}
    }


@post_only
def unsaved_diff(model_admin, request, pk=None):
    """The differences between text the editor has not saved (from their browser) and the article as it
    is now, or an empty article for one not saved yet: an HTML fragment, escaped."""
    if pk is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        current = {"title": "", "summary": "", "tags": "", "body": ""}
    else:
        current = revisions.text_of(article_for(model_admin, request, pk, change=True))
    unsaved = {**current, **{name: request.POST.get(name, "") for name in ("title", "summary", "body")}}
    return TemplateResponse(
        request, "admin/blog/article/_changes.html", {"changes": revisions.compare(current, unsaved)}
    )


def share(model_admin, request, pk):
    """The article's shared draft link: make one (a new one kills the old), or stop sharing."""
    article = article_for(model_admin, request, pk, change=True)
    if request.method == "POST":
        if request.POST.get("share") == "stop":
            sharing.stop_sharing(article)
            model_admin.message_user(request, gettext("Sharing stopped: the link no longer works."))
        else:
            sharing.share(article)
            model_admin.message_user(request, gettext("A new link is ready; any link given before is dead."))
        return HttpResponseRedirect(reverse("admin:blog_article_share", args=[article.pk]))
    link = sharing.link(article)
    return render(
        model_admin,
        request,
        "share.html",
        _("Share a draft"),
        article,
        link=request.build_absolute_uri(link) if link else "",
        is_live=article.is_published(),
    )
