import pytest

from tests.factories import make_owner, make_user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its uploads to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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
