"""Causerie's one settings module, configured by environment variables (see .env.example)."""

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    """The variable's value; an empty one counts as unset, so a copied .env.example keeps the defaults."""
    return os.environ.get(name, "").strip() or default


def env_bool(name, default=False):
    value = env(name)
    return value.lower() in {"1", "true", "yes", "on"} if value else default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"Causerie cannot start: {name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-used-with-DJANGO_DEBUG-on"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    # SystemExit, not an exception: the operator reads one line, not a stack trace.
    if not SECRET_KEY:
        raise SystemExit(
            "Causerie cannot start: DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off "
            "(set it to a long random string, or set DJANGO_DEBUG=1 for development)."
        )
    if not ALLOWED_HOSTS:
        raise SystemExit(
            "Causerie cannot start: DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off "
            "(a comma-separated list such as blog.example.com)."
        )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.CauserieAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "markdownx",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "blog",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Hardening (issue 13, headers): on every response, static files and media included.
    "blog.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "blog.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "blog.middleware.OldAddressMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
                "blog.context_processors.csrf",
            ],
        },
    },
]

# The comment thread, the hottest template of the site, is Jinja2's (comments.threads.render): compiled to
# Python, it renders hundreds of comments several times faster than Django's engine.
TEMPLATES.append(
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {"autoescape": True},
    }
)

DATA_DIR = Path(env("CAUSERIE_DATA_DIR") or BASE_DIR / "data")
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default must work on a fresh clone
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'causerie.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The admin's covering indexes (INCLUDE, for PostgreSQL at a million comments) are plain indexes here.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # Several processes write to one file (the site, the task worker): each transaction takes the write lock
    # when it begins and waits its turn for it, and readers never wait for a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Nothing depends on the cache for correctness: a Redis that is down or hangs costs a fraction of a
    # second, then the page is made without it (blog/page_cache.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous readers' pages from the cache, never stale (blog/page_cache.py): their version is in the database,
