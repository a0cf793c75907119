"""Whole pages for anonymous readers, from the cache, and never stale.

A reader with no cookie but the CSRF and language ones (no session, no pending message: not signed in, no
comment of theirs waiting for review) gets the home, article, tag and archive pages and the feeds from the
cache. Everyone else gets a live page.

- **Never stale.** Every key holds the content version, which `content_changed()` moves on once a write that
  readers can see is committed (a comment published or removed, an article saved or published...). The
  version is a row of the database (`PageVersion`), read with one query for each page served: every process
  and machine sees the same one, whatever their caches, and a cache that was down when a change was
  committed serves nothing stale when it comes back. A page
  that will change by itself at a known time (a scheduled article appearing, comments closing) is stored
  with that time, and is rendered again once it has come. The settings are part of every key.
- **Holes.** What must be fresh for each response (the CSRF token, the comment form's signed timestamp) is
  stored as an unguessable marker and filled in at each response: `hole()` is called while the page is
  rendered, with the dotted path of the function that makes the value.
- **Conditional requests.** Each stored page has an ETag; a reader who has it gets a 304.
- **The cache may fail.** A cache that is down or slow costs readers the cache, never the page.
"""

import functools
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# Long enough to serve a busy page for a while; a new version makes every older key unreachable anyway.
TIMEOUT = 24 * 3600
# A stored page's holes are filled with values (a form's timestamp) that expire after
# COMMENTS_FORM_MAX_AGE_HOURS; the ETag changes every day, so a page kept by a browser is never older.
ETAG_PERIOD = 24 * 3600
# The settings readers' pages depend on: a change (and the restart it needs) starts a new set of keys, and so
# does a deployment that changes the templates or the static files (`_release`).
SETTINGS_PREFIXES = ("COMMENTS_", "SITE_", "ARTICLES_PER_PAGE", "LANGUAGE_CODE", "TIME_ZONE", "STATIC_URL")
CACHEABLE_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})
CACHEABLE_QUERY = frozenset({"page", "comments"})  # list pages, and pages of a long thread


def content_changed():
    """Make every cached page stale, once the current transaction (if any) is committed: a reader who asks
    between the write and its commit must not get the old page stored under the new version. (A version
    written inside the transaction could be overtaken: ids are given when rows are written, not when they
    are committed.)"""
    transaction.on_commit(_new_version)


def hole(request, maker, *args):
    """A value that must be fresh in every response, such as a token: `maker` is the dotted path of a
    function called as `maker(request, *args)`. On a page being cached, returns a marker that each response
    replaces with a fresh value; on any other page, the value itself."""
    holes = getattr(request, "_page_cache_holes", None)
    if holes is None:
        return import_string(maker)(request, *args)
    marker = _marker(len(holes))
    holes.append((marker, maker, args))
    return marker


def page_number_is_canonical(request, parameter, number):
    """Whether the query names page `number` as its own address does (no parameter for the first page). If
    not (`?page=1`, `?page=abc`, a number past the last), the page is served but not stored: anyone could
    otherwise fill the cache with copies of it."""
    given = request.GET.get(parameter)
    canonical = given is None or (given == str(number) and number > 1)
    if not canonical:
        request._page_cache_skip = True
    return canonical


def csrf_hole(request):
    """The CSRF token as a hole, for a form on a page that may be cached."""
    return hole(request, "django.middleware.csrf.get_token")


@dataclass
class Page:
    content: bytes
    content_type: str
    holes: list  # (marker, dotted path of the maker, its arguments)
    # A timestamp, when the page changes by itself (a scheduled article appears, comments close); None: it
    # changes only with the content.
    valid_until: float | None
    etag: str

    def response(self, request):
        response = HttpResponse(_fill(self.content, self.holes, request), content_type=self.content_type)
        response["ETag"] = self.etag
        return response


