"""The writes with several effects: save the comment, record its history, tell the people concerned.
Views, admin actions and the `comment_jobs` command all go through these functions."""

import functools
import operator
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import ngettext

from . import moderation, notifications
from .classifier import Classifier
from .models import (
    AbuseTerm,
    Ban,
    Comment,
    CommentEvent,
    HoldWord,
    OutgoingMail,
    PostingAddress,
    ReaderLink,
    Report,
    address_key,
)


def classifiers():
    """The trained classifiers of abuse and spam (comments/classifier.py) as the policy's facts, or the empty
    ones (no hold) when COMMENTS_CLASSIFIERS is off."""
    if not settings.COMMENTS_CLASSIFIERS:
        return {}
    return {"abuse_classifier": Classifier.load("abuse"), "spam_classifier": Classifier.load("spam")}


def policy_rules():
    return moderation.Rules(
        max_links=settings.COMMENTS_MAX_LINKS,
        min_seconds=settings.COMMENTS_MIN_SECONDS,
        rate_limit=settings.COMMENTS_RATE_LIMIT,
    )


def post_comment(
    *,
    article,
    data,
    user,
    ip_address=None,
    user_agent="",
    seconds_to_submit=None,
    honeypot="",
    submission=None,
):
    """Save a reader's comment with the policy's outcome, its history and the mails it causes, in one
    transaction. `data` is a valid CommentForm's cleaned_data; `submission` its single-use key
    (`CommentForm.submission_key`): the same form posted again returns the comment it made the first time.
    Returns the comment and the policy's decision."""
    if user.is_authenticated:
        name, email, url = user.display_name[:80], user.email, ""
    else:
        name, email, url = data["author_name"], data["author_email"], data.get("author_url", "")
    with transaction.atomic():
        facts = moderation.Facts(
            text=data["body"],
            hold_words=list(HoldWord.objects.values_list("word", flat=True)),
            honeypot=honeypot,
            seconds_to_submit=seconds_to_submit,
            recent_comments=_count_in_rate_window(email, ip_address),
            is_duplicate=Comment.objects.recent_duplicates(data["body"], email, ip_address).exists(),
            is_banned=Ban.objects.matching(email=email, ip_address=ip_address, user=user).exists(),
            article_holds_all=article.hold_all_comments,
            speaks_for_article=article.speaks_for(user),
            lexicon=AbuseTerm.objects.lexicon(),
            trusted=Comment.objects.by_the_same_reader(
                email=email, ip_address=ip_address, user=user
            ).trusted(),
            **classifiers(),
        )
        decision = moderation.decide(facts, policy_rules())
        reply_to = data.get("parent")
        try:
            with transaction.atomic():
                comment = Comment.objects.create(
                    article=article,
                    parent=_thread_parent(reply_to),
                    reply_to=reply_to,
                    depth=_depth_under(reply_to),
                    user=user if user.is_authenticated else None,
                    author_name=name,
                    author_email=email,
                    author_url=url,
                    body=data["body"],
                    is_question=data.get("is_question", False),
                    notify_replies=data.get("notify_replies", False),
                    status=decision.outcome,
                    policy_reasons=list(decision.reasons),
                    ip_address=ip_address,
                    user_agent=user_agent.replace("\x00", "")[:300],
                    submission=submission,
                )
        except IntegrityError:
            # This form was posted already (a double click, a resent request): what it made, once.
            first = Comment.objects.filter(submission=submission).first() if submission else None
            if first is None:
                raise
            return first, moderation.Decision(first.status, tuple(first.policy_reasons))
        comment.record_posting()
        notifications.comment_posted(comment)
        notifications.reply_published(comment)
    return comment, decision


