"""Strict headers (issue 12): the strict Content-Security-Policy on every page, Permissions-Policy on every
response, no inline script or style in the portal's templates, HSTS for a year in production and
`check --deploy` without a warning."""

import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from compliance.models import LateFilingNotice
from delivery.models import PackageDocument
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from offerings.models import PeriodicReport, Supplement, SupplementStatus
from tests import factories
from tests.actors import TEST_ACTOR
from tests.conftest import ROOT
from tests.delivery.conftest import make_registration

# The sources each directive of a page's policy may name; a nonce is allowed where inline code is unavoidable.
STRICT = {
    "default-src": {"'none'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'none'"},
    "object-src": {"'none'"},
}
NONCED = {"script-src", "style-src"}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]

# Templates that are not pages of the portal, so the page policy does not apply to them.
NOT_PAGES = {
    "templates/supplements/": "supplement renditions: self-contained EDGAR/PDF documents, previewed under "
    "documents.views.DOCUMENT_CSP (sandbox, no script)",
    "templates/delivery/email/": "email bodies: mail clients drop linked stylesheets",
    "templates/delivery/report.html": "WeasyPrint input for the delivery report PDF",
    "audit/templates/audit/report.html": "WeasyPrint input for the audit report PDF",
}
TEMPLATE_DIRS = ["templates", *(f"{app}/templates" for app in ("audit", "offerings", "documents", "compliance"))]
TEMPLATE_DIRS += ["delivery/templates", "portal/templates"]

TAG = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]{3,}\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0].lower(): words[1:] for words in parts}


def inline_problems(html: str, *, nonce: str | None = None) -> list[str]:
    """Inline script or style the page policy would block: a <script> without src or <style> without the
    nonce, a style= or on...= attribute, a javascript: URL."""
    problems = []
    for match in TAG.finditer(html):
        name, attributes = match.group(1).lower(), match.group(2)
        if name == "script" and (re.search(r"\ssrc\s*=", attributes) or "application/json" in attributes):
            continue
        found = re.search(r"""\snonce\s*=\s*["']?([^"'\s>]+)""", attributes)
        if found is None or (nonce is not None and found.group(1) != nonce):
            problems.append(match.group(0)[:120])
    for pattern in (STYLE_ATTRIBUTE, HANDLER_ATTRIBUTE, JAVASCRIPT_URL):
        problems += [match.group(0)[:120] for match in pattern.finditer(html)]
    return problems


def assert_strict_page(response, url: str) -> None:
    """An HTML page of the portal: the strict policy, nothing unsafe, and no inline code it would block."""
    header = response.get("Content-Security-Policy")
    assert header, f"{url}: no Content-Security-Policy"
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, (url, header)
    directives = policy(header)
    assert set(directives) == set(STRICT), (url, header)
    for directive, allowed in STRICT.items():
        sources = set(directives[directive])
        nonces = {s for s in sources if s.startswith("'nonce-")} if directive in NONCED else set()
        assert sources - nonces == allowed, (url, directive, header)
    nonce = next((s[7:-1] for s in directives["script-src"] if s.startswith("'nonce-")), None)
    body = response.content.decode() if not response.streaming else ""
    assert inline_problems(body, nonce=nonce) == [], url


def assert_document(response, url: str) -> None:
    """A supplement's rendition or a stored download: sandboxed, no script may run."""
    header = response.get("Content-Security-Policy", "")
    directives = policy(header)
    assert "sandbox" in directives and directives["sandbox"] == [], (url, header)
    assert "script-src" not in directives and directives.get("default-src", ["'none'"]) == ["'none'"], url


