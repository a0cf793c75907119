from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html_join
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Ban, Comment, CommentEvent, HoldWord, MailOptOut, OutgoingMail, Report
from .moderation import RejectionReason


class HistoryInline(admin.TabularInline):
    model = CommentEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "from_status", "to_status", "reason", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj):
        return False


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ["created_at", "reason", "note", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj):
        return False


def _moderation_action(name, description, change):
    """An admin action that applies one service function (and so one model method) to each comment."""

    def action(modeladmin, request, queryset):
        comments = list(queryset.select_related("article__author", "reply_to"))
        for comment in comments:
            change(comment, by=request.user)
        modeladmin.message_user(
            request,
            ngettext("%d comment updated.", "%d comments updated.", len(comments)) % len(comments),
            messages.SUCCESS,
        )

    action.__name__ = name
    return admin.action(description=description, permissions=["moderate"])(action)


def _reject_action(reason):
    return _moderation_action(
        f"reject_{reason.value}",
        format_lazy(_("Reject: {reason}"), reason=reason.label),
        lambda comment, by: services.reject(comment, by=by, reason=reason.value),
    )


class ReportedFilter(admin.SimpleListFilter):
    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", _("Reported, not yet decided"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "author_name",
        "article",
        "status",
        "reasons",
        "open_reports",
        "is_question",
        "is_appeal",
        "created_at",
    ]
    list_filter = ["status", ReportedFilter, "is_question", "is_appeal", "created_at"]
    list_select_related = ["article"]
    search_fields = ["author_name", "author_email", "ip_address", "body"]
    date_hierarchy = "created_at"
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
        "ip_address",
        "user_agent",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    readonly_fields = fields
    inlines = [ReportInline, HistoryInline]
    actions = [
        _moderation_action("approve", _("Approve"), services.approve),
        _moderation_action("mark_spam", _("Mark as spam"), services.mark_spam),
        *(_reject_action(reason) for reason in RejectionReason),
    ]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        open_reports = Count("reports", filter=Q(reports__resolved_at__isnull=True))
        return super().get_queryset(request).annotate(open_reports=open_reports)

    @admin.display(description=_("open reports"), ordering="open_reports")
    def open_reports(self, comment):
        return comment.open_reports

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description=_("why it was held"))
    def reasons(self, comment):
        return format_html_join(", ", "{}", ((label,) for label in comment.hold_reasons_display()))


@admin.register(HoldWord)
class HoldWordAdmin(admin.ModelAdmin):
    list_display = ["word", "language", "created_at"]
    list_filter = ["language"]
    search_fields = ["word"]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "until", "created_by"]
    search_fields = ["email", "ip_address", "reason"]
    raw_id_fields = ["user"]
    exclude = ["created_by"]

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


admin.site.register(MailOptOut)
