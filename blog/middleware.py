from urllib.parse import unquote

from django.http import HttpResponseBadRequest


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
