"""The comment lists' bulk actions. Each applies one write to the selection and says how many in one
message; those that need a reason ask for it first on an intermediate page (admin_views.asks)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import services
from .admin_views import asks
from .forms import BanForm, NoAnswerForm, RejectForm
from .models import Comment


def change_each(modeladmin, request, comments, change, done, **answers):
    """After contrib-comments' `_bulk_flag`: `change(comment, by=the user, **answers)` on each comment (a
    service, or a model method for a write with one effect), then one message: `done`, an ngettext_lazy
    pair, with the number of comments."""
    comments = list(comments)
    for comment in comments:
        change(comment, by=request.user, **answers)
    modeladmin.message_user(request, done % len(comments), messages.SUCCESS)


@admin.action(description=_("Approve: publish the selected comments"), permissions=["moderate"])
def approve(modeladmin, request, queryset):
    done = ngettext_lazy("%d comment published.", "%d comments published.")
    change_each(
        modeladmin, request, queryset.select_related("article__author", "reply_to"), services.approve, done
    )


@admin.action(description=_("Reject the selected comments (asks for the reason)…"), permissions=["moderate"])
@asks(RejectForm, _("Reject comments"), _("Reject with this reason"))
def reject(modeladmin, request, queryset, **answers):
    done = ngettext_lazy("%d comment rejected.", "%d comments rejected.")
    change_each(
        modeladmin, request, queryset.select_related("article__author"), services.reject, done, **answers
    )


@admin.action(description=_("Mark the selected comments as spam"), permissions=["moderate"])
def mark_spam(modeladmin, request, queryset):
    done = ngettext_lazy("%d comment marked as spam.", "%d comments marked as spam.")
    change_each(modeladmin, request, queryset, services.mark_spam, done)


@admin.action(description=_("No answer needed (asks for a note)…"), permissions=["moderate"])
@asks(NoAnswerForm, _("No answer needed"), _("Confirm"))
def no_answer_needed(modeladmin, request, queryset, **answers):
    done = ngettext_lazy("%d question left unanswered.", "%d questions left unanswered.")
    change_each(modeladmin, request, queryset, Comment.mark_no_answer_needed, done, **answers)


@admin.action(
    description=_("Ban the authors of the selected comments (asks for a reason)…"), permissions=["ban"]
)
@asks(BanForm, _("Ban commenters"), _("Ban them"))
def ban_authors(modeladmin, request, queryset, **answers):
    # One ban per author, not per comment: the service takes the whole selection.
    bans = services.ban_authors(queryset, by=request.user, **answers)
    done = ngettext_lazy("%d ban created.", "%d bans created.")
    modeladmin.message_user(request, done % len(bans), messages.SUCCESS)
