"""The production shape, end to end on this machine: `scripts/prod_local.py` starts nginx (TLS, the site of
deploy/nginx/portal.conf), two gunicorn instances (deploy/gunicorn.conf.py) and a db_worker on PostgreSQL with
the production settings; a package is published and an investor's personal link is opened through nginx."""

import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from benchmarks.slow_clients import free_ports
from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "prod_local.py"
pytestmark = [pytest.mark.prod_local, pytest.mark.slow]


def _postgres_url(name: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "the prod-local stack runs on PostgreSQL: `make test-postgres` (DATABASE_URL=postgres://...) runs it"
        )
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def stack():
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (make system-packages installs it)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (make system-packages installs it)")
    name = f"portal_prodlocal_e2e_{uuid.uuid4().hex[:8]}"
    https, http, first, second, redis = free_ports(5)
    directory = ROOT / "build" / name
    command = [sys.executable, str(SCRIPT)]
    where = ["--dir", str(directory)]
    options = [
        *where,
        "--https-port", str(https), "--http-port", str(http), "--app-ports", f"{first},{second}",
        "--redis-port", str(redis), "--database-url", _postgres_url(name), "--workers", "1",
    ]  # fmt: skip
    try:
        started = subprocess.run([*command, "start", *options], cwd=ROOT, capture_output=True, text=True, timeout=180)
        assert started.returncode == 0, started.stdout + started.stderr
        yield {
            "dir": directory,
            "base": f"https://127.0.0.1:{https}",
            "http": f"http://127.0.0.1:{http}",
            "ports": (first, second),
            "out": started.stdout,
            "manage": lambda *args: (
                subprocess.run(
                    [*command, "manage", *where, *args],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=120,
                ).stdout
            ),
            "again": lambda: subprocess.run(
                [*command, "start", *options], cwd=ROOT, capture_output=True, text=True, timeout=60
            ),
        }
    finally:
        subprocess.run(
            [*command, "stop", *where, "--drop-database", "--remove-dir"], cwd=ROOT, capture_output=True, timeout=120
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 301 itself is raised as an HTTPError


def _tls(stack) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(stack["dir"] / "tls" / "cert.pem"))


def _get(stack, url: str, **headers):
    request = urllib.request.Request(url, headers={"User-Agent": "prod-local-e2e", **headers})
    return urllib.request.urlopen(request, context=_tls(stack), timeout=30)


def test_a_personal_link_through_nginx_serves_every_document_with_the_manifest_bytes_and_records_the_evidence(
    stack, tmp_path
):
    assert "Sign in as admin with password" in stack["out"] and "PORTAL_REQUIRE_MFA is off" in stack["out"]
    assert "already running" in stack["again"]().stdout  # a second start says so and starts nothing

    prospectus = tmp_path / "prospectus.txt"
    prospectus.write_text("BestNet Communications Corp. prospectus dated May 19, 2003.\n")
    annual = tmp_path / "10ksb-2002.txt"
    annual.write_text("BestNet Communications Corp. Annual Report on Form 10-KSB, fiscal 2002.\n")
    quarter = tmp_path / "10qsb-2003-05.htm"
    quarter.write_text("<html><body><p>Quarterly report for the quarter ended May 31, 2003.</p></body></html>")
    investors = tmp_path / "investors.csv"
    investors.write_text("name,email\nAnn Lee,ann@example.com\n")
    published = stack["manage"](
        "publish_package", "333-105026", "--prospectus", str(prospectus),
        "--report", f"annual_2002={annual}", "--report", f"quarter_2003_05={quarter}",
    )  # fmt: skip
    manifest = [line.split() for line in published.splitlines() if re.match(r"\s*\d+\s+[0-9a-f]{64}\s", line)]
    assert len(manifest) == 5
    stack["manage"]("import_investors", "333-105026", str(investors))
    link = stack["manage"]("create_deliveries", "333-105026").strip().split("\t")[2]
    assert link.startswith(stack["base"] + "/d/")

    # Plain HTTP redirects to HTTPS; the personal page comes through nginx from a gunicorn instance.
    with pytest.raises(urllib.error.HTTPError) as redirect:
        urllib.request.build_opener(_NoRedirect).open(stack["http"] + "/admin/", timeout=10)
    assert redirect.value.code == 301 and redirect.value.headers["Location"] == stack["base"] + "/admin/"
    with _get(stack, link) as page:
        assert page.status == 200 and "Ann Lee" in page.read().decode()

    ids = _document_ids(stack)
    for position, sha256, size, *_ in manifest:
        # A forged X-Forwarded-For is overwritten by nginx with the client's own address.
        with _get(stack, f"{link}documents/{ids[position]}/", **{"X-Forwarded-For": "203.0.113.9"}) as r:
            body = r.read()
            assert r.status == 200 and "X-Accel-Redirect" not in r.headers
            assert r.headers["Content-Security-Policy"] == "sandbox" and r.headers["Cache-Control"] == "no-store"
        assert hashlib.sha256(body).hexdigest() == sha256 and len(body) == int(size)

    # gunicorn answered each download with X-Accel-Redirect and no body; nginx sent the file from MEDIA_ROOT.
    logs = stack["dir"] / "logs"
    app_log = "".join((logs / f"gunicorn-{port}.log").read_text() for port in stack["ports"])
    accelerated = re.findall(r'"GET /d/<token>/documents/\d+/ HTTP/1\.0" 200 0 .* accel=/_protected/packages/', app_log)
    assert len(accelerated) == 5
    served = re.findall(
        r"/d/<token>/documents/\d+/ .* 200 (\d+) .* file=/_protected/packages/\S+",
        (logs / "nginx-access.log").read_text(),
    )
    assert sorted(map(int, served)) == sorted(int(size) for _, _, size, *_ in manifest)
    assert "203.0.113.9" not in app_log and link.split("/d/")[1].strip("/") not in app_log

    evidence = json.loads(
        stack["manage"](
            "shell", "--no-imports", "-c",
            "import json; from delivery.models import DeliveryEvent as E; print(json.dumps(list(E.objects.values("
            "'kind', 'ip_address', 'user_agent', 'document_sha256'))))",
        ).strip().splitlines()[-1]
    )  # fmt: skip
    downloads = [e for e in evidence if e["document_sha256"]]
    assert sorted(e["document_sha256"] for e in downloads) == sorted(sha for _, sha, *_ in manifest)
    assert {(e["ip_address"], e["user_agent"]) for e in downloads} == {("127.0.0.1", "prod-local-e2e")}


def _document_ids(stack) -> dict[str, int]:
    """Package v1's document ids by position (as the manifest prints it)."""
    out = stack["manage"](
        "shell", "--no-imports", "-c",
        "import json; from delivery.models import PackageDocument as D; print(json.dumps({str(d.position): d.pk "
        "for d in D.objects.filter(package_version__number=1)}))",
    )  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])
