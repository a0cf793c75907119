"""The moderators' and the owner's workspace: the queue, in-thread replies, unanswered questions, history,
bans and the hold-word list, all in Django's admin: the declarations. The list filters are in
admin_filters.py, the bulk actions in admin_actions.py, the comment admin's own pages in admin_views.py."""

import functools

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog.models import Article

from . import admin_views, moderation, notifications
from .admin_actions import approve, ban_authors, mark_spam, no_answer_needed, reject
from .admin_filters import (
    ArticleFilter,
    HoldReasonFilter,
    OthersRejectionsFilter,
    QueueFilter,
    ReportedFilter,
    UnansweredFilter,
    is_an_id,
    is_queue_view,
    search_fields_for,
)
from .forms import HoldWordForm
from .models import (
    QUEUE_ORDER,
    AbuseTerm,
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


class CappedPaginator(Paginator):
    """Counts a list up to `cap` comments, with a COUNT over at most that many rows: a filter that matches a
    hundred thousand comments shows its first pages at once, where a full count would read them all. The
    list then says "1,000 or more" (templates/admin/comments/pagination.html)."""

    cap = 1000

    @cached_property
    def count(self):
        # Unordered and without the rows' annotations, so that the database stops at the cap.
        return self.object_list.order_by().values("pk")[: self.cap].count()


class QueuePaginator(CappedPaginator):
    """The moderation queue in its own order: a page's comments are found by sorting the queue's keys, read
    from the indexes (`CommentQuerySet.queue_keys()`), then only those comments are fetched whole from
    `rows`, the list's comments with what its columns show."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, rows):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.rows = rows

    @cached_property
    def count(self):
        return Comment.objects.queue_keys()[: self.cap].count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = [key["pk"] for key in Comment.objects.queue_keys()[bottom:top]]
        return self._get_page(self.rows.filter(pk__in=keys).order_by(*QUEUE_ORDER), number, self)


class CommentListMixin:
    """What the comment list and the unanswered questions share: columns, the moderation permission, a
    capped count, and a 400 (instead of Django's 500) for a forged selection."""

    paginator = CappedPaginator
    # What each row shows of other comments and of its article comes by prefetching, one query for the page:
    # joined in the list's query, the database would join every row of a long queue before sorting it.
    list_select_related = ()
    related_rows = ["reply_to"]

    def get_queryset(self, request):
        return self.with_related_rows(super().get_queryset(request))

    def with_related_rows(self, comments):
        # Each row shows its article's title: the article's body is not fetched with it.
        articles = Article.objects.defer("body", "body_html", "search_vector")
        return comments.prefetch_related(Prefetch("article", queryset=articles), *self.related_rows)

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
        return format_html_join(", ", "{}", ((label,) for label in comment.policy_reasons_display()))

    @admin.display(description=_("age"), ordering="created_at")
    def age(self, comment):
        return timesince(comment.created_at, depth=1)

    @admin.display(description=_("reply"))
    def reply_link(self, comment):
        url = reverse("admin:comments_comment_reply", args=[comment.pk])
        return format_html('<a href="{}">{}</a>', url, _("Reply"))


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
        "reader_record",
    ]
    readonly_fields = fields
    inlines = [ReportInline, HistoryInline]

    @admin.display(description=_("the reader's record"))
    def reader_record(self, comment):
        """What the trust for regulars reads: the reader's other comments of the trust window."""
        others = Comment.objects.by_the_same_reader(
            email=comment.author_email, ip_address=comment.ip_address, user=comment.user
        ).exclude(pk=comment.pk)
        record = others.record()
        words = ngettext(
            "%(count)d earlier comment published", "%(count)d earlier comments published", record["published"]
        ) % {"count": record["published"]}
        if others.trusted():
            return _("trusted: %(record)s") % {"record": words}
        return words

    def has_add_permission(self, request):
        return False

    def has_ban_permission(self, request):
        return request.user.has_perm("comments.add_ban")

    def get_queryset(self, request):
        return super().get_queryset(request).with_open_reports()

    def get_ordering(self, request):
        return QUEUE_ORDER if is_queue_view(request) else ["-created_at", "-id"]

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # The queue in its own order (a moderator who sorts it by a column gets the ordinary pages).
        if is_queue_view(request) and "o" not in request.GET:
            rows = self.get_queryset(request)
            return QueuePaginator(queryset, per_page, orphans, allow_empty_first_page, rows=rows)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    def get_search_fields(self, request):
        # The address is searched only when the search is one: PostgreSQL compares it as inet, not text.
        return search_fields_for(request, self.search_fields)

    def get_urls(self):
        def page(view):
            return self.admin_site.admin_view(functools.partial(view, self))

        return [
            path("metrics/", page(admin_views.moderation_metrics), name="comments_comment_metrics"),
            path("readers-data/", page(admin_views.readers_data), name="comments_comment_readers_data"),
            path("preview/", page(admin_views.preview), name="comments_comment_preview"),
            path("<int:pk>/reply/", page(admin_views.reply), name="comments_comment_reply"),
            path("<int:pk>/reverse/", page(admin_views.reverse_rejection), name="comments_comment_reverse"),
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
        if comment.policy_reasons:
            parts.append(
                format_html_join("; ", "{}", ((label,) for label in comment.policy_reasons_display()))
            )
        if weighed := comment.words_that_weighed():
            label = _("Words that weighed most:")
            parts.append(format_html("<small>{} {}</small>", label, ", ".join(weighed)))
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


@admin.register(UnansweredQuestion)
class UnansweredQuestionAdmin(CommentListMixin, admin.ModelAdmin):
    """Readers' questions still waiting for the author: the list the owner works through."""

    list_display = ["excerpt", "article", "author_name", "age", "reply_link"]
    related_rows = []
    list_filter = [ArticleFilter]
    search_fields = ["author_name", "body"]
    actions = [no_answer_needed]
    show_full_result_count = False
    fields = CommentAdmin.fields
    readonly_fields = fields
    reader_record = CommentAdmin.reader_record

    def get_queryset(self, request):
        return self.with_related_rows(UnansweredQuestion.objects.unanswered_questions())

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


@admin.register(HoldWord)
class HoldWordAdmin(admin.ModelAdmin):
    form = HoldWordForm
    list_display = ["word", "language", "created_at"]
    list_filter = ["language"]
    search_fields = ["word"]
    fields = ["word", "language", "confirm"]


@admin.register(AbuseTerm)
class AbuseTermAdmin(admin.ModelAdmin):
    """The abuse signal's words, by what each says (comments/abuse.py reads them)."""

    list_display = ["entry", "kind", "language", "changed_at"]
    list_filter = ["kind", "language"]
    search_fields = ["entry"]
    fields = ["entry", "kind", "language"]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "until", "is_active", "created_by"]
    search_fields = ["email", "=ip_address", "reason"]
    raw_id_fields = ["user"]
    exclude = ["created_by"]

    def get_search_fields(self, request):
        return search_fields_for(request, self.search_fields)

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, ban):
        return ban.until > timezone.now()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class MailStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("waiting to be sent")),
            ("failing", _("failing")),
            ("given_up", _("given up on: requeue it")),
            ("sent", _("already sent")),
        ]

    def queryset(self, request, queryset):
        filters = {
            "waiting": lambda: queryset.filter(sent_at__isnull=True, failing_since__isnull=True),
            "failing": queryset.failing,
            "given_up": queryset.given_up,
            "sent": lambda: queryset.filter(sent_at__isnull=False),
        }
        return filters[self.value()]() if self.value() in filters else queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The outbox. A mail that keeps failing says since when and why, and waits here to be requeued."""

    list_display = ["subject", "kind", "created_at", "delivery", "attempts"]
    list_filter = [MailStatusFilter, "kind"]
    actions = ["requeue"]
    readonly_fields = [
        "to",
        "subject",
        "body",
        "headers",
        "comment",
        "kind",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "attempts",
        "failing_since",
        "last_error",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("delivery"))
    def delivery(self, mail):
        if mail.sent_at:
            return _("sent %(when)s") % {"when": date_format(localtime(mail.sent_at), "DATETIME_FORMAT")}
        if not mail.failing_since:
            return _("waiting to be sent")
        words = _("Failing since %(since)s, last error: %(error)s")
        if mail.next_attempt_at is None:
            words = _("Failing since %(since)s, given up on, last error: %(error)s")
        since = date_format(localtime(mail.failing_since), "DATETIME_FORMAT")
        return words % {"since": since, "error": Truncator(mail.last_error).chars(120)}

    @admin.action(description=_("Send the selected mails again now"), permissions=["change"])
    def requeue(self, request, queryset):
        count = notifications.requeue(queryset)
        self.message_user(
            request,
            ngettext("%(count)d mail will be sent again.", "%(count)d mails will be sent again.", count)
            % {"count": count},
        )


@admin.register(MailOptOut)
class MailOptOutAdmin(admin.ModelAdmin):
    """Readers' requests for no more mail. The addresses are kept hashed; they are made by the stop links."""

    list_display = ["__str__", "comment", "created_at"]
    readonly_fields = ["address", "comment", "created_at"]

    def has_add_permission(self, request):
        return False