def cache_for_readers(view):
    """Serve `view` from the cache to anonymous readers (see the module's docstring). Its pages change by
    themselves when a scheduled article appears (its link shows on every list and the article before it);
    the view may set `request.page_valid_until` (a timestamp) to another time its page will change."""

    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        page = _read(key)
        if page is None or (page.valid_until is not None and time.time() >= page.valid_until):
            request._page_cache_holes = []
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()  # a TemplateResponse (the archives'), rendered now to be stored
            # A page that is an error, sets a cookie, or rendered a real CSRF token (a form outside the holes;
            # one reader's token must never reach another) is not stored.
            if (
                response.status_code != 200
                or response.streaming
                or response.cookies
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                or getattr(request, "_page_cache_skip", False)
            ):
                return _filled(request, response)
            page = _store(key, request, response)
        response = get_conditional_response(request, etag=page.etag) or page.response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return cached_view


def _cacheable(request):
    return (
        settings.PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and CACHEABLE_COOKIES.issuperset(request.COOKIES)
        and CACHEABLE_QUERY.issuperset(request.GET)
    )


def _key(request):
    version = _latest_version() or 0
    # The host and scheme too: a page names its own absolute address (canonical link, feeds, share links).
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    path = hashlib.sha256(address.encode()).hexdigest()
    return f"pages:{version}:{_settings_fingerprint()}:{get_language()}:{request.method}:{path}"


def _read(key):
    return _cache_call(cache.get, key)


def _store(key, request, response):
    content = response.content
    digest = hashlib.sha256(content).hexdigest()[:32]
    period = int(time.time() // ETAG_PERIOD) if request._page_cache_holes else 0
    from .models import Article  # the models call this module when they change: imported late, not in a loop

    changes = [getattr(request, "page_valid_until", None), Article.objects.next_appearance()]
    page = Page(
        content=content,
        content_type=response["Content-Type"],
        holes=request._page_cache_holes,
        valid_until=min((change for change in changes if change is not None), default=None),
        etag=f'"{digest}-{period}"',
    )
    _cache_call(cache.set, key, page, TIMEOUT)
    return page


def _filled(request, response):
    """A response that is not stored (an error page, say), with its holes filled all the same."""
    if request._page_cache_holes and not response.streaming:
        response.content = _fill(response.content, request._page_cache_holes, request)
    return response


def _fill(content, holes, request):
    for marker, maker, args in holes:
        content = content.replace(marker.encode(), str(import_string(maker)(request, *args)).encode())
    return content


def _new_version():
    """Run once a write is committed: it must never fail the request whose write it follows."""
    try:
        _versions().create()
    except DatabaseError:
        logger.exception("The cached pages could not be made stale.")


def forget_old_versions():
    """Delete the versions before the current one: only the latest is ever read."""
    return _versions().filter(pk__lt=_latest_version() or 0).delete()[0]


def _versions():
    from .models import PageVersion  # the models call this module when they change: imported late

    return PageVersion.objects


def _latest_version():
    return _versions().order_by("-pk").values_list("pk", flat=True).first()


# After a failure, this process leaves the cache alone for a while: a Redis that hangs would otherwise cost
# every request its timeout, several times.
PAUSE_AFTER_FAILURE = 30
_paused_until = 0.0


def _cache_call(method, *args):
    global _paused_until
    if time.monotonic() < _paused_until:
        return None
    try:
        return method(*args)
    except Exception as error:  # any cache backend failure: the page is rendered live instead
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        logger.warning(
            "The page cache is unavailable (%s): serving live pages for %s s.", error, PAUSE_AFTER_FAILURE
        )
        return None


def _marker(number):
    # Derived from the secret key, so that no text a reader writes can contain it.
    return "pagehole" + salted_hmac("blog.page_cache.hole", str(number)).hexdigest()[:24]


# The settings readers' pages depend on, read again for each key: tests and restarts may change them.
SETTINGS_NAMES = sorted(name for name in dir(settings) if name.startswith(SETTINGS_PREFIXES))


def _settings_fingerprint():
    values = repr([_release(), *(getattr(settings, name, None) for name in SETTINGS_NAMES)])
    return hashlib.sha256(values.encode()).hexdigest()[:12]


@functools.cache
def _release():
    """What a deployment changes in pages without changing their content: the templates and the static
    files' hashed names. A cache such as Redis outlives a deployment, its stored pages must not."""
    digest = hashlib.sha256(getattr(staticfiles_storage, "manifest_hash", "").encode())
    for folder in (Path(directory) for engine in settings.TEMPLATES for directory in engine["DIRS"]):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()
