import functools
import math
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import F, Prefetch, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from . import forms, images, markup, page_cache, search
from .control_characters import WithoutControlCharacters

WORDS_PER_MINUTE = 220
OG_LOCALES = {"en": "en_US", "fr": "fr_FR"}


def reading_time(html="", body_text=None):
    """``(words, minutes)`` of a body rendered as ``html`` (or already turned to ``body_text``): what the
    article page says, at WORDS_PER_MINUTE, a minute at least."""
    if body_text is None:
        body_text = markup.to_plain_text(html)
    words = len(body_text.split())
    return words, max(1, math.ceil(words / WORDS_PER_MINUTE))


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
        """Articles with their author and their tags (`Article.tag_list`), fetched in a fixed number of
        queries."""
        tags = Prefetch("tags", to_attr="tag_list")
        return self.select_related("author").prefetch_related(tags).defer("search_vector")

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


# Where body_image_upload_to stores an image, as it reads in the text that shows it (Markdown or HTML).
UPLOADED_NAME = re.compile(r"uploads/\d{4}/\d{2}/[^\s()\"'<>?#]+")


def names_in_versions():
    """The stored names of the uploaded images that a kept version of an article, or an editor's autosave,
    shows. Versions keep Markdown, not HTML: the names are read from their text, in one pass over the
    versions that show any upload: 0.14 s for 3,000 versions of 5 KB that all do, where searching the
    versions for each of 100 images took 2.1 s (SQLite, a machine at a load average of 7)."""
    names = set()
    for body in Revision.objects.filter(body__contains="uploads/").values_list("body", flat=True).iterator():
        names.update(UPLOADED_NAME.findall(body))
    return names


def body_image_upload_to(instance, filename):
    # The address the editor's uploads always had: Markdown written before this model still points there.
    return timezone.now().strftime("uploads/%Y/%m/") + filename


class BodyImageQuerySet(models.QuerySet):
    def unused(self):
        """Uploaded images that no article's body shows any more, nor any version kept of one (restoring it
        would show a missing image): the ones that may be removed."""
        return self.filter(articles__isnull=True).exclude(file__in=names_in_versions())

    def shown_in(self, html, without_alt=False):
        """The uploaded images that the rendered HTML `html` shows (found by their address); with
        `without_alt`, only those it shows without a description."""
        prefix = default_storage.url("")
        sources = markup.image_sources(html, without_alt=without_alt)
        names = [src.removeprefix(prefix) for src in sources if src.startswith(prefix)]
        return self.filter(file__in=names) if names else self.none()

    def upload(self, file, by):
        """Store an upload that passed images.validate_image: re-encoded, with its smaller copy made now and
        its renditions queued for the task worker, in one transaction. Returns the new image."""
        processed = images.process_image(file)
        # Within the images' time and memory budget too (ValidationError beyond it), before storing anything.
        fallback = images.make_fallback(processed)
        image = self.model(uploaded_by=by)
        image.file.save(processed.name, processed, save=False)
        return self._keep(image, processed, fallback)

    def adopt(self, name):
        """Keep the image stored at `name`, uploaded into a body before images had rows (it was re-encoded
        then), as upload() keeps a new one. Returns it."""
        image = self.model(file=name)
        with default_storage.open(name, "rb") as file:
            return self._keep(image, file, images.make_fallback(file))

    def _keep(self, image, file, fallback):
        image.animated = images.is_animation(file)
        with transaction.atomic():
            image.fallback = default_storage.save(f"uploads/fallbacks/{fallback.name}", fallback)
            image.save()
            from . import tasks  # the tasks module reads the models

            if not image.animated:
                tasks.make_body_image_renditions.enqueue(image.pk)
        return image

    def delete(self):
        # The admin's bulk deletion comes here, not to BodyImage.delete().
        doomed = list(self)
        deleted = super().delete()
        for image in doomed:
            image.delete_files()
        return deleted


