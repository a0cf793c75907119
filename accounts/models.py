from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The site's user: authors, editors and moderators log in; readers comment without an account."""

    bio = models.TextField(_("short biography"), blank=True, max_length=1000)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("blog:author", args=[self.username])

    @property
    def display_name(self):
        return self.get_full_name() or self.username
