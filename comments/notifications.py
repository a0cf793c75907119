"""Who hears of a comment, by email. Every mail is stored in OutgoingMail before it is sent, so a mail server
that is down costs nothing but a retry (`manage.py comment_jobs`); no caller ever sees a sending error."""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from blog import markup

from .models import Comment, MailOptOut, OutgoingMail, address_key, moderators

logger = logging.getLogger(__name__)

STOP_SALT = "comments.stop-mail"
APPEAL_SALT = "comments.appeal"
MAX_ATTEMPTS = 8


def site_url(path):
    return settings.SITE_URL + path


def stop_token(comment, email):
    # The address goes in as its keyed hash: a forwarded mail or a proxy log must not reveal it.
    return signing.dumps([comment.pk, address_key(email)], salt=STOP_SALT)


def read_stop_token(token):
    """(comment id, hashed address) from a stop link; None when forged. Stop links never expire."""
    try:
        comment_pk, address = signing.loads(token, salt=STOP_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(comment_pk, int) or not isinstance(address, str):
        return None
    return comment_pk, address


def appeal_token(comment):
    # Bound to this rejection: once used (or once the comment is decided again) the link no longer works.
    return signing.dumps([comment.pk, comment.moderated_at.isoformat()], salt=APPEAL_SALT)


def comment_from_appeal_token(token):
    """The rejected comment a still-valid appeal link is about, or None."""
    try:
        comment_pk, moderated_at = signing.loads(token, salt=APPEAL_SALT)
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
        or comment.moderated_at.isoformat() != moderated_at
    ):
        return None
    return comment


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
    for email in sorted(recipients):
        _queue(email, f"comments/email/{kind}_comment", context, comment)


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


def send_queued():
    """Retry the mails that could not be sent. Returns (sent, still failing)."""
    sent = failed = 0
    for mail in OutgoingMail.objects.unsent().filter(attempts__lt=MAX_ATTEMPTS):
        if deliver(mail):
            sent += 1
        else:
            failed += 1
    return sent, failed


def deliver(mail):
    """Send one stored mail; on failure record the error for a retry. Never raises."""
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=mail.headers,
    )
    mail.attempts += 1
    try:
        message.send()
    except Exception as error:  # any backend failure: the mail stays queued, the caller carries on
        logger.warning("Mail %s to a commenter failed (attempt %s): %s", mail.pk, mail.attempts, error)
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        mail.save(update_fields=["attempts", "last_error"])
        return False
    mail.sent_at = timezone.now()
    mail.last_error = ""
    mail.save(update_fields=["attempts", "last_error", "sent_at"])
    return True


def _queue(email, template, context, about):
    """Store a mail about comment `about` to `email` (unless they stopped such mails), then try to send it."""
    if not email or MailOptOut.objects.covering(email, about).exists():
        return None
    stop_url = site_url(reverse("comments:stop_mail", args=[stop_token(about, email)]))
    with translation.override(about.article.language):
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
    deliver(mail)
    return mail


def _excerpt(comment, length=600):
    text = markup.to_plain_text(comment.body_html)
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"
