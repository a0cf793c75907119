"""What narrows the comment admin's lists: the filters in their sidebars and what their search looks in."""

import ipaddress
from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Article

from . import moderation
from .models import Comment


def is_an_id(value):
    """A database id as typed in an address: ASCII digits ("²".isdigit() too), small enough for SQLite."""
    return bool(value) and value.isascii() and value.isdigit() and len(value) <= 18


def is_queue_view(request):
    """True when the list shows the queue: no filter and no search, only ordering or paging."""
    ignored = {"o", "p", "_changelist_filters"}
    return not any(key not in ignored for key in request.GET)


def search_fields_for(request, fields):
    """`fields` without the address unless the search is one: PostgreSQL compares it as inet, not text."""
    try:
        ipaddress.ip_address(request.GET.get("q", "").strip())
    except ValueError:
        return [field for field in fields if field != "=ip_address"]
    return fields


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


class HoldReasonFilter(admin.SimpleListFilter):
    title = _("why it was held")
    parameter_name = "held_for"

    def lookups(self, request, model_admin):
        return [(code, moderation.REASON_LABELS[code]) for code in sorted(moderation.HOLD_REASONS)]

    def queryset(self, request, queryset):
        if self.value() in moderation.HOLD_REASONS:
            # The codes are stored as a JSON list; its text holds each code in quotes on every database. Only
            # the comments with reasons are read (an index of them): a text match cannot use an index.
            with_reasons = queryset.exclude(policy_reasons=[])
            return with_reasons.filter(policy_reasons__icontains=f'"{self.value()}"')
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
            return queryset.unanswered_questions()  # the list's own ordering still applies after
        return queryset


class ArticleFilter(admin.SimpleListFilter):
    """The comments of one article, found by a few words of its title (or its id, from a link): a search box,
    not a list of every article, which a blog of ten thousand articles would make a page long."""

    title = _("article")
    parameter_name = "article"
    template = "admin/comments/article_filter.html"

    def lookups(self, request, model_admin):
        return []

    def has_output(self):
        return True

    def choices(self, changelist):
        value = self.value() or ""
        chosen = value
        if is_an_id(value):
            chosen = Article.objects.filter(pk=int(value)).values_list("title", flat=True).first() or value
        others = changelist.get_filters_params()
        others.pop(self.parameter_name, None)
        yield {
            "value": value,
            "chosen": chosen,
            "all_query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "hidden": [(name, item) for name, values in others.items() for item in values],
        }

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if is_an_id(value):
            return queryset.filter(article_id=int(value))
        if value:
            return queryset.filter(article__in=Article.objects.filter(title__icontains=value).values("pk"))
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
