"""Moderation figures for the admin's metrics page and the public policy page.

Every figure comes from a fixed number of aggregate queries, whatever the size of the comments table. What a
comment went through is read from its history rows (`CommentEvent`): the "posted" row says how the policy
received it and why, the "approved", "rejected", "spam" and "appealed" rows say what moderators (or the
automatic release of soft holds, whose rows have no actor) did, and when.
"""

import dataclasses
import logging
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from . import charts, moderation
from .models import Comment, CommentEvent
from .moderation import REASON_LABELS, RejectionReason

logger = logging.getLogger(__name__)

Action = CommentEvent.Action
Status = Comment.Status

ANSWER_DEADLINE = timedelta(hours=48)
DECISIONS = [Action.APPROVED, Action.REJECTED, Action.MARKED_SPAM]
# In the policy's order (that of REASON_LABELS). Appeals are counted from their own history rows, since they
# happen to comments posted earlier. Comments imported as pending were held by another blog, not the policy.
STATUSES = [Status.PUBLISHED, Status.HELD, Status.SPAM]  # a comment's outcome at posting
ACTION_FIGURES = {
    Action.APPEALED: "appealed",
    Action.APPROVED: "approved",
    Action.REJECTED: "rejected",
    Action.MARKED_SPAM: "marked_spam",
}
NOT_POLICY_HOLDS = {moderation.Reason.APPEAL, moderation.Reason.IMPORTED_PENDING}
HOLD_CODES = [code for code in REASON_LABELS if code in moderation.HOLD_REASONS - NOT_POLICY_HOLDS]
SPAM_CODES = [code for code in REASON_LABELS if code in moderation.SPAM_REASONS]


