"""Settings shared by every environment; environment variables drive what differs."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from cspr.kernel.crypto import parse_keys

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CSPR_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_env(default_sqlite: Path) -> dict[str, object]:
    """The database: ``DATABASE_URL`` when set, otherwise SQLite tuned for a web server."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        "OPTIONS": {
            # Take the write lock at BEGIN, so two writers queue instead of failing midway.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DEBUG = False
ALLOWED_HOSTS: list[str] = []
DEMO_MODE = env_bool("DEMO_MODE", False)
SERVICE_NAME = "Practice review service"
# The address people reach the service at, for links in e-mails.
SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:8000").rstrip("/")
INVITATION_VALID_DAYS = 7

# Identifying details of children and families are encrypted in the application (cspr.kernel.crypto).
# Keys come from the environment: "keyid:base64key" entries, newest first, comma-separated.
FIELD_ENCRYPTION_KEYS = [entry for entry in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if entry.strip()]
LOOKUP_HASH_KEY = os.environ.get("LOOKUP_HASH_KEY", "")

# The audit chain's HMAC keys (ADR 0003), "keyid:base64key" entries newest first, comma-separated, parsed
# here into ((key id, key bytes), …): the audit app sits below cspr.core and reads them ready to use.
_audit_key_entries = [entry for entry in os.environ.get("AUDIT_CHAIN_KEYS", "").split(",") if entry.strip()]
AUDIT_CHAIN_KEYS = parse_keys(_audit_key_entries, setting="AUDIT_CHAIN_KEYS") if _audit_key_entries else ()
# Signed checkpoints of the chain's head, kept outside the database. In production a directory on storage
# that every web host mounts (and that a database login cannot reach); see docs/operations.md.
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints"))

# The contents of stored files are encrypted by the file store (cspr.files, ADR 0016) under keys of their own:
# "keyid:base64key" entries, newest first, comma-separated, never a field or audit chain key.
FILE_KEYS = [entry for entry in os.environ.get("FILE_KEYS", "").split(",") if entry.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "cspr.core",
    "cspr.demo",
    "cspr.accounts",
    "cspr.partnerships",
    "cspr.audit",
    "cspr.calendars",
    "cspr.procedure",
    "cspr.messaging",
    "cspr.cases",
    "cspr.rapid_reviews",
    "cspr.national_reviews",
    "cspr.reviewers",
    "cspr.local_reviews",
    "cspr.api",
    "cspr.returns",
    "cspr.letters",
    "cspr.files",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Uploads keep the name the browser sent, so a name with a path is refused rather than quietly cut short.
    "cspr.kernel.documents.upload_names_kept",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Idle and absolute session expiry (before anything reads the session's user for real work).
    "cspr.accounts.middleware.SessionLimitsMiddleware",
    "axes.middleware.AxesMiddleware",
    "cspr.partnerships.middleware.CurrentPartnershipMiddleware",
    "cspr.web.middleware.AccessPolicyMiddleware",
    "cspr.web.middleware.NoStoreMiddleware",
    # One audit event for each request that decrypted sealed values for someone (ADR 0009).
    "cspr.kernel.sealing.SealedReadAuditMiddleware",
]

ROOT_URLCONF = "cspr.urls"
WSGI_APPLICATION = "cspr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "cspr" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "cspr.jinja2_env.environment",
            "autoescape": True,
        },
    },
    {
        # Django's own templates (none of our pages) still need the DTL engine.
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
    },
]
FORM_RENDERER = "cspr.core.forms.GovukFormRenderer"
# The dates a clock may start from or be due on (``GovukDateField(clock_date=True)``): the working-day calendar's
# known range less the longest clock. Named here so that the core form field does not import the calendars app.
CLOCK_DATE_RANGE = "cspr.calendars.selectors.clock_date_range"

DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"