class BodyImage(models.Model):
    """An image uploaded into an article's body from the editor, with the files readers get instead of it:
    WebP renditions for a srcset (made by the task worker) and a smaller copy in its own format."""

    file = models.ImageField(
        _("image"), upload_to=body_image_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    fallback = models.CharField(max_length=255, editable=False)
    # WebP renditions would show only an animation's first frame: an animation is shown from its fallback.
    animated = models.BooleanField(default=False, editable=False)
    renditions = models.JSONField(default=list, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = BodyImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("image in articles")
        verbose_name_plural = _("images in articles")

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1]

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.delete_files()
        return result

    def delete_files(self):
        """Delete this image's files once its row's deletion is committed."""
        names = [self.file.name, self.fallback, *(rendition["name"] for rendition in self.renditions)]
        transaction.on_commit(functools.partial(_delete_files, names))

    def picture(self):
        """What markup.with_renditions needs to show this image to readers."""
        return markup.Picture(
            src=default_storage.url(self.fallback),
            width=self.width,
            height=self.height,
            srcset=", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in self.renditions),
        )


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
    body_images = models.ManyToManyField(
        BodyImage, through="ArticleImage", related_name="articles", editable=False
    )
    # The shared draft link (blog/sharing.py): its secret part, and when it stops working. An empty key: not
    # shared, and every link given before is dead.
    share_key = models.CharField(max_length=32, blank=True, default="", editable=False)
    shared_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Where an imported article came from ("wordpress:old.example:123", Export.key): importing the same export
    # again finds it instead of making a second copy.
    import_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    # An imported article whose HTML Markdown could not carry (a table with merged cells, superscripts):
    # its body is that HTML, shown through the same allow-list as rendered Markdown (markup.py).
    body_is_html = models.BooleanField(
        _("body is imported HTML"),
        default=False,
        help_text=_(
            "Imported HTML that Markdown could not carry: untick once the body is rewritten as Markdown."
        ),
    )

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
        # The images the body showed before (deferred, it may have shown some): their links may need removing.
        showed_images = "<img" in self.__dict__.get("body_html", "<img")
        adding = self._state.adding
        html = self._rendered_body()
        # None only for a body that validation refuses, saved without it: readers get the escaped text.
        self.body_html = markup.plain_paragraphs(self.body) if html is None else html
        body_text = markup.to_plain_text(self.body_html)
        self.reading_time = reading_time(body_text=body_text)[1]
        if self.status == self.Status.PUBLISHED:
            self.published_at = publication_date(self.published_at, timezone.now())
        self.search_vector = search.article_vector(self.title, self.summary, body_text)
        body_images = list(BodyImage.objects.shown_in(self.body_html))
        self.body_html = _with_renditions(self.body_html, body_images)
        # One transaction: the row, the images its body shows, the task that makes a new cover's renditions.
        with transaction.atomic(), images.cover_files(self):
            super().save(*args, **kwargs)
            if body_images or (showed_images and not adding):
                self.body_images.set(body_images)
        page_cache.content_changed()
        # On PostgreSQL the vector is an SQL expression the write evaluated: leave the field unloaded rather
        # than keep the expression as its value.
        del self.search_vector

    def get_absolute_url(self):
        return reverse("blog:article", args=[self.slug])

    @cached_property
    def tag_list(self):
        """The article's tags, as a list: `with_relations()` fetches them for a whole page of articles at
        once. (Prefetched as the `tags` manager instead, they cost a queryset per article: an eighth of the
        home page's time.)"""
        return list(self.tags.all())

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
        html = self._rendered_body()
        if html and BodyImage.objects.shown_in(html, without_alt=True).exists():
            raise ValidationError(
                {
                    "body": _(
                        "Describe every image you uploaded, for readers who cannot see it: write what it "
                        "shows between the square brackets of its Markdown."
                    )
                }
            )
        if self.cover and not self.cover_alt.strip():
            raise ValidationError({"cover_alt": _("Describe the cover image for readers who cannot see it.")})

    def refresh_body_images(self):
        """Show readers the renditions of the body's images made since the article was saved (the task
        worker calls this); nothing else of the article changes."""
        html = self._rendered_body()
        if html is not None:
            html = _with_renditions(html, BodyImage.objects.shown_in(html))
            Article.objects.filter(pk=self.pk).update(body_html=html)

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
        """Whether `user` speaks for this article: any staff member (its author is one, chosen among the
        writers). Their comments wear the Author badge, skip the moderation policy and answer readers'
        questions. An author who left the staff speaks as a reader: the privileges are the staff's."""
        return user is not None and user.is_authenticated and user.is_staff

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

    _rendering = (None, None)  # ((language, body, body_is_html), what _rendered_body made of them)

    def _rendered_body(self):
        """`markup.render_article_or_none` of the body, in the article's language (link titles that Markdown
        writes into the HTML are in it); `markup.sanitise_article_html` of an imported HTML body.

        Kept with the language and text it was made from, so that validating then saving an article renders it
        once, and a body or language changed in between is rendered again.
        """
        source = (self.language, self.body, self.body_is_html)
        if self._rendering[0] != source:
            if self.body_is_html:
                self._rendering = (source, markup.sanitise_article_html(self.body))
            else:
                with translation.override(self.language):
                    self._rendering = (source, markup.render_article_or_none(self.body))
        return self._rendering[1]


class ArticleImage(models.Model):
    """An uploaded image an article's body shows. An image in use cannot be deleted (PROTECT): the admin says
    which articles show it instead."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    image = models.ForeignKey(BodyImage, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "image"], name="article_image_once")]
        verbose_name = _("image shown in an article")
        verbose_name_plural = _("images shown in articles")

    def __str__(self):
        return f"{self.article} · {self.image}"


def _delete_files(names):
    for name in names:
        if name:
            default_storage.delete(name)


def _with_renditions(html, body_images):
    return markup.with_renditions(html, {image.file.url: image.picture() for image in body_images})


class RevisionQuerySet(models.QuerySet):
    def saved(self):
        """Versions the article had once saved (restores included), not what an editor's browser autosaved."""
        return self.exclude(kind=Revision.Kind.AUTOSAVE)

    def autosaves(self):
        return self.filter(kind=Revision.Kind.AUTOSAVE)


class Revision(WithoutControlCharacters):
    """One version of an article's words: written at each save and restore, and as the one autosave each
    editor has of text they have not saved yet (replaced as they type, deleted when they save). Without
    control characters, as the article: an autosave keeps what the editor's browser sent."""

    class Kind(models.TextChoices):
        SAVE = "save", _("Saved")
        RESTORE = "restore", _("Restored")
        AUTOSAVE = "autosave", _("Autosaved")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SAVE)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    # An imported article's HTML body (Article.body_is_html) is restored as HTML, not read as Markdown.
    body_is_html = models.BooleanField(default=False)
    tags = models.JSONField(_("tags"), default=list, blank=True)  # names: a tag deleted since still reads
    status = models.CharField(_("status"), max_length=10, choices=Article.Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    restored_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restored from"),
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["article", "-created_at", "-id"], name="revision_article_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"],
                condition=models.Q(kind="autosave"),
                name="revision_one_autosave_per_editor",
            )
        ]

    def __str__(self):
        return f"{self.article_id} · {self.created_at:%Y-%m-%d %H:%M}"

    def words_differ_from(self, title, summary, body):
        return (self.title, self.summary, self.body) != (title, summary, body)


class OldAddress(models.Model):
    """An address an article had on the blog it was imported from (WordPress's /2024/05/its-slug/, or
    /?p=123): readers and search engines that follow an old link are sent on to the article
    (blog.middleware.OldAddressMiddleware)."""

    path = models.CharField(_("old address"), max_length=500, unique=True)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="old_addresses", verbose_name=_("article")
    )

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return self.path
