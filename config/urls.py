import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from config import media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("comments.urls")),
    path("", include("blog.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Uploads at this site's own address: from this disk when it serves them (a small site may; Django's
    # static() helper only works with DEBUG on), or a redirect to a private bucket's signed address.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{re.escape(media_prefix)}(?P<path>.+)$", media.serve))
