"""The whole blog as a WordPress export (WXR 1.2): what WordPress's importer reads, and what
`manage.py import_wordpress` reads back without loss.

Each article's content is its rendered HTML (what WordPress shows), its Markdown source a hidden custom field
(`_causerie_markdown`); tags are post tags; the cover is an attachment and the featured image; comments keep
their threading (the comment each one answers), and their statuses as WordPress has them (published →
approved, held → pending, spam → spam, removed by moderation → trash, one erased by its author but kept for
its replies → approved, saying "Comment deleted by its author"), with Causerie's own in hidden fields.
"""

import json
from datetime import UTC
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from blog import wordpress
from blog.control_characters import without_control_characters
from blog.models import Article, Tag

from . import importing
from .models import Comment

NS = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
WORDPRESS_APPROVED = {
    Comment.Status.PUBLISHED: "1",
    Comment.Status.HELD: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REJECTED: "trash",
    # A comment its author erased, kept for its replies: shown by WordPress as what it is, with no author.
    Comment.Status.DELETED: "1",
}
PLACEHOLDER = "<p><em>Comment deleted by its author</em></p>"
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _tag(name):
    prefix, _, local = name.rpartition(":")
    return f"{{{NS[prefix]}}}{local}" if prefix else local


def _add(parent, name, text="", **attributes):
    element = ET.SubElement(parent, _tag(name), attributes)
    # XML 1.0 has no room for most control characters: what cannot be written is dropped.
    element.text = without_control_characters(str(text))
    return element


