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

Issue 14's two figures, each also a function another benchmark can call (each builds its own throw-away
database and measures in a fresh process): ``render_ratio(holders=500)``, the portal's warm PDF render against
plain WeasyPrint on the same HTML with the same variant, stylesheet, fonts and fetcher (target <= 1.1), and
``big_render_memory(holders=10000)``, approving a 10,000-holder update in a process standing for the web worker
(the admin's approve action renders inside the request): its time, the worker's RSS before and after, the PDF
child's peak RSS and the limits it runs under.
"""

import argparse
import gc
import hashlib
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
RATIO_TARGET = 1.1
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

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from offerings.actors import SystemActor
    from offerings.dossier.importer import import_dossier
    from offerings.models import (
        Supplement,
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
            ids[f"holders-{size}"] = holders_update(size, n).pk
    return ids


def holders_update(size: int, n: int = 0):
    """A draft selling-stockholder update of a new registration with ``size`` selling stockholders (the ``n``-th
    such registration of the database)."""
    import datetime

    from offerings.models import (
        Issuer,
        Prospectus,
        RegistrationStatement,
        SellingStockholder,
        Supplement,
        SupplementPurpose,
    )

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
    return Supplement.objects.create(
        prospectus=prospectus, dated_on=datetime.date(2024, 9, 3), purpose=SupplementPurpose.SELLING_STOCKHOLDER_UPDATE
    )


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
        "size": len(data),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "rss_after_mb": _rss_mb(),
        "isolated": build_context(supplement=supplement).row_count > rendering.ISOLATE_ROWS,
    }
    result["pages"] = len(PdfReader(io.BytesIO(data)).pages)  # after the memory figures: pypdf's are not the render's
    if supplement.is_frozen:
        result["serve"] = serve(supplement)
    return result


class _CollectorClock:
    """Seconds the cyclic garbage collector ran (``gc.callbacks``) while it is installed."""

    def __init__(self):
        self.seconds, self._started = 0.0, 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def ratio_child(database: str, supplement_id: int, runs: int) -> dict:
    """One fresh process: the portal's PDF render against plain WeasyPrint on the same HTML, both warm.

    Portal: ``rendering.render(supplement=..., format="pdf")`` (context from the records, template, WeasyPrint
    through ``documents.pdf``). Plain: ``weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")`` on
    ``rendering.pdf_html(doc)`` with the same stylesheet (parsed once), font configuration, fetcher and file
    identifier, i.e. the least that gives the same bytes. One warm-up each, then ``runs`` pairs alternating which
    goes first; medians. Also the median seconds of the portal's own steps and of garbage collection in each.
    """
    _setup(database)
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from documents import pdf as weasy
    from documents import rendering
    from documents.context import build_context
    from offerings.models import Supplement

    supplement = Supplement.objects.get(pk=supplement_id)
    html = rendering.pdf_html(build_context(supplement=supplement))
    identifier = rendering.pdf_identifier(html)
    (Path(database).parent / "ratio.html").write_text(html)  # for bare_child
    fonts = FontConfiguration()
    fetcher = weasy.fetcher_class()(weasy.static_roots())
    stylesheet = weasyprint.CSS(url=weasy.STATIC_BASE + weasy.STYLESHEET, url_fetcher=fetcher, font_config=fonts)

    def plain() -> bytes:
        document = weasyprint.HTML(string=html, base_url=weasy.STATIC_BASE, url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant=weasy.PDF_VARIANT, pdf_identifier=identifier
        )

    def portal() -> bytes:
        return rendering.render(supplement=supplement, format="pdf")

    same_bytes = portal() == plain()  # the warm-up of each
    clock = _CollectorClock()
    gc.callbacks.append(clock)
    times: dict[str, list[float]] = {"portal": [], "plain": []}
    collector: dict[str, list[float]] = {"portal": [], "plain": []}
    for n in range(runs):
        for name, case in (("portal", portal), ("plain", plain))[:: 1 if n % 2 == 0 else -1]:
            before = clock.seconds
            started = time.perf_counter()
            case()
            times[name].append(time.perf_counter() - started)
            collector[name].append(clock.seconds - before)
    gc.callbacks.remove(clock)
    steps: dict[str, list[float]] = {"context": [], "template": []}
    for _ in range(runs):
        started = time.perf_counter()
        doc = build_context(supplement=supplement)
        built = time.perf_counter()
        rendering.pdf_html(doc)
        steps["context"].append(built - started)
        steps["template"].append(time.perf_counter() - built)
    portal_s, plain_s = statistics.median(times["portal"]), statistics.median(times["plain"])
    return {
        "holders": supplement.prospectus.registration_statement.selling_stockholders.count(),
        "runs": runs,
        "portal_s": portal_s,
        "plain_s": plain_s,
        "ratio": portal_s / plain_s,
        "target": RATIO_TARGET,
        "met": portal_s / plain_s <= RATIO_TARGET,
        "same_bytes": same_bytes,
        "portal_runs": times["portal"],
        "plain_runs": times["plain"],
        "portal_gc_s": statistics.median(collector["portal"]),
        "plain_gc_s": statistics.median(collector["plain"]),
        "context_s": statistics.median(steps["context"]),
        "template_s": statistics.median(steps["template"]),
    }


def bare_child(html_file: str, runs: int, static_root: str) -> dict:
    """Plain WeasyPrint as a script without Django would run it (same HTML, stylesheet, fetcher, identifier):
    one warm-up, then the median of ``runs`` warm renders."""
    from safety.weasy import STATIC_BASE, fetcher_class, weasyprint

    module = weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    html = Path(html_file).read_text()
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    fonts, fetcher = FontConfiguration(), fetcher_class()([static_root])
    stylesheet = module.CSS(url=STATIC_BASE + "supplements/print.css", url_fetcher=fetcher, font_config=fonts)
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        module.HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant="pdf/ua-1", pdf_identifier=identifier
        )
        times.append(time.perf_counter() - started)
    return {"plain_bare_s": statistics.median(times[1:]), "plain_bare_runs": times[1:]}


def memory_child(database: str, supplement_id: int, warm_id: int) -> dict:
    """Approving the big supplement as the admin does, in one fresh process standing first for the web worker,
    then for the task worker (Django set up, one small PDF rendered first, as in a worker that has served).

    The request's part is ``approvals.request_approval`` (the checks, the queued job); the worker's part is
    ``approvals.run_approval_job``, the body of ``offerings.tasks.approve_supplement_job`` (render and freeze the
    three renditions, approve). Records both times, the worker's RSS before and after its part, its own peak,
    and the PDF child's peak RSS and limits."""
    _setup(database)
    import runpy

    from django.conf import settings
    from django.test import override_settings

    from documents import pdf as weasy
    from documents import rendering, selectors
    from offerings.actors import SystemActor
    from offerings.models import Supplement
    from offerings.services.approvals import request_approval, run_approval_job
    from offerings.services.supplements import submit_supplement_for_review

    rendering.render(supplement=Supplement.objects.get(pk=warm_id), format="pdf")
    actor = SystemActor("render_supplements benchmark")
    supplement = submit_supplement_for_review(actor=actor, supplement=Supplement.objects.get(pk=supplement_id))
    # A backend that keeps the task instead of running it: the worker's part is timed on its own below.
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        started = time.perf_counter()
        job = request_approval(actor=actor, supplement=supplement, override_reason="Benchmark: a large holder table.")
        request_s = time.perf_counter() - started
    gc.collect()
    rss_before = _rss_mb()
    started = time.perf_counter()
    status = run_approval_job(job_id=job.pk)
    seconds = time.perf_counter() - started
    rss_after = _rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    megabytes, timeout = weasy.child_limits()
    gunicorn_timeout = runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))["timeout"]
    supplement.refresh_from_db()
    holders = supplement.prospectus.registration_statement.selling_stockholders.count()
    data = selectors.rendition_bytes(rendition=selectors.frozen_rendition(supplement=supplement, format="pdf"))
    from pypdf import PdfReader  # after the memory figures: reading 200 pages costs pypdf some 400 MB

    return {
        "holders": holders,
        "process": "task worker (approvals.run_approval_job, the body of the db_worker's task)",
        "isolated": holders > settings.PORTAL_PDF_ISOLATE_ROWS,
        "isolate_rows": settings.PORTAL_PDF_ISOLATE_ROWS,
        "job_status": str(status),
        "request_s": request_s,
        "approve_s": seconds,
        "gunicorn_timeout_s": gunicorn_timeout,
        "request_exceeds_gunicorn_timeout": request_s > gunicorn_timeout,
        "worker_rss_before_mb": rss_before,
        "worker_rss_after_mb": rss_after,
        "worker_kept_mb": rss_after - rss_before,
        "worker_peak_mb": peak,
        "child_peak_mb": child_peak,
        "child_memory_limit_mb": megabytes,
        "child_timeout_s": timeout,
        "pdf_kb": len(data) / 1024,
        "pages": len(PdfReader(io.BytesIO(data)).pages),
    }


