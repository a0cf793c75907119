"""A blog's worth of rows, written fast: shared by serve.py and scale.py.

Articles go through `Article.save()` once per distinct body and are copied from there; comments, their history
and reports are plain rows of the real models written in bulk (COPY on PostgreSQL, bulk_create elsewhere),
with `body_html` rendered by `markup.render_comment` once per distinct text. Threads grow the way a blog's do:
top-level conversations with replies nested to COMMENTS_MAX_DEPTH, a few questions (most answered by the
author), a few comments held, rejected, marked as spam or reported. Everything follows from a seed, so two
runs seed the same site.
"""

import itertools
import json
import random
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models

from accounts.models import User
from blog import markup
from blog.models import Article, Tag
from comments.models import Comment, CommentEvent, Report


@dataclass(frozen=True)
class Shares:
    """How often each moderation state and each kind of comment occurs: a busy blog's by default (3,000 held
    and 500 reported per million). A small database that should still fill every admin list's first page
    asks for larger shares."""

    held: float = 0.003  # of all comments
    rejected: float = 0.005
    spam: float = 0.01
    reported: float = 0.0005
    appeals: float = 0.1  # of held comments: rejected once, then appealed
    questions: float = 0.1  # of top-level comments
    answered: float = 0.75  # of questions, by the author a few comments later


BUSY_BLOG = Shares()
TOP_LEVEL = 0.3  # a new comment starts a conversation; the others reply in one
OWNER_REPLY = 0.03  # of replies, the author joining a conversation
HELD_THEN_APPROVED = 0.02  # of published readers' comments
SPAN = timedelta(days=3 * 365)  # articles are published over the last three years
DISCUSSION = timedelta(days=60)  # comments come in the two months after publication, most in the first days

TAGS = ["Django", "Python", "Writing", "Moderation", "Community", "Design", "Databases", "Notes"]
NAMES = [
    "Alice",
    "Bruno",
    "Chloé",
    "David",
    "Emma",
    "Farid",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Jules",
    "Karim",
    "Léa",
]
SURNAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "Roux",
    "Fournier",
]

# Each article's body is one of these sections, five times over (about 2 KB of Markdown).
BODIES = [
    "## Why comments matter\n\nA blog that answers its readers keeps them. This article is about "
    "**moderation** done in the open: what gets held, why, and how long a decision takes.\n\n- publish "
    "first\n- hold on a signal\n- explain every removal\n\n> Criticism is not abuse.\n\nSee "
    "[the policy](https://example.org/policy) for the details.\n\n",
    "## Indexes, in practice\n\nMost slow pages are a missing index or a query in a loop. Measure with "
    "`EXPLAIN ANALYZE`, then fix the **query**, not the cache.\n\n```sql\nSELECT * FROM comments WHERE "
    "article_id = 1;\n```\n\n| rows | ms |\n|---|---|\n| 1,000 | 1 |\n| 1,000,000 | 40 |\n\n",
    "## Writing every week\n\nA short text every week beats a long one every month. *Drafts* pile up; "
    "published notes start conversations.\n\n1. write\n2. publish\n3. answer\n\nReaders' questions are "
    "the best source of the next article.\n\n",
    "## Templates that stay fast\n\nA template that loops over hundreds of comments pays for every filter "
    "and every `{% url %}` inside the loop. Compute once in Python, print in the template.\n\n- dates\n"
    "- links\n- translations\n\n",
]
TEXTS = [
    "Thanks, this is useful.",
    "I *mostly* agree, but the second point misses how small teams work.",
    "> publish first\n\nThis is the part I never managed. How do you keep up when a post takes off?",
    "We tried the same thing last year and went back. The numbers were fine; the tone was not.",
    "Great read. A small typo in the third paragraph: *decision* is spelled twice.",
    "I disagree with the conclusion. Holding nothing means the loudest reader sets the tone, and the quiet "
    "ones leave. A short delay on the first comment of a new reader costs little and saves a lot.",
    "Here is how we do it: [our notes](https://example.org/notes). Not perfect, but it scales.",
    "- fewer rules\n- clearer reasons\n- faster answers\n\nThat is the whole recipe, in my experience.",
    "Same experience here.",
    "This deserves a follow-up article about what happens after a rejection: do people appeal, and does it "
    "change anything? I would read that.",
]
QUESTIONS = [
    "How long do you keep spam before deleting it?",
    "Would this work for a site with several authors, or does it assume one owner?",
    "Do you publish the moderation numbers somewhere? I would like to compare with ours.",
]
ANSWERS = [
    "Thirty days, then it is deleted with its history. Good question: I will add it to the policy page.",
    "It works with several authors: each answers on their own articles, and moderators see every queue.",
    "Yes, the policy page shows them month by month.",
]
OWNER_REPLIES = ["Thank you, fixed.", "Fair point. I will come back to it in the next article."]
HOLD_REASONS = [["links"], ["hold_word"], ["rate", "links"], ["duplicate"], ["banned"]]


