"""Bulk writes benchmark (issue 14): a dossier of 5,000 holders and 5,000 investors, and deliveries to 10,000.

    .venv/bin/python benchmarks/bulk.py [--holders 5000] [--investors 5000] [--recipients 10000]
                                        [--database postgres|sqlite]

Prints, for each step, the wall time and the number of SQL statements (an ``executemany`` counts once):

- ``import_dossier_bytes`` of a ``/2`` dossier (the warrant-repricing example) with N selling stockholders and
  N investors, into an empty portal (parse, schema, references, records, audit entries, one transaction);
- the same file imported again (nothing changes, nothing is written);
- ``publish_package`` of the BestNet package (PDF documents, so no conversion) and ``create_deliveries`` with
  ``send=False`` for that many investors; then how many task enqueues ``queue_notices`` registers for their
  emails (counted on a transaction that is rolled back, so nothing is sent).

Uses its own database: PostgreSQL (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/bulk_bench, dropped and created afresh), or SQLite in a temporary
directory with ``--database sqlite`` (or when PostgreSQL is not reachable).
"""

import argparse
import copy
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.delivery_load import recreate_database  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bulk_bench"
EXAMPLE = ROOT / "offerings/dossier/examples/warrant-repricing.json"
BESTNET = ROOT / "offerings/dossier/examples/bestnet-333-105026.json"


def postgres_ready(url: str) -> bool:
    parsed = urlparse(url)
    if shutil.which("pg_isready") is None:
        return False
    args = ["pg_isready", "-q", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)]
    return subprocess.run(args, check=False).returncode == 0


def setup_django(database_url: str, media_root: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_MEDIA_ROOT"] = media_root
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Count:
    """Counts the SQL statements run on the default connection (``connection.execute_wrapper``)."""

    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


@contextmanager
def measured(rows: list, label: str):
    from django.db import connection

    count = Count()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        yield
    rows.append((label, time.perf_counter() - started, count.queries))


def dossier(holders: int, investors: int) -> bytes:
    """The warrant-repricing example with ``holders`` selling stockholders and ``investors`` investors."""
    data = json.loads(EXAMPLE.read_text())
    template = data["selling_stockholders"][0]
    data["selling_stockholders"] = [
        {
            **copy.deepcopy(template),
            "name": f"Holder {n:05d} Fund, L.P.",
            "shares_owned_before": 1000 + n,
            "shares_offered": 1000 + n,
            "shares_owned_after": 0,
            "email": f"holder{n:05d}@example.com",
        }
        for n in range(holders)
    ]
    data["investors"] = [
        {"name": f"Investor {n:05d}", "email": f"investor{n:05d}@example.com", "postal_address": f"{n} Main Street"}
        for n in range(investors)
    ]
    return json.dumps(data).encode()


def sample_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bench_import(rows: list, holders: int, investors: int) -> None:
    from audit.models import LogEntry
    from offerings.actors import SystemActor
    from offerings.dossier.importer import import_dossier_bytes

    actor = SystemActor("bench_bulk")
    raw = dossier(holders, investors)
    entries = LogEntry.objects.count()
    with measured(rows, f"import dossier: {holders:,} holders + {investors:,} investors"):
        result = import_dossier_bytes(actor=actor, raw=raw, max_bytes=len(raw), name="bulk.json")
    registration = result.registration
    assert registration.selling_stockholders.count() == holders
    assert registration.investors.count() == investors
    rows.append((f"  audit entries written: {LogEntry.objects.count() - entries:,}", None, None))
    with measured(rows, "import the same dossier again (no change)"):
        again = import_dossier_bytes(actor=actor, raw=raw, max_bytes=len(raw), name="bulk.json")
    assert not again.changed


def bench_deliveries(rows: list, recipients: int) -> None:
    from django.db import connection, transaction

    from delivery.models import Delivery
    from delivery.services import packages
    from delivery.services.links import create_deliveries
    from delivery.services.notices import queue_notices
    from offerings.actors import SystemActor
    from offerings.dossier.importer import import_dossier_bytes
    from offerings.models import Investor

    actor = SystemActor("bench_bulk")
    registration = import_dossier_bytes(actor=actor, raw=BESTNET.read_bytes()).registration
    packages.attach_prospectus_document(
        actor=actor, prospectus=registration.prospectuses.get(), name="prospectus.pdf", data=sample_pdf(40)
    )
    for pages, report in enumerate(registration.issuer.periodic_reports.all(), start=20):
        packages.attach_report_document(actor=actor, report=report, name=f"{report.key}.pdf", data=sample_pdf(pages))
    Investor.objects.bulk_create(
        [
            Investor(
                registration_statement=registration,
                name=f"Investor {n:05d}",
                email=f"investor{n:05d}@example.com",
                postal_address=f"{n} Main Street",
            )
            for n in range(recipients)
        ],
        batch_size=2000,
    )
    with measured(rows, "publish_package (BestNet, PDF documents)"):
        version = packages.publish_package(actor=actor, registration=registration)
    with measured(rows, f"create_deliveries(send=False): {recipients:,} investors"):
        issued = create_deliveries(actor=actor, package_version=version, send=False)
    assert len(issued) == Delivery.objects.filter(package_version=version).count() >= recipients
    ids = [link.delivery.pk for link in issued]
    with transaction.atomic():
        before = len(connection.run_on_commit)
        batches = queue_notices(actor=actor, delivery_ids=ids)
        enqueues = len(connection.run_on_commit) - before
        transaction.set_rollback(True)
    rows.append((f"  queue_notices for {len(ids):,} emails: {enqueues} enqueues ({batches} batches)", None, None))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holders", type=int, default=5_000)
    parser.add_argument("--investors", type=int, default=5_000)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bulk-bench-") as scratch:
        url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
        database = args.database
        if database == "postgres" and not postgres_ready(url):
            print(f"PostgreSQL is not reachable at {urlparse(url).hostname}; using SQLite.")
            database = "sqlite"
        if database == "postgres":
            recreate_database(url)
        else:
            url = f"sqlite:///{scratch}/bench.sqlite3"
        setup_django(url, f"{scratch}/media")
        rows: list = []
        bench_import(rows, args.holders, args.investors)
        bench_deliveries(rows, args.recipients)
        print(f"database {database}; {os.cpu_count()} CPUs")
        print(f"{'step':<62} {'seconds':>8} {'queries':>8}")
        for label, seconds, queries in rows:
            if seconds is None:
                print(label)
            else:
                print(f"{label:<62} {seconds:>8.2f} {queries:>8,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
