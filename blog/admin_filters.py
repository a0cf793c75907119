"""What narrows the blog admin's lists."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import names_in_versions


class ImageUseFilter(admin.SimpleListFilter):
    """Images that no article shows any more, nor a version of one kept to be restored: the ones the owner
    may remove."""

    title = _("use")
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [
            ("unused", _("Not shown in any article or version")),
            ("used", _("Shown in an article or a version")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return queryset.unused()
        if self.value() == "used":
            return queryset.filter(Q(articles__isnull=False) | Q(file__in=names_in_versions())).distinct()
        return queryset
