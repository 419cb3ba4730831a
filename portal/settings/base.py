"""Settings shared by every environment; each value can come from the environment (django-environ)."""

from pathlib import Path

import environ
from csp import constants as _csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin with the staff sign-in rules (portal/admin_site.py): second factor when PORTAL_REQUIRE_MFA.
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    # The request id of every log line and the X-Request-ID response header (portal/request_id.py).
    "django_guid",
    "auditlog",
    "audit",
    "offerings",
    "documents",
    "compliance",
    "delivery",
]

MIDDLEWARE = [
    # Operations (issue 14, docs/operations.md): the request id (a malformed incoming X-Request-ID dropped, then
    # django-guid's), the request log line (PORTAL_REQUEST_LOG), and /health/ answered before the Host check and
    # the HTTPS redirect. None of them reads the request body.
    "portal.request_id.RequestIdHeaderMiddleware",
    "django_guid.middleware.guid_middleware",
    "portal.logs.RequestLogMiddleware",
    # Refuses a request body over PORTAL_REQUEST_MAX_BYTES (413) before anything reads it.
    "portal.limits.RequestSizeLimitMiddleware",
    "portal.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.headers.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditlogMiddleware",
    "portal.sessions.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.sessions.SecondFactorSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in that axes refused into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff authentication (issue 12): the shortest password the validators accept, on every path that sets one
# (ensure_admin, the admin's user-add and password-change forms, changepassword).
PORTAL_PASSWORD_MIN_LENGTH = env.int("PORTAL_PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PORTAL_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# EDGAR's clock: filing dates and the 5:30 p.m. cut-off are Eastern time.
EDGAR_TIME_ZONE = "America/New_York"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Shared storage (issue 14, docs/storage.md). Where uploaded documents, package documents and frozen renditions
# are kept: "filesystem" (MEDIA_ROOT: one machine, or a mount every machine shares) or "s3" (an S3-compatible
# bucket through django-storages, portal.storage.S3Storage: never overwrites a name, private objects, no signed
# URLs; investors download only through the portal, which checks each file's SHA-256 on every download).
PORTAL_STORAGE = env.str("PORTAL_STORAGE", default="filesystem")
# With PORTAL_STORAGE=s3: the bucket (required), the endpoint URL (empty: AWS's own) and the region (empty: boto3's
# default). Credentials are boto3's: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance/task role.
PORTAL_S3_BUCKET = env.str("PORTAL_S3_BUCKET", default="")
PORTAL_S3_ENDPOINT_URL = env.str("PORTAL_S3_ENDPOINT_URL", default="")
PORTAL_S3_REGION = env.str("PORTAL_S3_REGION", default="")
# The canned ACL every object is written with; empty sends none (for a bucket whose ACLs are disabled, where the
# bucket policy alone keeps objects private).
PORTAL_S3_ACL = env.str("PORTAL_S3_ACL", default="private")
# Bytes of an object read from S3 held in memory before its download spools to a temporary file on disk.
PORTAL_S3_SPOOL_MEMORY_BYTES = env.int("PORTAL_S3_SPOOL_MEMORY_BYTES", default=2 * 1024 * 1024)
if PORTAL_STORAGE == "filesystem":
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif PORTAL_STORAGE == "s3":
    if not PORTAL_S3_BUCKET:
        raise ImproperlyConfigured("PORTAL_STORAGE=s3 needs PORTAL_S3_BUCKET, the bucket's name.")
    _DEFAULT_STORAGE = {
        "BACKEND": "portal.storage.S3Storage",
        "OPTIONS": {
            "bucket_name": PORTAL_S3_BUCKET,
            "endpoint_url": PORTAL_S3_ENDPOINT_URL or None,
            "region_name": PORTAL_S3_REGION or None,
            "default_acl": PORTAL_S3_ACL or None,
            "querystring_auth": False,  # url() never carries a signature: a private object's URL opens nothing
            "file_overwrite": False,
            "max_memory_size": PORTAL_S3_SPOOL_MEMORY_BYTES,
        },
    }
else:
    raise ImproperlyConfigured(f"PORTAL_STORAGE is {PORTAL_STORAGE!r}; it is 'filesystem' or 's3'.")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Downloads served by nginx (docs/storage.md). Empty (the default): the portal streams each download itself. Set
# (e.g. "/_protected/") with PORTAL_STORAGE=filesystem: the portal checks the file's SHA-256, records the evidence
# and answers with an empty body and "X-Accel-Redirect: <prefix><name>"; nginx then sends the file from
# `location /_protected/ { internal; alias <MEDIA_ROOT>/; }`. With S3 the portal streams the download either way.
PORTAL_DOWNLOAD_ACCEL_PREFIX = env.str("PORTAL_DOWNLOAD_ACCEL_PREFIX", default="")
if PORTAL_DOWNLOAD_ACCEL_PREFIX and not (
    PORTAL_DOWNLOAD_ACCEL_PREFIX.startswith("/") and PORTAL_DOWNLOAD_ACCEL_PREFIX.endswith("/")
):
    raise ImproperlyConfigured(
        f"PORTAL_DOWNLOAD_ACCEL_PREFIX is {PORTAL_DOWNLOAD_ACCEL_PREFIX!r}; it starts and ends with '/' "
        "(e.g. /_protected/)."
    )

# Size limits and bounded work (issue 12): every limit is checked before the bytes are read (portal/limits.py,
# the upload forms, the commands); heavy conversions run in a child process with a time and a memory limit.
# The whole body of one request; larger ones get 413 before anything reads them (a body sent without
# Content-Length is counted as it is read and refused at the same size). Room for a prospectus and reports.
PORTAL_REQUEST_MAX_BYTES = env.int("PORTAL_REQUEST_MAX_BYTES", default=50 * 1024 * 1024)
# One uploaded document: a prospectus or a report copy (the publish page, a filed record's correction).
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Largest dossier file accepted by import_dossier and the admin upload page.
DOSSIER_MAX_BYTES = env.int("PORTAL_DOSSIER_MAX_BYTES", default=20 * 1024 * 1024)
# An investor CSV (the admin upload and import_investors): its size, and its rows after the header. An audited
# import takes about 0.5 ms a row (benchmarks/investor_import.py): 20,000 rows stay well inside a 30 s worker
# timeout, a file over the limit is refused in under a second.
PORTAL_INVESTOR_CSV_MAX_BYTES = env.int("PORTAL_INVESTOR_CSV_MAX_BYTES", default=5 * 1024 * 1024)
PORTAL_INVESTOR_CSV_MAX_ROWS = env.int("PORTAL_INVESTOR_CSV_MAX_ROWS", default=20_000)
# Form fields other than files, in memory (Django refuses more with 400); files above the next size spill to a
# temporary file instead of memory; fields and files per request.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("PORTAL_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("PORTAL_FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("PORTAL_DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("PORTAL_DATA_UPLOAD_MAX_NUMBER_FILES", default=50)
# One conversion of a package document to PDF, or the combining of a package, in its child process (and a
# large supplement's PDF in documents.pdf's child): stopped after this many seconds, or at this much memory.
PORTAL_CONVERT_TIMEOUT_SECONDS = env.int("PORTAL_CONVERT_TIMEOUT_SECONDS", default=120)
# 2 GB: the 10,000-holder supplement of docs/rendering.md peaks at about 1 GB.
PORTAL_CONVERT_MEMORY_MB = env.int("PORTAL_CONVERT_MEMORY_MB", default=2048)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Prospectus Portal <portal@localhost>")

TASKS = {
    "default": {
        "BACKEND": env("PORTAL_TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Investor delivery (delivery/conf.py reads these).
DELIVERY_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
DELIVERY_LINK_DAYS = env.int("PORTAL_DELIVERY_LINK_DAYS", default=90)
DELIVERY_SEND_BATCH_SIZE = env.int("PORTAL_DELIVERY_SEND_BATCH_SIZE", default=100)
# Email notices' crash safety (delivery/services/notices.py, `manage.py recover_notices`): a notice a worker claimed
# this many seconds ago without recording the mail server's answer is "send state unknown" (never resent by
# itself); one queued this long ago and never claimed is queued again. Keep it above EMAIL_TIMEOUT.
DELIVERY_NOTICE_STALE_SECONDS = env.int("PORTAL_NOTICE_STALE_SECONDS", default=900)
DELIVERY_TRUST_X_FORWARDED_FOR = env.bool("PORTAL_TRUST_X_FORWARDED_FOR", default=False)
DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT = env.bool("PORTAL_DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT", default=True)

# Public endpoints and query parameters (issue 12): the rate limit of the investors' links (delivery/throttle.py),
# the acknowledgement's limits (delivery/views.py), the admin's search limits (audit/admin_limits.py).
# Requests one client address may make to the personal pages, their downloads and acknowledgements and the public
# offering pages and downloads, together, as django-ratelimit's "count/period" (period s, m, h or d: "60/m" is 60
# a minute); more get 429 with Retry-After. Empty switches the limit off.
PORTAL_LINK_RATE_LIMIT = env("PORTAL_LINK_RATE_LIMIT", default="60/m")
# The cache the rate limit counts in. Here this process's memory (development, tests); production needs a cache
# every worker shares, so production.py defaults to the database cache (CACHE_URL=dbcache://...; its table is
# made by delivery's migration 0004, or `manage.py createcachetable`) or Redis (CACHE_URL=redis://host:6379/1, the
# faster: portal.cache.RedisCache, Django's backend with a one-round-trip atomic counter).


def cache_from_env(default: str) -> dict:
    """``CACHE_URL`` (else ``default``) as a CACHES entry; a ``redis://`` URL gets ``portal.cache.RedisCache``."""
    config = env.cache("CACHE_URL", default=default)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        config["BACKEND"] = "portal.cache.RedisCache"
    return config


CACHES = {"default": cache_from_env("locmemcache://")}
RATELIMIT_USE_CACHE = "default"
# When that cache fails (Redis stopped): serve the link pages uncounted (true, the default: links are unguessable
# and the limit guards load) or refuse them with 503 (false). Either way delivery.security logs an error.
# (django-ratelimit's own RATELIMIT_FAIL_OPEN stays off, so an empty count reaches delivery.throttle, which decides.)
PORTAL_RATE_LIMIT_FAIL_OPEN = env.bool("PORTAL_RATE_LIMIT_FAIL_OPEN", default=True)
# The largest acknowledgement POST body, in bytes: a larger one gets 413 before it is read.
PORTAL_ACKNOWLEDGE_MAX_BYTES = env.int("PORTAL_ACKNOWLEDGE_MAX_BYTES", default=1024)
# An admin search (?q=) longer than this many characters, or of more terms than this, gets 400 with a message.
PORTAL_ADMIN_SEARCH_MAX_CHARS = env.int("PORTAL_ADMIN_SEARCH_MAX_CHARS", default=200)
PORTAL_ADMIN_SEARCH_MAX_TERMS = env.int("PORTAL_ADMIN_SEARCH_MAX_TERMS", default=10)

# Audit trail (audit/ reads these): django-auditlog with the portal's own hash-chained entry model.
AUDITLOG_LOGENTRY_MODEL = "audit.LogEntry"
# auditlog's migrations create the table of its default entry model, unused once swapped; skip them.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_STORE_JSON_CHANGES = True  # old and new values as JSON (null, numbers), not their str()
# Every model of these apps is logged, less the untracked models; delivery evidence is its own append-only log.
AUDIT_TRACKED_APPS = ["offerings", "documents", "compliance", "delivery"]
AUDIT_UNTRACKED_MODELS = ["delivery.DeliveryEvent"]
# Left out of every entry: a timestamp every save changes, and the hash that opens an investor's personal link;
# a publish job's progress line (size limits, issue 12: its status changes are logged, not every step).
AUDIT_UNTRACKED_FIELDS = [
    "updated_at",
    "delivery.Delivery.token_hash",
    "delivery.PublishJob.progress",
    "offerings.ApprovalJob.progress",
    # The email notice's send-protocol bookkeeping; what was sent and when is in the delivery's evidence events.
    "delivery.Delivery.notice_state",
    "delivery.Delivery.notice_attempt",
    "delivery.Delivery.notice_updated_at",
]
# The record an audit report is for, and the field that names it: `audit_report 333-105026`.
AUDIT_REPORT_SUBJECT = "offerings.RegistrationStatement.file_number"
# The client address on audit entries comes from X-Forwarded-For only behind a proxy that overwrites it.
AUDIT_TRUST_X_FORWARDED_FOR = DELIVERY_TRUST_X_FORWARDED_FOR

# Staff authentication (issue 12): lockout (django-axes), second factor (django-otp), session timeouts.
# Sign-in failures lock out one username from one client address (the combination), after this many failures,
# for this many minutes after the last; portal/auth.py hands the two numbers to axes when it asks.
PORTAL_LOGIN_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
PORTAL_LOGIN_COOLOFF_MINUTES = env.int("PORTAL_LOGIN_COOLOFF_MINUTES", default=30)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # attempts and lockouts in the database, in the admin
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "portal.auth.failure_limit"
AXES_COOLOFF_TIME = "portal.auth.cool_off"
AXES_USERNAME_CALLABLE = "portal.auth.axes_username"  # the username tried, cut to 150 characters
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears that username's and address's failures
# Attempts refused during a lockout do not extend it (nor grow its database row without bound).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "portal.auth.lockout_response"  # templates/security/locked_out.html, status 429
# The client address, by django-ipware: X-Forwarded-For (its left-most address) only behind a proxy that
# overwrites it (PORTAL_TRUST_X_FORWARDED_FOR), else REMOTE_ADDR, as the audit trail and the evidence take it.
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if DELIVERY_TRUST_X_FORWARDED_FOR else ("REMOTE_ADDR",)
)
# Second factor: when on, the admin asks every staff user for a TOTP code (or a recovery code) and refuses staff
# without a confirmed device; `manage.py enrol_totp USERNAME` enrols one. On by default in production only.
PORTAL_REQUIRE_MFA = env.bool("PORTAL_REQUIRE_MFA", default=False)
OTP_TOTP_ISSUER = env("PORTAL_OTP_ISSUER", default="Prospectus Portal")  # names the portal in the staff's app
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key
# Sessions end after this many idle minutes and, however active, this many hours after sign-in
# (portal/sessions.py), and when the browser closes.
PORTAL_SESSION_IDLE_MINUTES = env.int("PORTAL_SESSION_IDLE_MINUTES", default=30)
PORTAL_SESSION_ABSOLUTE_HOURS = env.int("PORTAL_SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = PORTAL_SESSION_IDLE_MINUTES * 60  # the stored session expires too once idle that long
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Maker-checker: may the user who last changed a draft approve it? Only for a one-person firm; the approval then
# records that it was self-approved.
PORTAL_ALLOW_SELF_APPROVAL = env.bool("PORTAL_ALLOW_SELF_APPROVAL", default=False)

# Counsel's rule settings (compliance/conf.py reads these); defaults are the rules digest's. JSON in the environment.
COMPLIANCE_RULE_424B_BUSINESS_DAYS = env.json("COMPLIANCE_RULE_424B_BUSINESS_DAYS", default={})
COMPLIANCE_PERIODIC_DEADLINES = env.json("COMPLIANCE_PERIODIC_DEADLINES", default=[])
COMPLIANCE_RULE_12B25_EXTENSION_DAYS = env.json("COMPLIANCE_RULE_12B25_EXTENSION_DAYS", default={})
COMPLIANCE_10A3_WARNING_DAYS = env.int("COMPLIANCE_10A3_WARNING_DAYS", default=30)
COMPLIANCE_PERIODIC_WARNING_BUSINESS_DAYS = env.int("COMPLIANCE_PERIODIC_WARNING_BUSINESS_DAYS", default=10)

# Holder tables longer than this render their PDF in a child process that exits afterwards.
PORTAL_PDF_ISOLATE_ROWS = env.int("PORTAL_PDF_ISOLATE_ROWS", default=2000)
# What precedes each page number of a supplement's PDF: "S-" numbers the pages S-1, S-2, ...
PORTAL_SUPPLEMENT_PAGE_PREFIX = env("PORTAL_SUPPLEMENT_PAGE_PREFIX", default="S-")

# Security headers (issue 12): Content-Security-Policy (django-csp), Permissions-Policy, COOP, Referrer-Policy.
# The strict policy of every page: the portal's own scripts, styles, images and fonts only, no inline script or
# style (a template that cannot avoid one marks it with nonce="{{ request.csp_nonce }}"), no framing, no plugins.
# Fixed here, not read from the environment: tests/security/test_headers.py pins it. Responses that set their own
# Content-Security-Policy keep it (downloads: `sandbox`; supplement previews: documents.views.DOCUMENT_CSP).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", _csp_constants.NONCE],
        "style-src": ["'self'", _csp_constants.NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}
# Browser features no page of the portal uses, denied on every response (portal/headers.py sends it).
PORTAL_PERMISSIONS_POLICY = env(
    "PORTAL_PERMISSIONS_POLICY",
    default=(
        "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(), "
        "gamepad=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), local-fonts=(), magnetometer=(), "
        "microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
        "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
    ),
)
# Django's SecurityMiddleware sends these; a view's own value wins (the personal pages send no-referrer).
SECURE_REFERRER_POLICY = env("DJANGO_SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = env("DJANGO_SECURE_CROSS_ORIGIN_OPENER_POLICY", default="same-origin")

# Operations (issue 14, docs/operations.md): health, logs, request id.
# A ready task of the database queue waiting longer than this many seconds fails /health/'s "queue" check.
PORTAL_HEALTH_QUEUE_MAX_WAIT_SECONDS = env.int("PORTAL_HEALTH_QUEUE_MAX_WAIT_SECONDS", default=300)
# Log lines: "text" (the message alone; development and tests) or "json" (one JSON object a line with timestamp,
# level, logger, request_id, message; production's default). Personal-link tokens are redacted either way.
PORTAL_LOG_FORMAT = env("PORTAL_LOG_FORMAT", default="text")
# One "portal.request" line per request (method, path, status, duration). Off here: runserver logs requests itself.
PORTAL_REQUEST_LOG = env.bool("PORTAL_REQUEST_LOG", default=False)
# django-guid: the request id comes from, and goes back in, X-Request-ID; an incoming value is taken as it is once
# portal.request_id has dropped a malformed one; no CORS header (the portal serves no other origin).
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": False, "EXPOSE_HEADER": False}


def logging_config(log_format: str) -> dict:
    """The LOGGING setting for "text" or "json" lines; production.py calls it again with its own default."""
    if log_format not in ("text", "json"):
        raise ImproperlyConfigured(f"PORTAL_LOG_FORMAT is {log_format!r}; it is 'text' or 'json'.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
            "redact_tokens": {"()": "portal.logs.RedactTokens"},
        },
        "formatters": {"text": {"()": "portal.logs.TextFormatter"}, "json": {"()": "portal.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id", "redact_tokens"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
        # WeasyPrint logs every page and font at INFO; axes every successful sign-in and clean-up (the audit trail
        # records sign-ins; its failures and lockouts are WARNING).
        "loggers": {
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # Django's own handlers (a console one when DEBUG, runserver's) replaced by the one above: every line
            # of theirs gets the same format and redaction.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
            # django-guid logs each request's id at INFO; its warnings stay.
            "django_guid": {"level": "WARNING"},
        },
    }


LOGGING = logging_config(PORTAL_LOG_FORMAT)
