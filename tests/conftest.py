import pytest
from django.core.cache import cache

from blog import page_cache
from tests.factories import make_owner, make_user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its uploads to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The real hasher takes a quarter of a second per password; tests hash many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, which this process has not seen fail."""
    page_cache._paused_until = 0.0
    cache.clear()
    yield
    cache.clear()
    page_cache._paused_until = 0.0


@pytest.fixture
def live_pages(settings):
    """Readers' pages rendered for each request, not served from the page cache: what the query-count
    tests pin is the cost of making a page."""
    settings.PAGE_CACHE = False


@pytest.fixture
def owner(db):
    return make_owner()


@pytest.fixture
def reader(db):
    return make_user("reader")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