def edit_comment(comment, *, body):
    """Its author's new text, within COMMENTS_EDIT_WINDOW_MINUTES of posting, judged again by the policy: the
    words and what stands about their author (a ban, the article's "hold every comment", trust) are read
    again; what belongs to the act of posting (the form's timing, the pace, a duplicate) was read then and
    still holds a comment it held. So an edit that adds an insult is held, with its reason, and the
    moderators hear of it; an edit never makes a comment held for its pace public. Returns the decision."""
    with transaction.atomic():
        user = comment.user
        facts = moderation.Facts(
            text=body,
            hold_words=list(HoldWord.objects.values_list("word", flat=True)),
            seconds_to_submit=float("inf"),
            is_banned=Ban.objects.matching(
                email=comment.author_email, ip_address=comment.ip_address, user=user
            ).exists(),
            article_holds_all=comment.article.hold_all_comments,
            speaks_for_article=comment.speaks_for_article,
            lexicon=AbuseTerm.objects.lexicon(),
            trusted=Comment.objects.by_the_same_reader(
                email=comment.author_email, ip_address=comment.ip_address, user=user
            ).trusted(),
            **classifiers(),
        )
        decision = moderation.decide(facts, policy_rules())
        if comment.status == Comment.Status.HELD:
            kept = [code for code in comment.policy_reasons if code in moderation.POSTING_REASONS]
            reasons = tuple(dict.fromkeys([*decision.reasons, *kept]))
            decision = moderation.Decision(moderation.HELD if reasons else moderation.PUBLISHED, reasons)
        previous = comment.status
        comment.edit(body, outcome=decision.outcome, reasons=decision.reasons)
        if previous != Comment.Status.HELD and decision.outcome == moderation.HELD:
            notifications.comment_posted(comment)
        elif previous == Comment.Status.HELD and decision.outcome == moderation.PUBLISHED:
            notifications.reply_published(comment)
    return decision


def forget_network_addresses(now=None):
    """Retention: erase the network address and browser of comments older than
    COMMENTS_ADDRESS_RETENTION_DAYS, and the address of reports as old; delete bans once they have expired
    (a ban keeps its own copy of what it needs until then) and "my comments" links once they have. Returns
    how many comments lost their address or browser."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.COMMENTS_ADDRESS_RETENTION_DAYS)
    kept = Q(ip_address__isnull=False) | ~Q(user_agent="")
    erased = Comment.objects.filter(kept, created_at__lt=cutoff).update(ip_address=None, user_agent="")
    Report.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(ip_address=None)
    Ban.objects.filter(until__lte=now).delete()
    ReaderLink.objects.expired(now).delete()
    return erased


def approve(comment, *, by, note=""):
    """Publish the comment; its author hears of it (unless it was already public), and so does the reader it
    answers, now that the reply is visible."""
    previous = comment.status
    with transaction.atomic():
        comment.approve(by=by, note=note)
        if previous != Comment.Status.PUBLISHED:
            notifications.outcome(comment)
            notifications.reply_published(comment)


def reject(comment, *, by, reason, note=""):
    """Reject the comment with a reason from the published list; its author hears the reason and may appeal
    once. Spam is never answered."""
    previous = comment.status
    with transaction.atomic():
        comment.reject(by=by, reason=reason, note=note)
        if previous not in {Comment.Status.REJECTED, Comment.Status.SPAM}:
            notifications.outcome(comment)


def reply_from_admin(comment, *, by, body, approve_first=False):
    """The owner's or a moderator's reply, published at once under `comment` (approved first if asked and
    held). The reader answered is notified as for any published reply."""
    with transaction.atomic():
        if approve_first and comment.status == Comment.Status.HELD:
            approve(comment, by=by)
        reply, _decision = post_comment(
            article=comment.article, data={"body": body, "parent": comment}, user=by
        )
    return reply


def ban_authors(comments, *, by, days, reason):
    """Time-boxed bans of the people who wrote `comments`: by email and network address, and by account for
    signed-in readers. Staff are never banned (`Ban.is_for_staff`): a ban is for readers."""
    until = timezone.now() + timedelta(days=days)
    authors = comments.values_list("author_email", "ip_address", "user").order_by().distinct()
    bans = [
        Ban(email=email, ip_address=ip_address, user_id=user_id, reason=reason, until=until, created_by=by)
        for email, ip_address, user_id in authors
    ]
    readers = [ban for ban in bans if not ban.is_for_staff()]
    for ban in readers:
        ban.save()
    return readers


def mark_spam(comment, *, by, note=""):
    comment.mark_spam(by=by, note=note)


def appeal(comment):
    with transaction.atomic():
        comment.appeal()
        notifications.comment_posted(comment)


def report(comment, *, reason, note="", ip_address=None):
    """Record a reader's report; one per address and comment is enough to put it in front of moderators."""
    existing = comment.reports.filter(ip_address=ip_address, resolved_at__isnull=True).first()
    if ip_address and existing:
        return existing
    return Report.objects.create(comment=comment, reason=reason, note=note, ip_address=ip_address)