def _fresh_database(tmp: str, sizes: list[int]) -> tuple[str, dict[str, int]]:
    database = str(Path(tmp) / "bench.sqlite3")
    out = subprocess.run(
        [sys.executable, "-c", f"import json; from benchmarks.render_supplements import build; "
         f"print(json.dumps(build({database!r}, {sizes!r})))"],
        check=True, cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DJANGO_MEDIA_ROOT": str(Path(tmp) / "media")},
    )  # fmt: skip
    return database, json.loads(out.stdout.strip().splitlines()[-1])


def _in_child(mode: str, tmp: str, *args) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, f"--{mode}", *map(str, args)],
        capture_output=True, text=True, check=True, cwd=ROOT,
        env={**os.environ, "DJANGO_MEDIA_ROOT": str(Path(tmp) / "media")},
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def render_ratio(holders: int = 500, runs: int = 5) -> dict:
    """The portal's warm PDF render of a ``holders``-row selling-stockholder update against plain WeasyPrint on
    the same HTML (``ratio_child``), in a fresh process with a throw-away database; target ratio <= 1.1."""
    with tempfile.TemporaryDirectory() as tmp:
        database, ids = _fresh_database(tmp, [holders])
        result = _in_child("ratio", tmp, database, ids[f"holders-{holders}"], runs)
        result.update(_in_child("bare", tmp, Path(tmp) / "ratio.html", runs, ROOT / "static"))
    result["ratio_bare"] = result["portal_s"] / result["plain_bare_s"]
    return result


