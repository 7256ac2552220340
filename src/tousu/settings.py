"""Django settings, all from the environment.

DATABASE_URL   default: SQLite file in $TOUSU_DATA_DIR (else ./tousu-data)
SECRET_KEY     TOUSU_SECRET_KEY; the demo generates one and keeps it in the data folder
BROKER         TOUSU_BROKER_URL (or REDIS_URL); empty = background work runs in-process
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TOUSU_DATA_DIR", "tousu-data")).resolve()


def _secret_key() -> str:
    if key := os.environ.get("TOUSU_SECRET_KEY"):
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret.key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'tousu.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=int(os.environ.get("TOUSU_CONN_MAX_AGE", "60")))
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            # IMMEDIATE: writers queue for the lock at BEGIN instead of failing mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # a file, so that threads in concurrency tests share it; per process, so that two
        # test runs on one machine do not drop each other's database
        db.setdefault("TEST", {})["NAME"] = str(DATA_DIR / f"test-{os.getpid()}.sqlite3")
    else:
        db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_{os.getpid()}"
        if os.environ.get("TOUSU_PG_SERVER_BINDING", "1") != "0":
            # PostgreSQL binds the values, and psycopg prepares a statement on its 5th run on a
            # connection: planned once, not at every run (PostgreSQL CPU per case detail about
            # halved, bench/README.md). TOUSU_PG_PREPARE=0 (a pooler that cannot keep prepared
            # statements) keeps the binding, not the preparing.
            prepare = os.environ.get("TOUSU_PG_PREPARE", "1") != "0"
            db.setdefault("OPTIONS", {}).update(
                server_side_binding=True, prepare_threshold=5 if prepare else None
            )
    return db


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("TOUSU_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("TOUSU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its Swagger UI files itself, so /api/v1/docs needs no CDN
    "tousu.org",
    "tousu.packs",
    "tousu.cases",
    "tousu.web",
    "tousu.clocks",
    "tousu.notify",
    "tousu.reports",
    "tousu.channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tousu.web.language.ChosenLanguageMiddleware",  # Chinese unless English was chosen
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tousu.urls"
WSGI_APPLICATION = "tousu.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the 中文/English choice outlives the browser session
TIME_ZONE = os.environ.get("TOUSU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]  # the English catalogue of the console
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing folder
MEDIA_ROOT = DATA_DIR / "files"

BROKER_URL = os.environ.get("TOUSU_BROKER_URL") or os.environ.get("REDIS_URL") or ""

# Celery (tousu.jobs): Redis or RabbitMQ by URL; with no broker every task runs in-process.
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not BROKER_URL
CELERY_TASK_ACKS_LATE = True  # tasks are safe to repeat, so a lost worker's task runs again
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

# Notifications (tousu.notify). E-mail goes out only when an SMTP host is configured.
EMAIL_HOST = os.environ.get("TOUSU_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("TOUSU_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TOUSU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TOUSU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("TOUSU_EMAIL_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("TOUSU_EMAIL_SSL", "") == "1"
EMAIL_TIMEOUT = int(os.environ.get("TOUSU_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("TOUSU_EMAIL_FROM", "tousu@localhost")
TOUSU_EMAIL_ENABLED = bool(EMAIL_HOST)
# SMS gateway: a dotted class path; the default appends each message to DATA_DIR/sms.log.
TOUSU_SMS_BACKEND = os.environ.get("TOUSU_SMS_BACKEND", "tousu.notify.backends.FileSmsGateway")
TOUSU_SMS_LOG = Path(os.environ.get("TOUSU_SMS_LOG", str(DATA_DIR / "sms.log")))
TOUSU_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("TOUSU_NOTIFY_MAX_ATTEMPTS", "6"))

LOGIN_URL = "/console/login/"

# Cache: in-process by default; TOUSU_CACHE_URL (redis://…) shares it between web workers,
# which the public rate limits need when several workers serve the portal (tousu.ratelimit).
if CACHE_URL := os.environ.get("TOUSU_CACHE_URL", ""):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
# Customer portal and public API limits, COUNT/PERIOD (s, min, h, d); see tousu.ratelimit.
TOUSU_PUBLIC_SUBMIT_PER_ADDRESS = os.environ.get("TOUSU_PUBLIC_SUBMIT_PER_ADDRESS", "10/h")
TOUSU_PUBLIC_SUBMIT_PER_PHONE = os.environ.get("TOUSU_PUBLIC_SUBMIT_PER_PHONE", "5/h")
TOUSU_PUBLIC_LOOKUP_PER_ADDRESS = os.environ.get("TOUSU_PUBLIC_LOOKUP_PER_ADDRESS", "60/h")
# Unit (code) whose agents queue online submissions; empty: the top unit of the organisation.
TOUSU_PORTAL_UNIT = os.environ.get("TOUSU_PORTAL_UNIT", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TOUSU_LOG_LEVEL", "WARNING")},
}
