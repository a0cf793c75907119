"""Who hears of a comment, by email, and how the mail leaves.

Every mail is written to the outbox (OutgoingMail) in the transaction of the write that causes it, with a task
to send it; the task worker sends it once that transaction is committed. So a mail is never lost (it is
committed with its comment or not at all), never sent inside a reader's request, and never sent twice: a
worker claims a mail with a row lock before sending it. A mail that fails is retried with growing delays, then
left in the admin's outbox, failing, for someone to requeue."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from blog import markup

from . import tasks
from .models import READER_LINK_HOURS, Comment, MailOptOut, OutgoingMail, address_key, moderators

logger = logging.getLogger(__name__)

STOP_SALT = "comments.stop-mail"
APPEAL_SALT = "comments.appeal"
DECIDE_SALT = "comments.decide-from-mail"
# A worker claims one mail at a time, for longer than sending it takes (EMAIL_TIMEOUT, 10 s, for each step
# of the SMTP exchange); one that died while sending leaves it to the others after this.
CLAIM = timedelta(minutes=5)
# Retries after 1, 2, 4... minutes, then every 6 hours: 12 attempts span about a day of mail-server outage.
# Then the mail waits in the admin, failing, until someone requeues it.
MAX_ATTEMPTS = 12
LONGEST_WAIT = timedelta(hours=6)
# The daily list of held comments shows this many, the oldest first; the admin's queue has the rest.
DIGEST_LENGTH = 50
# COMMENTS_HELD_MAILS_PER_HOUR counts over this window.
HELD_MAIL_HOUR = timedelta(hours=1)


def site_url(path):
    return settings.SITE_URL + path


def stop_token(comment, email):
    # The address goes in as its keyed hash: a forwarded mail or a proxy log must not reveal it.
    return signing.dumps([comment and comment.pk, address_key(email)], salt=STOP_SALT)


def read_stop_token(token):
    """(comment id, hashed address) from a stop link; None when forged. Stop links never expire. A mail about
    no one comment (the daily list of held comments) has a link with no comment id: it stops every mail."""
    try:
        comment_pk, address = signing.loads(token, salt=STOP_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(comment_pk, int | None) or not isinstance(address, str):
        return None
    return comment_pk, address


def appeal_token(comment):
    # Bound to this rejection: once used (or once the comment is decided again) the link no longer works.
    return signing.dumps([comment.pk, _to_milliseconds(comment.moderated_at).isoformat()], salt=APPEAL_SALT)


def comment_from_appeal_token(token):
    """The rejected comment a still-valid appeal link is about, or None."""
    try:
        comment_pk, moderated_at = signing.loads(token, salt=APPEAL_SALT)
        moderated_at = datetime.fromisoformat(moderated_at)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(comment_pk, int):
        return None
    comment = Comment.objects.select_related("article").filter(pk=comment_pk).first()
    if (
        comment is None
        or comment.status != Comment.Status.REJECTED
        or comment.is_appeal
        or comment.moderated_at is None
        or _to_milliseconds(comment.moderated_at) != _to_milliseconds(moderated_at)
    ):
        return None
    return comment


def decision_token(comment, moderator):
    """What the links of a held-comment mail carry: they decide `comment` as `moderator`, once. Bound to the
    comment's state (any decision, by anyone, ends them) and to the moderator's address (a link left in a
    mailbox they no longer use stops working); they expire after COMMENTS_EMAIL_DECISION_DAYS."""
    return signing.dumps(
        [moderator.pk, _address_mark(moderator), comment.pk, *_decision_state(comment)], salt=DECIDE_SALT
    )


@dataclass
class DecisionLink:
    """What a decision link is worth now: the comment and the moderator to act as, or why it does nothing
    (`problem`: "forged", "expired", "not_moderator" or "decided"; the comment is known for the last)."""

    comment: Comment | None = None
    moderator: object = None
    problem: str = ""


def read_decision_token(token):
    max_age = timedelta(days=settings.COMMENTS_EMAIL_DECISION_DAYS)
    try:
        moderator_pk, address, comment_pk, *state = signing.loads(token, salt=DECIDE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return DecisionLink(problem="expired")
    except (signing.BadSignature, TypeError, ValueError):
        return DecisionLink(problem="forged")
    moderator = moderators().filter(pk=moderator_pk).first()
    if moderator is None or _address_mark(moderator) != address:
        return DecisionLink(problem="not_moderator")
    comment = Comment.objects.select_related("article", "moderated_by").filter(pk=comment_pk).first()
    if comment is None or comment.status != Comment.Status.HELD or _decision_state(comment) != state:
        return DecisionLink(comment=comment, problem="decided")
    return DecisionLink(comment=comment, moderator=moderator)


def _address_mark(moderator):
    # Enough of the address's keyed hash to see that it changed, without lengthening the link much.
    return address_key(moderator.email)[:16]


def _decision_state(comment):
    # An appeal puts a rejected comment back in the queue with the rejection's time: links from before it
    # (made when it was first held, with no decision yet) do not decide the appeal.
    moderated_at = comment.moderated_at and _to_milliseconds(comment.moderated_at).isoformat()
    return [comment.status, moderated_at or ""]


def _to_milliseconds(moment):
    # A decision is known to the millisecond: dumpdata/loaddata keeps no more, and links mailed before a
    # restore (or before this rule, with microseconds) must still work. No moderator decides twice in one.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def comment_posted(comment):
    """The owner (and moderators, by setting) hear of a held comment, and of every comment by setting."""
    if comment.status == Comment.Status.HELD:
        kind = "held"
    elif comment.status == Comment.Status.PUBLISHED and settings.COMMENTS_NOTIFY_EVERY_COMMENT:
        kind = "new"
    else:
        return
    article = comment.article
    recipients = {article.author.email.lower()} if article.author.email else set()
    # An appeal contests a moderator's decision: every moderator hears of it, whatever the setting.
    if settings.COMMENTS_NOTIFY_MODERATORS or comment.is_appeal:
        recipients |= {
            email.lower() for email in moderators().exclude(email="").values_list("email", flat=True)
        }
    if (
        comment.user_id is not None
    ):  # staff do not hear of their own comments (a typed address proves nothing)
        recipients.discard(comment.user.email.lower())
    context = {
        "comment": comment,
        "article": article,
        "admin_url": site_url(reverse("admin:comments_comment_change", args=[comment.pk])),
        "excerpt": _excerpt(comment),
    }
    deciders = _moderators_by_address(recipients) if kind == "held" else {}
    for email in sorted(recipients):
        moderator = deciders.get(email)
        if kind == "held" and _held_mails_this_hour(email) >= settings.COMMENTS_HELD_MAILS_PER_HOUR:
            # A flood of held comments makes a bounded number of mails: the rest wait for the list that the
            # comment jobs send an hour later (held_digests); without an account, for the admin's queue.
            if moderator is not None:
                get_user_model().objects.filter(pk=moderator.pk, held_mail_overflow_since=None).update(
                    held_mail_overflow_since=timezone.now()
                )
            continue
        if moderator is None:
            _queue(email, f"comments/email/{kind}_comment", context, comment)
        elif moderator.held_comment_mail == moderator.HeldCommentMail.EACH:
            links = _decision_links(comment, moderator)
            _queue(email, "comments/email/held_comment", {**context, **links}, comment)
        # Otherwise the moderator asked for the daily list (held_digests) or for no mail.


def held_digests(now=None):
    """Once a day (in the site's time zone, from COMMENTS_HELD_DIGEST_HOUR), each moderator who chose the
    daily mail gets one listing the held comments still waiting that they would have had a mail about, each
    with its decision links (the oldest DIGEST_LENGTH; the admin has the rest); none when nothing waits. So
    does, an hour after it began, each moderator whose held-comment mails reached COMMENTS_HELD_MAILS_PER_HOUR
    (`comment_posted`). Returns how many were written to the outbox."""
    now = now or timezone.now()
    written = 0
    if timezone.localtime(now).hour >= settings.COMMENTS_HELD_DIGEST_HOUR:
        today = timezone.localdate(now)
        not_yet_today = Q(held_digest_sent_on__isnull=True) | Q(held_digest_sent_on__lt=today)
        daily = moderators().filter(not_yet_today, held_comment_mail="daily").exclude(email="")
        for moderator in daily:
            # Whoever marks the day first writes the mail: two job runs at once do not send it twice.
            marked = get_user_model().objects.filter(not_yet_today, pk=moderator.pk)
            written += _write_digest(moderator, marked, held_digest_sent_on=today)
    overflowed = moderators().filter(held_mail_overflow_since__lte=now - HELD_MAIL_HOUR).exclude(email="")
    for moderator in overflowed:
        marked = get_user_model().objects.filter(pk=moderator.pk, held_mail_overflow_since__isnull=False)
        written += _write_digest(moderator, marked, held_mail_overflow_since=None, overflow=True)
    return written


def _write_digest(moderator, marked, overflow=False, **mark):
    """The list of what waits for `moderator`, written if `marked` (their row, as it must still be) takes
    `mark` first. 1 if written, else 0."""
    waiting = _held_for(moderator)
    shown = list(waiting[:DIGEST_LENGTH])
    with transaction.atomic():
        if not shown:
            if overflow:  # all decided meanwhile: nothing to send, and the next flood starts a new hour
                marked.update(**mark)
            return 0
        if not marked.update(**mark):
            return 0
        total = waiting.count() if len(shown) == DIGEST_LENGTH else len(shown)
        context = {
            "comments": [_digest_item(comment, moderator) for comment in shown],
            "total": total,
            "more": total - len(shown),
            "queue_url": site_url(reverse("admin:comments_comment_changelist")),
            "decision_days": settings.COMMENTS_EMAIL_DECISION_DAYS,
            "overflow": overflow,
            "mails_per_hour": settings.COMMENTS_HELD_MAILS_PER_HOUR,
            **_preferences_link(moderator),
        }
        return 1 if _queue(moderator.email, "comments/email/held_digest", context, None) else 0


def _held_mails_this_hour(email):
    since = timezone.now() - HELD_MAIL_HOUR
    return OutgoingMail.objects.filter(to__iexact=email, kind="held_comment", created_at__gte=since).count()


def _digest_item(comment, moderator):
    return {
        "comment": comment,
        "admin_url": site_url(reverse("admin:comments_comment_change", args=[comment.pk])),
        "excerpt": _excerpt(comment, length=300),
        **_decision_links(comment, moderator),
    }


def _held_for(moderator):
    """The held comments `moderator` would have had a mail about (`comment_posted`): all of them when
    moderators hear of held comments, else those on their articles and the appeals; never their own."""
    held = Comment.objects.held().select_related("article")
    if not settings.COMMENTS_NOTIFY_MODERATORS:
        held = held.filter(Q(article__author__email__iexact=moderator.email) | Q(is_appeal=True))
    return held.exclude(user__email__iexact=moderator.email)


def _moderators_by_address(addresses):
    """The moderator each address belongs to (the oldest account, when several share it)."""
    found = moderators().alias(address=Lower("email")).filter(address__in=addresses).order_by("-pk")
    return {moderator.email.lower(): moderator for moderator in found}


def _decision_links(comment, moderator):
    token = decision_token(comment, moderator)
    return {
        "approve_url": site_url(reverse("comments:decide", args=[token, "approve"])),
        "reject_url": site_url(reverse("comments:decide", args=[token, "reject"])),
        "decision_days": settings.COMMENTS_EMAIL_DECISION_DAYS,
        **_preferences_link(moderator),
    }


def _preferences_link(moderator):
    return {"preferences_url": site_url(reverse("admin:accounts_user_change", args=[moderator.pk]))}


def outcome(comment):
    """A commenter whose comment was held hears what became of it; spam is never answered."""
    context = {
        "comment": comment,
        "article": comment.article,
        "comment_url": site_url(comment.link_url()),
    }
    if comment.status == Comment.Status.PUBLISHED:
        _queue(comment.author_email, "comments/email/published", context, comment)
    elif comment.status == Comment.Status.REJECTED:
        context["policy_url"] = site_url(reverse("comments:policy"))
        if not comment.is_appeal:
            context["appeal_url"] = site_url(reverse("comments:appeal", args=[appeal_token(comment)]))
        _queue(comment.author_email, "comments/email/rejected", context, comment)


def reply_published(reply):
    """Once a reply is published, the reader it answers hears of it when they opted in, and whoever asked a
    question that it answers (`Comment.questions_answered()`) always does. One mail per address: the
    answer's, when a reader is both."""
    if reply.status != Comment.Status.PUBLISHED:
        return
    questions = reply.questions_answered()
    reply_url = site_url(reply.link_url())
    told = {reply.author_email.lower()}
    for answered in dict.fromkeys(c for c in (*questions, reply.reply_to) if c is not None):
        is_answer = answered in questions
        if answered.status == Comment.Status.SPAM:  # marked spam after the reply was sent: never answered
            continue
        if not (answered.notify_replies or is_answer) or answered.author_email.lower() in told:
            continue
        context = {
            "reply": reply,
            "comment": answered,
            "article": reply.article,
            "is_answer": is_answer,
            "reply_url": reply_url,
            # Addresses are not confirmed: a stranger could type someone else's and reply to themselves, so a
            # reader's words are never mailed out; the words of whoever speaks for the article are.
            "excerpt": _excerpt(reply) if reply.speaks_for_article else "",
        }
        if _queue(answered.author_email, "comments/email/reply", context, answered):
            told.add(answered.author_email.lower())


def send_due(*, pk=None, limit=100):
    """Send the mails that are due (or mail `pk`, if due), one at a time, each claimed first so that no other
    worker sends it. Returns (sent, failed)."""
    sent = failed = 0
    while limit is None or sent + failed < limit:
        mail = _claim(pk)
        if mail is None:
            break
        if _send(mail):
            sent += 1
        else:
            failed += 1
        if pk is not None:
            break
    return sent, failed


def requeue(mails):
    """Try these unsent mails again now, with a fresh series of retries (the admin's action). A mail a
    worker is sending right now is left to it."""
    now = timezone.now()
    mails = mails.filter(sent_at__isnull=True).exclude(claimed_until__gt=now)
    ids = list(mails.values_list("pk", flat=True))
    OutgoingMail.objects.filter(pk__in=ids).update(next_attempt_at=now, attempts=0)
    for pk in ids:
        tasks.send_mail.enqueue(pk)
    return len(ids)


def retry_delay(attempts):
    return min(timedelta(minutes=2 ** (attempts - 1)), LONGEST_WAIT)


def _claim(pk):
    """The next due mail, locked against other workers (SELECT ... FOR UPDATE SKIP LOCKED; on SQLite, whose
    writers take turns, the transaction itself) and claimed for CLAIM: long enough to send one mail."""
    now = timezone.now()
    with transaction.atomic():
        due = OutgoingMail.objects.due(now).select_for_update(skip_locked=True)
        mail = (due.filter(pk=pk) if pk is not None else due).first()
        if mail is not None:
            mail.claimed_until = now + CLAIM
            mail.save(update_fields=["claimed_until"])
    return mail


def _send(mail):
    """Send one claimed mail and record the outcome; on failure, plan the next attempt. Never raises."""
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=mail.headers,
    )
    attempts = F("attempts") + 1
    try:
        message.send()
    except Exception as error:  # any backend failure: the mail stays in the outbox, the worker carries on
        now = timezone.now()
        next_attempt = now + retry_delay(mail.attempts + 1) if mail.attempts + 1 < MAX_ATTEMPTS else None
        # Recorded only while the claim is this worker's: one that outlived it leaves the mail to the next.
        OutgoingMail.objects.filter(pk=mail.pk, claimed_until=mail.claimed_until, sent_at=None).update(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            failing_since=Coalesce(F("failing_since"), now),
            next_attempt_at=next_attempt,
            claimed_until=None,
        )
        logger.warning("Mail %s failed (attempt %s): %s", mail.pk, mail.attempts + 1, error)
        if next_attempt is not None:
            tasks.send_mail.using(run_after=next_attempt).enqueue(mail.pk)
        return False
    # Sent: recorded whoever holds the claim now, so that no one else sends it again.
    OutgoingMail.objects.filter(pk=mail.pk, sent_at=None).update(
        attempts=attempts,
        sent_at=timezone.now(),
        next_attempt_at=None,
        claimed_until=None,
        failing_since=None,
        last_error="",
    )
    return True


