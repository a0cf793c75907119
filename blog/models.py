import math
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from . import forms, images, markup, page_cache, search
from .control_characters import WithoutControlCharacters

WORDS_PER_MINUTE = 220
OG_LOCALES = {"en": "en_US", "fr": "fr_FR"}


class PageVersion(models.Model):
    """The version of what readers see, moved on by every change they can see: the latest row's id is part
    of every cached page's key (blog/page_cache.py)."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.pk)


class TagQuerySet(models.QuerySet):
    def delete(self):
        # The admin's bulk deletion comes here, not to Tag.delete().
        deleted = super().delete()
        page_cache.content_changed()
        return deleted


class Tag(WithoutControlCharacters):
    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:60]
        super().save(*args, **kwargs)
        page_cache.content_changed()

    def get_absolute_url(self):
        return reverse("blog:tag", args=[self.slug])

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        page_cache.content_changed()
        return deleted


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, with a publication date that has come (future = scheduled)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def before(self, article):
        """Published articles that come before `article`, nearest first (ties broken by id). Written as a
        range of publication dates less the ties on the wrong side, which the date index reads from
        `article` on; an OR of "earlier" and "same time, lower id" would read every older article."""
        return (
            self.published()
            .filter(published_at__lte=article.published_at)
            .exclude(published_at=article.published_at, id__gte=article.id)
            .order_by("-published_at", "-id")
        )

    def after(self, article):
        """Published articles that come after `article`, nearest first (ties broken by id), as `before`."""
        return (
            self.published()
            .filter(published_at__gte=article.published_at)
            .exclude(published_at=article.published_at, id__lte=article.id)
            .order_by("published_at", "id")
        )

    def next_appearance(self):
        """When the next scheduled article appears (a timestamp), or None when none is scheduled."""
        scheduled = self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        first = scheduled.order_by("published_at").values_list("published_at", flat=True).first()
        return first.timestamp() if first else None

    def publish(self):
        """Publish these articles, dated by `publication_date`. Returns how many were changed."""
        now = timezone.now()
        published_at = publication_date(F("published_at"), now)
        changed = self.update(status=Article.Status.PUBLISHED, published_at=published_at, updated_at=now)
        page_cache.content_changed()  # after the write: a reader in between would store the old page anew
        return changed

    def unpublish(self):
        """Take these articles back to draft. Returns how many were changed."""
        changed = self.update(status=Article.Status.DRAFT, updated_at=timezone.now())
        page_cache.content_changed()
        return changed

    def delete(self):
        # The admin's bulk deletion comes here, not to Article.delete().
        deleted = super().delete()
        page_cache.content_changed()
        return deleted

    def with_relations(self):
        """Articles with their author and tags, fetched in a fixed number of queries."""
        return self.select_related("author").prefetch_related("tags").defer("search_vector")

    def for_listing(self):
        """What a list of article cards shows: no bodies, which can weigh 100 KB each. Nothing is read yet, so
        the templates' filters can still add what their cards show to the same query."""
        return self.with_relations().defer("body", "body_html")


def publication_date(given, now):
    """The date of an article published at `now`: the date it was given (past, or future to schedule it), or
    `now` if it has none. `given` is a value for one article, or F("published_at") to date many in an UPDATE.
    """
    if isinstance(given, F):
        return Coalesce(given, Value(now))
    return given or now


def default_language():
    # A callable, so that the migration does not change with the CAUSERIE_LANGUAGE of whoever makes it.
    return settings.LANGUAGE_CODE


def cover_upload_to(instance, filename):
    # process_image already gave the file an unguessable name; the folder only groups covers by month.
    return timezone.now().strftime("covers/%Y/%m/") + filename


class ImageUploadField(models.ImageField):
    """An ImageField judged by ``blog.images.validate_image`` alone (see ``blog.forms.ImageUploadField``)."""

    default_validators = []  # Django's list of every extension Pillow knows, most of which the site refuses

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.ImageUploadField, **kwargs})