def big_render_memory(holders: int = 10000) -> dict:
    """Approving a ``holders``-row selling-stockholder update in a process standing for the web worker
    (``memory_child``), fresh, with a throw-away database: time, the worker's RSS before and after, the PDF
    child's peak and the limits it runs under."""
    with tempfile.TemporaryDirectory() as tmp:
        database, ids = _fresh_database(tmp, [holders])
        return _in_child("memory", tmp, database, ids[f"holders-{holders}"], ids["bestnet"])


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
    parser.add_argument("--ratio-holders", type=int, default=500, help="holders of the portal/plain comparison")
    parser.add_argument("--memory-holders", type=int, default=10000, help="holders of the approval memory figure")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--ratio", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--memory", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--bare", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        html_file, runs, static_root = args.bare
        print(json.dumps(bare_child(html_file, int(runs), static_root)))
        return
    if args.ratio:
        database, supplement_id, runs = args.ratio
        print(json.dumps(ratio_child(database, int(supplement_id), int(runs))))
        return
    if args.memory:
        database, supplement_id, warm_id = args.memory
        print(json.dumps(memory_child(database, int(supplement_id), int(warm_id))))
        return
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
    print_ratio(render_ratio(args.ratio_holders))
    print_memory(big_render_memory(args.memory_holders))


def print_ratio(r: dict) -> None:
    print(
        f"\n{r['holders']:,} holders: portal {r['portal_s']:.3f} s, plain WeasyPrint {r['plain_s']:.3f} s, "
        f"ratio {r['ratio']:.3f} (target <= {r['target']}{'' if r['met'] else ', NOT MET'}); warm, median of "
        f"{r['runs']} alternating pairs in one fresh process, same bytes: {r['same_bytes']}. Portal steps before "
        f"WeasyPrint: context {r['context_s'] * 1000:.0f} ms, template {r['template_s'] * 1000:.0f} ms; garbage "
        f"collection inside a render: portal {r['portal_gc_s']:.3f} s, plain {r['plain_gc_s']:.3f} s. Plain "
        f"WeasyPrint in a process without Django (median of {r['runs']}): {r['plain_bare_s']:.3f} s, ratio "
        f"{r['ratio_bare']:.3f}."
    )


def print_memory(r: dict) -> None:
    print(
        f"\n{r['holders']:,} holders approved ({r['job_status']}): the request {r['request_s']:.2f} s (gunicorn "
        f"timeout {r['gunicorn_timeout_s']} s{': EXCEEDED' if r['request_exceeds_gunicorn_timeout'] else ''}); in the "
        f"{r['process']} {r['approve_s']:.1f} s, {r['pages']} pages, "
        f"{r['pdf_kb']:,.0f} KB. Worker RSS {r['worker_rss_before_mb']:.0f} MB before, "
        f"{r['worker_rss_after_mb']:.0f} MB after (kept {r['worker_kept_mb']:+.0f} MB), peak {r['worker_peak_mb']:.0f} "
        f"MB; PDF child peak RSS {r['child_peak_mb']:.0f} MB under RLIMIT_AS {r['child_memory_limit_mb']} MB and "
        f"{r['child_timeout_s']} s (PORTAL_CONVERT_MEMORY_MB, PORTAL_CONVERT_TIMEOUT_SECONDS)."
    )


if __name__ == "__main__":
    main()