def reader_link(email, url):
    """The "my comments" link a reader asked for, in the language of the page they asked from. Sent even to
    an address that stopped every mail: the reader asked for this one."""
    context = {"url": url, "hours": READER_LINK_HOURS}
    return _queue(
        email, "comments/email/reader_link", context, None, asked=True, language=translation.get_language()
    )


def _queue(email, template, context, about, *, asked=False, language=None):
    """Write a mail about comment `about` (or about several, None) to `email` (unless they stopped such
    mails, and `asked` is false) to the outbox, with the task that sends it, in the current transaction."""
    if not email or (not asked and MailOptOut.objects.covering(email, about).exists()):
        return None
    stop_url = site_url(reverse("comments:stop_mail", args=[stop_token(about, email)]))
    language = language or (about.article.language if about else settings.LANGUAGE_CODE)
    with translation.override(language):
        context = {**context, "site_name": settings.SITE_NAME, "stop_url": stop_url}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    mail = OutgoingMail.objects.create(
        to=email,
        subject=subject[:200],
        body=body,
        headers={"List-Unsubscribe": f"<{stop_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        comment=about,
        kind=template.rsplit("/", 1)[-1],
    )
    tasks.send_mail.enqueue(mail.pk)
    return mail


def _excerpt(comment, length=600):
    text = markup.to_plain_text(comment.body_html)
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"
