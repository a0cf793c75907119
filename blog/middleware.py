import functools
from urllib.parse import unquote

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.http import HttpResponseBadRequest, HttpResponsePermanentRedirect
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


class OldAddressMiddleware:
    """Send a reader who follows an address an imported article had on its old blog on to the article, with
    a permanent redirect: a path this site does not know (/2024/05/its-slug/), or WordPress's /?p=123.

    A query only for pages not found and for the home page asked for a ?p= or ?page_id=: every other page
    costs nothing more.
    """

    PARAMETERS = ("p", "page_id")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/":
            for name in self.PARAMETERS:
                value = request.GET.get(name, "")
                # ASCII digits only: "²" is a digit to str.isdigit() but not to int(), and a number of 5,000
                # digits is refused by int().
                if value.isascii() and value.isdigit() and len(value) <= 20:
                    redirect = self._redirect(f"/?{name}={int(value)}")
                    if redirect:
                        return redirect
        response = self.get_response(request)
        if response.status_code == 404:
            return self._redirect(request.path) or response
        return response

    def _redirect(self, path):
        from .models import OldAddress  # the models are not ready when the middleware is loaded

        old = OldAddress.objects.filter(path=path).select_related("article").first()
        if old is None or not old.article.is_published():
            return None
        return HttpResponsePermanentRedirect(old.article.get_absolute_url())