def _dates(element, prefix, moment):
    if moment is None:
        _add(element, f"wp:{prefix}", "0000-00-00 00:00:00")
        _add(element, f"wp:{prefix}_gmt", "0000-00-00 00:00:00")
        return
    _add(element, f"wp:{prefix}", timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S"))
    _add(element, f"wp:{prefix}_gmt", moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"))


def _meta(element, name, key, value):
    meta = _add(element, name)
    _add(meta, "wp:meta_key", key)
    _add(meta, "wp:meta_value", value)


def write_export(out):
    """Write the blog's WXR to the binary file `out`. Returns (articles, comments) written."""
    site = settings.SITE_URL
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _add(channel, "title", settings.SITE_NAME)
    _add(channel, "link", site)
    _add(channel, "description", settings.SITE_TAGLINE)
    _add(channel, "pubDate", format_datetime(timezone.now()))
    _add(channel, "language", settings.LANGUAGE_CODE)
    _add(channel, "wp:wxr_version", "1.2")
    _add(channel, "wp:base_site_url", site)
    _add(channel, "wp:base_blog_url", site)
    articles = list(Article.objects.with_relations().order_by("pk"))
    # The articles' authors, and the accounts that wrote comments (an editor's answers).
    writers = get_user_model().objects.filter(Q(articles__isnull=False) | Q(comments__isnull=False))
    for author in writers.distinct().order_by("pk"):
        element = _add(channel, "wp:author")
        _add(element, "wp:author_id", author.pk)
        _add(element, "wp:author_login", author.username)
        _add(element, "wp:author_email", author.email)
        _add(element, "wp:author_display_name", author.get_full_name() or author.username)
        _add(element, "wp:author_first_name", author.first_name)
        _add(element, "wp:author_last_name", author.last_name)
    for tag in Tag.objects.all():
        element = _add(channel, "wp:tag")
        _add(element, "wp:term_id", tag.pk)
        _add(element, "wp:tag_slug", tag.slug)
        _add(element, "wp:tag_name", tag.name)
    # Attachments need ids of their own, after every article's.
    next_id = (articles[-1].pk if articles else 0) + 1
    comments = 0
    for article in articles:
        item = _article_item(channel, article, site)
        if article.cover:
            _meta(item, "wp:postmeta", "_thumbnail_id", next_id)
            _cover_item(channel, article, next_id, site)
            next_id += 1
        comments += _comments(item, article)
    ET.ElementTree(rss).write(out, encoding="utf-8", xml_declaration=True)
    return len(articles), comments


def _article_item(channel, article, site):
    item = _add(channel, "item")
    _add(item, "title", article.title)
    _add(item, "link", site + article.get_absolute_url())
    _add(item, "pubDate", format_datetime(article.published_at) if article.published_at else "")
    _add(item, "dc:creator", article.author.username)
    _add(item, "guid", f"{site}/?p={article.pk}", isPermaLink="false")
    _add(item, "description")
    _add(item, "content:encoded", article.body_html)
    _add(item, "excerpt:encoded", article.summary)
    _add(item, "wp:post_id", article.pk)
    # A draft's date is when it was written, as in WordPress's own exports.
    _dates(item, "post_date", article.published_at or article.created_at)
    _dates(item, "post_modified", article.updated_at)
    _add(item, "wp:comment_status", "open" if article.comments_enabled else "closed")
    _add(item, "wp:ping_status", "closed")
    _add(item, "wp:post_name", article.slug)
    if article.status == Article.Status.DRAFT:
        status = "draft"
    else:
        status = "publish" if article.is_published() else "future"
    _add(item, "wp:status", status)
    _add(item, "wp:post_parent", 0)
    _add(item, "wp:menu_order", 0)
    _add(item, "wp:post_type", "post")
    _add(item, "wp:post_password")
    _add(item, "wp:is_sticky", 0)
    for tag in article.tags.all():
        _add(item, "category", tag.name, domain="post_tag", nicename=tag.slug)
    _meta(
        item,
        "wp:postmeta",
        wordpress.HTML_META if article.body_is_html else wordpress.MARKDOWN_META,
        article.body,
    )
    _meta(item, "wp:postmeta", wordpress.LANGUAGE_META, article.language)
    return item


def _cover_item(channel, article, attachment_id, site):
    item = _add(channel, "item")
    url = default_storage.url(article.cover.name)
    _add(item, "title", article.cover_alt)
    _add(item, "link", site + url)
    _add(item, "guid", site + url, isPermaLink="false")
    _add(item, "wp:post_id", attachment_id)
    _dates(item, "post_date", article.published_at or article.created_at)
    _add(item, "wp:post_name", f"cover-{article.slug}")
    _add(item, "wp:status", "inherit")
    _add(item, "wp:post_parent", article.pk)
    _add(item, "wp:post_type", "attachment")
    _add(item, "wp:attachment_url", url if url.startswith("http") else site + url)
    _meta(item, "wp:postmeta", "_wp_attached_file", article.cover.name)
    _meta(item, "wp:postmeta", "_wp_attachment_image_alt", article.cover_alt)


def _comments(item, article):
    comments = Comment.objects.filter(article=article).order_by("created_at", "id")
    count = 0
    for comment in comments.iterator(chunk_size=2000):
        element = _add(item, "wp:comment")
        _add(element, "wp:comment_id", comment.pk)
        _add(element, "wp:comment_author", comment.author_name)
        _add(element, "wp:comment_author_email", comment.author_email)
        _add(element, "wp:comment_author_url", comment.author_url)
        _add(element, "wp:comment_author_IP", comment.ip_address or "")
        _dates(element, "comment_date", comment.created_at)
        placeholder = comment.status == Comment.Status.DELETED
        _add(element, "wp:comment_content", PLACEHOLDER if placeholder else comment.body_html)
        _add(element, "wp:comment_approved", WORDPRESS_APPROVED[comment.status])
        _add(element, "wp:comment_type", "comment")
        _add(element, "wp:comment_parent", comment.reply_to_id or 0)
        _add(element, "wp:comment_user_id", comment.user_id or 0)
        _meta(element, "wp:commentmeta", wordpress.MARKDOWN_META, comment.body)
        _meta(element, "wp:commentmeta", importing.STATUS_META, comment.status)
        _meta(element, "wp:commentmeta", importing.REASONS_META, json.dumps(comment.policy_reasons))
        _meta(element, "wp:commentmeta", importing.REJECTION_META, comment.rejection_reason)
        _meta(element, "wp:commentmeta", importing.QUESTION_META, "1" if comment.is_question else "0")
        count += 1
    return count
