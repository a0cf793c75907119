"""Uploads on S3-compatible object storage, shared by every app server and worker (README, "Shared media").

Local disk (MEDIA_ROOT) stays the default; `CAUSERIE_MEDIA_BUCKET` switches to a bucket, served two ways:

- **Public URL** (`CAUSERIE_MEDIA_PUBLIC_URL`, a public bucket or a CDN in front of it): pages link to the
  files there directly.
- **Signed URLs** (no public URL, a private bucket): pages link to `MEDIA_URL` + the file's name, an address
  that never expires and so may sit in cached pages and in articles' Markdown; `redirect` sends the browser on
  to a signed address of the bucket, valid for `CAUSERIE_MEDIA_URL_EXPIRE` seconds.

Files are streamed to the bucket (boto3's multipart upload, in chunks), never read whole into memory again.
"""

from botocore.config import Config
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect
from django.utils.encoding import filepath_to_uri
from django.views import static
from django.views.decorators.http import require_safe
from storages.backends.s3 import S3Storage

NAME_MAX = 255  # bytes in a file name's part, on Linux file systems


class MediaStorage(S3Storage):
    # Never overwrite: uploads have unguessable names, and a clash must not replace another article's file.
    file_overwrite = False

    def __init__(self, *, signed_urls=True, timeout=5, **options):
        self.signed_urls = signed_urls
        # Short timeouts and few retries: a storage server that is down fails an upload (or the readiness
        # check) in seconds, instead of botocore's default minute per attempt.
        options.setdefault(
            "client_config",
            Config(
                connect_timeout=timeout,
                read_timeout=timeout * 4,
                retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": "path"} if options.get("endpoint_url") else None,
            ),
        )
        super().__init__(querystring_auth=signed_urls, **options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        if self.signed_urls and parameters is None and http_method is None:
            return settings.MEDIA_URL + filepath_to_uri(name)
        return super().url(name, parameters, expire, http_method)

    def signed_url(self, name):
        return super().url(name)


@require_safe
def serve(request, path):
    """A file of MEDIA_URL: a redirect to its signed address in a private bucket, or the file from this disk
    when the site serves its own uploads (CAUSERIE_SERVE_MEDIA)."""
    if getattr(default_storage, "signed_urls", False):
        if path.endswith("/") or ".." in path.split("/"):
            raise Http404
        response = HttpResponseRedirect(default_storage.signed_url(path))
        # The browser may reuse the redirect while the signature is valid; shared caches may not.
        response["Cache-Control"] = f"private, max-age={default_storage.querystring_expire // 2}"
        return response
    if settings.SERVE_MEDIA and not hasattr(default_storage, "bucket_name"):
        # No stored name has a part that long (they are generated); the file system would raise on it.
        if any(len(part.encode("utf-8", "surrogatepass")) > NAME_MAX for part in path.split("/")):
            raise Http404
        return static.serve(request, path, document_root=settings.MEDIA_ROOT)
    raise Http404