def check(response, url: str, *, document: bool = False) -> None:
    assert response.status_code < 500, (url, response.status_code)
    assert "Permissions-Policy" in response, f"{url}: no Permissions-Policy"
    if document:
        assert_document(response, url)
    elif response["Content-Type"].startswith("text/html"):
        assert_strict_page(response, url)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def portal(db, bestnet):
    """A record of every registered model, with a draft, an approved supplement and a published package."""
    prospectus = bestnet.prospectuses.get()
    draft = factories.SupplementFactory(prospectus=prospectus, dated_on=prospectus.dated_on.replace(year=2004))
    factories.SellingStockholderFactory(registration_statement=bestnet)
    factories.InvestorFactory(registration_statement=bestnet)
    bestnet.amendments.create(kind="post_effective", filed_on="2003-12-01")
    LateFilingNotice.objects.create(
        issuer=bestnet.issuer,
        form="NT 10-Q",
        period_end=datetime.date(2003, 9, 30),
        filed_on=datetime.date(2003, 11, 17),
    )
    registration = make_registration(investors=2)
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    issued = create_deliveries(actor=TEST_ACTOR, package_version=version)
    approved = Supplement.objects.filter(status=SupplementStatus.APPROVED).first()
    return {
        "draft": draft,
        "approved": approved,
        "registration": registration,
        "token": issued[0].token,
        "delivery": issued[0].delivery,
        "document": PackageDocument.objects.filter(package_version=version).first(),
    }


def admin_urls() -> list[str]:
    """Every admin page of every registered model: changelist, add, and change, history, delete of one record."""
    urls = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:jsi18n")]
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        urls += [admin_url(model, "changelist"), admin_url(model, "add")]
        urls.append(reverse("admin:app_list", kwargs={"app_label": model._meta.app_label}))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls += [admin_url(model, view, obj.pk) for view in ("change", "history", "delete")]
    return sorted(set(urls))


def portal_urls(data) -> list[str]:
    """The compliance pages, the custom admin pages, the investors' pages and the not-found pages."""
    registration = data["registration"]
    token = data["token"]
    return [
        reverse("admin:login"),
        reverse("compliance:dashboard"),
        reverse("compliance:calendar"),
        reverse("compliance:calendar_ics"),
        reverse("admin:offerings_supplement_change", args=[data["draft"].pk]),  # with its workflow buttons
        reverse("admin:offerings_supplement_change", args=[data["approved"].pk]),
        reverse("admin:offerings_supplement_approve", args=[data["draft"].pk]),
        reverse("admin:offerings_supplement_file", args=[data["approved"].pk]),
        reverse("admin:offerings_registrationstatement_import"),
        reverse("admin:offerings_registrationstatement_dossier", args=[registration.pk]),
        reverse("admin:offerings_periodicreport_correct", args=[PeriodicReport.objects.order_by("pk").first().pk]),
        reverse("admin:delivery_packageversion_publish"),
        reverse("admin:delivery_packageversion_publish") + f"?registration={registration.pk}",
        reverse("admin:delivery_packageversion_deliver", args=[data["delivery"].package_version_id]),
        reverse("admin:delivery_packageversion_preview", args=[data["delivery"].package_version_id]),
        reverse("admin:delivery_delivery_report"),
        reverse("admin:delivery_delivery_import"),
        reverse("admin:audit_logentry_report"),
        reverse("delivery:offering", args=[registration.file_number]),
        reverse("delivery:personal", args=[token]),
        "/d/" + "x" * 43 + "/",
        "/offerings/333-000000/",
        "/no-such-page/",
    ]


def document_urls(data) -> list[str]:
    """Responses that carry their own sandbox policy: renditions and stored documents."""
    supplement, document = data["approved"], data["document"]
    return [
        reverse("documents:preview", args=[data["draft"].pk, "html"]),
        reverse("documents:preview", args=[supplement.pk, "html"]),
        reverse("documents:download", args=[supplement.pk, "html"]),
        reverse("delivery:offering-download", args=[data["registration"].file_number, document.pk]),
        reverse("delivery:personal-download", args=[data["token"], document.pk]),
        reverse("admin:delivery_packageversion_preview_html", args=[data["delivery"].package_version_id]),
    ]


@pytest.mark.parametrize("who", ["superuser", "anonymous"])
def test_every_page_carries_the_strict_policy_and_every_response_permissions_policy(portal, admin_user, who):
    client = Client()
    if who == "superuser":
        client.force_login(admin_user)
    pages = admin_urls() + portal_urls(portal)
    shown = 0
    for url in pages:
        response = client.get(url)
        check(response, url)
        shown += response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert shown > (100 if who == "superuser" else 0)  # the superuser sees the pages, not redirects
    for url in document_urls(portal):
        response = client.get(url)
        check(response, url, document=response.status_code == 200)
    links = client.post(
        reverse("admin:delivery_delivery_changelist"),
        {"action": "reissue_links", "_selected_action": [portal["delivery"].pk]},
    )
    check(links, "reissue_links")
    if who == "superuser":
        assert "New personal links" in links.content.decode()
    assert len(pages) > 80


def test_the_admin_pages_deny_features_isolate_the_window_and_send_same_origin_referrers(admin_client):
    response = admin_client.get(reverse("admin:index"))
    permissions = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_personal_page_keeps_no_referrer_and_links_its_stylesheet(portal, client):
    response = client.get(reverse("delivery:personal", args=[portal["token"]]))
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<link rel="stylesheet" href="/static/delivery/style.css">' in response.content.decode()
    assert (ROOT / "static" / "delivery" / "style.css").is_file()


def test_a_view_that_sets_its_own_permissions_policy_keeps_it(rf, settings):
    from django.http import HttpResponse

    from portal.headers import PermissionsPolicyMiddleware

    def view(request):
        response = HttpResponse("ok")
        response["Permissions-Policy"] = "fullscreen=(self)"
        return response

    assert PermissionsPolicyMiddleware(view)(rf.get("/"))["Permissions-Policy"] == "fullscreen=(self)"
    settings.PORTAL_PERMISSIONS_POLICY = "camera=()"
    assert PermissionsPolicyMiddleware(lambda r: HttpResponse())(rf.get("/"))["Permissions-Policy"] == "camera=()"


def _templates() -> list[Path]:
    found = []
    for folder in TEMPLATE_DIRS:
        found += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in {".html", ".htm", ".txt"}]
    return sorted(found)


def test_no_page_template_holds_inline_script_or_style_without_a_nonce():
    checked, problems = 0, {}
    for path in _templates():
        relative = path.relative_to(ROOT).as_posix()
        if any(relative.startswith(prefix) for prefix in NOT_PAGES):
            continue
        checked += 1
        found = inline_problems(path.read_text())
        if found:
            problems[relative] = found
    assert problems == {}
    assert checked >= 20


def test_the_inline_check_finds_what_the_policy_would_block():
    assert inline_problems('<p style="color:red">') == ["<p style="]
    assert inline_problems("<style>p{}</style>") == ["<style>"]
    assert inline_problems("<script>alert(1)</script>") == ["<script>"]
    assert inline_problems('<button onclick="go()">') != []
    assert inline_problems('<a href="javascript:go()">') != []
    assert inline_problems('<script nonce="{{ request.csp_nonce }}">x()</script>') == []
    assert inline_problems('<script src="/static/x.js"></script><script type="application/json">{}</script>') == []
    assert inline_problems('<style nonce="abc">p{}</style>', nonce="abd") == ['<style nonce="abc">']


def _production(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py with the production settings and a clean environment: a fresh key, one host, a SQLite URL."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PORTAL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "portal.example.com",
            "DATABASE_URL": "sqlite:////tmp/portal-check-deploy.sqlite3",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_no_warning_at_the_production_defaults():
    result = _production("check", "--deploy", "--fail-level", "WARNING", PORTAL_BASE_URL="https://portal.example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


HSTS = "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, " + (
    "s.SECURE_HSTS_PRELOAD)"
)


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload_by_default():
    assert _production("shell", "--no-imports", "-c", HSTS).stdout.split() == ["31536000", "True", "True"]
    overridden = _production("shell", "--no-imports", "-c", HSTS, DJANGO_SECURE_HSTS_SECONDS="300")
    assert overridden.stdout.split() == ["300", "True", "True"]
