"""Reads a settings module's chosen values in a fresh interpreter (each module reads the environment once)."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def settings_of(module: str, **env: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'format': settings.LOGGING['handlers']['console']['formatter'], "
        "'request_log': settings.PORTAL_REQUEST_LOG, 'middleware': settings.MIDDLEWARE, "
        "'staticfiles': settings.STORAGES['staticfiles']['BACKEND']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PORTAL_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "sqlite:////tmp/ops-settings.sqlite3",
}
