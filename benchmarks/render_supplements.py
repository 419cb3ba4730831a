"""Render benchmark: the BestNet supplement cold and warm, selling-stockholder supplements of growing size,
and serving the frozen BestNet PDF through the staff views. Prints a table.
Run: ``.venv/bin/python benchmarks/render_supplements.py``.

Each case runs in a fresh process (so "cold" includes ``import weasyprint`` and the stylesheet parse) against
a throw-away SQLite database built here. Holder tables longer than ``PORTAL_PDF_ISOLATE_ROWS`` (2,000) render
in a child process of that worker; its peak memory is reported and the worker's own memory after the render
shows what it keeps.

Serving is measured on the path staff use: the BestNet supplement is approved (which freezes its
renditions), then a logged-in staff user fetches ``documents:preview`` and ``documents:download`` for its PDF
through Django's test client (URL routing, middleware, session and staff check, the rendition row, the stored
file re-hashed), warm, many times; the figure is the median request.
"""

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STAFF_USER = "bench-staff"
SERVE_WARMUP = 20
SERVE_RUNS = 500


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(Path(database).parent / "media"))
    import django

    django.setup()


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build(database: str, sizes: list[int]) -> dict[str, int]:
    """Migrate a fresh database, import BestNet and approve its supplement, add a staff user, and make one
    holders update per size."""
    _setup(database)
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from offerings.actors import SystemActor
    from offerings.dossier.importer import import_dossier
    from offerings.models import (
        Issuer,
        Prospectus,
        RegistrationStatement,
        SellingStockholder,
        Supplement,
        SupplementPurpose,
    )
    from offerings.services.supplements import approve_supplement, submit_supplement_for_review

    actor = SystemActor("render_supplements benchmark")
    call_command("migrate", verbosity=0)
    ids = {}
    data = json.loads((ROOT / "offerings/dossier/examples/bestnet-333-105026.json").read_text())
    for supplement in data["supplements"]:  # arrive as a draft, so that approval freezes it
        supplement["filed_on"] = supplement["accession_number"] = None
    registration = import_dossier(actor=actor, data=data).registration
    draft = Supplement.objects.get(prospectus__registration_statement=registration)
    bestnet = approve_supplement(actor=actor, supplement=submit_supplement_for_review(actor=actor, supplement=draft))
    ids["bestnet"] = bestnet.pk
    from django.contrib.auth.models import Group

    reviewer = get_user_model().objects.create_user(STAFF_USER, is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewer"))  # the role that previews and approves
    for n, size in enumerate(sizes):
        with transaction.atomic():
            issuer = Issuer.objects.create(name=f"Benchmark Holdings {size} Inc.", cik=str(3_000_000 + n))
            registration = RegistrationStatement.objects.create(
                issuer=issuer, file_number=f"333-{400000 + n}", form="S-3", filed_on=datetime.date(2024, 3, 1)
            )
            prospectus = Prospectus.objects.create(
                registration_statement=registration,
                dated_on=datetime.date(2024, 4, 2),
                page_references={"Risk Factors": 6, "Selling Stockholders": 19},
            )
            SellingStockholder.objects.bulk_create(
                SellingStockholder(
                    registration_statement=registration,
                    name=f"Benchmark Investor Partners {i:05d} LP",
                    shares_owned_before=10_000 + i,
                    shares_offered=10_000 + i,
                    shares_owned_after=0,
                )
                for i in range(size)
            )
            ids[f"holders-{size}"] = Supplement.objects.create(
                prospectus=prospectus,
                dated_on=datetime.date(2024, 9, 3),
                purpose=SupplementPurpose.SELLING_STOCKHOLDER_UPDATE,
            ).pk
    return ids


def serve(supplement) -> dict[str, float]:
    """Median seconds of a warm staff request for the frozen PDF: ``documents:preview`` and ``documents:download``."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from documents import selectors

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=STAFF_USER))
    rendition = selectors.frozen_rendition(supplement=supplement, format="pdf")
    frozen = selectors.rendition_bytes(rendition=rendition)
    medians = {}
    for view in ("preview", "download"):
        url = reverse(f"documents:{view}", kwargs={"supplement_id": supplement.pk, "format": "pdf"})
        for _ in range(SERVE_WARMUP):
            response = client.get(url)
            if response.status_code != 200 or response.content != frozen:
                raise SystemExit(f"{url}: {response.status_code}, not the frozen bytes")
        times = []
        for _ in range(SERVE_RUNS):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        medians[view] = statistics.median(times)
    return medians


def child(database: str, supplement_id: int, warm_runs: int) -> dict:
    """One fresh process: render (cold, then warm), count pages, measure memory; then serve the frozen PDF."""
    _setup(database)
    from pypdf import PdfReader

    from documents import rendering
    from documents.context import build_context
    from offerings.models import Supplement

    supplement = Supplement.objects.get(pk=supplement_id)
    started = time.perf_counter()
    data = rendering.render(supplement=supplement, format="pdf")
    cold = time.perf_counter() - started
    warm = []
    for _ in range(warm_runs):
        started = time.perf_counter()
        rendering.render(supplement=supplement, format="pdf")
        warm.append(time.perf_counter() - started)
    result = {
        "cold": cold,
        "warm": min(warm) if warm else None,
        "warm_median": statistics.median(warm) if warm else None,
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "size": len(data),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "rss_after_mb": _rss_mb(),
        "isolated": build_context(supplement=supplement).row_count > rendering.ISOLATE_ROWS,
    }
    if supplement.is_frozen:
        result["serve"] = serve(supplement)
    return result


def run_child(database: str, supplement_id: int, warm_runs: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", database, str(supplement_id), str(warm_runs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000,10000", help="holder counts, comma-separated")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        database, supplement_id, warm_runs = args.child
        print(json.dumps(child(database, int(supplement_id), int(warm_runs))))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "bench.sqlite3")
        subprocess.run(
            [sys.executable, "-c", f"import sys; sys.argv=['x']; from benchmarks.render_supplements import build; "
             f"import json; print(json.dumps(build({database!r}, {sizes!r})))"],
            check=True, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        ids = json.loads(
            subprocess.run(
                [sys.executable, "-c", f"from benchmarks.render_supplements import _setup; _setup({database!r}); "
                 "from offerings.models import Supplement; import json; "
                 "print(json.dumps({('bestnet' if s.prospectus.registration_statement.file_number == '333-105026' "
                 "else 'holders-%d' % s.prospectus.registration_statement.selling_stockholders.count()): s.pk "
                 "for s in Supplement.objects.all()}))"],
                check=True, cwd=ROOT, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        rows = [("BestNet incorporation update", run_child(database, ids["bestnet"], 15))]
        for size in sizes:
            rows.append(
                (f"{size:,} selling stockholders", run_child(database, ids[f"holders-{size}"], 0 if size > 2000 else 2))
            )
    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    header = (
        f"{'case':<30} {'cold s':>8} {'warm s':>8} {'pages':>6} {'PDF KB':>8} {'peak MB':>8} "
        f"{'render child MB':>16} {'RSS after MB':>13}"
    )
    print(header)
    print("-" * len(header))
    for label, r in rows:
        warm = f"{r['warm']:.3f}" if r["warm"] is not None else "-"
        child_peak = f"{r['child_peak_mb']:.0f}" if r["isolated"] else "-"
        print(
            f"{label:<30} {r['cold']:>8.3f} {warm:>8} {r['pages']:>6} {r['size'] / 1024:>8.1f} "
            f"{r['peak_mb']:>8.0f} {child_peak:>16} {r['rss_after_mb']:>13.0f}"
        )
    bestnet = rows[0][1]
    if "serve" in bestnet:
        print(
            f"\nServing the frozen BestNet PDF to staff over HTTP (Django test client, logged-in staff user; "
            f"median of {SERVE_RUNS} warm requests), against the median warm render of "
            f"{bestnet['warm_median']:.3f} s:"
        )
        for view, seconds in bestnet["serve"].items():
            print(
                f"  documents:{view:<8} {seconds * 1000:.2f} ms, {bestnet['warm_median'] / seconds:,.0f}x faster than "
                f"a warm render, {bestnet['cold'] / seconds:,.0f}x faster than a cold one"
            )


if __name__ == "__main__":
    main()
