import functools
from urllib.parse import unquote

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.http import HttpResponseBadRequest
from django.urls import reverse


@functools.cache
def _admin_prefixes():
    return (reverse("admin:index"), "/admin-editor/")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) on every response, with one exception: the
    admin's pages may carry inline styles, which Django's own admin templates use. Scripts stay the site's
    own files everywhere."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(_admin_prefixes()):
            parts.replace = {"style-src": [SELF, UNSAFE_INLINE], **(parts.replace or {})}
        return parts


class RejectNullCharactersMiddleware:
    """Answer 400 to a URL or query string holding a NUL character.

    No page has a use for one, PostgreSQL refuses them in text, and Django's admin filters and autocomplete
    would pass them through to the database and fail with a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest("Bad request: the address contains a NUL character.")
        return self.get_response(request)
