import contextlib
import logging

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from blog.models import Article
from blog.views import article_page
from config.client_address import client_ip

from . import metrics, moderation, notifications, reader_views, services, threads
from .forms import CommentForm, RejectForm, ReportForm, StopMailForm
from .models import Comment, MailOptOut

logger = logging.getLogger(__name__)

# Tags the message that says a comment was saved: comments.js then forgets the draft it kept of its text.
SAVED = "comment-saved"


@require_POST
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published().with_relations(), slug=slug)
    form = CommentForm(request.POST, article=article, user=request.user)
    if not form.is_valid():
        # The page again, with the errors next to their fields and everything the reader typed.
        return article_page(request, article, {"comment_form": form})
    try:
        comment, decision = services.post_comment(
            article=article,
            data=form.cleaned_data,
            user=request.user,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            seconds_to_submit=form.seconds_to_submit(),
            honeypot=form.cleaned_data["company"],
            submission=form.submission_key(),
        )
    except DatabaseError:
        # Nothing was saved (the transaction is whole or nothing): the reader gets their words back to send
        # again, not an error page.
        logger.exception("A comment on %s could not be saved.", article.slug)
        form.add_error(None, _("Your comment could not be saved just now. Your text is kept: send it again."))
        response = article_page(request, article, {"comment_form": form})
        response.status_code = 503
        return response
    reasons = "; ".join(str(label) for label in moderation.describe(decision.reasons))
    if decision.outcome == moderation.PUBLISHED:
        messages.success(request, _("Thank you: your comment is published."), extra_tags=SAVED)
    elif decision.outcome == moderation.HELD:
        threads.remember_own(request, comment)
        messages.info(
            request,
            _("Your comment is saved and waiting for review because %(reasons)s.") % {"reasons": reasons},
            extra_tags=SAVED,
        )
    else:
        messages.warning(
            request,
            _(
                "Your comment was saved but filed as probable spam because %(reasons)s. "
                "It will not appear unless a moderator releases it."
            )
            % {"reasons": reasons},
            extra_tags=SAVED,
        )
        return redirect(f"{article.get_absolute_url()}#comments")
    # Its author may edit or delete it for a few minutes, from this browser (reader_views).
    messages.info(request, reader_views.edit_window_note(comment), extra_tags=reader_views.OWN_COMMENT)
    return reader_views.grant_edit_window(redirect(comment.get_absolute_url()), comment)


@require_safe
def comment_link(request, pk):
    """Where a comment is: the page of its article's thread that shows it. For links that name a comment by
    its anchor alone (#comment-<id>), which comments.js sends here when the page shown does not have it."""
    comments = Comment.objects.exclude(status=Comment.Status.SPAM).select_related("article")
    comment = get_object_or_404(comments, pk=pk)
    if not comment.article.is_published():
        raise Http404
    # The page always named, even the first: comments.js asks again only on an address that names none.
    return redirect(comment.thread_url(name_the_first_page=True))


