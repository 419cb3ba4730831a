"""Running a real ``manage.py db_worker`` against the test database (PostgreSQL: SQLite's test database is in
memory, which a second process cannot open)."""

import os
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The test database as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def worker_environment(settings, **extra: str) -> dict[str, str]:
    """The production settings, as ``manage.py db_worker`` runs in production, against the test database and
    the test's media root."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "test-only-not-secret-worker",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "CACHE_URL": "locmemcache://",
        "PORTAL_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PORTAL_BASE_URL": settings.DELIVERY_BASE_URL,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }
