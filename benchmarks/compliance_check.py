"""Compliance check benchmark: ``all_findings`` and the 90-day calendar over growing numbers of registrations.

Builds a throw-away SQLite database of copies of the BestNet dossier (one issuer per three registrations, each
issuer with four quarters of reports) and prints wall time and query counts. The facts of all registrations
are loaded together, so the query counts stay the same as the registrations grow.
Run: ``.venv/bin/python benchmarks/compliance_check.py [--sizes 50 300]``.
"""

import argparse
import copy
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 300])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
        os.environ["DJANGO_MEDIA_ROOT"] = f"{tmp}/media"
        import django

        django.setup()
        import datetime

        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from compliance import selectors
        from compliance.calendar import calendar_events
        from offerings.actors import SystemActor
        from offerings.dossier.importer import import_dossier

        call_command("migrate", verbosity=0)
        base = json.loads((ROOT / "offerings/dossier/examples/bestnet-333-105026.json").read_text())
        built = 0
        rows = []
        for size in sorted(args.sizes):
            while built < size:
                data = copy.deepcopy(base)
                issuer_no = built // 3
                data["issuer"]["cik"] = str(800000 + issuer_no)
                data["issuer"]["name"] = f"Bench Issuer {issuer_no} Corp."
                for report in data["periodic_reports"]:
                    report["accession_number"] = report["accession_number"][:-6] + f"{issuer_no:06d}"
                    report["filed_on"] = "2003-07-15" if report["key"] == "quarter_2003_05" else None
                data["supplements"] = []
                data["registration_statement"]["file_number"] = f"333-{300000 + built}"
                import_dossier(actor=SystemActor("benchmark"), data=data)
                built += 1
            as_of = datetime.date(2003, 7, 16)
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                results = selectors.all_findings(as_of=as_of)
                check_s = time.perf_counter() - start
            check_queries = len(queries)
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                events = calendar_events(start=as_of)
                calendar_s = time.perf_counter() - start
            findings = sum(len(f) for _, f in results)
            rows.append((size, findings, check_s, check_queries, len(events), calendar_s, len(queries)))

    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, SQLite")
    header = ("registrations", "findings", "all_findings s", "queries", "events", "calendar s", "queries")
    print(" | ".join(header))
    print(" | ".join("-" * len(h) for h in header))
    for size, findings, check_s, check_q, events, cal_s, cal_q in rows:
        cells = (size, findings, f"{check_s:.3f}", check_q, events, f"{cal_s:.3f}", cal_q)
        print(" | ".join(f"{cell:>{len(h)}}" for cell, h in zip(cells, header, strict=True)))


if __name__ == "__main__":
    main()
