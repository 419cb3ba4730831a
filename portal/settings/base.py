"""Settings shared by every environment; each value can come from the environment (django-environ)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "auditlog",
    "audit",
    "offerings",
    "documents",
    "compliance",
    "delivery",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
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

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Largest dossier file accepted by import_dossier and the admin upload page.
DOSSIER_MAX_BYTES = env.int("PORTAL_DOSSIER_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = DOSSIER_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

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
DELIVERY_TRUST_X_FORWARDED_FOR = env.bool("PORTAL_TRUST_X_FORWARDED_FOR", default=False)
DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT = env.bool("PORTAL_DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT", default=True)

# Audit trail (audit/ reads these): django-auditlog with the portal's own hash-chained entry model.
AUDITLOG_LOGENTRY_MODEL = "audit.LogEntry"
# auditlog's migrations create the table of its default entry model, unused once swapped; skip them.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_STORE_JSON_CHANGES = True  # old and new values as JSON (null, numbers), not their str()
# Every model of these apps is logged, less the untracked models; delivery evidence is its own append-only log.
AUDIT_TRACKED_APPS = ["offerings", "documents", "compliance", "delivery"]
AUDIT_UNTRACKED_MODELS = ["delivery.DeliveryEvent"]
# Left out of every entry: a timestamp every save changes, and the hash that opens an investor's personal link.
AUDIT_UNTRACKED_FIELDS = ["updated_at", "delivery.Delivery.token_hash"]
# The record an audit report is for, and the field that names it: `audit_report 333-105026`.
AUDIT_REPORT_SUBJECT = "offerings.RegistrationStatement.file_number"
# The client address on audit entries comes from X-Forwarded-For only behind a proxy that overwrites it.
AUDIT_TRUST_X_FORWARDED_FOR = DELIVERY_TRUST_X_FORWARDED_FOR

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every page and font at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
