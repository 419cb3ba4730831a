"""Static files (issue 14): production serves them through WhiteNoise under content-hashed names from a manifest
that collectstatic writes for the admin's and the portal's files; development keeps Django's plain storage."""

import json
import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

from tests.ops.settings_probe import PRODUCTION_ENV, settings_of

PRODUCTION_STATIC = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def collected(settings, tmp_path):
    """collectstatic with production's storage into a fresh STATIC_ROOT; the root returned."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC}}
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.slow
def test_collectstatic_writes_hashed_admin_and_portal_files_and_the_manifest_resolves_them(collected):
    assert list((collected / "admin" / "css").glob("base.*.css")), "no hashed admin base.css"
    hashed = staticfiles_storage.stored_name("portal/admin.css")
    assert re.fullmatch(r"portal/admin\.[0-9a-f]{12}\.css", hashed)
    assert (collected / hashed).is_file() and (collected / f"{hashed}.gz").is_file()
    manifest = json.loads((collected / "staticfiles.json").read_text())
    assert manifest["paths"]["portal/admin.css"] == hashed
    for name in ("delivery/style.css", "supplements/print.css", "admin/css/base.css"):
        assert manifest["paths"][name] != name


@pytest.mark.slow
def test_whitenoise_serves_hashed_files_cacheable_forever_linked_from_pages_on_the_same_origin(collected, settings, db):
    after_security = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
    middleware = [*settings.MIDDLEWARE]
    middleware.insert(after_security, "whitenoise.middleware.WhiteNoiseMiddleware")
    settings.MIDDLEWARE = middleware
    client = Client()
    page = client.get("/admin/login/")
    assert page.status_code == 200
    hashed = staticfiles_storage.stored_name("portal/admin.css")
    # A same-origin path: the strict policy's style-src 'self' allows it.
    assert f'href="/static/{hashed}"'.encode() in page.content
    assert "style-src 'self'" in page["Content-Security-Policy"]
    served = client.get(f"/static/{hashed}")
    assert served.status_code == 200
    assert "immutable" in served["Cache-Control"]
    assert b"".join(served.streaming_content) == (collected / hashed).read_bytes()


def test_production_uses_whitenoise_right_after_security_middleware():
    production = settings_of("portal.settings.production", **PRODUCTION_ENV)
    assert production["staticfiles"] == PRODUCTION_STATIC
    middleware = production["middleware"]
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    # /health/ is answered before the Host check and the HTTPS redirect.
    assert middleware.index("portal.health.HealthProbeMiddleware") < security


def test_development_keeps_django_static_files_without_whitenoise():
    for module in ("portal.settings.dev", "portal.settings.test"):
        chosen = settings_of(module)
        assert chosen["staticfiles"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
        assert "whitenoise.middleware.WhiteNoiseMiddleware" not in chosen["middleware"]
