"""Comments from another blog: WordPress's, read with their posts by blog.wordpress, and Disqus's.

Imported comments are history, not new posts: they keep their dates, authors and addresses, do not go through
the live policy (it judges new comments, with their pace and form timing, which an import does not have) and
send no mail. Their status says what the old blog had decided: approved → published, pending → held with the
reason "imported as pending", spam → spam. WordPress's trash, pingbacks and trackbacks, and comments deleted
on Disqus are not imported; a reply to one hangs from the nearest comment that was. Each comment remembers
where it came from (`import_key`), so that importing the same file again adds only what is new. A history row
says each was imported.
"""

import ipaddress
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.urls import Resolver404, resolve
from django.utils import timezone

from blog import markup, page_cache, wordpress
from blog.control_characters import without_control_characters
from blog.models import Article, OldAddress

from .models import Comment, CommentEvent
from .moderation import Reason, RejectionReason
from .services import _depth_under, _thread_parent

# What Causerie's own export keeps of a comment beyond WordPress's fields (comments/exporting.py).
STATUS_META = "_causerie_status"
REASONS_META = "_causerie_policy_reasons"
REJECTION_META = "_causerie_rejection_reason"
QUESTION_META = "_causerie_question"

ERASED_SINCE = "erased by their authors since an earlier import"
WORDPRESS_STATUSES = {"1": Comment.Status.PUBLISHED, "0": Comment.Status.HELD, "spam": Comment.Status.SPAM}
_URL = URLValidator(schemes=["http", "https"])


@dataclass
class Incoming:
    """A comment to import, in plain values."""

    key: str
    parent_key: str | None
    author_name: str
    author_email: str
    author_url: str
    ip_address: str
    created_at: datetime
    body: str
    status: str
    policy_reasons: list = field(default_factory=list)
    rejection_reason: str = ""
    is_question: bool = False
    user: object = None


def save(article, incoming, *, source):
    """Save the `incoming` comments of `article` that were not imported before, threaded as they were, in a
    few queries per level of the thread. The network addresses of those older than
    COMMENTS_ADDRESS_RETENTION_DAYS are left behind, as the retention job would erase them. Returns how many
    were saved."""
    keys = [item.key for item in incoming] + [item.parent_key for item in incoming if item.parent_key]
    known = {c.import_key: c for c in Comment.objects.filter(import_key__in=keys)}
    gone = erased(keys)
    waiting = [item for item in incoming if item.key not in known and item.key not in gone]
    saved = []
    cutoff = timezone.now() - timedelta(days=settings.COMMENTS_ADDRESS_RETENTION_DAYS)
    while waiting:
        # A generation: the comments whose parent is saved already, or that have none (or one not imported,
        # or erased by its author: the reply then starts its own conversation).
        coming = {item.key for item in waiting}
        generation = [item for item in waiting if item.parent_key in known or item.parent_key not in coming]
        if not generation:  # a loop of parents in a broken export: the rest start their own conversations
            generation, waiting = waiting, []
            for item in generation:
                item.parent_key = None
        waiting = [item for item in waiting if item not in generation]
        comments = [_comment(article, item, known.get(item.parent_key), cutoff) for item in generation]
        Comment.objects.bulk_create(comments, batch_size=500)
        known.update((c.import_key, c) for c in comments)
        saved += comments
    CommentEvent.objects.bulk_create(
        [
            CommentEvent(
                comment=c,
                action=CommentEvent.Action.POSTED,
                to_status=c.status,
                reason=", ".join(c.policy_reasons),
                note=f"Imported from {source}.",
                created_at=c.created_at,
            )
            for c in saved
        ],
        batch_size=500,
    )
    if saved:
        page_cache.content_changed()
    return len(saved)


def erased(keys):
    """Those of the import `keys` whose comment was erased by its author (or for them) since it was imported:
    importing the same export again must not bring their words back."""
    erasures = CommentEvent.objects.filter(action=CommentEvent.Action.ERASED, import_key__in=keys)
    return set(erasures.values_list("import_key", flat=True))


