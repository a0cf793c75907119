import functools
import operator

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, Count, Q, When
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from markdownx.admin import MarkdownxModelAdmin
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from accounts import roles

from . import admin_views, revisions
from .admin_filters import ImageUseFilter
from .models import Article, BodyImage, OldAddress, Revision, Tag, names_in_versions


class WritingWidget(AdminMarkdownxWidget):
    """markdownx's textarea and preview box, driven by the writing view's own script (static/js/writing.js)
    instead of markdownx's: the preview in the site's stylesheet beside the text, shortcuts, live counts, and
    images inserted only with a description. Without JavaScript it is a plain textarea."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 24, **(attrs or {})})

    @property
    def media(self):
        return forms.Media(css={"all": ["css/writing.css"]}, js=["js/writing.js"])


class ArticleForm(forms.ModelForm):
    """The article form, carrying the version it was loaded from: a save on a version someone else has
    saved over since is stopped once, with a link comparing the two texts."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = revisions.current_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        current = revisions.current_version(self.instance)
        given = cleaned.get("version")  # empty from a client that does not send it: nothing to check against
        if self.instance.pk and given and given != current:
            # Their text is kept (as their autosave) so that the two can be compared; saving again, now on
            # the current version, replaces the other person's changes knowingly.
            mine = revisions.autosave(
                self.instance,
                self.editor,
                title=self.data.get("title", ""),
                summary=self.data.get("summary", ""),
                body=self.data.get("body", ""),
            )
            self.data = self.data.copy()
            self.data["version"] = current
            compare = reverse("admin:blog_article_compare", args=[self.instance.pk])
            saved_at = formats.time_format(timezone.localtime(self.instance.updated_at), "TIME_FORMAT")
            someone_saved = _("Someone else saved this article at %(time)s, after you opened it.")
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}?from={}&amp;to=current">{}</a>. {}',
                    someone_saved % {"time": saved_at},
                    compare,
                    mine.pk,
                    _("Compare your text with theirs"),
                    _("Save again to replace their version with yours."),
                ),
                code="stale",
            )
        return cleaned


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(MarkdownxModelAdmin):
    form = ArticleForm
    list_display = ["title", "status", "published_at", "author", "is_live"]
    list_filter = ["status", "language", "comments_enabled", "author", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    readonly_fields = ["cover_preview", "reading_time", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    formfield_overrides = {MarkdownxField: {"widget": WritingWidget}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "language", "summary"]}),
        (None, {"fields": ["body", "body_is_html"], "classes": ["writing-fields"]}),
        (_("Cover"), {"fields": ["cover", "cover_alt", "cover_preview"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "tags", "comments_enabled", "hold_all_comments"]},
        ),
        (_("Search engines"), {"fields": ["meta_description"], "classes": ["collapse"]}),
        (_("About"), {"fields": ["reading_time", "created_at", "updated_at"]}),
    ]

    class Media:
        js = ["blog/admin/autosave.js"]
        css = {"all": ["blog/admin/revisions.css"]}

    def get_urls(self):
        def page(view):
            return self.admin_site.admin_view(functools.partial(view, self))

        return [
            path("<int:pk>/versions/", page(admin_views.history), name="blog_article_history_versions"),
            path("<int:pk>/versions/compare/", page(admin_views.compare), name="blog_article_compare"),
            path(
                "<int:pk>/versions/<int:revision_pk>/restore/",
                page(admin_views.restore),
                name="blog_article_restore",
            ),
            path("<int:pk>/autosave/", page(admin_views.autosave), name="blog_article_autosave"),
            path("<int:pk>/unsaved-changes/", page(admin_views.unsaved_diff), name="blog_article_unsaved"),
            path("unsaved-changes/", page(admin_views.unsaved_diff), name="blog_article_unsaved_new"),
            path("<int:pk>/share/", page(admin_views.share), name="blog_article_share"),
            *super().get_urls(),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.SplitDateTimeField):
            # Django's date and time boxes have no name of their own for a screen reader (axe: "label").
            date, time = field.widget.widgets
            date.attrs["aria-label"] = _("%(field)s: date") % {"field": capfirst(db_field.verbose_name)}
            time.attrs["aria-label"] = _("%(field)s: time") % {"field": capfirst(db_field.verbose_name)}
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user  # whose autosave keeps their text when their save is stale
        if obj is not None and "author" in form.base_fields:
            form.base_fields["author"].queryset = roles.writers_keeping(obj.author_id).order_by("username")
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.record(form.instance, by=request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        autosave = obj.revisions.autosaves().filter(author=request.user).first() if obj else None
        if autosave is not None:
            context["autosave"] = {
                "title": autosave.title,
                "summary": autosave.summary,
                "body": autosave.body,
                "saved_at": autosave.created_at.isoformat(),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_readonly_fields(self, request, obj=None):
        # Editors write under their own name (save_model); an Owner chooses among the writers.
        readonly = super().get_readonly_fields(request, obj)
        return readonly if roles.may_sign_for_others(request.user) else [*readonly, "author"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["queryset"] = roles.writers().order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not roles.may_sign_for_others(request.user):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        # The admin would take any field's initial value from the query string, and a malformed date or id
        # there raises a 500; the author is the only initial value this form needs.
        return {"author": request.user.pk}

    @admin.display(description=_("live"), boolean=True)
    def is_live(self, article):
        return article.is_published()

    @admin.display(description=_("cover preview"))
    def cover_preview(self, article):
        if not article.cover:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="admin-thumbnail">', article.cover.url, article.cover_alt
        )

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.publish()
        revisions.record_each(queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected articles (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        revisions.record_each(queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%d article moved back to draft.", "%d articles moved back to draft.", count) % count,
            messages.SUCCESS,
        )


@admin.register(BodyImage)
class BodyImageAdmin(admin.ModelAdmin):
    """The images uploaded into articles' bodies. Filtered on "not shown in any article", the list is what may
    be removed; an image an article shows cannot be deleted (the confirmation page names the articles)."""

    list_display = ["thumbnail", "__str__", "dimensions", "uploaded_at", "uploaded_by", "shown_in"]
    list_display_links = ["__str__"]
    list_filter = [ImageUseFilter, "uploaded_at"]
    list_select_related = ["uploaded_by"]
    readonly_fields = ["thumbnail", "dimensions", "uploaded_at", "uploaded_by", "articles_showing"]
    fields = readonly_fields

    class Media:
        css = {"all": ["css/writing.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=Count("articles"),
                in_a_version=Case(When(file__in=names_in_versions(), then=True), default=False),
            )
        )

    def get_deleted_objects(self, objs, request):
        # An image that only a kept version shows is not protected by the database: restoring that version
        # would show a missing image. The confirmation page names the articles instead, as for one in use.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        images = {image.file.name: image for image in objs}
        shows_one = functools.reduce(operator.or_, (Q(body__contains=name) for name in images), Q(pk__in=[]))
        for version in (
            Revision.objects.filter(shows_one).select_related("article").only("body", "article__title")
        ):
            for name, image in images.items():
                text = _("%(image)s: a kept version of “%(article)s” shows it") % {
                    "image": image,
                    "article": version.article.title,
                }
                if name in version.body and text not in protected:
                    protected.append(text)
        return deleted, counts, perms_needed, protected

    def has_add_permission(self, request):
        return False  # images arrive through the article editor, which re-encodes them

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("image"))
    def thumbnail(self, image):
        return format_html('<img src="{}" alt="" class="admin-thumbnail">', image.picture().src)

    @admin.display(description=_("size"))
    def dimensions(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description=_("shown in"), ordering="article_count")
    def shown_in(self, image):
        count = image.article_count
        if not count:
            return _("an older version of an article") if image.in_a_version else _("no article")
        return ngettext("%d article", "%d articles", count) % count

    @admin.display(description=_("shown in"))
    def articles_showing(self, image):
        articles = image.articles.only("title", "slug")
        if not articles:
            return _("no article")
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((article.get_absolute_url(), article.title) for article in articles)
        )


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    """The addresses imported articles had on their old blog, each redirecting to its article."""

    list_display = ["path", "article"]
    list_select_related = ["article"]
    search_fields = ["path", "article__title"]
    autocomplete_fields = ["article"]
