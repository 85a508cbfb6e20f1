"""The one settings module: every value comes from the environment (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from korder_site.env import (
    checked_secret_key,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_time_zone,
    warn_debug_from_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# A local `.env` (written by `make run` on first use) fills in what the real environment lacks.
_env_file = os.environ.get("KORDER_ENV_FILE", str(BASE_DIR / ".env"))
_debug_from_environment = "DJANGO_DEBUG" in os.environ
if _env_file:
    load_dotenv(_env_file, override=False)
VAR_DIR = Path(env_str("KORDER_VAR_DIR", str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
if DEBUG and not _debug_from_environment:
    warn_debug_from_env_file(_env_file)
SECRET_KEY = checked_secret_key(env_str("DJANGO_SECRET_KEY"), debug=DEBUG)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")  # e.g. https://korder.example.com
# Behind a load balancer that terminates HTTPS and sets X-Forwarded-Proto.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production is HTTPS (SPEC §13, `manage.py check --deploy` clean): redirect, HSTS, secure
# cookies. DJANGO_HTTPS=0 serves plain HTTP (tests, benchmarks, a local gunicorn).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load-balancer probes come over plain HTTP
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000, minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Request bodies over 1 MB are refused with 413 (korder_site.middleware, SPEC §13).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' assets (no CDN): /api/docs works offline and under the CSP
    "axes",  # login throttling (SPEC §13)
    "csp",
    "korder_site",
    "orders",
    "workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "korder_site.middleware.RequestGuardMiddleware",  # 413 and control characters, first
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "korder_site.urls"
WSGI_APPLICATION = "korder_site.wsgi.application"

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
                "workflows.modes.broker_mode",
                "korder_site.permissions.trade_context",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
_database_url = env_str("DATABASE_URL")


def _sqlite_path() -> Path:
    """var/korder.sqlite3, creating var/ so a fresh clone can `manage.py migrate` at once."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return VAR_DIR / "korder.sqlite3"


