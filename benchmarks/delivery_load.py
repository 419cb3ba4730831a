"""Delivery benchmark: publish to 10,000 investors, queries per page, and the personal page under load.

    .venv/bin/python benchmarks/delivery_load.py [--investors 10000] [--duration 15] [--connections 8 32]

Uses its own PostgreSQL database (``BENCH_DATABASE_URL``, default postgres://postgres@127.0.0.1:5432/
delivery_bench, dropped and created afresh), the BestNet dossier with real files, and gunicorn on 127.0.0.1
with the production settings. Load comes from ``wrk`` when installed (Debian package wrk), otherwise from a
bounded Python thread pool. Every request stays on loopback and every run stops by itself.
"""

import argparse
import concurrent.futures
import hashlib
import http.client
import io
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/delivery_bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(url: str) -> None:
    parsed = urlparse(url)
    ready = subprocess.run(
        ["pg_isready", "-q", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)], check=False
    )
    if ready.returncode != 0:
        sys.exit(f"PostgreSQL is not accepting connections at {parsed.hostname}:{parsed.port or 5432}.")
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"Unsafe database name {name!r}.")
    admin = ["psql", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username]
    subprocess.run([*admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run([*admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)


def setup_django(database_url: str, media_root: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_MEDIA_ROOT"] = media_root
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["PORTAL_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def sample_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def publish_bestnet():
    from delivery.services import packages
    from offerings.actors import SystemActor
    from offerings.dossier.importer import import_dossier_bytes

    actor = SystemActor("delivery_load")
    registration = import_dossier_bytes(
        actor=actor, raw=(ROOT / "offerings/dossier/examples/bestnet-333-105026.json").read_bytes()
    ).registration
    packages.attach_prospectus_document(
        actor=actor, prospectus=registration.prospectuses.get(), name="prospectus.pdf", data=sample_pdf(40)
    )
    for report in registration.issuer.periodic_reports.all():
        packages.attach_report_document(actor=actor, report=report, name=f"{report.key}.pdf", data=sample_pdf(20))
    return packages.publish_package(actor=actor, registration=registration)


def bench_publish(version, investors: int) -> list[tuple[str, str]]:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from delivery.models import Delivery
    from delivery.services.links import create_deliveries
    from offerings.actors import SystemActor
    from offerings.models import Investor

    Investor.objects.bulk_create(
        [
            Investor(
                registration_statement=version.registration_statement,
                name=f"Investor {n:05d}",
                email=f"investor{n:05d}@example.com",
                postal_address=f"{n} Main Street",
            )
            for n in range(investors)
        ],
        batch_size=2000,
    )
    tasks_before = DBTaskResult.objects.count()
    started = time.perf_counter()
    links = create_deliveries(actor=SystemActor("delivery_load"), package_version=version, send=True)
    elapsed = time.perf_counter() - started
    queued = DBTaskResult.objects.count() - tasks_before
    rows = [
        ("investors", f"{investors:,}"),
        ("deliveries created", f"{Delivery.objects.filter(package_version=version).count():,}"),
        ("email tasks queued (database backend)", f"{queued:,} (batches of 100)"),
        ("create_deliveries(send=True) wall time", f"{elapsed:.2f} s"),
        ("database", connection.vendor),
    ]
    assert len(links) == investors
    return rows


def issue_tokens(version, count: int) -> list[str]:
    """Give ``count`` deliveries a live link directly (the benchmark's investors have not been emailed)."""
    import datetime

    from django.utils import timezone

    from delivery import tokens
    from delivery.models import Delivery

    now = timezone.now()
    deliveries = list(Delivery.objects.filter(package_version=version).order_by("id")[:count])
    issued = []
    for delivery in deliveries:
        token = tokens.new_token()
        delivery.token_hash = tokens.token_hash(token)
        delivery.token_issued_at = now
        delivery.token_expires_at = now + datetime.timedelta(days=90)
        issued.append(token)
    Delivery.objects.bulk_update(deliveries, ["token_hash", "token_issued_at", "token_expires_at"], batch_size=1000)
    return issued


def bench_queries(version, token: str) -> list[tuple[str, str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from delivery.models import PackageDocument

    client = Client(HTTP_HOST="localhost")
    rows = []
    client.get(f"/d/{token}/")  # first view sets first_opened_at
    documents = PackageDocument.objects.filter(package_version=version).count()
    combined = PackageDocument.objects.get(package_version=version, kind="combined")
    for label, url in (
        ("personal page", f"/d/{token}/"),
        ("download (combined PDF)", f"/d/{token}/documents/{combined.pk}/"),
        ("unknown token", "/d/" + "A" * 43 + "/"),
    ):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        rows.append((f"queries: {label}", f"{len(context.captured_queries)} ({documents} documents in package)"))
    return rows


def start_gunicorn(database_url: str, media_root: str, workers: int, commit: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "benchmark-only-" + hashlib.sha256(os.urandom(16)).hexdigest(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": media_root,
        "CONN_MAX_AGE": "600",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PORTAL_DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT": "true" if commit == "sync" else "false",
        # Every request comes from 127.0.0.1: a limit the load never reaches, still counted in production's cache.
        "PORTAL_LINK_RATE_LIMIT": "100000000/m",
    }
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    sys.exit("gunicorn did not start")


WRK_SCRIPT = """
local tokens = {}
for line in io.lines("%s") do tokens[#tokens + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/d/" .. tokens[math.random(#tokens)] .. "/")
end
"""


def run_wrk(port: int, token_file: str, connections: int, duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % token_file)
    threads = max(1, min(2, connections))
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    os.unlink(script.name)

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return {
        "tool": "wrk",
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": errors,
    }


def run_python_load(port: int, tokens: list[str], connections: int, duration: int) -> dict:
    """A bounded closed-loop generator: ``connections`` threads with keep-alive, each until the deadline."""
    deadline = time.monotonic() + duration
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        mine, bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", f"/d/{rng.choice(tokens)}/")
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        list(pool.map(worker, range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "tool": "python threads",
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors,
    }


def table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{title}\n" + "-" * (width + 30))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--investors", type=int, default=10_000)
    parser.add_argument("--tokens", type=int, default=2_000, help="personal links spread across the load")
    parser.add_argument("--duration", type=int, default=15, help="seconds per load run (at most 120)")
    parser.add_argument("--connections", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--python-load", action="store_true", help="use the Python generator even if wrk exists")
    parser.add_argument(
        "--evidence-commit",
        choices=["sync", "async"],
        nargs="+",
        default=["sync", "async"],
        help="PostgreSQL commit of view records: wait for the disk flush (sync, the default setting) or not",
    )
    args = parser.parse_args()
    duration = max(1, min(args.duration, 120))

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    recreate_database(database_url)
    media_root = tempfile.mkdtemp(prefix="delivery-bench-media-")
    setup_django(database_url, media_root)

    version = publish_bestnet()
    machine = [
        ("machine", f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"),
        ("cpu", _cpu_model()),
    ]
    table("Publishing to investors", machine + bench_publish(version, args.investors))
    tokens = issue_tokens(version, min(args.tokens, args.investors))
    table("Queries per request (constant in investors and documents)", bench_queries(version, tokens[0]))

    from delivery.models import DeliveryEvent

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as token_file:
        token_file.write("\n".join(tokens) + "\n")
    use_wrk = shutil.which("wrk") and not args.python_load
    results = []
    try:
        for commit in args.evidence_commit:
            process, port = start_gunicorn(database_url, media_root, args.workers, commit)
            try:
                # Warm-up: every worker loads its code, templates and database connection; not measured.
                if use_wrk:
                    run_wrk(port, token_file.name, args.workers * 2, 3)
                else:
                    run_python_load(port, tokens, args.workers * 2, 3)
                for connections in args.connections:
                    before = DeliveryEvent.objects.filter(kind="page_view").count()
                    if use_wrk:
                        result = run_wrk(port, token_file.name, connections, duration)
                    else:
                        result = run_python_load(port, tokens, connections, duration)
                    time.sleep(0.5)
                    recorded = DeliveryEvent.objects.filter(kind="page_view").count() - before
                    results.append((commit, connections, result, recorded))
            finally:
                process.terminate()
                process.wait(timeout=30)
    finally:
        os.unlink(token_file.name)
        shutil.rmtree(media_root, ignore_errors=True)

    print(
        f"\nPersonal page /d/<token>/ under load: gunicorn {args.workers} sync workers, production settings, "
        f"PostgreSQL, {len(tokens):,} links, {duration} s per run"
    )
    print(f"{'commit':<8}{'tool':<15}{'conns':>6}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}", end="")
    print(f"{'errors':>8}{'views recorded':>16}")
    for commit, connections, r, recorded in results:
        print(f"{commit:<8}{r['tool']:<15}{connections:>6}{r['requests']:>10,}{r['rps']:>9.0f}", end="")
        print(f"{r['p50']:>9.1f}{r['p99']:>9.1f}{r['errors']:>8}{recorded:>16,}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
