from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from markdownx.admin import MarkdownxModelAdmin

from .models import Article, OldAddress, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(MarkdownxModelAdmin):
    list_display = ["title", "status", "published_at", "author", "is_live"]
    list_filter = ["status", "language", "comments_enabled", "author", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    readonly_fields = ["cover_preview", "reading_time", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "language", "summary", "body", "body_is_html"]}),
        (_("Cover"), {"fields": ["cover", "cover_alt", "cover_preview"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "tags", "comments_enabled", "hold_all_comments"]},
        ),
        (_("Search engines"), {"fields": ["meta_description"], "classes": ["collapse"]}),
        (_("About"), {"fields": ["reading_time", "created_at", "updated_at"]}),
    ]

    class Media:
        js = ["js/editor-errors.js"]

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
            '<img src="{}" alt="{}" style="max-width: 320px">', article.cover.url, article.cover_alt
        )

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.publish()
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected articles (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(
            request,
            ngettext("%d article moved back to draft.", "%d articles moved back to draft.", count) % count,
            messages.SUCCESS,
        )


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    """The addresses imported articles had on their old blog, each redirecting to its article."""

    list_display = ["path", "article"]
    list_select_related = ["article"]
    search_fields = ["path", "article__title"]
    autocomplete_fields = ["article"]