# so a local-memory cache in each process is as safe as Redis shared by all (only less shared).
PAGE_CACHE = env_bool("CAUSERIE_PAGE_CACHE", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LANGUAGE_CODE = env("CAUSERIE_LANGUAGE", "en")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise SystemExit(f"Causerie cannot start: CAUSERIE_LANGUAGE must be en or fr, not {LANGUAGE_CODE!r}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("CAUSERIE_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT") or DATA_DIR / "media")
MEDIA_URL = env("MEDIA_URL", "/media/")
SERVE_MEDIA = env_bool("CAUSERIE_SERVE_MEDIA", DEBUG)

# Shared media (README, "Shared media"): with several app servers and workers, uploads go to an S3-compatible
# bucket (config/media.py) instead of each machine's disk. Without a public URL, pages link to MEDIA_URL,
# which redirects to a signed address of the bucket (a private bucket); with one, straight to it.
MEDIA_BUCKET = env("CAUSERIE_MEDIA_BUCKET")
if MEDIA_BUCKET:
    MEDIA_PUBLIC_URL = env("CAUSERIE_MEDIA_PUBLIC_URL").rstrip("/")
    _media = {
        "bucket_name": MEDIA_BUCKET,
        "endpoint_url": env("CAUSERIE_MEDIA_ENDPOINT_URL") or None,
        "region_name": env("CAUSERIE_MEDIA_REGION") or None,
        # Unset, boto3 finds credentials itself (AWS_* variables, ~/.aws, the machine's role).
        "access_key": env("CAUSERIE_MEDIA_ACCESS_KEY_ID") or None,
        "secret_key": env("CAUSERIE_MEDIA_SECRET_ACCESS_KEY") or None,
        "location": env("CAUSERIE_MEDIA_PREFIX").strip("/"),
        "querystring_expire": env_int("CAUSERIE_MEDIA_URL_EXPIRE", 3600),
        "signed_urls": not MEDIA_PUBLIC_URL,
    }
    if MEDIA_PUBLIC_URL:
        _protocol, _slashes, _domain = MEDIA_PUBLIC_URL.partition("//")
        if _protocol not in {"http:", "https:"} or not _domain:
            raise SystemExit(
                "Causerie cannot start: CAUSERIE_MEDIA_PUBLIC_URL must start with https:// or http://, "
                f"not {MEDIA_PUBLIC_URL!r}."
            )
        _media.update(url_protocol=_protocol, custom_domain=_domain)
    STORAGES["default"] = {"BACKEND": "config.media.MediaStorage", "OPTIONS": _media}
    # Django's own /media/ serving is for files on this disk; the signed-URL redirect replaces it.
    SERVE_MEDIA = False

EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Mail is sent by the task worker, never in a request: a mail server that does not answer holds up a worker
# for this long, then the mail is retried later.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Causerie <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Slow work (mail, the comments' periodic jobs) runs in the task worker, `manage.py db_worker`: Django's tasks
# framework (django-tasks, the backport of Django 6's), whose database backend needs no other service. Its
# queue is a table written in the same transaction as the comment that causes the work.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Production hardening. The headers are always sent and the cookies are HTTPS-only whenever debug is off; the
# HTTPS redirect and HSTS stay off until set: the proxy often redirects already, and browsers keep HSTS for as
# long as it said, even after a mistake.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_HTTPS_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")

# Hardening (issue 13, headers): a strict Content Security Policy (django-csp) and a Permissions-Policy
# (django-permissions-policy). Every script is one of the site's own static files: no inline script, no
# eval, anywhere. Styles are the site's own files too, except in the admin, whose Django templates carry a few
# inline styles (blog.middleware.ContentSecurityPolicyMiddleware adds 'unsafe-inline' for styles there only).
# Images may come from any https address (an article may show one). CAUSERIE_CSP_REPORT_ONLY=1 sends the
# policy as Content-Security-Policy-Report-Only, to try it on a live site; CAUSERIE_CSP_REPORT_URI names where
# browsers report violations.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "https:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Uploads served from elsewhere over plain http (a bucket's endpoint, such as a MinIO on the local network,
# where /media/ redirects with signed addresses, or a public bucket's or CDN's address): that origin too.
_MEDIA_ADDRESSES = [MEDIA_URL]
if MEDIA_BUCKET:
    _MEDIA_ADDRESSES.append(MEDIA_PUBLIC_URL or _media["endpoint_url"] or "")
for _address in map(urlsplit, _MEDIA_ADDRESSES):
    _origin = f"{_address.scheme}://{_address.netloc}"
    if _address.scheme == "http" and _address.netloc and _origin not in _CSP_DIRECTIVES["img-src"]:
        _CSP_DIRECTIVES["img-src"].append(_origin)
if env("CAUSERIE_CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = [env("CAUSERIE_CSP_REPORT_URI")]
CSP_REPORT_ONLY = env_bool("CAUSERIE_CSP_REPORT_ONLY")
CONTENT_SECURITY_POLICY = None if CSP_REPORT_ONLY else {"DIRECTIVES": _CSP_DIRECTIVES}
CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES} if CSP_REPORT_ONLY else None
# No page uses the camera, microphone, location, payment or sensors; the share button writes to the clipboard.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "clipboard-write": ["self"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own logger would print a second copy of each line in debug; the root handler is enough.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# Errors reach the owner (config/errors.py; README, "Errors and logs"). Each request gets an id, returned as
# X-Request-ID and written on every log line; the proxy's X-Request-ID is kept when it is trusted to set it.
# In production the log is JSON, a line per record. Unhandled errors are mailed to ADMINS (comma-separated
# addresses, "Name <address>" allowed) by the task worker, one mail per kind of error every ten minutes, and
# sent to Sentry when SENTRY_DSN is set; readers' emails and network addresses are blanked from both.
TRUST_REQUEST_ID = env_bool("CAUSERIE_TRUST_REQUEST_ID")
MIDDLEWARE = ["config.errors.RequestIdMiddleware", "config.health.HealthCheckMiddleware", *MIDDLEWARE]
LOG_FORMAT = env("CAUSERIE_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise SystemExit(f"Causerie cannot start: CAUSERIE_LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING["filters"] = {"request_id": {"()": "config.errors.RequestIdFilter"}}
LOGGING["formatters"] = {
    "json": {"()": "config.errors.JsonFormatter"},
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
}
LOGGING["handlers"]["console"].update(filters=["request_id"], formatter=LOG_FORMAT)
ADMINS = [(name, address) for name, address in getaddresses(env_list("DJANGO_ADMINS")) if "@" in address]
EMAIL_SUBJECT_PREFIX = f"[{env('CAUSERIE_SITE_NAME', 'Causerie')}] "
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.errors.ReporterFilter"
LOGGING["handlers"]["mail_admins"] = {
    "class": "config.admin_mail.AdminEmailHandler",
    "level": "ERROR",
    "filters": ["require_debug_false"],
}
LOGGING["filters"]["require_debug_false"] = {"()": "django.utils.log.RequireDebugFalse"}
LOGGING["loggers"]["django.request"] = {"handlers": ["mail_admins"], "propagate": True}
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from config.errors import init_sentry

    init_sentry(SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", "production"))

# Health and readiness (config/health.py; README, "Health and readiness"): /healthz/ and /readyz/ for the load
# balancer. Readiness fails when the oldest due background job has waited longer than this many seconds (the
# workers are down or overwhelmed); 0 leaves the queue out of it.
READY_MAX_QUEUE_AGE = env_int("CAUSERIE_READY_MAX_QUEUE_AGE", 600)

# Causerie
SITE_NAME = env("CAUSERIE_SITE_NAME", "Causerie")
# Unset, the tagline is the default below in the reader's language; a set one is shown as written.
SITE_TAGLINE = env("CAUSERIE_SITE_TAGLINE") or _("A blog that answers its readers")
ARTICLES_PER_PAGE = env_int("CAUSERIE_ARTICLES_PER_PAGE", 10)
# Where the site lives, for the links in emails (they are sent outside any request).
SITE_URL = env("CAUSERIE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Uploads: the image limits blog/images.py enforces. Django reads an upload whatever its size (files bigger
# than FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file), so the reverse proxy caps request bodies.
IMAGE_MAX_BYTES = env_int("CAUSERIE_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("CAUSERIE_IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_MAX_SIDE = env_int("CAUSERIE_IMAGE_MAX_SIDE", 2400)
# Hardening (issue 13, uploads): an animation's frames, and their pixels together, are capped below what a
# still image may have (each frame is held in memory to be written again); and every decoding and re-encoding
# runs in a child process allowed this much time and memory (blog/images.py, within_budget).
IMAGE_MAX_FRAMES = env_int("CAUSERIE_IMAGE_MAX_FRAMES", 300)
IMAGE_MAX_ANIMATION_PIXELS = env_int("CAUSERIE_IMAGE_MAX_ANIMATION_PIXELS", 8_000_000)
IMAGE_MAX_SECONDS = env_int("CAUSERIE_IMAGE_MAX_SECONDS", 10)
IMAGE_MAX_MEMORY_MB = env_int("CAUSERIE_IMAGE_MAX_MEMORY_MB", 400)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The admin editor's preview and uploads go through our own guarded views (blog/views.py), never markdownx's.
MARKDOWNX_URLS_PATH = "/admin-editor/preview/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin-editor/upload/"
MARKDOWNX_MARKDOWNIFY_FUNCTION = "blog.markup.render_article"
MARKDOWNX_SERVER_CALL_LATENCY = 600

# The writing desk (blog/revisions.py, blog/sharing.py): a shared draft link works for this many days, and an
# editor's unsaved text autosaved to the server is kept this many days (the periodic jobs delete older ones).
DRAFT_LINK_DAYS = env_int("CAUSERIE_DRAFT_LINK_DAYS", 7)
AUTOSAVE_KEEP_DAYS = env_int("CAUSERIE_AUTOSAVE_KEEP_DAYS", 30)

# Comments and their moderation (comments/moderation.py holds the policy; these are its knobs).
COMMENTS_MAX_DEPTH = env_int("CAUSERIE_COMMENTS_MAX_DEPTH", 4)
COMMENTS_CONVERSATIONS_PER_PAGE = env_int("CAUSERIE_COMMENTS_CONVERSATIONS_PER_PAGE", 50)
COMMENTS_CLOSE_AFTER_DAYS = env_int("CAUSERIE_COMMENTS_CLOSE_AFTER_DAYS", 0)
# More links than this hold a comment: two or more, as WordPress holds them by default (comment_max_links).
COMMENTS_MAX_LINKS = env_int("CAUSERIE_COMMENTS_MAX_LINKS", 1)
COMMENTS_MIN_SECONDS = env_int("CAUSERIE_COMMENTS_MIN_SECONDS", 3)
COMMENTS_FORM_MAX_AGE_HOURS = env_int("CAUSERIE_COMMENTS_FORM_MAX_AGE_HOURS", 72)
COMMENTS_RATE_LIMIT = env_int("CAUSERIE_COMMENTS_RATE_LIMIT", 5)
COMMENTS_RATE_WINDOW_MINUTES = env_int("CAUSERIE_COMMENTS_RATE_WINDOW_MINUTES", 10)
COMMENTS_DUPLICATE_WINDOW_HOURS = env_int("CAUSERIE_COMMENTS_DUPLICATE_WINDOW_HOURS", 24)
COMMENTS_RELEASE_SOFT_HOLDS_AFTER_HOURS = env_int("CAUSERIE_COMMENTS_RELEASE_SOFT_HOLDS_AFTER_HOURS", 0)
COMMENTS_SPAM_RETENTION_DAYS = env_int("CAUSERIE_COMMENTS_SPAM_RETENTION_DAYS", 30)
COMMENTS_MAIL_RETENTION_DAYS = env_int("CAUSERIE_COMMENTS_MAIL_RETENTION_DAYS", 30)
COMMENTS_NOTIFY_EVERY_COMMENT = env_bool("CAUSERIE_COMMENTS_NOTIFY_EVERY_COMMENT", False)
COMMENTS_NOTIFY_MODERATORS = env_bool("CAUSERIE_COMMENTS_NOTIFY_MODERATORS", False)
# Regulars skip the soft holds (links, pace): this many comments published within this many days, none
# removed. 0 turns trust off.
COMMENTS_TRUST_AFTER = env_int("CAUSERIE_COMMENTS_TRUST_AFTER", 3)
COMMENTS_TRUST_WINDOW_DAYS = env_int("CAUSERIE_COMMENTS_TRUST_WINDOW_DAYS", 180)
# The classifiers of abuse and spam (comments/classifier.py) hold what no word of the lexicon names; off, only
# the lexicon and the other signals hold.
COMMENTS_CLASSIFIERS = env_bool("CAUSERIE_COMMENTS_CLASSIFIERS", True)
# The links in a held-comment mail that approve or reject it work for this many days.
COMMENTS_EMAIL_DECISION_DAYS = env_int("CAUSERIE_COMMENTS_EMAIL_DECISION_DAYS", 7)
# Moderators who chose one mail a day get it at the first comment_jobs run after this hour (site time zone).
COMMENTS_HELD_DIGEST_HOUR = env_int("CAUSERIE_COMMENTS_HELD_DIGEST_HOUR", 8)

# Readers' rights over their comments and data (issue 14): the author of a comment may edit or delete it
# from the same browser for this many minutes after posting; network addresses and browsers (user agents)
# are erased from comments and reports after this many days by `comment_jobs` (bans keep theirs until they
# expire).
COMMENTS_EDIT_WINDOW_MINUTES = env_int("CAUSERIE_COMMENTS_EDIT_WINDOW_MINUTES", 15)
COMMENTS_ADDRESS_RETENTION_DAYS = env_int("CAUSERIE_COMMENTS_ADDRESS_RETENTION_DAYS", 90)

# Accounts
# Only staff have accounts (readers comment without one), so logging in on the site leads to the admin.
LOGIN_REDIRECT_URL = "admin:index"

# Hardening (issue 13): trusted client addresses, login and password-reset throttling, the secret key, and
# held-comment mail that a flood cannot multiply. README, "Security".
# Django's own warning (security.W009) made fatal: a short or repetitive key makes every signed link, session
# and password-reset token guessable.
WEAK_KEY = len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
if not DEBUG and WEAK_KEY:
    raise SystemExit(
        "Causerie cannot start: DJANGO_SECRET_KEY is too weak (it needs at least 50 characters, 5 of them "
        'different): python -c "import secrets; print(secrets.token_urlsafe(50))" makes one.'
    )
# How many reverse proxies of ours stand in front of the site (config/client_address.py): 1 behind nginx,
# 2 behind a CDN and nginx. 0 (the default) ignores X-Forwarded-For, which any client can write.
TRUSTED_PROXIES = env_int("CAUSERIE_TRUSTED_PROXIES", 0)
# Login throttling on every login form (the site's and the admin's): django-axes counts failures in the
# database (shared by every worker), by username and by address; either reaching the limit locks it out until
# the cool-off ends or the owner unlocks it (the admin's "Access attempts", or manage.py axes_reset_username).
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("CAUSERIE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CAUSERIE_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# Failed attempts are kept until the cool-off ends; successful logins' addresses are not kept at all.
AXES_DISABLE_ACCESS_LOG = True
# Password-reset requests per hour: mails to one address, requests from one network address.
PASSWORD_RESET_PER_ADDRESS = env_int("CAUSERIE_PASSWORD_RESET_PER_ADDRESS", 3)
PASSWORD_RESET_PER_CLIENT = env_int("CAUSERIE_PASSWORD_RESET_PER_CLIENT", 10)
# A recipient gets this many held-comment mails an hour, one per comment; the rest wait for their daily list.
COMMENTS_HELD_MAILS_PER_HOUR = env_int("CAUSERIE_COMMENTS_HELD_MAILS_PER_HOUR", 10)
