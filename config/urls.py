import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from blog.views import serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("comments.urls")),
    path("", include("blog.urls")),
]

if settings.SERVE_MEDIA:
    # Django's static() helper only works with DEBUG on; a small site may serve its uploads itself.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{re.escape(media_prefix)}(?P<path>.*)$", serve_media))
