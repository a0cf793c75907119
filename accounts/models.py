from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from blog import page_cache
from blog.control_characters import WithoutControlCharacters

# What readers see of a user: the name on bylines, comments and the author's page, the Author badge of staff.
SHOWN_TO_READERS = {"username", "first_name", "last_name", "bio", "is_staff"}
# Password-reset requests are counted over this window (settings PASSWORD_RESET_PER_*).
RESET_WINDOW = timedelta(hours=1)


class User(WithoutControlCharacters, AbstractUser):
    """The site's user: authors, editors and moderators log in; readers comment without an account."""

    class HeldCommentMail(models.TextChoices):
        EACH = "each", _("one mail for each comment")
        DAILY = "daily", _("one mail a day listing those still waiting")
        NONE = "none", _("no mail")

    bio = models.TextField(_("short biography"), blank=True, max_length=1000)
    # For moderators: a busy site's queue can arrive as one mail a day instead of one per held comment.
    held_comment_mail = models.CharField(
        _("mails about comments waiting for review"),
        max_length=5,
        choices=HeldCommentMail.choices,
        default=HeldCommentMail.EACH,
        help_text=_("For moderators. Each mail has links to approve or reject a comment in one click."),
    )
    # The day of the last daily mail (in the site's time zone): one a day, however often the jobs run.
    held_digest_sent_on = models.DateField(null=True, blank=True, editable=False)
    # Since when held comments went unmailed to them, past COMMENTS_HELD_MAILS_PER_HOUR: an hour later, the
    # comment jobs send them the list of what still waits (comments.notifications.held_digests).
    held_mail_overflow_since = models.DateTimeField(null=True, blank=True, editable=False)

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


class ResetRequestQuerySet(models.QuerySet):
    def recent(self, now=None):
        return self.filter(requested_at__gte=(now or timezone.now()) - RESET_WINDOW)


class ResetRequest(models.Model):
    """A password-reset request, kept for an hour so that requests can be counted per mail address and per
    network address (each as a keyed hash, never the address itself), exactly across every worker."""

    key = models.CharField(max_length=64, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ResetRequestQuerySet.as_manager()

    def __str__(self):
        return self.key[:12]

    @staticmethod
    def key_for(kind, value):
        return salted_hmac(f"accounts.reset-{kind}", value.strip().lower(), algorithm="sha256").hexdigest()