@cache
def rendered(text):
    return markup.render_comment(text)


def create_owner():
    return User.objects.create_superuser(
        "owner", "owner@example.com", None, first_name="Camille", last_name="Martin"
    )


def create_articles(count, author, now):
    """`count` published articles by `author`, newest first (article-0 is the newest), evenly spread over
    SPAN before `now`, two tags each. The first of each body goes through `save()`; the others copy its
    rendered HTML, reading time and search vector."""
    tags = [Tag.objects.create(name=name) for name in TAGS]
    step = SPAN / count

    def article(number):
        return Article(
            title=f"Article {number}: notes on a blog that answers",
            slug=f"article-{number}",
            author=author,
            summary="One or two sentences shown in lists and feeds.",
            body=BODIES[number % len(BODIES)] * 5,
            status=Article.Status.PUBLISHED,
            published_at=now - step * (number + 0.5),
        )

    originals = [article(number) for number in range(min(count, len(BODIES)))]
    for original in originals:
        original.save()
    copies = []
    for number in range(len(originals), count):
        copies.append(article(number))
        original = originals[number % len(originals)]
        copies[-1].body_html, copies[-1].reading_time = original.body_html, original.reading_time
    Article.objects.bulk_create(copies, batch_size=2000)
    for original in originals:
        vector = Article.objects.filter(pk=original.pk).values("search_vector")
        Article.objects.filter(body=original.body).exclude(pk=original.pk).update(search_vector=vector)
    articles = list(Article.objects.order_by("-published_at").only("id", "slug", "published_at"))
    Article.tags.through.objects.bulk_create(
        [
            Article.tags.through(article_id=article.pk, tag_id=tags[(number + shift) % len(tags)].pk)
            for number, article in enumerate(articles)
            for shift in (0, 3)
        ],
        batch_size=5000,
    )
    return articles


def spread(total, count, fixed=()):
    """Comment counts for `count` articles adding up to `total`: `fixed` for the first ones, the rest drawn
    from a long-tailed distribution (most articles get a few comments, some get thousands)."""
    rng = random.Random("spread")
    rest = total - sum(fixed)
    weights = [rng.lognormvariate(0, 1.2) for _ in range(count - len(fixed))]
    weight_sum = sum(weights)
    shares = [rest * weight / weight_sum for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda index: counts[index] - shares[index])
    for index in by_remainder[: rest - sum(counts)]:
        counts[index] += 1
    return [*fixed, *counts]


def quotas(counts, share):
    """How many of each article's comments get a property that `share` of all comments have: proportional,
    adding up to the rounded total."""
    totals = [int(share * cumulated + 0.5) for cumulated in itertools.accumulate(counts, initial=0)]
    return [after - before for before, after in itertools.pairwise(totals)]


