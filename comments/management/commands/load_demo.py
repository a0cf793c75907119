"""`manage.py load_demo`: a demo owner, the articles of blog/demo/ and their conversations
(comments/demo_conversations.toml), to try Causerie on a fresh database. The content is data; this command
stores it. It lives in the comments app, which depends on the blog: the blog needs nothing of comments.
"""

import tomllib
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from blog import demo, revisions
from blog.demo.covers import render_cover
from blog.models import Article, Tag
from comments import services
from comments.models import Comment, CommentEvent

CONVERSATIONS = Path(__file__).resolve().parents[2] / "demo_conversations.toml"
OWNER_USERNAME = "owner"
OWNER_PASSWORD = "causerie-demo"
# Where `manage.py runserver` listens by default; the admin path itself comes from the URLconf.
DEV_SERVER = "http://127.0.0.1:8000"
# The demo's readers read the article before writing: far slower than the policy's spam threshold.
SECONDS_TO_WRITE = 300


class Command(BaseCommand):
    help = (
        "Create a demo owner account and sample articles to try Causerie with. Safe to run again: an account "
        "or article that already exists is left exactly as it is, so your edits to the demo survive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. The demo password is public: never use this on a real site.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "load_demo creates an admin account with a publicly known password, so it runs only with "
                "DEBUG on; pass --force if this really is a throwaway site."
            )
        conversations = tomllib.loads(CONVERSATIONS.read_text(encoding="utf-8"))
        with transaction.atomic():
            owner, owner_created = load_owner()
            results = [load_article(data, owner) for data in demo.articles()]
            for article, created in results:
                if created and article.slug in conversations:
                    load_conversation(article, conversations[article.slug])
        self.report(owner_created, results)

    def report(self, owner_created, results):
        self.stdout.write(
            f'Owner account "{OWNER_USERNAME}": {"created" if owner_created else "already present"}.'
        )
        for article, created in results:
            self.stdout.write(
                f"  {'created' if created else 'kept':8} {article.title} ({publication(article)})"
            )
        created_count = sum(created for _article, created in results)
        self.stdout.write(
            self.style.SUCCESS(
                f"{created_count} articles created, {len(results) - created_count} already present "
                "(an existing article is left as it is)."
            )
        )
        password_note = "" if owner_created else " (unless you have changed it)"
        self.stdout.write(f"Demo owner: {OWNER_USERNAME} / {OWNER_PASSWORD}{password_note}")
        self.stdout.write(f"Admin: {DEV_SERVER}{reverse('admin:index')}")


def load_owner():
    """The demo owner, created with the demo password if missing; an existing account is not touched."""
    owner, created = get_user_model().objects.get_or_create(
        username=OWNER_USERNAME, defaults={**demo.owner(), "is_staff": True, "is_superuser": True}
    )
    if created:
        owner.set_password(OWNER_PASSWORD)
        owner.save(update_fields=["password"])
    return owner, created


def load_article(data, owner):
    """The demo article and whether it was created; one that exists already is returned untouched.

    Existing articles are never updated: the owner may have edited them, and their edits win.
    """
    existing = Article.objects.filter(slug=data["slug"]).first()
    if existing:
        return existing, False
    article = Article(
        slug=data["slug"],
        title=data["title"],
        author=owner,
        language=data["language"],
        summary=data["summary"],
        meta_description=data["meta_description"],
        body=data["body"],
        cover=ContentFile(render_cover(data["cover"]["colours"], seed=data["slug"]), name="cover.jpg"),
        cover_alt=data["cover"]["alt"],
        status=Article.Status.PUBLISHED if data["published_at"] else Article.Status.DRAFT,
        published_at=data["published_at"],
    )
    # The demo goes through the admin form's rules, so it cannot drift from what an author is allowed to save.
    article.full_clean()
    article.save()
    article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in data["tags"]])
    # The demo is dated in the past; without this, every demo article would say "updated today".
    if article.published_at:
        Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
        article.updated_at = article.published_at
    revisions.record(article, by=owner, at=article.updated_at)  # its first version, dated as the article
    return article, True


def load_conversation(article, entries):
    """A new article's comments from comments/demo_conversations.toml, each posted as its reader or its
    author would post it: the policy decides what is published or held, the thread logic where replies hang,
    and a removal goes through the moderation service with its reason. They cause the mails those services
    send, to the demo's example.com addresses, which receive nothing."""
    posted = {}
    for entry in entries:
        answered = posted.get(entry.get("reply_to"))
        if entry.get("by_author"):
            comment = services.reply_from_admin(answered, by=article.author, body=entry["body"])
        else:
            data = {
                "author_name": entry["name"],
                "author_email": f"{entry['id']}@example.com",
                "body": entry["body"],
                "is_question": entry.get("question", False),
                "parent": answered,
            }
            comment, _decision = services.post_comment(
                article=article, data=data, user=AnonymousUser(), seconds_to_submit=SECONDS_TO_WRITE
            )
        if "removed_for" in entry:
            services.reject(comment, by=article.author, reason=entry["removed_for"])
        posted[entry["id"]] = comment
    backdate(posted.values(), start=article.published_at + timedelta(days=1))


def backdate(comments, *, start):
    """Move each comment, its moderation and its history back to `start`, one comment an hour.

    The services stamp everything "now", as they should for a reader; the demo shows a conversation that
    happened the day after publication, so its comments have the ages real ones would.
    """
    for number, comment in enumerate(comments):
        shift = start + timedelta(hours=number) - comment.created_at
        Comment.objects.filter(pk=comment.pk).update(
            created_at=F("created_at") + shift, moderated_at=F("moderated_at") + shift
        )
        CommentEvent.objects.filter(comment=comment).update(created_at=F("created_at") + shift)


def publication(article):
    if article.status == Article.Status.DRAFT:
        return "draft"
    date = timezone.localdate(article.published_at).isoformat()
    return f"published {date}" if article.is_published() else f"scheduled for {date}"
