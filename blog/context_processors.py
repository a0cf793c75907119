from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import page_cache


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": settings.SITE_TAGLINE}


def csrf(request):
    """Django's `csrf_token` for every form, as a hole on a page that may be cached (`page_cache.hole`): each
    reader's response gets its own token, never the one of the reader whose visit stored the page."""
    return {"csrf_token": SimpleLazyObject(lambda: page_cache.csrf_hole(request))}