def duration_words(delta):
    """A duration as a person says it, to the minute: "under a minute", "45 min", "3 h 20 min", "1 day 5 h",
    "2 days"; from a week on, whole days only ("9 days"). Rounded down, never negative."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if not minutes:
        return _("under a minute")
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours and days < 7:
        parts.append(_("%(count)d h") % {"count": hours})
    if minutes and not days:
        parts.append(_("%(count)d min") % {"count": minutes})
    return " ".join(parts)


@dataclass(frozen=True)
class Median:
    """The median of the `count` durations that have ended; `waiting` more cases have no end yet."""

    value: timedelta | None
    count: int
    waiting: int

    @classmethod
    def of(cls, durations, waiting):
        durations = list(durations)
        return cls(statistics.median(durations) if durations else None, len(durations), waiting)

    @property
    def words(self):
        return duration_words(self.value) if self.value is not None else ""


@dataclass(frozen=True)
class Share:
    """How many of the `asked` questions old enough to judge were `answered` in time; `too_recent` were not
    old enough. `percent` is None when there is nothing to judge, never a division by zero."""

    answered: int
    asked: int
    too_recent: int

    @property
    def percent(self):
        return round(100 * self.answered / self.asked) if self.asked else None


@dataclass(frozen=True)
class Figures:
    now: datetime
    since: datetime
    days: int
    pending: int
    oldest_pending: timedelta | None
    decision_time: Median
    answer_time: Median
    answered_in_time: Share
    published_at_once: int
    held: int
    spam_at_posting: int
    # (code, words, count, published since): how often each reason held a comment that was then found fine
    held_by_reason: list[tuple[str, str, int, int]]
    spam_by_reason: list[tuple[str, str, int]]
    appealed: int
    approved: int
    approved_automatically: int
    rejected: int
    rejected_by_reason: list[tuple[str, str, int]]
    marked_spam: int
    chart: charts.Chart

    @property
    def oldest_pending_words(self):
        return duration_words(self.oldest_pending) if self.oldest_pending is not None else ""

    @property
    def posted(self):
        return self.published_at_once + self.held + self.spam_at_posting

    @property
    def approved_by_moderators(self):
        return self.approved - self.approved_automatically


# The window's figures read a month of history: kept this long for the moderators who open the page next.
WINDOW_CACHE_SECONDS = 600


def current_figures(days=30):
    """`moderation_figures()` for the admin's page: what waits right now is counted for each request; the
    window's counts and times come from the cache when they were counted less than WINDOW_CACHE_SECONDS ago
    (the page says when), so that the page costs the same whatever the volume of history."""
    key = f"comments:metrics:{days}:{get_language()}"
    try:
        figures = cache.get(key)
    except Exception:  # a cache that is down costs the saving, never the page
        figures = None
    if figures is None:
        figures = moderation_figures(days=days)
        try:
            cache.set(key, figures, WINDOW_CACHE_SECONDS)
        except Exception:
            logger.warning("The cache is unavailable: the moderation metrics are counted for each request.")
        return figures
    pending, oldest = _pending()
    return dataclasses.replace(
        figures, pending=pending, oldest_pending=timezone.now() - oldest if oldest else None
    )


def moderation_figures(now=None, days=30):
    """The admin's figures for the window from `now - days` to `now` (both included). Five queries.

    - `pending`: comments held right now (the queue, whatever `now` says), and `oldest_pending` how long the
      longest-waiting one has been in it: since it was posted, or for an appeal since its latest "appealed"
      history row.
    - `decision_time`: for each comment whose "posted" row is in the window with status held, the time from
      that row to its first later "approved", "rejected" or "spam" row (automatic releases count); the median
      over those decided by `now`, and how many are still waiting.
    - `answer_time`: for each question for the author (`questions_for_the_author()`) posted in the window,
      the time to its first published answer (`CommentQuerySet.answering()`); the median over those answered
      by `now`, and how many are not.
    - `answered_in_time`: of those questions at least 48 hours old at `now`, how many had such a reply within
      48 hours.
    - Counts of history rows in the window: comments posted, by outcome ("posted" rows' `to_status`), held and
      spam by reason code (the posted row's codes: a comment held for two reasons counts under both), appeals,
      approvals (all, and those without an actor: automatic releases), rejections by reason, marked as spam.
      They count what happened, so a comment rejected, appealed and rejected again counts twice.
    - With each hold reason, how many of the comments it held in the window are published now
      (`_published_after_hold`): how often that signal held a comment that was fine.
    - `chart`: the posted comments per local day of the window, by outcome.
    """
    now = now or timezone.now()
    since = now - timedelta(days=days)
    pending, oldest = _pending()
    first, last = timezone.localtime(since).date(), timezone.localtime(now).date()
    chart_days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    by_day = _history_counts(since, now, chart_days)
    counts = sum(by_day.values(), Counter())
    decision_time, answer_time, answered_in_time = _waits(since, now)
    published_later = _published_after_hold(since, now)
    return Figures(
        now=now,
        since=since,
        days=days,
        pending=pending,
        oldest_pending=now - oldest if oldest else None,
        decision_time=decision_time,
        answer_time=answer_time,
        answered_in_time=answered_in_time,
        published_at_once=counts["published"],
        held=counts["held"],
        spam_at_posting=counts["spam"],
        held_by_reason=[
            (code, str(REASON_LABELS[code]), counts[f"code_{code}"], published_later[code])
            for code in HOLD_CODES
        ],
        spam_by_reason=[(code, str(REASON_LABELS[code]), counts[f"code_{code}"]) for code in SPAM_CODES],
        appealed=counts["appealed"],
        approved=counts["approved"],
        approved_automatically=counts["approved_automatically"],
        rejected=counts["rejected"],
        rejected_by_reason=[
            (reason.value, str(reason.label), counts[f"rejected_{reason.value}"])
            for reason in RejectionReason
        ],
        marked_spam=counts["marked_spam"],
        # Every local day the window touches has a bar, so the bars add up to the window's counts; the first
        # and last days are partial. Published at once at the bottom, then held, then spam.
        chart=charts.stacked_bars(
            chart_days,
            {
                (day, status): by_day[index][status]
                for index, day in enumerate(chart_days)
                for status in STATUSES
            },
        ),
    )


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    published: int
    held: int
    held_by_reason: list[tuple[str, int]]  # (words, count), only the reasons that occurred
    appealed: int
    approved: int
    rejected: int
    rejected_by_reason: list[tuple[str, int]]
    spam: int


def monthly_counts(months=12, now=None):
    """For the public policy page: per calendar month (local time) of the last `months` including the current
    one, newest first, only months in which something happened, the history rows of that month counted as in
    `moderation_figures`: comments published at once, held (and by reason, in words), appeals, approvals after
    review, rejections (and by reason), and spam (filed at posting or marked by a moderator). Numbers only.
    One query. Spam is deleted after COMMENTS_SPAM_RETENTION_DAYS, and its history with it, so months older
    than that count little of it."""
    now = timezone.localtime(now or timezone.now())
    first = now.year * 12 + now.month - 1 - (months - 1)
    firsts = [date(number // 12, number % 12 + 1, 1) for number in range(first, first + months)]
    by_month = _history_counts(_midnight(firsts[0]), now, firsts)
    result = []
    for period, row in sorted(by_month.items(), reverse=True):
        month = Month(
            month=firsts[period],
            published=row["published"],
            held=row["held"],
            held_by_reason=[
                (str(REASON_LABELS[code]), row[f"code_{code}"]) for code in HOLD_CODES if row[f"code_{code}"]
            ],
            appealed=row["appealed"],
            approved=row["approved"],
            rejected=row["rejected"],
            rejected_by_reason=[
                (str(reason.label), row[f"rejected_{reason.value}"])
                for reason in RejectionReason
                if row[f"rejected_{reason.value}"]
            ],
            spam=row["spam"] + row["marked_spam"],
        )
        if month.published or month.held or month.appealed or month.approved or month.rejected or month.spam:
            result.append(month)
    return result


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time()))


def _period(days):
    """The index in `days` (ascending local dates) of the period each row's `created_at` falls in, from one
    day's local midnight to the next one's. Comparisons with boundaries computed here, rather than the
    database's time zone conversion, which SQLite does row by row in Python (ten times slower)."""
    whens = [When(created_at__gte=_midnight(day), then=Value(index)) for index, day in enumerate(days)]
    return Case(*reversed(whens), default=None, output_field=IntegerField())


def _history_counts(since, until, periods):
    """The history rows from `since` to `until` (both included) counted per period of `periods` (ascending
    local dates, see `_period`): {period index: Counter}, with for each period the figures `published`,
    `held` and `spam` (comments posted, by outcome), `code_<code>` (posted rows by reason code: a comment
    held for two reasons counts under both), `appealed`, `approved`, `approved_automatically` (no actor),
    `rejected`, `rejected_<reason>` and `marked_spam`. A missing figure counts 0. One query.

    The database only groups the rows by what the figures depend on, a few dozen groups a day, and the
    figures are summed here: one aggregate per figure would test every row against every reason code. The
    rows are read from the index of history dates alone, which holds the grouped columns."""
    groups = (
        CommentEvent.objects.filter(created_at__range=(since, until))
        .annotate(period=_period(periods))
        .values_list("period", "action", "to_status", "reason", "actor")
        .annotate(count=Count("*"))
        .order_by()
    )
    counts = defaultdict(Counter)
    rejection_reasons = set(RejectionReason.values)
    for period, action, to_status, reason, actor, count in groups:
        figures = counts[period]
        if action == Action.POSTED:
            figures[to_status] += count
            # The posted row's reasons are ", ".join(codes): framed by separators, a code matches only itself.
            codes = f", {reason},"
            for code in HOLD_CODES + SPAM_CODES:
                if f", {code}," in codes:
                    figures[f"code_{code}"] += count
        elif action in (Action.APPEALED, Action.APPROVED, Action.REJECTED, Action.MARKED_SPAM):
            figures[ACTION_FIGURES[action]] += count
            if action == Action.APPROVED and actor is None:
                figures["approved_automatically"] += count
            if action == Action.REJECTED and reason in rejection_reasons:
                figures[f"rejected_{reason}"] += count
    return counts


def _published_after_hold(since, until):
    """Of the comments posted from `since` to `until` (both included) with a reason to hold them, those
    published since (approved, or released by time), counted by each of their reason codes: how often each
    signal, the classifiers' included, held a comment that was fine. One query."""
    counts = Counter()
    published = Comment.objects.filter(created_at__range=(since, until), status=Comment.Status.PUBLISHED)
    for reasons in published.exclude(policy_reasons=[]).values_list("policy_reasons", flat=True).order_by():
        counts.update(set(reasons))
    return counts


def _pending():
    """How many comments are held, and when the longest-waiting one entered the queue. One query."""
    appealed_at = (
        CommentEvent.objects.filter(comment=OuterRef("pk"), action=Action.APPEALED)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    # Only an appeal looks its date up in the history (a CASE evaluates one branch): a few lookups, not one
    # for every held comment.
    entered = Case(
        When(is_appeal=True, then=Coalesce(Subquery(appealed_at), "created_at")), default="created_at"
    )
    figures = Comment.objects.held().order_by().aggregate(count=Count("pk"), oldest=Min(entered))
    return figures["count"], figures["oldest"]


def _waits(since, now):
    """The decision time, the answer time and the share of questions answered in time. Two queries."""
    first_decision = (
        CommentEvent.objects.filter(
            comment=OuterRef("comment"),
            action__in=DECISIONS,
            created_at__gte=OuterRef("created_at"),
            created_at__lte=now,
        )
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    # Each row brings back its wait, computed by the database: one duration instead of two dates, which
    # are the slowest values to read (a month of a busy blog has thousands of rows here).
    held = (
        CommentEvent.objects.filter(
            action=Action.POSTED, to_status=Status.HELD, created_at__range=(since, now)
        )
        # A comment its author erased while held waits for no decision.
        .exclude(Q(comment=None) | Q(comment__status=Status.DELETED))
        .annotate(decided_at=Subquery(first_decision))
        .order_by()
        .values_list(F("decided_at") - F("created_at"), flat=True)
    )
    decided = [wait for wait in held if wait is not None]
    decision_time = Median.of(decided, waiting=len(held) - len(decided))

    first_answer = (
        Comment.objects.answering(OuterRef("pk"))
        .filter(created_at__lte=now)
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    old_enough = ExpressionWrapper(Q(created_at__lte=now - ANSWER_DEADLINE), output_field=BooleanField())
    questions = (
        Comment.objects.questions_for_the_author()
        .filter(created_at__range=(since, now))
        .annotate(answered_at=Subquery(first_answer))
        .order_by()
        .values_list(F("answered_at") - F("created_at"), old_enough)
    )
    answered = [wait for wait, _judged in questions if wait is not None]
    answer_time = Median.of(answered, waiting=len(questions) - len(answered))

    judged = [wait is not None and wait <= ANSWER_DEADLINE for wait, judged in questions if judged]
    share = Share(answered=sum(judged), asked=len(judged), too_recent=len(questions) - len(judged))
    return decision_time, answer_time, share
