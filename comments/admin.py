"""The moderators' and the owner's workspace: the queue, in-thread replies, unanswered questions, history,
bans and the hold-word list, all in Django's admin."""

import ipaddress
from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog import markup
from blog.models import Article

from . import metrics, moderation, services, threads
from .forms import BanForm, HoldWordForm, NoAnswerForm, RejectForm, ReplyForm
from .models import (
    QUEUE_ORDER,
    Ban,
    Comment,
    CommentEvent,
    HoldWord,
    MailOptOut,
    OutgoingMail,
    Report,
    UnansweredQuestion,
)
from .moderation import RejectionReason


class HistoryInline(admin.TabularInline):
    model = CommentEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "from_status", "to_status", "reason_in_words", "note"]
    readonly_fields = fields
    verbose_name_plural = _("history: who did what, when, and why")

    def has_add_permission(self, request, obj):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("reason"))
    def reason_in_words(self, event):
        """The recorded codes (hold reasons at posting, a rejection's reason) in words."""
        rejections = dict(RejectionReason.choices)
        codes = [code for code in event.reason.split(", ") if code]
        return "; ".join(str(rejections.get(code) or moderation.describe([code])[0]) for code in codes) or "—"


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ["created_at", "reason", "note", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj):
        return False


# Filters


class QueueFilter(admin.SimpleListFilter):
    """The list opens on the queue (held, then reported); any other filter or a search shows everything."""

    title = _("view")
    parameter_name = "view"

    def lookups(self, request, model_admin):
        return [("all", _("All comments"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Needs a decision"),
        }
        yield {
            "selected": self.value() == "all",
            "query_string": changelist.get_query_string({self.parameter_name: "all"}),
            "display": _("All comments"),
        }

    def queryset(self, request, queryset):
        if is_queue_view(request):
            return queryset.needing_decision()
        return queryset


def is_an_id(value):
    """A database id as typed in an address: ASCII digits ("²".isdigit() too), small enough for SQLite."""
    return bool(value) and value.isascii() and value.isdigit() and len(value) <= 18


class CommentListMixin:
    """What the comment list and the unanswered questions share: columns, the moderation permission, the
    pages actions show to ask for a reason, and a 400 (instead of Django's 500) for a forged selection."""

    def changelist_view(self, request, extra_context=None):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME) if request.method == "POST" else []
        if not all(is_an_id(value) for value in selected):
            return HttpResponseBadRequest()
        return super().changelist_view(request, extra_context)

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(120)

    @admin.display(description=_("why it was held"))
    def reasons(self, comment):
        return format_html_join(", ", "{}", ((label,) for label in comment.hold_reasons_display()))

    @admin.display(description=_("age"), ordering="created_at")
    def age(self, comment):
        return timesince(comment.created_at, depth=1)

    @admin.display(description=_("reply"))
    def reply_link(self, comment):
        url = reverse("admin:comments_comment_reply", args=[comment.pk])
        return format_html('<a href="{}">{}</a>', url, _("Reply"))

    def intermediate_page(self, request, queryset, form, action, title, button):
        """The page an action shows to ask for what it needs (a reason), like Django's delete confirmation."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "button": button,
            "opts": self.model._meta,
            "form": form,
            "action": action,
            "comments": queryset.select_related("article"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/comments/intermediate.html", context)


def is_queue_view(request):
    ignored = {"o", "p", "_changelist_filters"}
    return not any(key not in ignored for key in request.GET)


class HoldReasonFilter(admin.SimpleListFilter):
    title = _("why it was held")
    parameter_name = "held_for"

    def lookups(self, request, model_admin):
        return [(code, moderation.REASON_LABELS[code]) for code in sorted(moderation.HOLD_REASONS)]

    def queryset(self, request, queryset):
        if self.value() in moderation.HOLD_REASONS:
            # The codes are stored as a JSON list; its text holds each code in quotes on every database.
            return queryset.filter(hold_reasons__icontains=f'"{self.value()}"')
        return queryset


class ReportedFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", _("Reported, not yet decided"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.reported()
        return queryset


class UnansweredFilter(admin.SimpleListFilter):
    title = _("questions")
    parameter_name = "question"

    def lookups(self, request, model_admin):
        return [("unanswered", _("Not yet answered"))]

    def queryset(self, request, queryset):
        if self.value() == "unanswered":
            return queryset.filter(pk__in=Comment.objects.unanswered_questions().values("pk"))
        return queryset


class ArticleFilter(admin.SimpleListFilter):
    """Articles that have comments, by title only (Django's related filter would load every article body)."""

    title = _("article")
    parameter_name = "article"

    def lookups(self, request, model_admin):
        articles = Article.objects.filter(comments__isnull=False).distinct().only("title").order_by("title")
        return [(str(article.pk), article.title) for article in articles]

    def queryset(self, request, queryset):
        if is_an_id(self.value()):
            return queryset.filter(article_id=int(self.value()))
        return queryset


class OthersRejectionsFilter(admin.SimpleListFilter):
    """For the owner's review: what other moderators removed lately, to reverse a mistake in a click."""

    title = _("recent decisions")
    parameter_name = "rejected_by_others"

    def lookups(self, request, model_admin):
        return [("7d", _("Rejected by other moderators, last 7 days"))]

    def queryset(self, request, queryset):
        if self.value() == "7d":
            return queryset.filter(
                status=Comment.Status.REJECTED, moderated_at__gte=timezone.now() - timedelta(days=7)
            ).exclude(moderated_by=request.user)
        return queryset


# Actions


@admin.action(description=_("Approve: publish the selected comments"), permissions=["moderate"])
def approve(modeladmin, request, queryset):
    comments = list(queryset.select_related("article__author", "reply_to"))
    for comment in comments:
        services.approve(comment, by=request.user)
    modeladmin.message_user(
        request,
        ngettext("%d comment published.", "%d comments published.", len(comments)) % len(comments),
        messages.SUCCESS,
    )


@admin.action(description=_("Reject the selected comments (asks for the reason)…"), permissions=["moderate"])
def reject(modeladmin, request, queryset):
    form = RejectForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        comments = list(queryset.select_related("article__author"))
        for comment in comments:
            services.reject(comment, by=request.user, **form.cleaned_data)
        modeladmin.message_user(
            request,
            ngettext("%d comment rejected.", "%d comments rejected.", len(comments)) % len(comments),
            messages.SUCCESS,
        )
        return None
    return modeladmin.intermediate_page(
        request, queryset, form, "reject", _("Reject comments"), _("Reject with this reason")
    )


@admin.action(description=_("Mark the selected comments as spam"), permissions=["moderate"])
def mark_spam(modeladmin, request, queryset):
    comments = list(queryset)
    for comment in comments:
        services.mark_spam(comment, by=request.user)
    modeladmin.message_user(
        request,
        ngettext("%d comment marked as spam.", "%d comments marked as spam.", len(comments)) % len(comments),
        messages.SUCCESS,
    )


@admin.action(
    description=_("Ban the authors of the selected comments (asks for a reason)…"), permissions=["ban"]
)
def ban_authors(modeladmin, request, queryset):
    form = BanForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        bans = services.ban_authors(queryset, by=request.user, **form.cleaned_data)
        modeladmin.message_user(
            request,
            ngettext("%d ban created.", "%d bans created.", len(bans)) % len(bans),
            messages.SUCCESS,
        )
        return None
    return modeladmin.intermediate_page(
        request, queryset, form, "ban_authors", _("Ban commenters"), _("Ban them")
    )


@admin.register(Comment)
class CommentAdmin(CommentListMixin, admin.ModelAdmin):
    # Few columns, each carrying what belongs together, so the queue fits a laptop screen.
    list_display = ["excerpt_in_context", "author", "article", "decision", "age", "reply_link"]
    list_filter = [
        QueueFilter,
        "status",
        HoldReasonFilter,
        ReportedFilter,
        "is_appeal",
        UnansweredFilter,
        OthersRejectionsFilter,
        ArticleFilter,
    ]
    list_select_related = ["article", "reply_to"]
    list_per_page = 50
    # A full count of a large table on every page is what makes admin lists slow; the queue needs none.
    show_full_result_count = False
    search_fields = ["author_name", "author_email", "=ip_address", "body"]
    actions = [approve, reject, mark_spam, ban_authors]
    # A reader's words are never edited by moderators: they are approved, or rejected with a reason.
    fields = [
        "article",
        "parent",
        "reply_to",
        "user",
        "author_name",
        "author_email",
        "author_url",
        "body",
        "is_question",
        "notify_replies",
        "status",
        "reasons",
        "rejection_reason",
        "is_appeal",
        "answer_not_needed",
        "ip_address",
        "user_agent",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    readonly_fields = fields
    inlines = [ReportInline, HistoryInline]

    def has_add_permission(self, request):
        return False

    def has_ban_permission(self, request):
        return request.user.has_perm("comments.add_ban")

    def get_queryset(self, request):
        return super().get_queryset(request).with_open_reports()

    def get_ordering(self, request):
        return QUEUE_ORDER if is_queue_view(request) else ["-created_at", "-id"]

    def get_search_fields(self, request):
        # The address is searched only when the search is one: PostgreSQL compares it as inet, not text.
        return search_fields_for(request, self.search_fields)

    def get_urls(self):
        admin_view = self.admin_site.admin_view
        return [
            path("metrics/", admin_view(self.metrics_view), name="comments_comment_metrics"),
            path("preview/", admin_view(self.preview_view), name="comments_comment_preview"),
            path("<int:pk>/reply/", admin_view(self.reply_view), name="comments_comment_reply"),
            path("<int:pk>/reverse/", admin_view(self.reverse_view), name="comments_comment_reverse"),
            *super().get_urls(),
        ]

    # Columns

    @admin.display(description=_("comment"))
    def excerpt_in_context(self, comment):
        """The comment's beginning and, under it, the beginning of the comment it answers."""
        excerpt = Truncator(comment.body).chars(160)
        if comment.reply_to is None:
            return excerpt
        return format_html(
            '{}<br><small class="in-reply-to">{} {}: {}</small>',
            excerpt,
            _("In reply to"),
            comment.reply_to.author_name,
            Truncator(comment.reply_to.body).chars(100),
        )

    @admin.display(description=_("status and reasons"), ordering="status")
    def decision(self, comment):
        """Where the comment stands: its status, why it was held, whether it is an appeal, open reports."""
        parts = [format_html("<strong>{}</strong>", comment.get_status_display())]
        if comment.hold_reasons:
            parts.append(format_html_join("; ", "{}", ((label,) for label in comment.hold_reasons_display())))
        if comment.is_appeal:
            parts.append(format_html("<em>{}</em>", _("appeal")))
        if comment.open_reports:
            parts.append(
                ngettext("%(count)d open report", "%(count)d open reports", comment.open_reports)
                % {"count": comment.open_reports}
            )
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    @admin.display(description=_("author"), ordering="author_name")
    def author(self, comment):
        return format_html("{}<br><small>{}</small>", comment.author_name, comment.author_email)

    # Pages

    def reply_view(self, request, pk):
        """Answer a reader in-thread: the article, the chain of comments above, the comment, its replies and
        its author's earlier comments, then a Markdown reply published at once under the staff account."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article__author"), pk=pk)
        form = ReplyForm(request.POST or None, comment=comment)
        if request.method == "POST" and form.is_valid():
            reply = services.reply_from_admin(
                comment,
                by=request.user,
                body=form.cleaned_data["body"],
                approve_first=form.cleaned_data["approve"],
            )
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>', _("Reply published."), reply.get_absolute_url(), _("See it")
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reply to %(name)s") % {"name": comment.author_name},
            "opts": self.model._meta,
            "original": comment,
            "form": form,
            **threads.reply_context(comment),
        }
        return TemplateResponse(request, "admin/comments/reply.html", context)

    def preview_view(self, request):
        """The reply form's live preview: the very pipeline readers' comments go through."""
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        return HttpResponse(markup.render_comment(request.POST.get("body", "")[: markup.COMMENT_MAX_CHARS]))

    def reverse_view(self, request, pk):
        """Publish a rejected comment again in one click; the history keeps both decisions."""
        if request.method != "POST" or not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article__author"), pk=pk)
        if comment.status == Comment.Status.REJECTED:
            services.approve(comment, by=request.user, note=_("rejection reversed"))
            self.message_user(request, _("The rejection is reversed: the comment is published."))
        return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[pk]))

    def metrics_view(self, request):
        """The numbers that keep the blog honest, for the last 30 days (comments/metrics.py)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Moderation metrics"),
            "opts": self.model._meta,
            "figures": metrics.moderation_figures(),
        }
        return TemplateResponse(request, "admin/comments/metrics.html", context)


def search_fields_for(request, fields):
    try:
        ipaddress.ip_address(request.GET.get("q", "").strip())
    except ValueError:
        return [field for field in fields if field != "=ip_address"]
    return fields


@admin.action(description=_("No answer needed (asks for a note)…"), permissions=["moderate"])
def no_answer_needed(modeladmin, request, queryset):
    form = NoAnswerForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        questions = list(queryset)
        for question in questions:
            question.mark_no_answer_needed(by=request.user, note=form.cleaned_data["note"])
        modeladmin.message_user(
            request,
            ngettext("%d question left unanswered.", "%d questions left unanswered.", len(questions))
            % len(questions),
            messages.SUCCESS,
        )
        return None
    return modeladmin.intermediate_page(
        request, queryset, form, "no_answer_needed", _("No answer needed"), _("Confirm")
    )


@admin.register(UnansweredQuestion)
class UnansweredQuestionAdmin(CommentListMixin, admin.ModelAdmin):
    """Readers' questions still waiting for the author: the list the owner works through."""

    list_display = ["excerpt", "article", "author_name", "age", "reply_link"]
    list_select_related = ["article"]
    list_filter = [ArticleFilter]
    search_fields = ["author_name", "body"]
    actions = [no_answer_needed]
    show_full_result_count = False
    fields = CommentAdmin.fields
    readonly_fields = fields

    def get_queryset(self, request):
        return UnansweredQuestion.objects.unanswered_questions()

    def get_ordering(self, request):
        return ["created_at", "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.view_comment")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(HoldWord)
class HoldWordAdmin(admin.ModelAdmin):
    form = HoldWordForm
    list_display = ["word", "language", "created_at"]
    list_filter = ["language"]
    search_fields = ["word"]
    fields = ["word", "language", "confirm"]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "until", "is_active", "created_by"]
    search_fields = ["email", "=ip_address", "reason"]
    raw_id_fields = ["user"]

    def get_search_fields(self, request):
        return search_fields_for(request, self.search_fields)

    exclude = ["created_by"]

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, ban):
        return ban.until > timezone.now()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "to",
        "subject",
        "body",
        "headers",
        "comment",
        "kind",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(MailOptOut)
class MailOptOutAdmin(admin.ModelAdmin):
    """Readers' requests for no more mail. The addresses are kept hashed; they are made by the stop links."""

    list_display = ["__str__", "comment", "created_at"]
    readonly_fields = ["address", "comment", "created_at"]

    def has_add_permission(self, request):
        return False
