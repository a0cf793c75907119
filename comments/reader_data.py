"""What the site holds about a reader, to give it to them and to erase it: for the "my comments" page (a
signed link mailed to the address), a signed-in reader's own page, the admin's tool for requests that arrive
by mail, and the `export_reader` and `erase_reader` commands. A reader is an email address (every comment
typed with it, whatever the case) or an account (every comment posted while signed in)."""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import moderation
from .models import Ban, Comment, CommentEvent, MailOptOut, OutgoingMail, Report, address_key

FORMAT = "causerie-reader-export"
VERSION = 1


def comments_of(*, email=None, user=None):
    """The reader's comments, newest first, with their articles: by account when `user` is given, else by
    email. Placeholders of erased comments hold no address and are no one's any more."""
    if user is not None:
        comments = Comment.objects.filter(user=user)
    elif email:
        comments = Comment.objects.filter(author_email__iexact=email)
    else:
        comments = Comment.objects.none()
    return (
        comments.exclude(status=Comment.Status.DELETED)
        .select_related("article")
        .order_by("-created_at", "-id")
    )


def export(*, email=None, user=None, by=None, note=""):
    """Every field the site holds about the reader, as a JSON-ready dict: their comments (text, dates,
    article, status and reasons, network address and browser while kept, their subscription to replies),
    the reports on them (reason and dates; the reporters' notes and addresses are theirs), each comment's
    history (actions, statuses, reasons, dates: not the moderators' names or notes), their mail opt-outs,
    the mails the site stored for them, bans of their address and, for an account, its profile. Never
    anyone else's data. With `by` or `note` (the owner's tools), each comment's history records the export.
    Seven queries."""
    email = user.email if user is not None else email
    theirs = comments_of(email=email, user=user)
    comments = list(theirs)
    # Grouped here rather than prefetched: Django's prefetch builds a queryset per comment, which costs
    # more than the queries themselves for a reader with thousands of comments.
    ids = theirs.order_by().values("pk")
    reports, history = defaultdict(list), defaultdict(list)
    for row in Report.objects.filter(comment__in=ids).order_by("created_at", "id").values(*REPORT_FIELDS):
        reports[row.pop("comment")].append(row)
    for row in (
        CommentEvent.objects.filter(comment__in=ids).order_by("created_at", "id").values(*EVENT_FIELDS)
    ):
        history[row.pop("comment")].append(row)
    address = email and address_key(email)
    opt_outs = MailOptOut.objects.filter(address=address).order_by("created_at") if address else []
    mails = OutgoingMail.objects.filter(to__iexact=email).order_by("created_at") if email else []
    bans = Ban.objects.filter(_ban_of(email, user)).order_by("created_at")
    data = {
        "format": FORMAT,
        "version": VERSION,
        "site": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "exported_at": _iso(timezone.now()),
        "email": email,
        "comments": [_comment(comment, reports[comment.pk], history[comment.pk]) for comment in comments],
        "mail_opt_outs": [
            {
                "comment": opt_out.comment_id,
                "everything": opt_out.comment_id is None,
                "since": _iso(opt_out.created_at),
            }
            for opt_out in opt_outs
        ],
        "mails": [
            {
                "subject": mail.subject,
                "kind": mail.kind,
                "text": mail.body,
                "written_at": _iso(mail.created_at),
                "sent_at": _iso(mail.sent_at),
                "comment": mail.comment_id,
            }
            for mail in mails
        ],
        "bans": [
            {"reason": ban.reason, "since": _iso(ban.created_at), "until": _iso(ban.until)} for ban in bans
        ],
    }
    if user is not None:
        data["account"] = {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "bio": user.bio,
            "joined_at": _iso(user.date_joined),
            "last_login_at": _iso(user.last_login),
        }
    if by is not None or note:
        CommentEvent.objects.bulk_create(
            CommentEvent(
                comment=comment,
                action=CommentEvent.Action.EXPORTED,
                actor=by,
                from_status=comment.status,
                to_status=comment.status,
                note=note,
            )
            for comment in comments
        )
    return data


def erase(*, email=None, user=None, comments=None, by=None, note=""):
    """Erase the reader's comments (`comments`, some of theirs, or all of them) as `CommentQuerySet.erase()`
    does; with all of them, the mails stored for the address go too. Bans keep their address until they
    expire (the retention job deletes them then) and an opt-out of every mail stays (a keyed hash, never
    shown): it keeps their wish.
    Returns {"deleted": n, "anonymised": n, "mails": n}."""
    everything = comments is None
    if everything:
        comments = comments_of(email=email, user=user)
    with transaction.atomic():
        counts = {**comments.erase(by=by, note=note), "mails": 0}
        address = user.email if user is not None else email
        if everything and address:
            counts["mails"] = OutgoingMail.objects.filter(to__iexact=address).delete()[0]
    return counts


REPORT_FIELDS = ("comment", "reason", "created_at", "resolved_at")
EVENT_FIELDS = ("comment", "action", "from_status", "to_status", "reason", "created_at")


def _comment(comment, reports, history):
    return {
        "id": comment.pk,
        "article": {
            "title": comment.article.title,
            "url": settings.SITE_URL + comment.article.get_absolute_url(),
        },
        "link": settings.SITE_URL + comment.link_url()
        if comment.status == Comment.Status.PUBLISHED
        else None,
        "in_reply_to": comment.reply_to_id,
        "posted_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
        "name": comment.author_name,
        "email": comment.author_email,
        "website": comment.author_url,
        "text": comment.body,
        "is_question": comment.is_question,
        "notify_of_replies": comment.notify_replies,
        "status": comment.status,
        "status_label": str(comment.get_status_display()),
        "held_or_spam_because": [
            {"code": code, "label": str(moderation.REASON_LABELS.get(code, code))}
            for code in comment.policy_reasons
        ],
        "rejection_reason": comment.rejection_reason or None,
        "rejection_reason_label": str(comment.get_rejection_reason_display()) or None,
        "appealed": comment.is_appeal,
        "moderated_at": _iso(comment.moderated_at),
        "network_address": comment.ip_address,
        "browser": comment.user_agent,
        "reports": [
            {
                "reason": r["reason"],
                "reported_at": _iso(r["created_at"]),
                "resolved_at": _iso(r["resolved_at"]),
            }
            for r in reports
        ],
        "history": [
            {
                "action": event["action"],
                "from_status": event["from_status"],
                "to_status": event["to_status"],
                "reason": event["reason"],
                "at": _iso(event["created_at"]),
            }
            for event in history
        ],
    }


def _ban_of(email, user):
    who = Q(pk__in=[])
    if email:
        who |= Q(email__iexact=email)
    if user is not None:
        who |= Q(user=user)
    return who


def _iso(moment):
    return moment.isoformat() if moment else None