def _comment(article, item, reply_to, cutoff):
    parent = _thread_parent(reply_to)
    body = item.body
    return Comment(
        article=article,
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent else None,
        reply_to=reply_to,
        depth=_depth_under(reply_to),
        user=item.user,
        author_name=item.author_name[:80],
        author_email=_valid(validate_email, item.author_email),
        author_url=_valid(_URL, item.author_url) if len(item.author_url) <= 200 else "",
        body=body,
        body_html=markup.render_comment(body),
        is_question=item.is_question,
        status=item.status,
        policy_reasons=item.policy_reasons,
        rejection_reason=item.rejection_reason,
        ip_address=_address(item.ip_address) if item.created_at >= cutoff else None,
        created_at=item.created_at,
        import_key=item.key,
    )


def _valid(validator, value):
    try:
        validator(value)
    except ValidationError:
        return ""
    return value


def _address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


# WordPress


def from_wordpress(export, post, users, skipped):
    """The comments of WordPress's `post` to import (see the module's docstring for which, and their
    statuses); those left out are counted in `skipped` by reason."""
    by_id = {c.id: c for c in post.comments}
    # Those imported before are not converted again: running an import twice costs little the second time.
    keys = [export.key(c.id) for c in post.comments]
    before = set(Comment.objects.filter(import_key__in=keys).values_list("import_key", flat=True))
    gone = erased(keys) - before
    kept = {}
    for c in post.comments:
        status, reasons, rejection = _wordpress_status(c)
        if c.type in {"pingback", "trackback"}:
            skipped["pingbacks and trackbacks are not comments"] += 1
        elif status is None:
            skipped[f"status {c.approved or 'none'} (WordPress's trash)"] += 1
        else:
            kept[c.id] = (c, status, reasons, rejection)
    incoming = []
    for c, status, reasons, rejection in kept.values():
        if export.key(c.id) in before:
            continue
        if export.key(c.id) in gone:
            skipped[ERASED_SINCE] += 1
            continue
        parent = by_id.get(c.parent)
        while parent is not None and parent.id not in kept:  # the nearest ancestor imported
            parent = by_id.get(parent.parent) if parent.parent != parent.id else None
        placeholder = status == Comment.Status.DELETED  # erased by its author on a Causerie site
        body = (
            ""
            if placeholder
            else c.meta.get(wordpress.MARKDOWN_META) or wordpress.html_to_markdown(c.content)[0]
        )
        if not body.strip() and not placeholder:
            skipped["empty"] += 1
            continue
        incoming.append(
            Incoming(
                key=export.key(c.id),
                parent_key=export.key(parent.id) if parent else None,
                author_name="" if placeholder else c.author or "Anonymous",
                author_email=c.email,
                author_url=c.url,
                ip_address=c.ip,
                created_at=c.date,
                body=body,
                status=status,
                policy_reasons=reasons,
                rejection_reason=rejection,
                is_question=c.meta.get(QUESTION_META) == "1",
                user=users.get(c.user_id),
            )
        )
    return incoming


def _wordpress_status(c):
    """(status, policy reasons, rejection reason) of a WordPress comment, or (None, ...) to leave it out."""
    own = c.meta.get(STATUS_META)
    if own in Comment.Status.values:  # Causerie's own export: exactly what it was
        try:
            reasons = [str(code) for code in json.loads(c.meta.get(REASONS_META) or "[]")]
        except (ValueError, TypeError):
            reasons = []
        rejection = c.meta.get(REJECTION_META, "")
        return own, reasons, rejection if rejection in RejectionReason.values else ""
    status = WORDPRESS_STATUSES.get(c.approved)
    return status, [Reason.IMPORTED_PENDING] if status == Comment.Status.HELD else [], ""


# Disqus

DISQUS = "{http://disqus.com}"
DISQUS_ID = "{http://disqus.com/disqus-internals}id"


@dataclass
class Thread:
    id: str
    identifier: str
    link: str
    title: str
    posts: list = field(default_factory=list)