class Thread:
    """The rows of one article's comments, their history and their reports, ids from `first_id`."""

    def __init__(self, article, count, *, first_id, owner, now, readers, shares, quota, seed):
        self.article, self.owner, self.now, self.readers = article, owner, now, readers
        self.shares = shares
        self.rng = random.Random(f"thread-{seed}")
        self.comments, self.events, self.reports, self.by_id = [], [], [], {}
        self.grow(count, first_id)
        self.moderate(**quota)
        for comment in self.comments:
            self.record(comment)

    def grow(self, count, first_id):
        rng, max_depth = self.rng, settings.COMMENTS_MAX_DEPTH
        start = self.article.published_at
        end = min(self.now, start + DISCUSSION)
        times = sorted(start + (end - start) * rng.random() ** 3 for _ in range(count))
        conversations, conversation_of, answer_due = [], {}, {}
        for number, created_at in enumerate(times):
            question = answer_due.pop(number, None)
            kind, reply_to = "reader", None
            if question is not None:
                kind, reply_to = "answer", question
            elif conversations and rng.random() > TOP_LEVEL:
                conversation = conversations[-1 - min(int(rng.expovariate(0.5)), len(conversations) - 1)]
                reply_to = conversation[-1] if rng.random() < 0.6 else rng.choice(conversation)
                kind = "owner" if rng.random() < OWNER_REPLY else "reader"
            elif rng.random() < self.shares.questions:
                kind = "question"
            # Threaded as comments.services threads a reply: never deeper than COMMENTS_MAX_DEPTH.
            parent = reply_to
            while parent is not None and parent["depth"] >= max_depth - 1:
                parent = self.by_id[parent["parent_id"]]
            comment = self.comment(first_id + number, kind, created_at, reply_to, parent)
            if reply_to is None:
                conversations.append([])
                conversation_of[comment["id"]] = conversations[-1]
            else:
                conversation_of[comment["id"]] = conversation_of[reply_to["id"]]
            conversation_of[comment["id"]].append(comment)
            if kind == "question" and rng.random() < self.shares.answered:
                due = number + rng.randint(1, 8)
                while due in answer_due:
                    due += 1
                answer_due[due] = comment

    def comment(self, pk, kind, created_at, reply_to, parent):
        by_owner = kind in ("answer", "owner")
        reader = self.rng.randrange(self.readers)
        text = {"answer": ANSWERS, "owner": OWNER_REPLIES, "question": QUESTIONS}.get(kind, TEXTS)
        body = self.rng.choice(text)
        comment = {
            "id": pk,
            "article_id": self.article.pk,
            "parent_id": parent["id"] if parent else None,
            "root_id": (parent["root_id"] or parent["id"]) if parent else None,
            "reply_to_id": reply_to["id"] if reply_to else None,
            "depth": parent["depth"] + 1 if parent else 0,
            "user_id": self.owner.pk if by_owner else None,
            "author_name": self.owner.display_name if by_owner else reader_name(reader),
            "author_email": self.owner.email if by_owner else f"reader{reader}@example.com",
            "author_url": "",
            "body": body,
            "body_html": rendered(body),
            "is_question": kind == "question",
            "notify_replies": False,
            "status": Comment.Status.PUBLISHED,
            "policy_reasons": [],
            "rejection_reason": "",
            "is_appeal": False,
            "answer_not_needed": False,
            "ip_address": None if by_owner else f"10.{reader >> 16 & 255}.{reader >> 8 & 255}.{reader & 255}",
            "user_agent": "",
            "created_at": created_at,
            "moderated_at": None,
            "moderated_by_id": None,
        }
        self.comments.append(comment)
        self.by_id[pk] = comment
        return comment

    def moderate(self, *, held, rejected, spam, reported):
        """Spam and held comments among those nobody answered; rejections and open reports anywhere."""
        rng = self.rng
        answered = {c[key] for c in self.comments for key in ("parent_id", "reply_to_id")}
        readers = [c for c in self.comments if c["user_id"] is None]
        leaves = [c for c in readers if c["id"] not in answered]
        rng.shuffle(leaves)
        for number, comment in enumerate(leaves[:spam]):
            comment.update(status=Comment.Status.SPAM, policy_reasons=[("honeypot", "too_fast")[number % 2]])
        # Drawn, not counted within the thread: most threads hold one comment or none, and a count restarting
        # in each would give nearly every held comment the first reason and none an appeal.
        for comment in leaves[spam : spam + held]:
            comment.update(status=Comment.Status.HELD, policy_reasons=rng.choice(HOLD_REASONS))
            if rng.random() < self.shares.appeals:  # rejected once, back in the queue
                comment.update(
                    is_appeal=True, rejection_reason="insult", policy_reasons=["hold_word", "appeal"]
                )
                self.decide(comment)
        published = [c for c in readers if c["status"] == Comment.Status.PUBLISHED]
        rng.shuffle(published)
        reasons = ["insult", "spam", "hate", "personal_data"]
        for number, comment in enumerate(published[:rejected]):  # reported by a reader, then rejected
            comment.update(status=Comment.Status.REJECTED, rejection_reason=reasons[number % len(reasons)])
            self.decide(comment)
            self.report(comment, resolved_at=comment["moderated_at"])
        for comment in published[rejected : rejected + reported]:
            self.report(comment)
        for comment in published[rejected + reported :]:
            if rng.random() < HELD_THEN_APPROVED:
                comment["policy_reasons"] = HOLD_REASONS[comment["id"] % 2]
                self.decide(comment)

    def decide(self, comment):
        later = comment["created_at"] + timedelta(hours=self.rng.uniform(0.2, 30))
        comment.update(moderated_at=min(later, self.now), moderated_by_id=self.owner.pk)

    def report(self, comment, resolved_at=None):
        posted = comment["created_at"]
        self.reports.append(
            {
                "comment_id": comment["id"],
                "reason": "insult" if comment["id"] % 3 else "other",
                "note": "",
                "ip_address": "192.0.2.7",
                "created_at": posted + ((resolved_at or self.now) - posted) / 2,
                "resolved_at": resolved_at,
            }
        )

    def record(self, comment):
        """The history a comment in this state has: its posting, and the decisions that led there."""
        status, decided, reasons = comment["status"], comment["moderated_at"], comment["policy_reasons"]
        held, published = Comment.Status.HELD, Comment.Status.PUBLISHED
        if status == Comment.Status.REJECTED:
            self.event(comment, "posted", "", published, "", comment["created_at"])
            self.event(
                comment, "rejected", published, status, comment["rejection_reason"], decided, actor=True
            )
        elif comment["is_appeal"]:
            self.event(comment, "posted", "", held, "hold_word", comment["created_at"])
            self.event(comment, "rejected", held, "rejected", "insult", decided, actor=True)
            self.event(comment, "appealed", "rejected", held, "insult", decided + timedelta(hours=1))
        elif decided:
            self.event(comment, "posted", "", held, ", ".join(reasons), comment["created_at"])
            self.event(comment, "approved", held, status, "", decided, actor=True)
        else:
            self.event(comment, "posted", "", status, ", ".join(reasons), comment["created_at"])

    def event(self, comment, action, from_status, to_status, reason, created_at, *, actor=False):
        self.events.append(
            {
                "comment_id": comment["id"],
                "actor_id": self.owner.pk if actor or comment["user_id"] else None,
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "reason": reason,
                "note": "",
                "created_at": min(created_at, self.now),
            }
        )