def release_soft_holds(now=None):
    """Publish the comments held only for soft reasons (links, rate) that no moderator decided on within
    COMMENTS_RELEASE_SOFT_HOLDS_AFTER_HOURS. Off when the setting is 0. Returns how many were published."""
    hours = settings.COMMENTS_RELEASE_SOFT_HOLDS_AFTER_HOURS
    if not hours:
        return 0
    now = now or timezone.now()
    released = 0
    for comment in Comment.objects.held().filter(created_at__lte=now - timedelta(hours=hours)):
        if moderation.releases_itself(comment.policy_reasons, comment.created_at, now, hours):
            note = ngettext(
                "released automatically after %(hours)d hour without a decision",
                "released automatically after %(hours)d hours without a decision",
                hours,
            ) % {"hours": hours}
            approve(comment, by=None, note=note)
            released += 1
    return released


def purge_old_mail(now=None):
    """Delete stored mails older than the retention period. Returns how many were deleted."""
    return OutgoingMail.objects.to_purge(now).delete()[0]


def forget_old_addresses(now=None):
    """Delete the flood limit's records of addresses that have not posted within the rate window."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.COMMENTS_RATE_WINDOW_MINUTES)
    return PostingAddress.objects.filter(last_posted_at__lt=cutoff).delete()[0]


def purge_spam(now=None):
    """Delete spam older than COMMENTS_SPAM_RETENTION_DAYS. Returns how many were deleted."""
    doomed = Comment.objects.spam_to_purge(now).filter(children__isnull=True, replies__isnull=True)
    with transaction.atomic():
        # Spam's history goes with it (an erased comment's stays, detached, for the moderation facts).
        CommentEvent.objects.filter(comment__in=doomed).delete()
        return doomed.delete()[1].get("comments.Comment", 0)


def _thread_parent(reply_to):
    """Replies deeper than COMMENTS_MAX_DEPTH hang from the deepest allowed level instead."""
    parent = reply_to
    while parent is not None and parent.depth >= settings.COMMENTS_MAX_DEPTH - 1:
        parent = parent.parent
    return parent


def _depth_under(reply_to):
    parent = _thread_parent(reply_to)
    return 0 if parent is None else parent.depth + 1


def _count_in_rate_window(email, ip_address):
    """How many comments came from this email or this network address inside the rate window (the higher of
    the two), counted in the database: exact across workers and machines, with no cache to fail. Each
    address's row is locked first (an upsert) until the comment is saved, so that concurrent posts from one
    address are counted one after the other."""
    now = timezone.now()
    senders = {}
    if email:
        senders[address_key(email)] = Q(author_email__iexact=email)
    if ip_address:
        senders[address_key(ip_address)] = Q(ip_address=ip_address)
    if not senders:
        return 0
    PostingAddress.objects.bulk_create(
        [PostingAddress(key=key, last_posted_at=now) for key in sorted(senders)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["last_posted_at"],
    )
    since = now - timedelta(minutes=settings.COMMENTS_RATE_WINDOW_MINUTES)
    recent = Comment.objects.filter(functools.reduce(operator.or_, senders.values()), created_at__gte=since)
    counts = recent.aggregate(**{key: Count("pk", filter=sender) for key, sender in senders.items()})
    return max(counts.values())
