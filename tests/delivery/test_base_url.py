"""Links staff and investors are given start with one base URL (PORTAL_BASE_URL), whatever port the portal
serves on; production warns when that URL is not an https address investors can reach."""

import io
import os
import re
import secrets
import stat
import subprocess
import sys
import urllib.request

import pytest
from django.core.management import call_command

from delivery.checks import BASE_URL_UNREACHABLE, base_url_reachable
from delivery.models import Delivery
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from offerings import site
from tests.actors import TEST_ACTOR
from tests.conftest import ROOT

from .conftest import make_registration

BASE = "http://127.0.0.1:8123"


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_create_deliveries_prints_links_on_the_configured_port(settings, package, client):
    settings.DELIVERY_BASE_URL = BASE + "/"
    lines = [
        line.split("\t")
        for line in run("create_deliveries", package.registration_statement.file_number).split("\n")
        if line
    ]
    assert len(lines) == 3
    for _, _, url in lines:
        assert re.fullmatch(BASE + r"/d/[A-Za-z0-9_-]{43}/", url)
        assert client.get(url.removeprefix(BASE)).status_code == 200


def test_the_emailed_link_starts_with_the_configured_base_url(
    settings, package, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DELIVERY_BASE_URL = BASE
    with django_capture_on_commit_callbacks(execute=True):
        create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    assert len(mailoutbox) == 3
    for message in mailoutbox:
        assert re.search(BASE + r"/d/[A-Za-z0-9_-]{43}/", message.body)
        assert BASE + "/d/" in message.alternatives[0][0]


def test_the_admin_shows_reissued_links_with_the_configured_base_url_not_the_request_host(
    settings, admin_client, package
):
    settings.DELIVERY_BASE_URL = BASE
    link = create_deliveries(actor=TEST_ACTOR, package_version=package)[0]
    page = admin_client.post(
        "/admin/delivery/delivery/", {"action": "reissue_links", "_selected_action": [link.delivery.pk]}
    ).content.decode()
    assert f"<code>{BASE}/d/" in page and "testserver" not in page


def test_the_emailed_link_opens_on_a_portal_serving_a_non_default_port(live_server, settings, mailoutbox):
    settings.DELIVERY_BASE_URL = live_server.url
    assert not live_server.url.endswith(":8000")
    registration = make_registration(investors=1)
    package = publish_package(actor=TEST_ACTOR, registration=registration)
    create_deliveries(actor=TEST_ACTOR, package_version=package, send=True)
    (message,) = mailoutbox
    url = re.search(re.escape(live_server.url) + r"/d/[A-Za-z0-9_-]{43}/", message.body).group(0)
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        assert Delivery.objects.get().recipient_name in response.read().decode()


def test_ensure_admin_hints_at_the_configured_base_url(settings, db, monkeypatch):
    monkeypatch.delenv("PORTAL_ADMIN_PASSWORD", raising=False)
    settings.DELIVERY_BASE_URL = BASE
    assert f"Sign in at {BASE}/admin/" in run("ensure_admin", "--username", "hinted")


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://127.0.0.1:8000", True),
        ("https://localhost", True),
        ("https://127.0.0.2:8443", True),
        ("https://[::1]:8443", True),
        ("http://portal.example.com", True),
        ("https://portal.example.com", False),
        ("https://portal.example.com:8443/", False),
    ],
)
def test_production_warns_when_the_base_url_is_loopback_or_not_https(settings, url, warned):
    settings.DEBUG = False
    settings.DELIVERY_BASE_URL = url
    assert [m.id for m in base_url_reachable()] == ([BASE_URL_UNREACHABLE] if warned else [])


def test_development_does_not_warn_about_a_loopback_base_url(settings):
    settings.DEBUG = True
    settings.DELIVERY_BASE_URL = "http://127.0.0.1:8000"
    assert base_url_reachable() == []


def check_deploy(base_url: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PORTAL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "portal.example.com",
            "DATABASE_URL": "sqlite:////tmp/portal-check-deploy.sqlite3",
            "PORTAL_BASE_URL": base_url,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_warns_for_the_loopback_default_and_passes_for_a_public_https_url():
    loopback = check_deploy("http://127.0.0.1:8000")
    assert loopback.returncode != 0 and BASE_URL_UNREACHABLE in loopback.stderr + loopback.stdout
    public = check_deploy("https://portal.example.com")
    assert public.returncode == 0, public.stdout + public.stderr
    assert BASE_URL_UNREACHABLE not in public.stderr + public.stdout


def make_run(tmp_path, *args: str, **env: str) -> list[str]:
    """`make run` with a stand-in Python that prints PORTAL_BASE_URL and its arguments (nothing is served)."""
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "${PORTAL_BASE_URL:-unset} $*"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "PORTAL_BASE_URL", "MAKEFLAGS")}
    result = subprocess.run(
        [
            "make",
            "-s",
            "-o",
            "build/.system-packages",
            "-o",
            ".venv/.requirements-installed",
            "run",
            f"PY={fake}",
            *args,
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    ("port", "expected"),
    [("0.0.0.0:8123", BASE), ("127.0.0.1:8123", BASE), ("8124", "http://127.0.0.1:8124")],
)
def test_make_run_on_a_port_gives_ensure_admin_and_runserver_that_base_url(tmp_path, port, expected):
    lines = make_run(tmp_path, PORT=port)
    assert f"{expected} manage.py ensure_admin" in lines
    assert f"{expected} manage.py runserver {port}" in lines


def test_make_run_keeps_a_base_url_the_user_set(tmp_path):
    lines = make_run(tmp_path, PORT="0.0.0.0:8123", PORTAL_BASE_URL="https://demo.example.com")
    assert "https://demo.example.com manage.py runserver 0.0.0.0:8123" in lines


def test_make_run_without_a_port_leaves_the_default(tmp_path):
    assert "unset manage.py runserver 127.0.0.1:8000" in make_run(tmp_path)


def test_the_base_url_has_no_trailing_slash(settings):
    settings.DELIVERY_BASE_URL = BASE + "/"
    assert site.base_url() == BASE
