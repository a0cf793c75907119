from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class CauserieAdminSite(admin.AdminSite):
    """Django's admin, whose index also says what is waiting: held comments and unanswered questions."""

    site_header = _("Causerie administration")
    site_title = _("Causerie")
    # The moderation queue needs the width more than a second copy of the index's list of models.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        from comments.models import Comment  # the admin site is built before models can be imported

        extra_context = extra_context or {}
        if request.user.has_perm("comments.view_comment"):
            extra_context["pending_count"] = Comment.objects.needing_decision().count()
            extra_context["unanswered_count"] = Comment.objects.unanswered_questions().count()
        return super().index(request, extra_context)
