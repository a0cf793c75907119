import pytest

from tests.s3 import S3Server


@pytest.fixture(scope="session")
def s3_server():
    with S3Server() as server:
        yield server


@pytest.fixture(params=["disk", "s3"])
def media_storage(request, settings, media_root):
    """The uploads' storage: this machine's disk (served by the site itself) or a bucket of a real
    S3-compatible server, private, its files reached through signed addresses."""
    if request.param == "disk":
        settings.SERVE_MEDIA = True
        return None
    server = request.getfixturevalue("s3_server")
    bucket = server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": server.storage_options(bucket)}
    return server, bucket