def read_disqus(path, max_bytes=wordpress.DEFAULT_MAX_BYTES):
    """The threads of a Disqus export (Admin → Export), each with its posts. Refused like a WordPress
    export (blog.wordpress.parse_xml) when it cannot be read safely."""
    root = wordpress.parse_xml(path, max_bytes)
    if root.tag != f"{DISQUS}disqus":
        raise wordpress.Refused(f"{path} is not a Disqus export: nothing was imported.")

    def text(element, name):
        return without_control_characters((element.findtext(DISQUS + name) or "").strip())

    threads = {}
    for element in root.findall(f"{DISQUS}thread"):
        thread_id = element.get(DISQUS_ID, "")
        threads[thread_id] = Thread(
            thread_id, text(element, "id"), text(element, "link"), text(element, "title")
        )
    for element in root.findall(f"{DISQUS}post"):
        thread = element.find(f"{DISQUS}thread")
        parent = element.find(f"{DISQUS}parent")
        author = element.find(f"{DISQUS}author")
        post = {
            "id": element.get(DISQUS_ID, ""),
            "parent": parent.get(DISQUS_ID) if parent is not None else None,
            "message": without_control_characters(element.findtext(f"{DISQUS}message") or ""),
            "created_at": _disqus_date(text(element, "createdAt")),
            "deleted": text(element, "isDeleted") == "true",
            "spam": text(element, "isSpam") == "true",
            "approved": text(element, "isApproved") != "false",  # older exports have no such field
            "name": text(author, "name") if author is not None else "",
            "email": text(author, "email") if author is not None else "",
            "url": text(author, "link") if author is not None else "",
            "ip": text(element, "ipAddress"),
        }
        owner = threads.get(thread.get(DISQUS_ID, "") if thread is not None else "")
        if owner is not None and post["id"]:
            owner.posts.append(post)
    return list(threads.values())


def _disqus_date(value):
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return timezone.now()


def article_for(thread):
    """The article a Disqus thread was about: by its link (the article's address here, or an old address an
    import kept), else by its identifier (the WordPress plugin's "123 https://…/?p=123", a slug, a path)."""
    candidates = []
    for value in (thread.link, thread.identifier):
        url = urlsplit(value)
        if url.path:
            candidates.append((url.path, url.query))
    for path, query in candidates:
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        if match is not None and match.view_name == "blog:article":
            article = Article.objects.filter(slug=match.kwargs["slug"]).first()
            if article is not None:
                return article
        old = OldAddress.objects.filter(path__in=[path, f"{path}?{query}"]).select_related("article").first()
        if old is not None:
            return old.article
    first_word, _, url = thread.identifier.partition(" ")
    if first_word.isdigit():  # the WordPress plugin's: the post's id, then its guid on that blog
        imported = Article.objects.filter(
            import_key__startswith="wordpress:", import_key__endswith=f":{first_word}"
        )
        host = urlsplit(url).netloc
        return (imported.filter(import_key__contains=f":{host}:") if host else imported).first()
    slug = first_word.strip("/").rsplit("/", 1)[-1]
    return Article.objects.filter(slug=slug).first() if slug else None


def from_disqus(thread, skipped):
    """The posts of a Disqus thread to import, threaded; deleted ones are left out (counted in `skipped`)."""
    by_id = {post["id"]: post for post in thread.posts}
    kept = {post["id"] for post in thread.posts if not post["deleted"]}
    skipped["deleted on Disqus"] += len(thread.posts) - len(kept)
    gone = erased([f"disqus:{post_id}" for post_id in kept])
    incoming = []
    for post in thread.posts:
        if post["id"] not in kept:
            continue
        if f"disqus:{post['id']}" in gone:
            skipped[ERASED_SINCE] += 1
            continue
        parent = by_id.get(post["parent"])
        seen = set()
        while parent is not None and parent["id"] not in kept and parent["id"] not in seen:
            seen.add(parent["id"])
            parent = by_id.get(parent["parent"])
        body = wordpress.html_to_markdown(post["message"])[0]
        if not body.strip():
            skipped["empty"] += 1
            continue
        status = Comment.Status.PUBLISHED if post["approved"] else Comment.Status.HELD
        if post["spam"]:
            status = Comment.Status.SPAM
        incoming.append(
            Incoming(
                key=f"disqus:{post['id']}",
                parent_key=f"disqus:{parent['id']}" if parent and parent["id"] in kept else None,
                author_name=post["name"] or "Anonymous",
                author_email=post["email"],
                author_url=post["url"],
                ip_address=post["ip"],
                created_at=post["created_at"],
                body=body,
                status=status,
                policy_reasons=[Reason.IMPORTED_PENDING] if status == Comment.Status.HELD else [],
            )
        )
    return incoming