def reader_name(number):
    return f"{NAMES[number % len(NAMES)]} {SURNAMES[number // len(NAMES) % len(SURNAMES)]}"


def threads(articles, counts, *, first_id, owner, now, readers, shares, seed):
    """One `Thread` per article, made one at a time (a million comments never sit in memory at once)."""
    first_ids = itertools.accumulate(counts, initial=first_id)
    states = ["held", "rejected", "spam", "reported"]
    per_article = zip(*(quotas(counts, getattr(shares, state)) for state in states), strict=True)
    for article, count, first, quota in zip(articles, counts, first_ids, per_article, strict=False):
        yield Thread(
            article,
            count,
            first_id=first,
            owner=owner,
            now=now,
            readers=readers,
            shares=shares,
            quota=dict(zip(states, quota, strict=True)),
            seed=f"{seed}-{article.pk}",
        )


def insert(model, rows):
    """Write `rows` (dicts of `model`'s attribute names to values) to its table: COPY on PostgreSQL,
    bulk_create elsewhere. Fields a row leaves out get their default; explicit ids move the table's
    sequence past them."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    rows = itertools.chain([first], rows)
    if connection.vendor == "postgresql":
        # COPY fills a column left out with the database's default, and Django's defaults are not there.
        fields = [f for f in model._meta.concrete_fields if f.attname in first or not f.primary_key]
        defaults = {field.attname: field.get_default() for field in fields if field.attname not in first}
        json_names = [field.attname for field in fields if isinstance(field, models.JSONField)]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                row = {**defaults, **row}
                for name in json_names:
                    row[name] = json.dumps(row[name])
                copy.write_row([row[field.attname] for field in fields])
    else:
        while batch := list(itertools.islice(rows, 1000)):
            model.objects.bulk_create([model(**row) for row in batch])
    if "id" in first:
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)


def seed_comments(articles, counts, *, owner, now, readers, shares=BUSY_BLOG, seed=0):
    """Comments, then their history and reports. The threads are made twice, identically: PostgreSQL takes
    one COPY at a time per connection, and a million comments' rows never sit in memory at once."""
    first_id = (Comment.objects.aggregate(models.Max("id"))["id__max"] or 0) + 1
    shape = {
        "first_id": first_id,
        "owner": owner,
        "now": now,
        "readers": readers,
        "shares": shares,
        "seed": seed,
    }
    insert(Comment, (row for thread in threads(articles, counts, **shape) for row in thread.comments))
    reports = []

    def events():
        for thread in threads(articles, counts, **shape):
            reports.extend(thread.reports)
            yield from thread.events

    insert(CommentEvent, events())
    insert(Report, reports)
