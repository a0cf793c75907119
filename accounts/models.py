from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blog import page_cache

# What readers see of a user: the name on bylines, comments and the author's page, the Author badge of staff.
SHOWN_TO_READERS = {"username", "first_name", "last_name", "bio", "is_staff"}


class User(AbstractUser):
    """The site's user: authors, editors and moderators log in; readers comment without an account."""

    bio = models.TextField(_("short biography"), blank=True, max_length=1000)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A login saves last_login alone: readers' cached pages stay.
        fields = kwargs.get("update_fields")
        if fields is None or SHOWN_TO_READERS.intersection(fields):
            page_cache.content_changed()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        page_cache.content_changed()
        return deleted

    def get_absolute_url(self):
        return reverse("blog:author", args=[self.username])

    @property
    def display_name(self):
        return self.get_full_name() or self.username
