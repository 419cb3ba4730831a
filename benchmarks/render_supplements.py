"""Render benchmark: the BestNet supplement cold and warm, selling-stockholder supplements of growing size,
and re-serving frozen bytes. Prints a table. Run: ``.venv/bin/python benchmarks/render_supplements.py``.

Each case runs in a fresh process (so "cold" includes ``import weasyprint`` and the stylesheet parse) against
a throw-away SQLite database built here. Holder tables longer than ``PORTAL_PDF_ISOLATE_ROWS`` (2,000) render
in a child process of that worker; its peak memory is reported and the worker's own memory after the render
shows what it keeps.
"""

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
    """Migrate a fresh database, import BestNet and make one holders update per size."""
    _setup(database)
    import datetime

    from django.core.management import call_command
    from django.db import transaction

    from offerings.dossier.importer import import_dossier
    from offerings.models import (
        Issuer,
        Prospectus,
        RegistrationStatement,
        SellingStockholder,
        Supplement,
        SupplementPurpose,
    )

    call_command("migrate", verbosity=0)
    ids = {}
    data = json.loads((ROOT / "offerings/dossier/examples/bestnet-333-105026.json").read_text())
    registration = import_dossier(data=data).registration
    ids["bestnet"] = Supplement.objects.get(prospectus__registration_statement=registration).pk
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


def child(database: str, supplement_id: int, warm_runs: int) -> dict:
    """One fresh process: render twice (cold, warm), count pages, measure memory; then re-serve frozen bytes."""
    _setup(database)
    from pypdf import PdfReader

    from documents import rendering, selectors, services
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
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "size": len(data),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "rss_after_mb": _rss_mb(),
        "isolated": len(rendering.build_context(supplement=supplement).holders) > rendering.ISOLATE_ROWS,
    }
    if supplement.is_frozen:
        services.ensure_frozen(supplement=supplement)
        runs = 200
        started = time.perf_counter()
        for _ in range(runs):
            selectors.frozen_bytes(supplement=supplement, format="pdf")
        result["reserve"] = (time.perf_counter() - started) / runs
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
        rows = [("BestNet incorporation update", run_child(database, ids["bestnet"], 5))]
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
    if "reserve" in bestnet:
        print(
            f"\nRe-serving the frozen BestNet PDF (stored bytes, hash checked): {bestnet['reserve'] * 1000:.2f} ms, "
            f"{bestnet['warm'] / bestnet['reserve']:.0f}x faster than a warm render, "
            f"{bestnet['cold'] / bestnet['reserve']:.0f}x faster than a cold one."
        )


if __name__ == "__main__":
    main()
