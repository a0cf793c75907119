"""Shared draft links: an address that shows a draft or a scheduled article to someone without an account.

The address carries the article's id and its share key, signed with the site's secret (django.core.signing):
it cannot be made up or changed. It works until the article's `shared_until`, and a new key (a new link) or
no key (sharing stopped) kills every link given before. The page is never cached, and asks search engines
not to index it.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Article

SALT = "blog.shared-draft"


def share(article):
    """Give `article` a new share key, valid for DRAFT_LINK_DAYS: every link given before stops working.
    Written without saving the article, whose editors' open forms would otherwise all be stale."""
    article.share_key = secrets.token_urlsafe(24)
    article.shared_until = timezone.now() + timedelta(days=settings.DRAFT_LINK_DAYS)
    rows = Article.objects.filter(pk=article.pk)
    rows.update(share_key=article.share_key, shared_until=article.shared_until)


def stop_sharing(article):
    article.share_key, article.shared_until = "", None
    Article.objects.filter(pk=article.pk).update(share_key="", shared_until=None)


def is_shared(article):
    until = article.shared_until
    return bool(article.share_key) and until is not None and until > timezone.now()


def link(article):
    """The shared draft's address (a path), or "" when the article is not shared."""
    if not is_shared(article):
        return ""
    token = signing.dumps({"a": article.pk, "k": article.share_key}, salt=SALT)
    return reverse("blog:shared_draft", args=[token])


def shared_article(token):
    """The article `token` shows, or None: a token that was not signed here, was changed, was replaced by a
    new link, was withdrawn or has expired shows nothing."""
    try:
        payload = signing.loads(token, salt=SALT)
        article_id, key = int(payload["a"]), str(payload["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if not key:
        return None
    return (
        Article.objects.with_relations()
        .filter(pk=article_id, share_key=key, shared_until__gt=timezone.now())
        .first()
    )
