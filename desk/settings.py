"""Settings, read from the environment.

APP_MODE=local (the default) is for a laptop: DEBUG on, console e-mail, demo accounts allowed.
APP_MODE=production requires SECRET_KEY and ALLOWED_HOSTS, turns every HTTPS protection on and
serves static files with WhiteNoise; `manage.py check --deploy` passes without warnings.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


APP_MODE = os.environ.get("APP_MODE", "local").strip().lower()
if APP_MODE not in {"local", "production"}:
    raise ImproperlyConfigured("APP_MODE must be 'local' or 'production'.")
PRODUCTION = APP_MODE == "production"

DEBUG = _env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY in production.")
    SECRET_KEY = "local-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in production.")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "common",
    "accounts",
    "manifesto",
    "amendments",
    "django_tasks",
    "django_tasks_db",
    # After our apps, so that manifesto's read-only clean_*_history commands replace its own.
    "simple_history",
]

MIDDLEWARE = [
    "desk.moments.ReceivedAtMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "desk.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "desk.security.RefuseNulCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "desk.urls"
WSGI_APPLICATION = "desk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait their turn (up to 20 s) instead of failing with "database is
    # locked". A transaction takes SQLite's write lock when it begins (IMMEDIATE): one that read
    # first and wrote later could not wait for another writer, as SQLite refuses at once where
    # waiting could deadlock. WAL lets pages be read while a writer works; synchronous=NORMAL
    # is WAL's usual setting (a power cut may lose the last commits, never corrupt the file).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    # SQLite builds the amendments' covering indexes without their extra columns, which
    # only PostgreSQL's index-only scans use; nothing to warn about.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# dumpdata's JSON keeps times to the microsecond, so a backup loads back exactly (README).
SERIALIZATION_MODULES = {"json": "manifesto.exact_json"}
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "manifesto:index"
LOGOUT_REDIRECT_URL = "manifesto:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production collects static files for WhiteNoise; locally WhiteNoise serves them from their
# folders (and would warn about a STATIC_ROOT that does not exist).
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# The cache holds rendered fragments of pages (the chapter's text, the paragraph and amendment
# pages' main parts, the list's and the queue's rows and groups, search snippets), each keyed on
# a stamp of what it shows (common/fragments.py), so a cache of each process's own is never
# stale; CACHE_URL=redis://… lets the processes share it. Django's default of 300 entries is
# less than one busy queue page and its paragraph groups: a round's working set is thousands.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "20000"))},
    }
}
if os.environ.get("CACHE_URL", "").startswith("redis://"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["CACHE_URL"],
    }
# Rate limits and the log-in lock-out count in the database (accounts/limits.py), so every
# worker and server shares them. Behind a reverse proxy, set TRUSTED_PROXIES to the number of
# proxies that append to X-Forwarded-For, so limits apply per client and not per proxy.
# The admin shows the history read-only: no "revert" from a historical record's form (editors
# restore versions on the desk's history page, through the word-count guard).
SIMPLE_HISTORY_REVERT_DISABLED = True
# A version's reason holds the whole reason an editor gave (up to the desk's limit for reasons,
# amendments/rules.py): a column of 100 characters refused longer ones on PostgreSQL.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

RATELIMIT_ENABLE = _env_bool("RATELIMIT_ENABLE", default=True)
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "amendment-desk@localhost")
# Links in e-mails (notices, the digest, password resets) start with SITE_URL, never with the
# Host header of the request that happened to send them. Locally it follows the port `make run`
# serves on; in production it defaults to https:// and the first name in ALLOWED_HOSTS.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL and PRODUCTION:
    _site_host = ALLOWED_HOSTS[0]
    if _site_host.startswith(".") or "*" in _site_host:
        raise ImproperlyConfigured(
            "Set SITE_URL (e.g. https://desk.example.org): e-mails link to it, and the first "
            "of ALLOWED_HOSTS is a pattern, not a name."
        )
    SITE_URL = f"https://{_site_host}"
if not SITE_URL:
    SITE_URL = f"http://127.0.0.1:{os.environ.get('PORT', '').strip() or '8000'}"

# Notices to followers are e-mailed by a worker (`manage.py db_worker`), not in the request
# that caused them: the task queue lives in the database (django-tasks' database backend), so
# no other service is needed. TASKS_BACKEND=immediate runs tasks in the request (the tests).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("TASKS_BACKEND") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Sign-up: when true, a new member needs an invitation code an admin has issued.
SIGNUP_REQUIRES_INVITATION = _env_bool("SIGNUP_REQUIRES_INVITATION", default=PRODUCTION)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form refused for its CSRF token comes back to the desk's own page, which says that nothing
# was saved and how to get the text back, in every mode (not Django's page for developers).
CSRF_FAILURE_VIEW = "desk.security.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every response (desk/security.py), in every mode, so that the browser tests run
# under it: scripts and styles come only from our static files, nothing inline.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
if PRODUCTION:
    # gunicorn runs behind a reverse proxy that ends TLS and must set X-Forwarded-Proto (and
    # strip any the client sent); without it every request would look like plain HTTP.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Importing chapters from the desk (amendments/views/importing.py): the largest file accepted,
# and where an upload waits, under a random token, between its preview and its confirmation.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
IMPORT_STAGING_DIR = Path(os.environ.get("IMPORT_STAGING_DIR", str(BASE_DIR / "var" / "imports")))
