import functools
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from blog import markup, page_cache
from blog.control_characters import WithoutControlCharacters

from . import abuse, moderation
from .classifier import Classifier, Words
from .moderation import RejectionReason


class CommentQuerySet(models.QuerySet):
    def delete(self):
        # Bulk deletions (the admin's, the spam purge) come here, not to Comment.delete().
        deleted = super().delete()
        page_cache.content_changed()
        return deleted

    def published(self):
        return self.filter(status=Comment.Status.PUBLISHED)

    def erase(self, *, by=None, note=""):
        """Take these comments' words and their authors' personal data out of the site, in a fixed number of
        queries (a reader may have written thousands). A comment without replies left is deleted (a
        reader's own replies under their own comment go with it); one with replies stays as "Comment deleted
        by its author" so the conversation survives, with its text, name, email, website, address and browser
        removed. Either way its history keeps the moderation facts (actions, statuses, reasons, dates,
        moderators) and loses the rest (notes, the author's account), and records the erasure (`by`,
        `note`); reports on it, mails about it and opt-outs for it go. A placeholder of an earlier erasure
        left with no replies goes too. Returns {"deleted": n, "anonymised": n}."""
        with transaction.atomic():
            targets = Comment.objects.filter(pk__in=self.values("pk")).exclude(status=Comment.Status.DELETED)
            rows = targets.select_for_update().order_by().values_list("pk", "status", "import_key")
            statuses = {pk: (status, import_key) for pk, status, import_key in rows}
            erased = set(statuses)
            if not erased:
                return {"deleted": 0, "anonymised": 0}
            repliers = defaultdict(set)
            answering = Comment.objects.filter(Q(parent__in=erased) | Q(reply_to__in=erased))
            for pk, parent, reply_to in answering.values_list("pk", "parent_id", "reply_to_id"):
                for answered in {parent, reply_to} & erased:
                    repliers[answered].add(pk)
            # A comment stays as a placeholder when a reply stays: one not erased, or itself a placeholder.
            kept, growing = set(), True
            while growing:
                more = {pk for pk in erased - kept if any(r not in erased or r in kept for r in repliers[pk])}
                kept |= more
                growing = bool(more)
            deleted = erased - kept
            history = CommentEvent.objects.filter(comment__in=erased)
            history.update(note="")
            history.filter(actor=F("comment__user")).update(actor=None)
            for model in (Report, MailOptOut, OutgoingMail):
                model.objects.filter(comment__in=erased).delete()
            CommentEvent.objects.bulk_create(
                CommentEvent(
                    comment_id=pk,
                    action=CommentEvent.Action.ERASED,
                    actor=by,
                    from_status=status,
                    to_status=Comment.Status.DELETED,
                    note=note,
                    import_key=import_key or "",
                )
                for pk, (status, import_key) in statuses.items()
            )
            Comment.objects.filter(pk__in=kept).update(
                status=Comment.Status.DELETED,
                body="",
                body_html="",
                author_name="",
                author_email="",
                author_url="",
                ip_address=None,
                user_agent="",
                user=None,
                submission=None,
                notify_replies=False,
                is_question=False,
            )
            above = Comment.objects.filter(pk__in=deleted).values_list("parent_id", "reply_to_id")
            answered = {pk for pair in above for pk in pair if pk is not None} - erased
            # The history stays, detached (its comment set to NULL).
            Comment.objects.filter(pk__in=deleted).delete()
            while answered:
                unanswered = Comment.objects.filter(pk__in=answered, status=Comment.Status.DELETED).exclude(
                    Exists(Comment.objects.filter(Q(parent=OuterRef("pk")) | Q(reply_to=OuterRef("pk"))))
                )
                above = list(unanswered.values_list("pk", "parent_id", "reply_to_id"))
                unanswered.delete()
                answered = {pk for _, *pair in above for pk in pair if pk is not None}
            page_cache.content_changed()
        return {"deleted": len(deleted), "anonymised": len(kept)}

    def thread_of(self, article, conversations=None):
        """Every comment that can appear in `article`'s thread, oldest first, in one query: spam only when
        something hangs from it (as a placeholder). With `conversations` (top-level comment ids), only those
        conversations. Emails and network addresses are not even fetched: a public page cannot leak what it
        does not have."""
        answered = Comment.objects.filter(Q(parent=OuterRef("pk")) | Q(reply_to=OuterRef("pk")))
        comments = self.filter(article=article)
        if conversations is not None:
            comments = comments.filter(Q(pk__in=conversations) | Q(root__in=conversations))
        return (
            comments.exclude(Q(status=Comment.Status.SPAM) & ~Exists(answered))
            .select_related("user")
            .only(
                "article_id",
                "parent_id",
                "reply_to_id",
                "depth",
                "status",
                "rejection_reason",
                "author_name",
                "author_url",
                "body_html",
                "is_question",
                "created_at",
                "edited_at",
                "user__is_staff",
                "user__first_name",
                "user__last_name",
                "user__username",
            )
            .order_by("created_at", "id")
        )

    def conversations(self, article, own_ids=()):
        """The ids of `article`'s conversations that a reader sees, in the thread's order: what the thread
        is split into pages by. A top-level comment that is published, or that a published reply hangs from
        (it stays as a placeholder), or one of the reader's own (`own_ids`, waiting for review)."""
        published_replies = Comment.objects.filter(root=OuterRef("pk"), status=Comment.Status.PUBLISHED)
        seen = Q(status=Comment.Status.PUBLISHED) | Q(Exists(published_replies)) | Q(pk__in=own_ids)
        return (
            self.filter(seen, article=article, parent=None)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )

    def held(self):
        """Comments held for review, oldest first: the policy or an appeal put them aside, and they stay out
        of the thread until a moderator decides."""
        return self.filter(status=Comment.Status.HELD).order_by("created_at", "id")

    def with_open_reports(self):
        """Each comment with `open_reports`: readers' reports that no decision has answered yet (counted per
        row shown, not by grouping the whole table)."""
        counts = _open_reports().values("comment").annotate(count=Count("pk")).values("count")
        return self.annotate(open_reports=Coalesce(Subquery(counts), 0))

    def reported(self):
        """Comments with reports that no decision has answered yet."""
        return self.filter(Exists(_open_reports()))

    def needing_decision(self):
        """What a moderator should look at, the moderation queue: held comments first, oldest first, then
        published ones with open reports."""
        # Two small sets, each found by its own index, then joined: an OR of the two conditions would make
        # the database read every comment to test it.
        return self.filter(pk__in=_queue(Comment.objects.order_by())).order_by(*QUEUE_ORDER)

    def queue_keys(self):
        """The queue's order as rows of (rank, created_at, pk), read from the indexes alone: a page of the
        queue is a slice of these, whose comments are then fetched whole. Sorting the whole comments would
        read each queued row of the table first (3,500 of them at a million comments)."""
        return _queue(self.order_by(), ranked=True).order_by("rank", "created_at", "pk")

    def speaking_for_article(self):
        """Comments written by someone who speaks for their article: staff. The same rule as
        `Article.speaks_for()`, as a filter."""
        return self.filter(user__is_staff=True)

    def answering(self, question):
        """The published answers to `question` (a comment, or `OuterRef("pk")` in a subquery): comments by
        someone who speaks for the article that reply to it or sit right under it in the thread. The same rule
        as `Comment.questions_answered()`, for the database.

        "Right under it" counts because the thread hangs a reply to a reader's follow-up under the question
        itself once the follow-up is at the deepest level (COMMENTS_MAX_DEPTH): there the author's words sit
        in the question's own conversation, and its asker reads them as the answer."""
        return self.published().speaking_for_article().filter(Q(reply_to=question) | Q(parent=question))

    def questions_for_the_author(self):
        """Published questions that wait for the author's answer, or had it: not those the author marked
        "no answer needed"."""
        return self.published().filter(is_question=True, answer_not_needed=False)

    def unanswered_questions(self):
        """Questions for the author with no published answer (`answering()`), oldest first."""
        return (
            self.questions_for_the_author()
            .exclude(Exists(Comment.objects.answering(OuterRef("pk"))))
            .order_by("created_at", "id")
        )

    def spam_to_purge(self, now=None):
        """Spam older than the retention period (kept until then for the moderators' spam view)."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.COMMENTS_SPAM_RETENTION_DAYS)
        return self.filter(status=Comment.Status.SPAM, created_at__lt=cutoff)

    def by_the_same_reader(self, *, email, ip_address, user):
        """Comments by the same reader: by their account when signed in, else by the same email from the same
        network address (an address alone can be anyone's; an email alone too)."""
        if user is not None and user.is_authenticated:
            return self.filter(user=user)
        if not (email and ip_address):
            return self.none()
        return self.filter(author_email__iexact=email, ip_address=ip_address)

    def record(self, now=None):
        """How many of these comments of the last COMMENTS_TRUST_WINDOW_DAYS are published, and removed.
        The last day's do not count yet: a regular comes back over days, and a burst proves nothing."""
        now = now or timezone.now()
        since = now - timedelta(days=settings.COMMENTS_TRUST_WINDOW_DAYS)
        return self.filter(created_at__gte=since, created_at__lt=now - timedelta(days=1)).aggregate(
            published=Count("pk", filter=Q(status=Comment.Status.PUBLISHED)),
            days=Count(TruncDate("created_at"), filter=Q(status=Comment.Status.PUBLISHED), distinct=True),
            removed=Count("pk", filter=Q(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM])),
        )

    def trusted(self, now=None):
        """Whether these comments make their reader a regular, whom the soft holds (links, pace) skip: at
        least COMMENTS_TRUST_AFTER published within COMMENTS_TRUST_WINDOW_DAYS, on two days or more, none
        removed or spam."""
        if not settings.COMMENTS_TRUST_AFTER:
            return False
        record = self.record(now)
        # Comments of one day prove little: a regular comes back.
        return (
            record["published"] >= settings.COMMENTS_TRUST_AFTER
            and record["days"] >= 2
            and not record["removed"]
        )

    def recent_duplicates(self, body, email, ip_address, now=None):
        """Earlier comments with the same text from the same email or address, inside the duplicate window."""
        since = (now or timezone.now()) - timedelta(hours=settings.COMMENTS_DUPLICATE_WINDOW_HOURS)
        sender = Q(author_email__iexact=email) if email else Q(pk__in=[])
        if ip_address:
            sender |= Q(ip_address=ip_address)
        return self.filter(sender, body=body, created_at__gte=since)


