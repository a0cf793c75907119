import functools

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _


class _CheckedChangeList:
    """A change list whose filters from the query string are tried before the page is made: a date outside
    what a datetime can hold once moved to UTC (?published_at__year=1, =9999, ?created_at__gte=0001-01-01)
    fails when Django writes the SQL, which it would do while rendering the page, as a 500. Here it is the
    admin's own "wrong filter" answer instead; so is a whole number larger than the database's integers."""

    def get_queryset(self, request, exclude_parameters=None):
        try:
            queryset = super().get_queryset(request, exclude_parameters)
            _sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return queryset
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        if any(isinstance(value, int) and not -(2**63) <= value < 2**63 for value in params):
            raise IncorrectLookupParameters("a number beyond the database's integers")
        return queryset


@functools.cache
def _checked(change_list_class):
    return type(change_list_class.__name__, (_CheckedChangeList, change_list_class), {})


class CheckedLookupsAdmin:
    """What every ModelAdmin of this site gets (CauserieAdminSite.register adds it): lookups from the address
    that the database cannot hold answer like a missing object or a wrong filter, never a 500."""

    def get_changelist(self, request, **kwargs):
        return _checked(super().get_changelist(request, **kwargs))

    def get_object(self, request, object_id, from_field=None):
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        try:
            value = field.to_python(object_id)
        except (ValidationError, ValueError):
            return None
        if isinstance(value, int):  # beyond the column's range: SQLite overflows, PostgreSQL errs
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                return None
        return super().get_object(request, object_id, from_field)


class CauserieAdminSite(admin.AdminSite):
    """Django's admin, whose index also says what is waiting: held comments and unanswered questions."""

    site_header = _("Causerie administration")
    site_title = _("Causerie")
    # The moderation queue needs the width more than a second copy of the index's list of models.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        checked = type(
            admin_class.__name__, (CheckedLookupsAdmin, admin_class), {"__module__": admin_class.__module__}
        )
        super().register(model_or_iterable, checked, **options)

    def index(self, request, extra_context=None):
        from comments.models import Comment  # the admin site is built before models can be imported

        extra_context = extra_context or {}
        if request.user.has_perm("comments.view_comment"):
            extra_context["pending_count"] = Comment.objects.needing_decision().count()
            extra_context["unanswered_count"] = Comment.objects.unanswered_questions().count()
        return super().index(request, extra_context)