# WAL lets the web app read while the engine writes; IMMEDIATE transactions make concurrent
# runners queue for the write lock instead of failing with "database is locked". Connections
# persist between requests: opening one (and registering Django's SQL functions on it) was a
# fifth of a history API call's CPU.
_SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
try:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60)
        if _database_url
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": _sqlite_path(),
              "OPTIONS": _SQLITE_OPTIONS, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth, i18n, static -----------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user or address
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflows:list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Pages show times in this IANA zone (e.g. Europe/Paris); empty: the viewer's browser zone.
KORDER_DISPLAY_TIME_ZONE = env_time_zone("KORDER_DISPLAY_TIME_ZONE")
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# --- Login throttling (django-axes; docs/operations.md "Login throttling") ---
# 10 failures for one username, or from one client address, lock it for 15 minutes (429),
# on the site login and /admin/login/ alike. `manage.py axes_reset` unlocks everything.
AXES_FAILURE_LIMIT = env_int("KORDER_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KORDER_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "korder_site.middleware.locked_out"
AXES_CLIENT_IP_CALLABLE = "korder_site.middleware.client_ip"
AXES_VERBOSE = False

# --- Content-Security-Policy (django-csp): no inline script anywhere ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],  # the admin's and Swagger UI's style attributes
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Order history store (DynamoDB) -----------------------------------------
KORDER_DYNAMODB_ENDPOINT = env_str("KORDER_DYNAMODB_ENDPOINT")
KORDER_DYNAMODB_REGION = env_str("KORDER_DYNAMODB_REGION", "eu-west-1") or "eu-west-1"
KORDER_DYNAMODB_TABLE = env_str("KORDER_DYNAMODB_TABLE", "workflow_orders") or "workflow_orders"
KORDER_DYNAMODB_LOCAL_PORT = env_int("KORDER_DYNAMODB_LOCAL_PORT", 8001, minimum=1)
# Per-attempt limits of every store call: a frozen store fails a call in seconds (the record
# goes to the outbox), it never hangs a run or a page.
KORDER_DYNAMODB_CONNECT_TIMEOUT_MS = env_int("KORDER_DYNAMODB_CONNECT_TIMEOUT_MS", 1000, minimum=1)
KORDER_DYNAMODB_READ_TIMEOUT_MS = env_int("KORDER_DYNAMODB_READ_TIMEOUT_MS", 2000, minimum=1)
KORDER_DYNAMODB_MAX_RETRIES = env_int("KORDER_DYNAMODB_MAX_RETRIES", 1, minimum=0)
KORDER_ORDER_RETENTION_DAYS = env_int("KORDER_ORDER_RETENTION_DAYS", 7, minimum=1)
_has_aws_credentials = bool(os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"))
if not KORDER_DYNAMODB_ENDPOINT and not _has_aws_credentials:
    # No endpoint and no AWS credentials: use the local dynalite server (SPEC §6.5).
    KORDER_DYNAMODB_ENDPOINT = f"http://127.0.0.1:{KORDER_DYNAMODB_LOCAL_PORT}"
KORDER_DYNAMODB_DATA_DIR = VAR_DIR / "dynamodb"

# --- Market data and broker -------------------------------------------------
KORDER_MARKET_DATA = env_choice("KORDER_MARKET_DATA", "csv", ("saxo", "csv"))
KORDER_CSV_DIR = Path(env_str("KORDER_CSV_DIR", str(VAR_DIR / "sample-data")))
KORDER_BROKER = env_choice("KORDER_BROKER", "notify", ("notify", "saxo"))
KORDER_SAXO_ENVIRONMENT = env_choice("KORDER_SAXO_ENVIRONMENT", "sim", ("sim", "live"))
KORDER_SAXO_APP_KEY = env_str("KORDER_SAXO_APP_KEY")
KORDER_SAXO_APP_SECRET = env_str("KORDER_SAXO_APP_SECRET")
KORDER_SAXO_TOKEN_FILE = Path(env_str("KORDER_SAXO_TOKEN_FILE", str(VAR_DIR / "saxo-token.json")))
KORDER_SAXO_ACCOUNT_KEY = env_str("KORDER_SAXO_ACCOUNT_KEY")
KORDER_SAXO_ACCESS_TOKEN = env_str("KORDER_SAXO_ACCESS_TOKEN")  # 24-hour SIM developer token
KORDER_SAXO_BASE_URL = env_str("KORDER_SAXO_BASE_URL")  # override, e.g. a local fake in tests
KORDER_SAXO_AUTH_URL = env_str("KORDER_SAXO_AUTH_URL")
KORDER_SAXO_REDIRECT_URI = env_str("KORDER_SAXO_REDIRECT_URI", "http://127.0.0.1:8765/callback")

# --- Slack ------------------------------------------------------------------
SLACK_BOT_TOKEN = env_str("SLACK_BOT_TOKEN")
KORDER_SLACK_BASE_URL = env_str("KORDER_SLACK_BASE_URL")  # override for a local Slack in tests
KORDER_SLACK_CHANNEL_WORKFLOWS = env_str("KORDER_SLACK_CHANNEL_WORKFLOWS", "#workflows")
KORDER_SLACK_CHANNEL_STOCKS = env_str("KORDER_SLACK_CHANNEL_STOCKS", "#workflows-stock")
KORDER_SLACK_CHANNEL_ERRORS = env_str("KORDER_SLACK_CHANNEL_ERRORS", "#errors")

# --- Engine -----------------------------------------------------------------
KORDER_FETCH_CONCURRENCY = env_int("KORDER_FETCH_CONCURRENCY", 8, minimum=1)

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KORDER_LOG_LEVEL", "INFO") or "INFO"},
    "loggers": {"botocore": {"level": "WARNING"}, "pynamodb": {"level": "WARNING"},
                "axes": {"level": "WARNING"}},
}
