"""All settings of iamconsole, read from the environment (see ``.env.example``).

Differences between environments are environment variables only. With ``IAM_ENV=production`` every required value
must be set; otherwise ``SECRET_KEY`` and ``IAM_ENCRYPTION_KEY`` fall back to ``var/secrets.env``, created with random
values on first use, so that every command run in one checkout shares the same keys.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from dj_database_url import DBConfig
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IAM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

IAM_ENV = os.environ.get("IAM_ENV", "development")
PRODUCTION = IAM_ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, maximum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < 1 or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name} must be between 1 and {maximum or 'any size'}, not {number}")
    return number


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """IP addresses or CIDR networks, comma-separated (none when unset)."""
    networks = []
    for item in (part.strip() for part in os.environ.get(name, "").split(",")):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ImproperlyConfigured(f"{name}: {item!r} is not an IP address or network") from None
    return tuple(networks)


def _local_secrets() -> dict[str, str]:
    """Read ``var/secrets.env``, creating it (mode 0600) with fresh random keys when absent."""
    path = VAR_DIR / "secrets.env"
    if not path.exists():
        values = {"SECRET_KEY": secrets.token_urlsafe(50), "IAM_ENCRYPTION_KEY": Fernet.generate_key().decode()}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("".join(f"{key}={value}\n" for key, value in values.items()))
    result: dict[str, str] = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            result[key.strip()] = value.strip()
    return result


def required(name: str) -> str:
    """A value that production must set; elsewhere it falls back to ``var/secrets.env``."""
    value = os.environ.get(name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when IAM_ENV=production")
    try:
        return _local_secrets()[name]
    except (OSError, KeyError):
        raise ImproperlyConfigured(f"{name} is not set and var/secrets.env does not provide it") from None


# --- core ----------------------------------------------------------------------------------------------------------
SECRET_KEY = required("SECRET_KEY")
#: .env.example's value, which a deployment must replace.
SECRET_KEY_PLACEHOLDER = "change-me-to-a-long-random-value"
SECRET_KEY_MIN_LENGTH = 50
if PRODUCTION and (
    SECRET_KEY == SECRET_KEY_PLACEHOLDER
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be a random value of at least {SECRET_KEY_MIN_LENGTH} characters when IAM_ENV=production, "
        "not the placeholder of .env.example"
    )
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
IAM_CONSOLE_URL = os.environ.get("IAM_CONSOLE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [IAM_CONSOLE_URL]

# Fernet keys for secrets at rest: the first encrypts, all decrypt (rotation).
IAM_ENCRYPTION_KEYS = [k.strip() for k in required("IAM_ENCRYPTION_KEY").split(",") if k.strip()]
for _key in IAM_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured("IAM_ENCRYPTION_KEY must be Fernet keys, separated by commas") from None

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "policies",
    "identities",
    "sts",
]

MIDDLEWARE = [
    "iamconsole.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "iamconsole.middleware.ConsoleActorMiddleware",
]

ROOT_URLCONF = "iamconsole.urls"
WSGI_APPLICATION = "iamconsole.wsgi.application"
# The AWS endpoint is /aws with no slash; nothing may be redirected there.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "iamconsole.middleware.console_context",
                "iamconsole.form_fields.html_limits",
            ],
        },
    },
]

# --- data ----------------------------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'iamconsole.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests and the worker share one file: wait for locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a transaction begins: a read lock upgraded later fails at once with "database is locked".
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"


def attempts_database(default: DBConfig) -> DBConfig:
    """The ``attempts`` connection (``accounts.routers``): a second, autocommit connection for attempt limits.

    On PostgreSQL it reaches the same database; on SQLite it is a file of its own next to the database
    (``NAME-attempts.sqlite3``), since a second connection to one SQLite file waits for the request's write lock.
    """
    attempts = default.copy()
    attempts["OPTIONS"] = dict(default.get("OPTIONS", {}))
    if default["ENGINE"] == "django.db.backends.sqlite3":
        attempts["NAME"] = sqlite_sibling(str(default["NAME"]), "attempts")
    return attempts


def sqlite_sibling(name: str, suffix: str) -> str:
    """``var/iamconsole.sqlite3`` -> ``var/iamconsole-attempts.sqlite3``."""
    path = Path(name)
    return str(path.with_name(f"{path.stem}-{suffix}{path.suffix}"))


DATABASES["attempts"] = attempts_database(DATABASES["default"])
DATABASE_ROUTERS = ["accounts.routers.AttemptsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Short timeouts: the request path treats an unreachable cache as absent (iamconsole.authentication).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- security ------------------------------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_SECURE = IAM_CONSOLE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Served over https: browsers are told to use nothing else for a year (SecurityMiddleware, on secure requests).
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0
# Proxies (addresses or CIDR networks) whose X-Forwarded-For and X-Forwarded-Proto are believed: behind a
# TLS-terminating proxy, aws:SourceIp, aws:SecureTransport and the sign-in throttle then see the real client.
IAM_TRUSTED_PROXIES = env_networks("IAM_TRUSTED_PROXIES")
# X-Forwarded-Proto from anyone but those proxies is dropped first (iamconsole.middleware.TrustedProxyMiddleware).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IAM_TRUSTED_PROXIES else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
# SAML metadata may be 10 MB before form encoding: the AWS endpoint accepts bodies up to about 30 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- static files --------------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- internationalisation --------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- REST API ------------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "iamconsole.restapi.authentication.SigV4Authentication",
        "iamconsole.restapi.authentication.ConsoleSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["iamconsole.restapi.authentication.IsSignedIn"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "iamconsole.restapi.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "iamconsole REST API",
    "DESCRIPTION": "IAM over JSON. Sign requests with AWS Signature Version 4 (service iam), or use a console session.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from this server's static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Operations are grouped by resource (users, roles, policies, ...), the first path segment after this prefix.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- IAM behaviour ---------------------------------------------------------------------------------------------------
IAM_AUDIT_READS = env_bool("IAM_AUDIT_READS", True)
# The audit records of successful reads are written in batches by a thread of each process (accounts.audit_batch):
# at most this many at once, at most this long after a read; a process killed outright loses the records it still
# holds. 0 or 1 writes each one in its request.
# Off by default: then every face's read is in the trail when its answer is sent, whichever process serves the next
# request; batching is for deployments that trade that (and up to a batch on a crash) for throughput.
IAM_AUDIT_READ_BATCH = env_int("IAM_AUDIT_READ_BATCH", 0, maximum=10_000)
IAM_AUDIT_READ_FLUSH_SECONDS = float(os.environ.get("IAM_AUDIT_READ_FLUSH_SECONDS") or 1.0)
# Federation (docs/federation.md): the CA bundle (PEM file) that web identity issuers' https certificates are checked
# against (unset: the system's), and how long an issuer's discovery document and keys are kept before refetching.
IAM_OIDC_CA_BUNDLE = os.environ.get("IAM_OIDC_CA_BUNDLE") or None
IAM_OIDC_KEYS_CACHE_SECONDS = env_int("IAM_OIDC_KEYS_CACHE_SECONDS", 3600, maximum=86_400)
IAM_QUOTAS = {
    "users": env_int("IAM_QUOTA_USERS", 5000),
    "groups": env_int("IAM_QUOTA_GROUPS", 300),
    "roles": env_int("IAM_QUOTA_ROLES", 1000),
    "policies": env_int("IAM_QUOTA_POLICIES", 1500),
    "instance_profiles": env_int("IAM_QUOTA_INSTANCE_PROFILES", 1000),
    "managed_policies_per_role": env_int("IAM_QUOTA_MANAGED_POLICIES_PER_ROLE", 10, maximum=20),
    "managed_policies_per_user": env_int("IAM_QUOTA_MANAGED_POLICIES_PER_USER", 10, maximum=20),
    "role_trust_policy_size": env_int("IAM_QUOTA_ROLE_TRUST_POLICY_SIZE", 2048, maximum=4096),
    "saml_providers": env_int("IAM_QUOTA_SAML_PROVIDERS", 100),
    "oidc_providers": env_int("IAM_QUOTA_OIDC_PROVIDERS", 100),
}

# --- background work -------------------------------------------------------------------------------------------------
# With REDIS_URL Redis is the broker; without it a real worker and beat still run on kombu's filesystem transport.
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    for _sub in ("queue", "control", "processed"):
        (CELERY_QUEUE_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
# A task is acknowledged when it has finished, not when it starts, and handed back to the broker when the process
# running it dies; beat's sweep re-sends what a broker cannot give back (IAM_STALLED_TASK_AFTER). Tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
IAM_SWEEP_INTERVAL = timedelta(seconds=env_int("IAM_SWEEP_INTERVAL_SECONDS", 60))
IAM_OUTBOX_INTERVAL = timedelta(seconds=env_int("IAM_OUTBOX_INTERVAL_SECONDS", 10))
# How long a service-linked role deletion stays IN_PROGRESS before its resources are checked (AWS: asynchronous).
IAM_SERVICE_LINKED_ROLE_DELETION_DELAY = env_int("IAM_SERVICE_LINKED_ROLE_DELETION_DELAY_SECONDS", 3)
# Background work that has not moved for this long lost its task (a worker killed mid-task): the sweep sends it again.
IAM_STALLED_TASK_AFTER = timedelta(seconds=env_int("IAM_STALLED_TASK_SECONDS", 300))

# --- logging -------------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
