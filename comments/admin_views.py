"""The comment admin's own pages: the views `CommentAdmin.get_urls` wires (reply in-thread, its live preview,
reversing a rejection, the metrics) and the intermediate page of the actions that ask for a reason. Each
takes its ModelAdmin first, as an action does; writes go through comments/services.py."""

import functools

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blog import markup

from . import metrics, reader_data, reader_views, services, threads
from .forms import ReaderDataForm, ReplyForm
from .models import Comment, CommentEvent, OutgoingMail


def render(model_admin, request, template, title, **context):
    """`admin/comments/<template>` inside the admin's frame (header, sidebar, breadcrumbs to the list)."""
    frame = model_admin.admin_site.each_context(request)
    context = {**frame, "title": title, "opts": model_admin.model._meta, **context}
    return TemplateResponse(request, f"admin/comments/{template}", context)


def asks(form_class, title, button):
    """Makes an action ask first for what it needs (a reason): the selected comments and `form_class` on an
    intermediate page, like Django's delete confirmation, until the form is valid; then the action runs with
    the form's answers as keyword arguments."""

    def decorate(action):
        @functools.wraps(action)
        def asking(model_admin, request, queryset):
            form = form_class(request.POST if "apply" in request.POST else None)
            if form.is_valid():
                return action(model_admin, request, queryset, **form.cleaned_data)
            return render(
                model_admin,
                request,
                "intermediate.html",
                title,
                button=button,
                form=form,
                action=action.__name__,
                comments=queryset.select_related("article"),
                action_checkbox_name=ACTION_CHECKBOX_NAME,
            )

        return asking

    return decorate


def reply(model_admin, request, pk):
    """Answer a reader in-thread: the article, the chain of comments above, the comment, its replies and its
    author's earlier comments, then a Markdown reply published at once under the staff account."""
    if not model_admin.has_moderate_permission(request):
        raise PermissionDenied
    comment = get_object_or_404(Comment.objects.select_related("article__author"), pk=pk)
    form = ReplyForm(request.POST or None, comment=comment)
    if request.method == "POST" and form.is_valid():
        published = services.reply_from_admin(
            comment,
            by=request.user,
            body=form.cleaned_data["body"],
            approve_first=form.cleaned_data["approve"],
        )
        link = format_html(
            '{} <a href="{}">{}</a>', _("Reply published."), published.get_absolute_url(), _("See it")
        )
        model_admin.message_user(request, link, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
    title = _("Reply to %(name)s") % {"name": comment.author_name}
    context = threads.reply_context(comment)
    return render(model_admin, request, "reply.html", title, original=comment, form=form, **context)


def preview(model_admin, request):
    """The reply form's live preview: the very pipeline readers' comments go through."""
    if request.method != "POST" or not model_admin.has_moderate_permission(request):
        raise PermissionDenied
    return HttpResponse(markup.render_comment(request.POST.get("body", "")[: markup.COMMENT_MAX_CHARS]))


def reverse_rejection(model_admin, request, pk):
    """Publish a rejected comment again in one click; the history keeps both decisions."""
    if request.method != "POST" or not model_admin.has_moderate_permission(request):
        raise PermissionDenied
    comment = get_object_or_404(Comment.objects.select_related("article__author"), pk=pk)
    if comment.status == Comment.Status.REJECTED:
        services.approve(comment, by=request.user, note=_("rejection reversed"))
        model_admin.message_user(request, _("The rejection is reversed: the comment is published."))
    return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[pk]))


def moderation_metrics(model_admin, request):
    """The numbers that keep the blog honest, for the last 30 days (comments/metrics.py)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    figures = metrics.current_figures()
    # Mail that could not be sent: few rows, found through the outbox's index of unsent mail.
    failing_mails = OutgoingMail.objects.failing().count()
    title = _("Moderation metrics")
    return render(model_admin, request, "metrics.html", title, figures=figures, failing_mails=failing_mails)


def readers_data(model_admin, request):
    """Export or erase everything the site holds about an email address, for requests that arrive by mail
    (the reader's own page does the same by a link mailed to them). Recorded in each comment's history."""
    if not request.user.has_perm("comments.manage_reader_data"):
        raise PermissionDenied
    form = ReaderDataForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, action = form.cleaned_data["email"], form.cleaned_data["action"]
        note = _("on request, from the admin")
        if action == "export":
            return reader_views.export_response(reader_data.export(email=email, by=request.user, note=note))
        counts = reader_data.erase(email=email, by=request.user, note=note)
        message = _(
            "Erased: %(deleted)d comments deleted, %(anonymised)d kept as placeholders for their replies, "
            "%(mails)d stored mails deleted."
        )
        model_admin.message_user(request, message % counts, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:comments_comment_readers_data"))
    requests = (
        CommentEvent.objects.filter(action__in=[CommentEvent.Action.EXPORTED, CommentEvent.Action.ERASED])
        .select_related("actor")
        .order_by("-created_at", "-id")[:20]
    )
    title = _("A reader's data")
    return render(model_admin, request, "readers_data.html", title, form=form, requests=requests)