class Article(WithoutControlCharacters):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The last part of the article's address.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles", verbose_name=_("author")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=default_language
    )
    summary = models.TextField(
        _("summary"), max_length=500, help_text=_("One or two sentences shown in lists and feeds.")
    )
    body = MarkdownxField(
        _("body"),
        validators=[MaxLengthValidator(markup.ARTICLE_MAX_CHARS)],
        help_text=_("Markdown. Drop images into the editor to upload them."),
    )
    body_html = models.TextField(editable=False, default="")
    cover = ImageUploadField(
        _("cover image"),
        upload_to=cover_upload_to,
        width_field="cover_width",
        height_field="cover_height",
        blank=True,
        validators=[images.validate_image],
        help_text=_("JPEG, PNG, GIF or WebP. Location and camera data are removed."),
    )
    cover_alt = models.CharField(
        _("cover description"),
        max_length=250,
        blank=True,
        help_text=_("What the cover shows, for readers who cannot see it. Required with a cover."),
    )
    cover_width = models.PositiveIntegerField(null=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, editable=False)
    cover_renditions = models.JSONField(default=list, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A future date schedules the article: it appears by itself at that time."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    meta_description = models.CharField(
        _("meta description"),
        max_length=160,
        blank=True,
        help_text=_("For search engines and link previews; the summary is used when empty."),
    )
    reading_time = models.PositiveSmallIntegerField(_("reading time (minutes)"), default=1, editable=False)
    comments_enabled = models.BooleanField(
        _("comments open"), default=True, help_text=_("Untick to close comments on this article.")
    )
    hold_all_comments = models.BooleanField(
        _("hold every comment"),
        default=False,
        help_text=_("Every new comment waits for a moderator, whatever it says (for a heated topic)."),
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # Drafts without a date first, on every database (PostgreSQL and SQLite disagree on NULLs otherwise).
        ordering = [F("published_at").desc(nulls_first=True), "-id"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_published_id")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        html = self._rendered_body()
        # None only for a body that validation refuses, saved without it: readers get the escaped text.
        self.body_html = markup.plain_paragraphs(self.body) if html is None else html
        body_text = markup.to_plain_text(self.body_html)
        self.reading_time = max(1, math.ceil(len(body_text.split()) / WORDS_PER_MINUTE))
        if self.status == self.Status.PUBLISHED:
            self.published_at = publication_date(self.published_at, timezone.now())
        self.search_vector = search.article_vector(self.title, self.summary, body_text)
        # One transaction: the row, and the task that makes a new cover's renditions.
        with transaction.atomic(), images.cover_files(self):
            super().save(*args, **kwargs)
        page_cache.content_changed()
        # On PostgreSQL the vector is an SQL expression the write evaluated: leave the field unloaded rather
        # than keep the expression as its value.
        del self.search_vector

    def get_absolute_url(self):
        return reverse("blog:article", args=[self.slug])

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        images.delete_cover_files(self)
        page_cache.content_changed()
        return result

    def clean(self):
        # Longer bodies are refused by the field's length validator.
        if len(self.body) <= markup.ARTICLE_MAX_CHARS and self._rendered_body() is None:
            raise ValidationError(
                {
                    "body": _(
                        "This text has more formatting than the page can render quickly (very many "
                        "tables, lists, links or footnotes, or very deep nesting). Split it into two "
                        "articles or simplify the formatting; readers would otherwise see it as plain "
                        "text."
                    )
                }
            )
        if self.cover and not self.cover_alt.strip():
            raise ValidationError({"cover_alt": _("Describe the cover image for readers who cannot see it.")})

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def comments_open(self):
        """Readers may comment: the article is live, its comments are enabled and not closed by age."""
        if not (self.comments_enabled and self.is_published()):
            return False
        closing = self.comments_close_at()
        return closing is None or timezone.now() < closing

    def comments_close_at(self):
        """When comments close by age (COMMENTS_CLOSE_AFTER_DAYS after publication), or None: never."""
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return self.published_at + timedelta(days=days) if days and self.published_at else None

    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_published()

    def speaks_for(self, user):
        """Whether `user` speaks for this article: its author, or any staff member. Their comments wear the
        Author badge, skip the moderation policy and answer readers' questions."""
        return user is not None and user.is_authenticated and (user.is_staff or user.pk == self.author_id)

    def was_updated(self):
        """Whether the article changed on a later day than it was published (worth telling readers)."""
        if not self.published_at:
            return False
        return timezone.localdate(self.updated_at) > timezone.localdate(self.published_at)

    @property
    def og_locale(self):
        return OG_LOCALES.get(self.language, self.language)

    @property
    def description(self):
        return self.meta_description or self.summary

    @property
    def cover_srcset(self):
        return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in self.cover_renditions)

    _rendering = (None, None)  # ((language, body), what _rendered_body made of them)

    def _rendered_body(self):
        """`markup.render_article_or_none` of the body, in the article's language (link titles that Markdown
        writes into the HTML are in it).

        Kept with the language and text it was made from, so that validating then saving an article renders it
        once, and a body or language changed in between is rendered again.
        """
        source = (self.language, self.body)
        if self._rendering[0] != source:
            with translation.override(self.language):
                self._rendering = (source, markup.render_article_or_none(self.body))
        return self._rendering[1]
