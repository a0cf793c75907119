"""What narrows the blog admin's lists."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ImageUseFilter(admin.SimpleListFilter):
    """Images that no article shows any more, the ones the owner may remove."""

    title = _("use")
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("unused", _("Not shown in any article")), ("used", _("Shown in an article"))]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return queryset.unused()
        if self.value() == "used":
            return queryset.filter(articles__isnull=False).distinct()
        return queryset
