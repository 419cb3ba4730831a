"""Investor CSV benchmark: how long and how much memory an import of N rows takes, through the admin upload.

    .venv/bin/python benchmarks/investor_import.py [--rows 60000 20000 10000] [--database sqlite|postgres]

Each run imports a fresh CSV of N distinct investors into a fresh registration by posting it to the admin's
import page (Django's test client, in this process: multipart parsing, the size check, the streamed import
with its audit entries), and reports the wall time, the peak memory the process added, and the outcome. A file
over ``PORTAL_INVESTOR_CSV_MAX_ROWS`` (default 20,000) is refused; the run then shows how soon. ``--limit`` sets
the row limit for the run (e.g. ``--limit 60000`` to time 60,000 rows imported).

Uses its own database: SQLite in a temporary directory, or PostgreSQL (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/investor_bench, dropped and created afresh).
"""

import argparse
import io
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/investor_bench"


def recreate_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"Unsafe database name {name!r}.")
    admin = ["psql", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username]
    subprocess.run([*admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run([*admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)


def setup_django(database_url: str, media_root: str, limit: int | None) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_MEDIA_ROOT"] = media_root
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if limit is not None:
        os.environ["PORTAL_INVESTOR_CSV_MAX_ROWS"] = str(limit)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def csv_bytes(rows: int, tag: str) -> bytes:
    out = io.StringIO()
    out.write("name,email,postal_address\n")
    for n in range(rows):
        out.write(f'Investor {n},investor{n}.{tag}@example.com,"{n} Main Street\nReno, NV 89501"\n')
    return out.getvalue().encode()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(client, rows: int) -> tuple[float, float, int, str]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from offerings.models import Investor
    from tests import factories

    registration = factories.RegistrationStatementFactory()
    data = csv_bytes(rows, tag=str(registration.pk))
    before_rss = peak_rss_mb()
    started = time.perf_counter()
    response = client.post(
        "/admin/delivery/delivery/import-investors/",
        {"registration": registration.pk, "csv_file": SimpleUploadedFile("investors.csv", data)},
    )
    seconds = time.perf_counter() - started
    imported = Investor.objects.filter(registration_statement=registration).count()
    if response.status_code == 302:
        outcome = "imported"
    else:
        text = response.content.decode()
        found = re.search(r"row [0-9,]+ is past the limit[^<]*", text) or re.search(r"<li>([^<]*)</li>", text)
        outcome = "refused: " + (found.group(0) if found else f"HTTP {response.status_code}")[:110]
    return seconds, max(peak_rss_mb() - before_rss, 0.0), imported, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[60_000, 20_000, 10_000])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--limit", type=int, default=None, help="PORTAL_INVESTOR_CSV_MAX_ROWS for this run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="investor-bench-") as scratch:
        if args.database == "postgres":
            url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
            recreate_database(url)
        else:
            url = f"sqlite:///{scratch}/bench.sqlite3"
        setup_django(url, f"{scratch}/media", args.limit)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        admin = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-pass-phrase-1")
        client = Client()
        client.force_login(admin)
        print(f"database {args.database}; PORTAL_INVESTOR_CSV_MAX_ROWS {settings.PORTAL_INVESTOR_CSV_MAX_ROWS:,}")
        print(f"{'rows':>8} {'MB':>6} {'seconds':>8} {'added RSS MB':>12} {'imported':>9}  outcome")
        for rows in args.rows:
            size = len(csv_bytes(rows, tag="x")) / 1e6
            seconds, rss, imported, outcome = run_one(client, rows)
            print(f"{rows:>8,} {size:>6.1f} {seconds:>8.2f} {rss:>12.1f} {imported:>9,}  {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