# What a comment must be to answer a question (`CommentQuerySet.answering()`), for its indexes.
ANSWER_CANDIDATES = Q(status="published", user__isnull=False)


def _open_reports():
    return Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True).order_by()


class Comment(WithoutControlCharacters):
    class Status(models.TextChoices):
        PUBLISHED = moderation.PUBLISHED, _("Published")
        HELD = moderation.HELD, _("Waiting for review")
        REJECTED = "rejected", _("Removed by moderation")
        SPAM = moderation.SPAM, _("Spam")
        # Erased by its author (or at their request) while replies hang from it: a placeholder, nothing else.
        DELETED = "deleted", _("Deleted by its author")

    article = models.ForeignKey(
        "blog.Article", on_delete=models.CASCADE, related_name="comments", verbose_name=_("article")
    )
    # The thread's shape: replies deeper than COMMENTS_MAX_DEPTH hang from the deepest allowed ancestor, while
    # reply_to keeps the comment actually answered (for "in reply to" and the reply notification).
    # RESTRICT: a comment with replies is never deleted on its own (moderation rejects instead), but deleting
    # the article still takes the whole thread with it.
    parent = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("in the thread under"),
    )
    # The top-level comment of its conversation (None for a top-level one): long threads are shown in pages
    # of whole conversations, fetched by this.
    root = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("conversation"),
    )
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("account"),
    )
    author_name = models.CharField(_("name"), max_length=80)
    author_email = models.EmailField(_("email"), help_text=_("Never shown publicly."))
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    body = models.TextField(_("comment"), validators=[MaxLengthValidator(markup.COMMENT_MAX_CHARS)])
    body_html = models.TextField(editable=False, default="")
    is_question = models.BooleanField(_("question for the author"), default=False)
    notify_replies = models.BooleanField(_("notify of replies"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    # The policy's reason codes for a held or spam comment (moderation.Reason), and "appeal" once appealed.
    policy_reasons = models.JSONField(_("why it was held or filed as spam"), default=list, blank=True)
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    is_appeal = models.BooleanField(_("appeal"), default=False)
    answer_not_needed = models.BooleanField(
        _("no answer needed"), default=False, help_text=_("A question the author decided not to answer.")
    )
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # The comment form's single-use key (`forms.submission_key`): the database refuses a second comment from
    # the same form with the same text, so a double click or a resent post shows the first one.
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    # Set when its author changed the text within COMMENTS_EDIT_WINDOW_MINUTES: the thread says "edited".
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Where an imported comment came from ("wordpress:old.example:123", "disqus:456"): importing it again
    # skips it.
    import_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [
            ("moderate_comment", _("Can moderate comments")),
            ("manage_reader_data", _("Can export and erase everything about a reader's email address")),
        ]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_thread"),
            models.Index(fields=["status", "created_at"], name="comment_status_age"),
            models.Index(
                fields=["article", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_conversations",
            ),
            # The unanswered questions: a few among a million comments.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(is_question=True, status="published", answer_not_needed=False),
                name="comment_open_questions",
            ),
            # A commenter's other comments (the reply page) and the duplicate check match the address
            # without case, as `author_email__iexact` does.
            models.Index(Upper("author_email"), name="comment_author_email"),
            # The flood limit counts an address's comments of the last minutes.
            models.Index(fields=["ip_address", "created_at"], name="comment_address_age"),
            # The few comments an admin filter looks for: appeals, and those the policy gave reasons to.
            models.Index(fields=["created_at"], condition=Q(is_appeal=True), name="comment_appeals"),
            models.Index(fields=["created_at"], condition=~Q(policy_reasons=[]), name="comment_with_reasons"),
            # The held comments, in the queue's order, with what the metrics' "oldest pending" needs: read
            # from the index alone, without visiting a row of the table for each.
            models.Index(
                fields=["created_at", "id"],
                include=["is_appeal"],
                condition=Q(status="held"),
                name="comment_held",
            ),
            # The answers that `answering()` looks for under each question (the unanswered list, the
            # metrics): only a published comment by an account can be one, a few among a million.
            models.Index(fields=["reply_to"], condition=ANSWER_CANDIDATES, name="comment_answers_to"),
            models.Index(fields=["parent"], condition=ANSWER_CANDIDATES, name="comment_answers_under"),
            # The comments whose network address or browser the retention job has yet to erase: only those
            # of the last COMMENTS_ADDRESS_RETENTION_DAYS, once it has run.
            models.Index(
                fields=["created_at"],
                condition=Q(ip_address__isnull=False) | ~Q(user_agent=""),
                name="comment_addresses_kept",
            ),
        ]

    def __str__(self):
        # Its author and first words: enough to recognise it in the admin's breadcrumbs and history, and
        # read from the row itself, so that a list of comments costs no query more.
        return _("%(name)s: “%(excerpt)s”") % {
            "name": self.author_name,
            "excerpt": Truncator(self.body).words(8),
        }

    _edited = False

    def save(self, *args, **kwargs):
        # A reader's words change only by their own edit (`edit()`, within COMMENTS_EDIT_WINDOW_MINUTES; the
        # admin shows them read-only), so they are rendered when the comment is first saved and when edited;
        # approving or rejecting it does not render them again.
        if self._state.adding or self._edited:
            self.body_html = markup.render_comment(self.body)
            self._edited = False
            if self.parent_id is not None:
                self.root_id = self.parent.root_id or self.parent_id
        # Readers' cached pages go stale when they would show something new: a published comment, or any
        # decision on an existing one. A new held or spam comment changes nothing they see.
        seen_by_readers = self.status == self.Status.PUBLISHED or not self._state.adding
        super().save(*args, **kwargs)
        if seen_by_readers:
            page_cache.content_changed()

    def get_absolute_url(self):
        """The comment on the page of its article's thread that shows it now. A link that must last (in a
        mail) is `link_url()` instead: a conversation removed earlier in the thread moves the later ones."""
        return self.thread_url()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        page_cache.content_changed()
        return deleted

    def thread_url(self, *, name_the_first_page=False):
        """The comment on the page of its article's thread that shows it."""
        page = self.thread_page()
        query = f"?{THREAD_PAGE_PARAM}={page}" if page > 1 or name_the_first_page else ""
        return f"{self.article.get_absolute_url()}{query}#{self.anchor}"

    def link_url(self):
        """The comment's lasting link, /comments/<id>/: it answers with `thread_url()` when followed."""
        return reverse("comments:link", args=[self.pk])

    def thread_page(self, conversations=None):
        """The page of its article's thread that shows this comment (1 for one that is not shown), from the
        article's `conversations` when the caller has them already."""
        if conversations is None:
            conversations = list(Comment.objects.conversations(self.article_id))
        root = self.root_id or self.pk
        if root not in conversations:
            return 1
        return conversations.index(root) // settings.COMMENTS_CONVERSATIONS_PER_PAGE + 1

    @property
    def anchor(self):
        return f"comment-{self.pk}"

    @property
    def speaks_for_article(self):
        """Written by the article's author or staff (`Article.speaks_for`): the Author badge."""
        return self.user_id is not None and self.article.speaks_for(self.user)

    def questions_answered(self):
        """The questions this comment answers, once published: the one it replies to and the one it sits
        under in the thread, when written by someone who speaks for the article. The same rule as
        `CommentQuerySet.answering()`, for one comment in memory."""
        if self.status != self.Status.PUBLISHED or not self.speaks_for_article:
            return []
        questions = []
        for comment in (self.reply_to, self.parent):
            if comment is not None and comment.is_question and comment not in questions:
                questions.append(comment)
        return questions

    def removal_reason_display(self):
        """Why a comment was taken out of the thread, for its placeholder."""
        if self.status == self.Status.SPAM:
            return RejectionReason.SPAM.label
        return self.get_rejection_reason_display()

    def policy_reasons_display(self):
        return moderation.describe(self.policy_reasons)

    def words_that_weighed(self):
        """For moderators, when a classifier held the comment (comments/classifier.py): the words and pairs of
        words that weighed most in its reading, as the trained classifier reads them now."""
        held_by = {moderation.Reason.ATTACK: "abuse", moderation.Reason.ADVERT: "spam"}
        names = [name for code, name in held_by.items() if code in self.policy_reasons]
        if not names or not settings.COMMENTS_CLASSIFIERS:
            return []
        words = Words.of(self.body)
        found = []
        for name in names:
            trained = Classifier.load(name)
            if trained.holds(words):
                found += trained.weighed_most(words)
        return list(dict.fromkeys(found))

    # State changes. Nothing else assigns `status`: each method sets what belongs together and records who,
    # when and why in the history.

    def approve(self, *, by=None, note=""):
        self._change(CommentEvent.Action.APPROVED, self.Status.PUBLISHED, by=by, note=note)

    def reject(self, *, by, reason, note=""):
        if reason not in RejectionReason.values:
            raise ValidationError(_("A rejection needs a reason from the published list."))
        self.rejection_reason = reason
        self._change(CommentEvent.Action.REJECTED, self.Status.REJECTED, by=by, reason=reason, note=note)

    def mark_spam(self, *, by=None, note=""):
        self._change(CommentEvent.Action.MARKED_SPAM, self.Status.SPAM, by=by, note=note)

    def mark_no_answer_needed(self, *, by, note):
        """Take a question off the unanswered list without answering it; the note says why."""
        self.answer_not_needed = True
        self.save(update_fields=["answer_not_needed"])
        self.history.create(
            action=CommentEvent.Action.NO_ANSWER_NEEDED,
            actor=by,
            from_status=self.status,
            to_status=self.status,
            note=note,
        )

    def appeal(self):
        """The commenter asks for a second review of a rejection: back in the queue, marked as an appeal."""
        self.is_appeal = True
        self.policy_reasons = [*self.policy_reasons, moderation.Reason.APPEAL]
        self._change(CommentEvent.Action.APPEALED, self.Status.HELD, reason=self.rejection_reason)

    def _change(self, action, status, *, by=None, reason="", note=""):
        previous = self.status
        self.status = status
        now = timezone.now()
        if action != CommentEvent.Action.APPEALED:
            self.moderated_at, self.moderated_by = now, by
        if status == self.Status.PUBLISHED:
            self.rejection_reason = ""  # an appeal keeps it, so the moderator sees what is being appealed
        self.save()
        self.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
        self.history.create(
            action=action, actor=by, from_status=previous, to_status=status, reason=reason, note=note
        )

    def edit(self, body, *, outcome, reasons):
        """Its author's new text, with the policy's outcome for it (`services.edit_comment`): rendered again,
        marked as edited, recorded in the history."""
        previous = self.status
        self.body, self._edited, self.edited_at = body, True, timezone.now()
        self.status, self.policy_reasons = outcome, list(reasons)
        self.save()
        self.history.create(
            action=CommentEvent.Action.EDITED,
            actor=self.user,
            from_status=previous,
            to_status=outcome,
            reason=", ".join(reasons),
        )

    def has_replies(self):
        return Comment.objects.filter(Q(parent=self) | Q(reply_to=self)).exists()

    def erase(self, *, by=None, note=""):
        """`CommentQuerySet.erase()` for this comment alone. Returns "deleted" or "anonymised"."""
        counts = Comment.objects.filter(pk=self.pk).erase(by=by, note=note)
        return "anonymised" if counts["anonymised"] else "deleted"

    def record_posting(self):
        self.history.create(
            action=CommentEvent.Action.POSTED,
            actor=self.user,
            to_status=self.status,
            reason=", ".join(self.policy_reasons),
        )


# The query parameter that names a page of an article's thread.
THREAD_PAGE_PARAM = "comments"


class UnansweredQuestion(Comment):
    """Readers' questions the author has not answered yet, as their own list in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("unanswered question")
        verbose_name_plural = _("unanswered questions")


def _queue(comments, ranked=False):
    """The moderation queue's two sets as one: held comments, and published ones with open reports (a held
    comment is never published, so nothing is in both). `ranked` adds the queue's order: (rank, created_at,
    pk), rank 0 for the held ones."""
    open_reports = Report.objects.filter(resolved_at__isnull=True).values("comment")
    held = comments.filter(status=Comment.Status.HELD)
    reported = comments.filter(status=Comment.Status.PUBLISHED, pk__in=open_reports)
    if not ranked:
        return held.values("pk").union(reported.values("pk"), all=True)
    held, reported = (part.annotate(rank=Value(rank)) for rank, part in enumerate([held, reported]))
    columns = ["rank", "created_at", "pk"]
    return held.values(*columns).union(reported.values(*columns), all=True)


# Held comments first, then the oldest.
QUEUE_ORDER = [Case(When(status=Comment.Status.HELD, then=Value(0)), default=Value(1)), "created_at", "id"]


class CommentEvent(WithoutControlCharacters):
    """One line of a comment's history: who did what, when, from which status to which, and why."""

    class Action(models.TextChoices):
        POSTED = "posted", _("posted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        MARKED_SPAM = "spam", _("marked as spam")
        APPEALED = "appealed", _("appealed")
        NO_ANSWER_NEEDED = "no_answer", _("marked as needing no answer")
        EDITED = "edited", _("edited by its author")
        ERASED = "erased", _("erased")
        EXPORTED = "exported", _("exported")

    # A comment erased without replies is deleted; its history stays, detached, with the moderation facts.
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=Comment.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Comment.Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    # On an erasure, the erased comment's `import_key` (an id on the blog it was imported from, no personal
    # data): importing that blog again must not bring back what its author erased (comments/importing.py).
    import_key = models.CharField(max_length=100, blank=True, default="", editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            # The metrics' window: its rows are counted from the index alone (on PostgreSQL; SQLite ignores
            # `include`), which holds every column they are grouped by. History rows of one month lie all over
            # the table (a comment's rows are written over weeks); without this, each costs a page read.
            models.Index(
                fields=["created_at"],
                include=["action", "to_status", "reason", "actor", "comment"],
                name="comment_event_window",
            ),
            # The metrics' decision time starts from the comments held at posting, a few in each window.
            models.Index(
                fields=["created_at"],
                include=["comment"],
                condition=Q(action="posted", to_status="held"),
                name="comment_event_held",
            ),
            models.Index(
                fields=["import_key"], condition=~Q(import_key=""), name="comment_event_erased_import"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


class Report(WithoutControlCharacters):
    """A reader's report. It puts the comment in front of moderators; it never hides it by itself."""

    # The published reasons for removing a comment, and one more for whatever a reader cannot name.
    REASONS = [*RejectionReason.choices, ("other", _("something else"))]

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=20, choices=REASONS)
    note = models.TextField(_("details"), max_length=1000, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            # Open reports are few among all ever made: the queue finds them without reading the rest.
            models.Index(fields=["comment"], condition=Q(resolved_at__isnull=True), name="report_open"),
        ]

    def __str__(self):
        return self.get_reason_display()


class HoldWord(WithoutControlCharacters):
    """A word or phrase that holds a comment for review (never rejects it): insults, slurs, threats."""

    word = models.CharField(
        _("word or phrase"),
        max_length=100,
        unique=True,
        help_text=_("Matched as whole words, ignoring case and accents: “con” never matches “conversation”."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["word"]
        verbose_name = _("hold word")
        verbose_name_plural = _("hold words")

    def __str__(self):
        return self.word

    def clean(self):
        self.word = " ".join(self.word.split())
        key = moderation.words_of(self.word)
        if not key:  # matching compares letters and digits; punctuation alone never matches anything
            raise ValidationError({"word": _("Enter a word: letters or digits.")})
        # "Con", "CON" and "cön" are all "con" to the matching: a second copy would only clutter the list.
        for other in HoldWord.objects.exclude(pk=self.pk).values_list("word", flat=True):
            if moderation.words_of(other) == key:
                raise ValidationError(
                    {"word": _("This word is already in the list as “%(word)s”.") % {"word": other}}
                )


class AbuseTermQuerySet(models.QuerySet):
    def lexicon(self):
        """The lexicon the policy reads (comments/abuse.py): read again only when the table has changed."""
        version = self.aggregate(count=Count("pk"), last=Max("pk"), changed=Max("changed_at"))
        return _lexicon(tuple(version.values()))


@functools.lru_cache(maxsize=1)
def _lexicon(version):
    return abuse.Lexicon.of(AbuseTerm.objects.values_list("kind", "entry"))


class AbuseTerm(WithoutControlCharacters):
    """A word or phrase the abuse signal reads, by what it says about a comment: a name for a person, a word
    that judges, a threat, who or what is aimed at (comments/abuse.py). Seeded in English and French
    (default_abuse_lexicon.py); the owner extends it here."""

    class Kind(models.TextChoices):
        PERSON_INSULT = abuse.Kind.PERSON_INSULT, _("a name for a person (held unless it describes an idea)")
        INSULT = abuse.Kind.INSULT, _("a word that judges (held when aimed at a person)")
        SLUR = abuse.Kind.SLUR, _("a slur (always held)")
        DEHUMANISING = abuse.Kind.DEHUMANISING, _("dehumanising (held when aimed at people)")
        DEROGATORY = abuse.Kind.DEROGATORY, _("a generalisation (held when aimed at a group)")
        THREAT = abuse.Kind.THREAT, _("a threat (always held)")
        EXCLUSION = abuse.Kind.EXCLUSION, _("exclusion, “you do not belong” (always held)")
        PERSON = abuse.Kind.PERSON, _("a person as a target (you, the author)")
        GROUP = abuse.Kind.GROUP, _("a group of people as a target")
        IDEA = abuse.Kind.IDEA, _("an idea or a thing as a target (article, advice)")
        SELF = abuse.Kind.SELF, _("the writer themselves (I, je)")
        VOCATIVE = abuse.Kind.VOCATIVE, _("calls someone what follows (espèce de, you)")
        REPORT = abuse.Kind.REPORT, _("reports words said elsewhere (called me)")
        ADVERT = abuse.Kind.ADVERT, _("advertising (held with a link)")
        MOCK = (
            abuse.Kind.MOCK,
            _("a name said in mock praise (held when someone is called it: nice try, genius)"),
        )

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    entry = models.CharField(
        _("word or phrase"),
        max_length=100,
        help_text=_(
            "Compared without case or accents. End a word with * for its family (idiot* matches idiote, "
            "idiots); several words match in sequence."
        ),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = AbuseTermQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "entry"]
        verbose_name = _("abuse lexicon entry")
        verbose_name_plural = _("abuse lexicon")
        constraints = [models.UniqueConstraint(fields=["kind", "entry"], name="one_abuse_term_per_kind")]

    def __str__(self):
        return self.entry

    def clean(self):
        self.entry = " ".join(self.entry.split())
        if not abuse.tokens_of(abuse.normalize(self.entry).replace("*", "")):
            raise ValidationError({"entry": _("Enter a word: letters or digits.")})


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(until__gt=now or timezone.now())

    def matching(self, *, email="", ip_address=None, user=None):
        """Active bans that apply to a commenter known by any of these."""
        who = Q(pk__in=[])
        if email:
            who |= Q(email__iexact=email)
        if ip_address:
            who |= Q(ip_address=ip_address)
        if user is not None and user.is_authenticated:
            who |= Q(user=user)
        return self.active().filter(who)


class Ban(WithoutControlCharacters):
    """A time-boxed ban: the person's new comments are held with the reason "banned", never dropped."""

    email = models.EmailField(_("email"), blank=True)
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    reason = models.TextField(_("reason"))
    until = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-until"]
        verbose_name = _("ban")
        verbose_name_plural = _("bans")

    def __str__(self):
        return self.email or self.ip_address or str(self.user)

    def clean(self):
        if not (self.email or self.ip_address or self.user_id):
            raise ValidationError(_("Ban an email, a network address or an account."))
        if self.is_for_staff():
            raise ValidationError(
                _("Bans are for readers: this email or account belongs to the site's staff.")
            )

    def is_for_staff(self):
        """Whether it would ban a staff member, by account or by email: bans are for readers only."""
        staff = get_user_model().objects.filter(is_staff=True)
        return bool(self.user_id and staff.filter(pk=self.user_id).exists()) or bool(
            self.email and staff.filter(email__iexact=self.email).exists()
        )


def address_key(email):
    """An email address as the opt-out list keeps it: a keyed hash, so the list and the stop links in mails
    never show the address itself."""
    return salted_hmac("comments.mail-address", email.strip().lower(), algorithm="sha256").hexdigest()


class MailOptOutQuerySet(models.QuerySet):
    def covering(self, email, comment):
        """Opt-outs that stop a mail about `comment` to `email`: for that comment, or for everything."""
        return self.filter(Q(comment=comment) | Q(comment__isnull=True), address=address_key(email))


class MailOptOut(models.Model):
    """An address that asked for no more mails about one comment, or (without a comment) about anything."""

    address = models.CharField(_("address (hashed)"), max_length=64, db_index=True)
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("comment")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MailOptOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("mail opt-out")
        verbose_name_plural = _("mail opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["address", "comment"], name="one_opt_out_per_comment"),
            # NULLs are distinct in the constraint above, so "everything" needs its own.
            models.UniqueConstraint(
                fields=["address"], condition=Q(comment__isnull=True), name="one_opt_out_of_everything"
            ),
        ]

    def __str__(self):
        return self.address[:12]


class ReaderLinkQuerySet(models.QuerySet):
    def recent(self, now=None):
        """Links asked for within the last hour: the request form's limits count them."""
        return self.filter(created_at__gte=(now or timezone.now()) - timedelta(hours=1))

    def expired(self, now=None):
        return self.filter(created_at__lt=(now or timezone.now()) - timedelta(hours=READER_LINK_HOURS))


# A "my comments" link works for this long after it was asked for.
READER_LINK_HOURS = 24


class ReaderLink(models.Model):
    """A "my comments" link asked for on the site: it opens the list of every comment of `email`, with export
    and erasure. The link carries a secret that only its hash, here, can match; it expires after
    READER_LINK_HOURS and is deleted by the periodic job. Rows are written even for an address without
    comments (which is sent nothing): the limits on asking count them."""

    key = models.CharField(max_length=64, unique=True)  # sha256 of the link's secret
    email = models.EmailField()
    client = models.CharField(max_length=64, blank=True)  # `address_key` of the network address that asked
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ReaderLinkQuerySet.as_manager()

    def __str__(self):
        return self.key[:12]


class PostingAddress(models.Model):
    """An address (email or network, as its keyed hash) that posted in the rate window. Posting locks its
    row while it counts that address's recent comments and saves the new one: concurrent posts from one
    address are counted one after the other, exactly, on any number of workers and machines."""

    key = models.CharField(max_length=64, primary_key=True)
    last_posted_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.key[:12]


class JobLease(models.Model):
    """A named piece of periodic work, held by one worker until a time: `take` succeeds for one caller only,
    on any number of workers and machines sharing the database, and a worker that dies holding it only delays
    the next run until the lease runs out."""

    name = models.CharField(max_length=50, primary_key=True)
    held_until = models.DateTimeField()

    def __str__(self):
        return self.name

    @classmethod
    def take(cls, name, seconds):
        """The lease's end if this caller now holds it, None if another does."""
        now = timezone.now()
        cls.objects.bulk_create([cls(name=name, held_until=now)], ignore_conflicts=True)
        until = now + timedelta(seconds=seconds)
        # One UPDATE: the database lets a single caller change a row whose lease has run out.
        return until if cls.objects.filter(name=name, held_until__lte=now).update(held_until=until) else None

    @classmethod
    def give_back(cls, name, until):
        cls.objects.filter(name=name, held_until=until).update(held_until=timezone.now())


class OutgoingMailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True).order_by("created_at")

    def due(self, now=None):
        """Mails waiting for their (next) attempt. A mail being sent is not due until its claim expires."""
        now = now or timezone.now()
        return (
            self.filter(sent_at__isnull=True, next_attempt_at__lte=now)
            .exclude(claimed_until__gt=now)
            .order_by("next_attempt_at", "id")
        )

    def failing(self):
        """Mails whose last attempt failed: retrying, or given up on until someone requeues them."""
        return self.filter(sent_at__isnull=True, failing_since__isnull=False)

    def given_up(self):
        return self.failing().filter(next_attempt_at__isnull=True)

    def to_purge(self, now=None):
        """Mails older than COMMENTS_MAIL_RETENTION_DAYS, sent or given up on: addresses are not kept
        forever. A mail still being retried stays."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.COMMENTS_MAIL_RETENTION_DAYS)
        return self.filter(created_at__lt=cutoff).filter(
            Q(sent_at__isnull=False) | Q(next_attempt_at__isnull=True)
        )


class OutgoingMail(models.Model):
    """The outbox: every mail the comments send, written in the same transaction as the comment or the
    decision that causes it, and sent afterwards by the task worker (`comments.tasks`). A mail server that is
    down or slow never costs a comment or makes a reader wait; a failure stays here, retried with growing
    delays, and shown in the admin."""

    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("comment")
    )
    kind = models.CharField(_("kind"), max_length=30)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When a worker may try it next; None once given up on.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    # Set by the worker sending it, so that no other does meanwhile; a worker killed mid-send leaves it to the
    # others once this has passed.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"], condition=Q(sent_at__isnull=True), name="mail_due"
            ),
        ]

    def __str__(self):
        return self.subject


def moderators():
    """Active staff who may moderate comments (directly, through a group, or as superusers)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename="moderate_comment")
            | Q(groups__permissions__codename="moderate_comment")
        )
        .distinct()
    )