def report_comment(request, pk):
    on_live_articles = Comment.objects.published().filter(article__in=Article.objects.published())
    comment = get_object_or_404(on_live_articles.select_related("article"), pk=pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report(comment, ip_address=client_ip(request), **form.cleaned_data)
        messages.success(
            request,
            _("Thank you. A moderator will read this comment again; a report never hides it by itself."),
        )
        return redirect(comment.get_absolute_url())
    return render(request, "comments/report.html", {"comment": comment, "form": form})


# The signed token is the proof; mail clients' one-click unsubscribe (RFC 8058) posts no CSRF token.
@csrf_exempt
def stop_mail(request, token):
    found = notifications.read_stop_token(token)
    if found is None:
        return render(request, "comments/stop_mail.html", {"invalid": True}, status=404)
    comment_pk, address = found
    # The comment may have been deleted since (old spam is): stopping every mail still works.
    comment = Comment.objects.select_related("article").filter(pk=comment_pk).first()
    if request.method == "POST":
        # A mail client's one-click request carries no choice: it stops mails about this comment.
        default = "comment" if comment else "all"
        form = StopMailForm(request.POST if "scope" in request.POST else {"scope": default}, comment=comment)
        if form.is_valid():
            about = None if form.cleaned_data["scope"] == "all" else comment
            # A mail client's one-click request and the reader's own click may arrive together.
            with contextlib.suppress(IntegrityError), transaction.atomic():
                MailOptOut.objects.get_or_create(address=address, comment=about)
            return render(request, "comments/stop_mail.html", {"done": True, "all": about is None})
    else:
        form = StopMailForm(comment=comment)
    return render(request, "comments/stop_mail.html", {"form": form, "comment": comment})


def appeal(request, token):
    comment = notifications.comment_from_appeal_token(token)
    if comment is None:
        return render(request, "comments/appeal.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.appeal(comment)
        return render(request, "comments/appeal.html", {"done": True, "comment": comment})
    return render(request, "comments/appeal.html", {"comment": comment})


# The answer to a decision link that decides nothing: never ours, or gone for good.
LINK_STATUS = {"forged": 404, "expired": 410, "decided": 410, "not_moderator": 403}


def decide(request, token, action):
    """A moderator's one-click link from a held-comment mail: a page that shows the comment and asks to
    confirm (a mail scanner that follows links decides nothing), then the decision, as that moderator and
    through the same services as the admin. No login: the signed, expiring, single-use link is the proof."""
    if action not in {"approve", "reject"}:
        raise Http404
    link = notifications.read_decision_token(token)
    form = RejectForm(request.POST or None) if action == "reject" else None
    if not link.problem and request.method == "POST" and (form is None or form.is_valid()):
        with transaction.atomic():
            # Two clicks at once: the second waits for the first's decision, then finds the link used.
            Comment.objects.select_for_update().filter(pk=link.comment.pk).only("pk").first()
            link = notifications.read_decision_token(token)
            if not link.problem:
                _decide(link, form)
                return render(request, "comments/decide.html", {"done": True, "comment": link.comment})
    if link.problem:
        context = {
            "problem": link.problem,
            "comment": link.comment,
            "days": settings.COMMENTS_EMAIL_DECISION_DAYS,
        }
        return render(request, "comments/decide.html", context, status=LINK_STATUS[link.problem])
    context = {"comment": link.comment, "moderator": link.moderator, "action": action, "form": form}
    return render(request, "comments/decide.html", context)


def _decide(link, reject_form):
    note = _("decided from the notification mail")
    if reject_form is None:
        services.approve(link.comment, by=link.moderator, note=note)
        return
    if reject_form.cleaned_data["note"]:
        note = f"{note}: {reject_form.cleaned_data['note']}"
    services.reject(link.comment, by=link.moderator, reason=reject_form.cleaned_data["reason"], note=note)


def policy(request):
    return render(
        request,
        "comments/policy.html",
        {
            "rules": services.policy_rules(),
            "rejection_reasons": moderation.RejectionReason.choices,
            "hold_reasons": [
                (code, moderation.REASON_LABELS[code])
                for code in sorted(moderation.HOLD_REASONS)
                if code != moderation.Reason.ATTACK or settings.COMMENTS_CLASSIFIERS
            ],
            "classifiers": settings.COMMENTS_CLASSIFIERS,
            "release_after_hours": settings.COMMENTS_RELEASE_SOFT_HOLDS_AFTER_HOURS,
            "trust_after": settings.COMMENTS_TRUST_AFTER,
            "trust_window_days": settings.COMMENTS_TRUST_WINDOW_DAYS,
            "close_after_days": settings.COMMENTS_CLOSE_AFTER_DAYS,
            "rate_window": settings.COMMENTS_RATE_WINDOW_MINUTES,
            "spam_retention_days": settings.COMMENTS_SPAM_RETENTION_DAYS,
            "address_retention_days": settings.COMMENTS_ADDRESS_RETENTION_DAYS,
            "mail_retention_days": settings.COMMENTS_MAIL_RETENTION_DAYS,
            "edit_window_minutes": settings.COMMENTS_EDIT_WINDOW_MINUTES,
            "monthly_counts": metrics.monthly_counts(),
        },
    )