# Lock a username after five failures from one address: nobody can lock the
# business unit out from somewhere else.
AXES_FAILURE_LIMIT = 5
# A lock lifts by itself after 30 minutes (an operator can lift it sooner): without a cool-off, anyone could lock
# a colleague out for good by typing wrong passwords from the same office network.
AXES_COOLOFF_TIME = timedelta(minutes=30)
# One notion of the client's address for the lockout and the audit trail (TRUSTED_PROXY_COUNT in production).
AXES_CLIENT_IP_CALLABLE = "cspr.audit.services.client_ip"
TRUSTED_PROXY_COUNT = 0
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
# Wrong second-factor codes count too. Failures are cleared only once both factors pass
# (cspr.accounts.web.sign_in_complete), never by the password alone: otherwise each
# password sign-in would buy a fresh set of code guesses.
AXES_RESET_ON_SUCCESS = False
# "Admin@Example.org" and "admin@example.org" are one account, so one failure count.
AXES_USERNAME_CALLABLE = "cspr.accounts.lockout.lockout_username"
AXES_SENSITIVE_PARAMETERS = ["code", "old_password", "new_password1", "new_password2"]
AXES_LOCKOUT_CALLABLE = "cspr.accounts.views.locked_out"
AXES_VERBOSE = False

# Second factor (TOTP, with single-use recovery codes); optional only in DEMO_MODE.
OTP_TOTP_ISSUER = SERVICE_NAME
RECOVERY_CODE_COUNT = 10

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Enforced on the server by cspr.accounts.middleware.SessionLimitsMiddleware; the page warns
# SESSION_WARNING_SECONDS before the idle limit. Activity is written at most once a minute.
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_WARNING_SECONDS = 2 * 60
SESSION_ACTIVITY_WRITE_SECONDS = 60
PASSWORD_RESET_TIMEOUT = 60 * 60
# Asking for a reset link always takes at least this long, known address or not.
PASSWORD_RESET_RESPONSE_SECONDS = 0.4
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    BASE_DIR / "build" / "static",
]
# The file store's folder (the private_files storage below): outside the web root, contents encrypted (ADR 0016),
# served only through a permission-checked, audited view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
CASE_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# A dotted path to a function(path) that raises cspr.kernel.documents.FileRejected for an infected file.
# Production refuses to start without one unless CASE_DOCUMENT_SCANNER_WAIVED is set true (and then says so).
CASE_DOCUMENT_SCANNER = os.environ.get("CASE_DOCUMENT_SCANNER", "")
CASE_DOCUMENT_SCANNER_WAIVED = env_bool("CASE_DOCUMENT_SCANNER_WAIVED", False)


def private_files_storage(location: Path) -> dict[str, object]:
    """The file store's storage (``storages["private_files"]``, ADR 0016): a folder no URL serves, readable by the
    service's account only. The store reads and writes through the storage API alone, so object storage can take
    this entry's place by setting."""
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": location, "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private_files": private_files_storage(PRIVATE_MEDIA_ROOT),
}

# Every log record has query strings cut from it (search terms may be names): cspr.core.logs.
LOGGING_CONFIG = "cspr.core.logs.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "cspr.web.views.csrf_failure"

# E-mail: services queue messages in the outbox (cspr.messaging); `manage.py run_worker`
# delivers them through CSPR_MAIL_BACKEND: "smtp" (MAILERS["default"] below), "notify"
# (GOV.UK Notify) or "file" (.eml files in CSPR_MAIL_DIR). See docs/operations.md.
# Django 6.1 deprecates EMAIL_BACKEND/EMAIL_HOST and friends: configure MAILERS only.
CSPR_MAIL_BACKEND = os.environ.get("CSPR_MAIL_BACKEND", "smtp")
DEFAULT_FROM_EMAIL = os.environ.get("MAIL_FROM", "Practice review service <no-reply@cspr.invalid>")
CSPR_MESSAGE_ID_DOMAIN = os.environ.get("MESSAGE_ID_DOMAIN", "cspr.invalid")
CSPR_MAIL_DIR = VAR_DIR / "mail"
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("SMTP_HOST", "localhost"),
            "port": int(os.environ.get("SMTP_PORT", "25")),
            "username": os.environ.get("SMTP_USERNAME", ""),
            "password": os.environ.get("SMTP_PASSWORD", ""),
            "use_tls": env_bool("SMTP_USE_TLS", False),
            "use_ssl": env_bool("SMTP_USE_SSL", False),
            "timeout": 10,
        },
    }
}
CSPR_NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
CSPR_NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
CSPR_NOTIFY_REPLY_TO_ID = os.environ.get("NOTIFY_REPLY_TO_ID", "")
