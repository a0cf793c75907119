"""Versions of an article's words: recorded at each save, restored in one step, and compared word by word.

Every save through the admin records a Revision (title, summary, body, tags, status, who, when); an editor's
unsaved text is kept as their one autosave of the article, replaced as they type and deleted when they save.
Restoring a version is a save like any other: it writes the words back to the article and records a new
revision, so that the history only grows.
"""

import difflib
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Revision, Tag

# Unchanged lines shown around each change; longer unchanged runs are folded.
CONTEXT_LINES = 2
# The word comparison is quadratic in the worst case: a changed block of more words and spaces than this is
# shown as removed then added, and so is every block once a comparison has compared this many in all (at
# most 0.7 s on a loaded machine for a made-up worst case; a real 100 KB body, 20 paragraphs edited or
# all of it rewritten, takes 0.05 s).
MAX_WORDS_PER_BLOCK = 1000
MAX_WORDS_PER_COMPARISON = 10_000
WORDS = re.compile(r"\s+|\w+|[^\w\s]")
FIELDS = [("title", _("Title")), ("summary", _("Summary")), ("tags", _("Tags")), ("body", _("Body"))]


def current_version(article):
    """What the admin form carries to tell a stale save: the time of the article's last write."""
    return article.updated_at.isoformat() if article.updated_at else ""


def record(article, by, kind=Revision.Kind.SAVE, restored_from=None, at=None):
    """Record the article as just saved by `by` (its tags included: call after they are saved), and delete
    `by`'s autosave, which this save makes old. `at`: when, if not now (content loaded with its own dates)."""
    with transaction.atomic():
        revision = _version_of(
            article, by, kind=kind, restored_from=restored_from, created_at=at or timezone.now()
        )
        revision.save()
        if by is not None:
            article.revisions.autosaves().filter(author=by).delete()
    return revision


def record_each(articles, by):
    """Record each of `articles` (a queryset, read again) as changed by `by` in bulk, as the list's publish
    and unpublish actions do: a status change is a version too. Their editors' autosaves are kept: their
    text was not saved."""
    Revision.objects.bulk_create(
        _version_of(article, by)
        for article in articles.prefetch_related("tags").defer("body_html", "search_vector")
    )


def _version_of(article, by, **fields):
    """An unsaved version holding the article's words, tags and status as they are, written by `by`."""
    return Revision(
        article=article,
        title=article.title,
        summary=article.summary,
        body=article.body,
        body_is_html=article.body_is_html,
        tags=sorted(tag.name for tag in article.tags.all()),
        status=article.status,
        author=by,
        **fields,
    )


def autosave(article, by, *, title, summary, body):
    """Keep `by`'s unsaved text of `article` as their one autosave (replacing the one before). Nothing of
    the article changes."""
    revision, _created = Revision.objects.update_or_create(
        article=article,
        author=by,
        kind=Revision.Kind.AUTOSAVE,
        defaults={
            "title": title[:200],
            "summary": summary,
            "body": body,
            "body_is_html": article.body_is_html,
            "tags": sorted(tag.name for tag in article.tags.all()),
            "status": article.status,
            "created_at": timezone.now(),
        },
    )
    return revision


def restore(revision, by):
    """Write `revision`'s title, summary, body (Markdown, or imported HTML as it was) and tags back to its
    article, as a save by `by`. The status and the publication date stay as they are: restoring an early
    draft of a published article changes its words, it does not take it offline."""
    article = revision.article
    with transaction.atomic():
        article.title, article.summary, article.body = revision.title, revision.summary, revision.body
        article.body_is_html = revision.body_is_html
        article.save()
        article.tags.set(tags_named(revision.tags))
        return record(article, by, kind=Revision.Kind.RESTORE, restored_from=revision)


def tags_named(names):
    """The tags called `names`, made again when one was deleted since."""
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return [existing.get(name) or Tag.objects.create(name=name) for name in names]


def prune_autosaves():
    """Delete autosaves older than AUTOSAVE_KEEP_DAYS (the periodic jobs call it). Returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.AUTOSAVE_KEEP_DAYS)
    deleted, _by_model = Revision.objects.autosaves().filter(created_at__lt=cutoff).delete()
    return deleted


def text_of(source):
    """The words of an article or a revision, as compared: a dict of the compared fields."""
    tags = source.tags if isinstance(source, Revision) else sorted(t.name for t in source.tags.all())
    return {"title": source.title, "summary": source.summary, "tags": ", ".join(tags), "body": source.body}


def compare(old, new):
    """The differences between two texts (dicts as made by `text_of`), field by field: a list of
    (label, HTML) for the fields that differ. Everything in the HTML is escaped; removed words are in
    <del>, added ones in <ins>."""
    return [
        (label, _lines_diff(old.get(name, ""), new.get(name, "")))
        for name, label in FIELDS
        if old.get(name, "") != new.get(name, "")
    ]


def _lines_diff(old, new):
    old_lines, new_lines = old.splitlines(), new.splitlines()
    parts = []
    budget = MAX_WORDS_PER_COMPARISON
    # Blank lines, frequent in Markdown, are junk to the matcher (autojunk): anchoring on them is quadratic.
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(_unchanged(old_lines[i1:i2], first=i1 == 0, last=i2 == len(old_lines)))
        else:
            removed, added = "\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])
            old_words, new_words = WORDS.findall(removed), WORDS.findall(added)
            size = len(old_words) + len(new_words)
            if size > min(MAX_WORDS_PER_BLOCK, budget):
                change = _marked("del", removed) + _marked("ins", added)
            else:
                budget -= size
                change = _words_diff(old_words, new_words)
            parts.append(f'<div class="diff-change">{change}</div>')
    return mark_safe("".join(parts))  # every piece of text went through escape()


def _unchanged(lines, *, first, last):
    """Unchanged lines, folded to their context around the changes."""
    keep_before = 0 if first else CONTEXT_LINES
    keep_after = 0 if last else CONTEXT_LINES
    if len(lines) <= keep_before + keep_after + 1:
        return "".join(_line(line) for line in lines)
    head, tail = lines[:keep_before], lines[len(lines) - keep_after :] if keep_after else []
    folded = len(lines) - len(head) - len(tail)
    note = ngettext("%(count)d unchanged line", "%(count)d unchanged lines", folded) % {"count": folded}
    return (
        "".join(_line(line) for line in head)
        + f'<div class="diff-fold">… {escape(note)} …</div>'
        + "".join(_line(line) for line in tail)
    )


def _line(line):
    return f'<div class="diff-same">{escape(line) or "&nbsp;"}</div>'


def _words_diff(old_words, new_words):
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    opcodes = matcher.get_opcodes()
    # (unchanged text, removed text, added text) runs. Spaces alone between two changes join them: a
    # rewritten sentence reads as one removal and one addition, not word against word.
    runs = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        removed, added = "".join(old_words[i1:i2]), "".join(new_words[j1:j2])
        between = 0 < index < len(opcodes) - 1
        if tag == "equal" and not (between and removed.isspace()):
            runs.append((removed, "", ""))
        elif runs and runs[-1][0] == "":
            runs[-1] = ("", runs[-1][1] + removed, runs[-1][2] + added)
        else:
            runs.append(("", removed, added))
    return "".join(escape(same) + _marked("del", gone) + _marked("ins", came) for same, gone, came in runs)


def _marked(element, text):
    return f"<{element}>{escape(text)}</{element}>" if text else ""
