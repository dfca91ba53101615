"""One env-driven settings module.

Defaults give the embedded mode (SQLite, in-process worker loop, no servers).
``DATABASE_URL`` switches to PostgreSQL and ``CELERY_BROKER_URL`` to Celery workers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from townsquare.accounts.production import DEMO_SECRET_KEY, production_problems

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TOWNSQUARE_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", False)
# Demo (`make run` sets TOWNSQUARE_DEMO=1) and tests (TESTING=1) may use the public demo key and
# derived credential keys; anything else refuses to start without secrets of its own (see below).
# Type-checking (mypy's Django plugin reads these settings) runs nothing, so it counts as a test.
DEMO_OR_TEST = envbool("TOWNSQUARE_DEMO") or envbool("TESTING") or "mypy" in sys.modules
SECRET_KEY = envstr("SECRET_KEY") or (DEMO_SECRET_KEY if DEMO_OR_TEST else "")
ALLOWED_HOSTS = [h for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "mozilla_django_oidc",
    "rest_framework",
    "drf_spectacular",
    "townsquare.accounts",
    "townsquare.councils",
    "townsquare.audit",
    "townsquare.jobs",
    "townsquare.channels",
    "townsquare.api",
    "townsquare.notifications",
    "townsquare.web",
    "townsquare.demo",
    "townsquare.connectors",
    "townsquare.publishing",
    "townsquare.policy",
    "townsquare.governance",
    "townsquare.meetings",
    "townsquare.learning",
    "townsquare.classify",
    "townsquare.measures",
    "townsquare.partners",
    "townsquare.listening",
    "townsquare.inbox",
    "townsquare.alerts",
    "townsquare.archive",
    "townsquare.disclosure",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Below the headers' middleware, above the rest: a few read-only API endpoints answered for a signed-in
    # session with the same checks, in a fraction of the time (townsquare/api/lean.py).
    "townsquare.api.lean.LeanApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "townsquare.web.base_url.BaseUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "townsquare.accounts.middleware.TwoFactorRequiredMiddleware",
    # A NUL character in a form or an address: a message, before any view (townsquare/web/input_check.py).
    "townsquare.web.input_check.NulInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "townsquare.urls"
WSGI_APPLICATION = "townsquare.wsgi.application"

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
                "townsquare.councils.context_processors.councils",
                "townsquare.notifications.context_processors.unread",
            ],
            "builtins": ["townsquare.web.templatetags.govuk", "townsquare.web.templatetags.addresses"],
        },
    }
]

# --- Database: SQLite embedded by default, PostgreSQL via DATABASE_URL -------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'townsquare.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, each statement's placeholders converted once (townsquare/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "townsquare.sqlite"
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue instead of
    # failing with "database is locked" when a read transaction tries to upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # temp_store=MEMORY: the journals of savepoints and of statements that write many rows (the ingest
        # writes a batch in one transaction, each stage in a savepoint) stay in memory instead of temporary
        # files, about 40 µs of CPU a received item in bench/inbox_bench.py. A page cache of 64 MB a
        # connection (SQLite's default is 2 MB): a search that joins a few thousand index hits to their
        # records reads the same pages again and again, from memory instead of the file.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; PRAGMA temp_store=MEMORY; "
            f"PRAGMA cache_size=-{envint('SQLITE_CACHE_KB', 65536)};"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if envbool("TESTING") else DATABASES["default"]["CONN_MAX_AGE"]
    if envbool("TESTING"):
        # A file, not memory, so worker subprocesses started by tests can share the test database.
        DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DB_PREPARED_STATEMENTS", True):
    # Values bound by the server, and a statement a connection runs again and again prepared once: the list
    # pages ask the same dozen questions on every request, and planning each afresh cost PostgreSQL more
    # than answering it. DB_PREPARED_STATEMENTS=0 behind a pooler in transaction mode (e.g. PgBouncer).
    # Tests keep the binding (so every statement is checked against it) but prepare nothing: each runs a
    # statement a few times on a fresh connection, where preparing is an extra round trip (about 3 minutes
    # over the PostgreSQL pass).
    prepare = None if envbool("TESTING") else 2
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": prepare})
if envbool("TESTING"):
    # Tests make hundreds of people; the default hasher costs ~0.5 s a hash on this hardware. The
    # sign-in checks are the same whatever the hasher, so the suite uses the fastest one.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout after repeated failures (django-axes): per account, whatever the address.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# A council office signs in from one NAT address: locking by address would lock out everyone.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "townsquare.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", "Townsquare")

# Single sign-on through OpenID Connect (Microsoft Entra ID and others), off unless configured.
OIDC_ENABLED = bool(envstr("OIDC_RP_CLIENT_ID"))
OIDC_PROVIDER_NAME = envstr("OIDC_PROVIDER_NAME", "Microsoft Entra ID")
OIDC_RP_CLIENT_ID = envstr("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = envstr("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = envstr("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = envstr("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = envstr("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = envstr("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = envstr("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = envbool("OIDC_CREATE_USER", False)
# The backend is always listed: it refuses to act unless OIDC_ENABLED (see accounts/oidc.py).
AUTHENTICATION_BACKENDS.append("townsquare.accounts.oidc.CouncilOIDCBackend")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso=failed"

# --- Sessions, CSRF and transport security --------------------------------------------------------
# Django's database sessions, read with one plain statement a request (townsquare/accounts/sessions.py).
SESSION_ENGINE = "townsquare.accounts.sessions"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE = envbool("SECURE", not DEBUG and not DEMO_OR_TEST)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts and styles from this site or
# carrying the response's nonce (`{{ request.csp_nonce }}`), nothing inline otherwise. Forms may
# lead to https only (connecting a platform redirects to its sign-in).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https:"],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs any of these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Secrets at rest ------------------------------------------------------------------------------
# Comma-separated Fernet keys, newest first (MultiFernet): add a key at the front to rotate.
TOWNSQUARE_ENCRYPTION_KEYS = [k for k in envstr("TOWNSQUARE_ENCRYPTION_KEYS").split(",") if k]
# Comma-separated secrets sealing the audit trail (HMAC), newest first; see townsquare/audit/chain.py.
TOWNSQUARE_AUDIT_KEYS = [k for k in envstr("TOWNSQUARE_AUDIT_KEYS").split(",") if k]
if not DEMO_OR_TEST and (
    problems := production_problems(SECRET_KEY, TOWNSQUARE_ENCRYPTION_KEYS, TOWNSQUARE_AUDIT_KEYS)
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(" ".join(problems) + " (For a demo, set TOWNSQUARE_DEMO=1.)")

# --- Addresses people type (townsquare/net/fetch.py) ----------------------------------------------
# Only tests may let such an address reach loopback (their local peers); never a running server.
FETCH_ALLOW_LOOPBACK = envbool("TESTING") and envbool("TOWNSQUARE_FETCH_ALLOW_LOOPBACK")
# The demo's sandbox Mastodon server, which `manage.py serve` starts on 127.0.0.1 and names here; only
# in demo mode, and only that exact origin, for the channel the demo connects to it (never in production).
DEMO = envbool("TOWNSQUARE_DEMO")
SANDBOX_ORIGIN = envstr("TOWNSQUARE_SANDBOX_ORIGIN") if DEMO else ""
if SANDBOX_ORIGIN:
    MIDDLEWARE.append("townsquare.demo.sandbox_label.SandboxLabelMiddleware")

# --- Static files (GOV.UK Frontend compiled with the council's branding) -------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Each uploaded file is counted as it streams in and dropped past its limit (townsquare/web/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "townsquare.web.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STATICFILES_DIRS = [BASE_DIR / "assets" / "build"] if (BASE_DIR / "assets" / "build").exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not envbool("TESTING")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Background work ------------------------------------------------------------------------------
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
JOBS_USE_CELERY = bool(CELERY_BROKER_URL)
WORKER_HEARTBEAT_STALE_SECONDS = envint("WORKER_HEARTBEAT_STALE_SECONDS", 90)
# /healthz gives its details to monitoring that sends "Authorization: Bearer <this>" (off when empty).
TOWNSQUARE_HEALTHZ_TOKEN = envstr("TOWNSQUARE_HEALTHZ_TOKEN")

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "townsquare.api.authentication.BearerTokenAuthentication",
        "townsquare.api.authentication.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "townsquare.api.schema.AutoSchema",  # documents the error answers too
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "townsquare.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Townsquare API",
    "DESCRIPTION": "Councils' social media: channel register, audit trail and the capabilities built on them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several registers have a "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ChannelStatusEnum": "townsquare.channels.models.Channel.Status",
        "ConnectionStateEnum": "townsquare.channels.models.Channel.Connection",
        "PlatformEnum": "townsquare.channels.models.Platform",
        "ActionStatusEnum": "townsquare.governance.models.ActionStatus",
        "BreachStatusEnum": "townsquare.governance.models.Breach.Status",
        "TrainingRecordStatusEnum": "townsquare.governance.models.TrainingRecord.Status",
        "PostStatusEnum": "townsquare.publishing.models.Post.Status",
        "PostTargetStatusEnum": "townsquare.publishing.models.PostTarget.Status",
        "RequestOutcomeEnum": "townsquare.disclosure.models.InformationRequest.Outcome",
        "ArchiveKindEnum": "townsquare.archive.models.Kind",
        "ClassifiedLanguageEnum": "townsquare.classify.language.LANGUAGES",
        "LanguageEnum": "townsquare.publishing.models.Post.Language",
    },
}

# --- Logging: never log secrets (request bodies and credentials are not logged anywhere) ---------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "townsquare@localhost")
TOWNSQUARE_BASE_URL = envstr("TOWNSQUARE_BASE_URL", "http://127.0.0.1:8000")
