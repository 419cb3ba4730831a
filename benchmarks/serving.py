"""Serving benchmark (issue 14): the personal page against a minimal Django view and nginx's static file, a 20 MB
download (FileResponse, and X-Accel-Redirect through nginx when the portal has PORTAL_DOWNLOAD_ACCEL_PREFIX),
worker CPU per request, concurrent downloads under gthread workers, and the frozen supplement served vs rendered.

    .venv/bin/python benchmarks/serving.py [--duration 5] [--rounds 3] [--downloads 1200] [--big-holders 10000] [--all]

Then benchmarks/render_supplements.py's 500-holder render against plain WeasyPrint and its 10,000-holder
approval's time and memory, and with --all the tables of benchmarks/bulk.py, compliance_check.py and slow_clients.py.

PostgreSQL database ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/portal_serving, dropped and
created afresh), gunicorn with deploy/gunicorn.conf.py and benchmarks/bench_settings.py (production settings plus
/bench/minimal/), wrk -c8. The measurements of one table alternate round by round (page, minimal, static, page, ...)
so a slow moment of the machine hits them all. Traffic stays on 127.0.0.1; every process started here is stopped.
"""

import argparse
import concurrent.futures
import hashlib
import http.client
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.delivery_load import (
    WRK_SCRIPT,
    _cpu_model,
    bench_publish,
    free_port,
    issue_tokens,
    recreate_database,
    sample_pdf,
    setup_django,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_serving"
CONNECTIONS = 8
BIG_PDF_BYTES = 19 * 1024 * 1024 + 512 * 1024  # under PORTAL_UPLOAD_MAX_BYTES (20 MiB)
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = "personal page /d/<token>/"
PAGE_DBCACHE = "  the same, database cache"
ACCEL_DIRECT = "  its answer, gunicorn direct"
# The page's required work alone (benchmarks/bench_urls.py): lookup + evidence row, then with the rate limit too.
FLOORS = {"floor: lookup + evidence row": "/bench/floor/", "floor + rate limit": "/bench/floor-limited/"}


def big_pdf(size: int) -> bytes:
    """A valid one-page PDF of about ``size`` bytes: the page's content stream is one long PDF comment."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    stream = DecodedStreamObject()
    stream.set_data(b"%" + secrets.token_hex(size // 2).encode() + b"\n")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def publish(size: int):
    from delivery.services import packages
    from offerings.actors import SystemActor
    from offerings.dossier.importer import import_dossier_bytes

    actor = SystemActor("serving")
    registration = import_dossier_bytes(
        actor=actor, raw=(ROOT / "offerings/dossier/examples/bestnet-333-105026.json").read_bytes()
    ).registration
    packages.attach_prospectus_document(
        actor=actor, prospectus=registration.prospectuses.get(), name="prospectus.pdf", data=big_pdf(size)
    )
    for n, report in enumerate(registration.issuer.periodic_reports.all()):
        # Each document its own bytes (a package refuses two identical files).
        packages.attach_report_document(actor=actor, report=report, name=f"{report.key}.pdf", data=sample_pdf(20 + n))
    return packages.publish_package(actor=actor, registration=registration)


def collect_static(database_url: str, static_root: str) -> None:
    """Production's manifest static storage needs collectstatic: into this run's own folder."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "DJANGO_SECRET_KEY": "collect-only",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "DJANGO_STATIC_ROOT": static_root,
        },
    )


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLK_TCK


class Gunicorn:
    def __init__(
        self, database_url, media_root, *, worker_class="sync", workers=3, threads=1, accel="", cache_url=None
    ):
        self.port = free_port()
        env = {
            **os.environ,
            # The rate limit's counters: Redis when given (docs/deploy.md), else production's database cache.
            "CACHE_URL": cache_url or "dbcache://portal_cache?max_entries=100000",
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "DJANGO_SECRET_KEY": "benchmark-only-" + secrets.token_hex(16),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "DJANGO_MEDIA_ROOT": media_root,
            "CONN_MAX_AGE": "600",
            "DJANGO_LOG_LEVEL": "WARNING",
            # Every request comes from 127.0.0.1: a limit the load never reaches, still counted in the cache.
            "PORTAL_LINK_RATE_LIMIT": "100000000/m",
            "PORTAL_DOWNLOAD_ACCEL_PREFIX": accel,
            "PORTAL_GUNICORN_WORKERS": str(workers),
            "PORTAL_GUNICORN_WORKER_CLASS": worker_class,
            "PORTAL_GUNICORN_THREADS": str(threads),
            "PORTAL_GUNICORN_MAX_REQUESTS": "0",  # the workers' CPU is read from /proc: no restarts mid-run
            "PORTAL_GUNICORN_LOG_LEVEL": "warning",
        }
        conf = ROOT / "deploy/gunicorn.conf.py"
        if conf.exists():
            args = ["-c", str(conf), "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null"]
        else:
            args = ["portal.wsgi", "--bind", f"127.0.0.1:{self.port}", f"--workers={workers}"]
            args += [f"--worker-class={worker_class}", f"--threads={threads}", "--log-level=warning"]
        self.process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), *args], cwd=ROOT, env=env)
        wait_port(self.port, self.stop)
        deadline = time.monotonic() + 20
        while len(worker_pids(self.process.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)

    def cpu(self) -> float:
        return cpu_seconds(worker_pids(self.process.pid))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_port(port, on_fail):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    on_fail()
    sys.exit(f"nothing listening on {port}")


NGINX_CONF = """
worker_processes 1;
user root;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    sendfile on; tcp_nopush on; keepalive_requests 100000;
    default_type application/octet-stream;
    upstream portal_app {{ server 127.0.0.1:{upstream}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        location = /static-page.html {{ root {tmp}; default_type text/html; }}
        location /_protected/ {{ internal; alias {media}/; }}
        location / {{
            proxy_pass http://portal_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host 127.0.0.1;
            proxy_buffering on;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, tmp: str, upstream: int, media: str):
        self.port = free_port()
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, upstream=upstream, port=self.port, media=media))
        self.process = subprocess.Popen(["nginx", "-c", str(conf), "-p", tmp])
        wait_port(self.port, self.stop)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Redis:
    """redis-server on a free loopback port, keeping nothing on disk (the rate limit's counters)."""

    def __init__(self, tmp: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=tmp,
            stdout=subprocess.DEVNULL,
        )
        wait_port(self.port, self.stop)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)


def wrk(port: int, duration: int, *, path: str = "/", script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "5s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True, timeout=duration + 30
    ).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p99": ms("99"),
        "errors": errors,
    }


def events(kind: str) -> int:
    from delivery.models import DeliveryEvent

    return DeliveryEvent.objects.filter(kind=kind).count()


def alternate(cases: dict, rounds: int, duration: int) -> dict:
    """Run each case once per round, in turn; each case is (port, wrk kwargs, gunicorn or None, evidence kind)."""
    results = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (port, kwargs, server, kind) in cases.items():
            before_events = events(kind) if kind else 0
            before_cpu = server.cpu() if server else 0.0
            result = wrk(port, duration, **kwargs)
            time.sleep(0.3)
            result["cpu"] = (server.cpu() - before_cpu) if server else None
            result["recorded"] = (events(kind) - before_events) if kind else None
            results[name].append(result)
    summary = {}
    for name, runs in results.items():
        requests = sum(r["requests"] for r in runs)
        cpu = sum(r["cpu"] for r in runs) if runs[0]["cpu"] is not None else None
        summary[name] = {
            "rps": statistics.median(r["rps"] for r in runs),
            "p99": max(r["p99"] for r in runs),
            "requests": requests,
            "errors": sum(r["errors"] for r in runs),
            "recorded": sum(r["recorded"] for r in runs) if runs[0]["recorded"] is not None else None,
            "cpu_ms": cpu * 1000 / requests if cpu is not None and requests else None,
        }
    return summary


def fetch_once(port: int, path: str, expected: bytes, length: int) -> str:
    """One download on a fresh connection: "exact", "truncated", "refused" or "5xx" (or "other <status>")."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        if response.status >= 500:
            response.read()
            return "5xx"
        if response.status != 200:
            response.read()
            return "refused" if response.status == 429 else f"other {response.status}"
        digest, received = hashlib.sha256(), 0
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            received += len(chunk)
        return "exact" if received == length and digest.digest() == expected else "truncated"
    except http.client.IncompleteRead:
        return "truncated"
    except ConnectionRefusedError:
        return "refused"
    except OSError:
        return "truncated"
    finally:
        conn.close()


def concurrent_downloads(port: int, path: str, data: bytes, count: int) -> dict:
    expected = hashlib.sha256(data).digest()
    before = events("download")
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONNECTIONS) as pool:
        outcomes = list(pool.map(lambda _: fetch_once(port, path, expected, len(data)), range(count)))
    elapsed = time.perf_counter() - started
    time.sleep(0.5)
    counts = {key: outcomes.count(key) for key in sorted(set(outcomes))}
    return {"counts": counts, "recorded": events("download") - before, "elapsed": elapsed}


def frozen_serving() -> tuple[float, float, float] | None:
    """benchmarks/render_supplements.py's measurement of the BestNet supplement: warm render (median) and the
    staff preview/download of its frozen PDF (median), in a throw-away SQLite database and fresh processes."""
    import json

    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "bench.sqlite3")
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        env.pop("DJANGO_MEDIA_ROOT", None)
        code = (
            "from benchmarks.render_supplements import build, _setup; import json; "
            f"build({database!r}, []); "
            "from offerings.models import Supplement; "
            "print(json.dumps(Supplement.objects.get(prospectus__registration_statement__file_number='333-105026').pk))"
        )
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        if out.returncode:
            print(out.stderr[-2000:], file=sys.stderr)
            return None
        supplement_id = json.loads(out.stdout.strip().splitlines()[-1])
        out = subprocess.run(
            [sys.executable, "benchmarks/render_supplements.py", "--child", database, str(supplement_id), "9"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode:
            print(out.stderr[-2000:], file=sys.stderr)
            return None
        result = json.loads(out.stdout.strip().splitlines()[-1])
        return result["warm_median"], result["serve"]["preview"], result["serve"]["download"]


def render_figures(big_holders: int) -> tuple[dict | None, dict | None]:
    """benchmarks/render_supplements.py's 500-holder ratio to plain WeasyPrint and its large-approval memory."""
    from benchmarks import render_supplements

    ratio = memory = None
    try:
        ratio = render_supplements.render_ratio(holders=500)
        if big_holders:
            memory = render_supplements.big_render_memory(holders=big_holders)
    except (subprocess.CalledProcessError, OSError, ValueError) as error:
        print(f"render_supplements failed: {error}", file=sys.stderr)
    return ratio, memory


def other_benchmarks() -> dict[str, str]:
    """The tables of benchmarks/bulk.py, compliance_check.py and slow_clients.py, as they print them."""
    outputs = {}
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    for script in ("bulk.py", "compliance_check.py", "slow_clients.py"):
        out = subprocess.run(
            [sys.executable, f"benchmarks/{script}"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        outputs[f"benchmarks/{script}"] = out.stdout.strip() if out.returncode == 0 else out.stderr[-2000:]
    return outputs


def versions() -> str:
    def first_line(command):
        try:
            out = subprocess.run(command, capture_output=True, text=True, check=False)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "not installed"

    import django
    import gunicorn

    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn.__version__}, "
        f"{first_line(['nginx', '-v'])}, {first_line(['wrk', '-v'])}, "
        f"{first_line(['psql', '--version'])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (at most 60)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per table")
    parser.add_argument("--downloads", type=int, default=1200, help="concurrent downloads under gthread")
    parser.add_argument("--investors", type=int, default=200)
    parser.add_argument("--big-holders", type=int, default=10000, help="holders of the large approval (0: skip)")
    parser.add_argument("--all", action="store_true", help="also print bulk.py's and compliance_check.py's tables")
    args = parser.parse_args()
    duration = max(1, min(args.duration, 60))
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian package wrk).")
    started = time.monotonic()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    recreate_database(database_url)
    tmp = tempfile.mkdtemp(prefix="serving-bench-")
    media_root = str(Path(tmp) / "media")
    os.makedirs(media_root)
    setup_django(database_url, media_root)
    from django.conf import settings

    os.environ["DJANGO_STATIC_ROOT"] = str(Path(tmp) / "static")
    collect_static(database_url, os.environ["DJANGO_STATIC_ROOT"])

    version = publish(BIG_PDF_BYTES)
    bench_publish(version, args.investors)
    tokens = issue_tokens(version, args.investors)
    token_file = Path(tmp) / "tokens.txt"
    token_file.write_text("\n".join(tokens) + "\n")
    script = Path(tmp) / "tokens.lua"
    script.write_text(WRK_SCRIPT % token_file)

    from delivery.models import PackageDocument

    document = PackageDocument.objects.filter(package_version=version, kind="prospectus").first()
    document = document or PackageDocument.objects.filter(package_version=version).order_by("-size").first()
    with document.file.open("rb") as handle:
        data = handle.read()
    download = f"/d/{tokens[0]}/documents/{document.pk}/"
    nginx_ok = bool(shutil.which("nginx"))
    accel_ok = hasattr(settings, "PORTAL_DOWNLOAD_ACCEL_PREFIX")

    rows: list[tuple[str, str]] = []
    servers = []
    try:
        redis = Redis(tmp) if shutil.which("redis-server") else None
        if redis:
            servers.append(redis)
        cache_url = redis.url if redis else None
        sync = Gunicorn(database_url, media_root, cache_url=cache_url)
        servers.append(sync)
        dbcache = Gunicorn(database_url, media_root, workers=3) if redis else None
        if dbcache:
            servers.append(dbcache)
        nginx = Nginx(tmp, sync.port, media_root) if nginx_ok else None
        if nginx:
            servers.append(nginx)
        conn = http.client.HTTPConnection("127.0.0.1", sync.port, timeout=10)
        conn.request("GET", f"/d/{tokens[0]}/")
        html = conn.getresponse().read()
        conn.close()
        (Path(tmp) / "static-page.html").write_bytes(html)
        for server in [sync, dbcache] if dbcache else [sync]:
            wrk(server.port, 2, script=str(script))  # warm-up: code, templates, connections
            wrk(server.port, 1, path="/bench/minimal/")

        cases = {PAGE: (sync.port, {"script": str(script)}, sync, "page_view")}
        if dbcache:
            cases[PAGE_DBCACHE] = (dbcache.port, {"script": str(script)}, dbcache, "page_view")
        for name, prefix in FLOORS.items():
            floor_script = Path(tmp) / f"{prefix.strip('/').replace('/', '-')}.lua"
            floor_script.write_text(WRK_SCRIPT.replace('"/d/"', f'"{prefix}"') % token_file)
            cases[name] = (sync.port, {"script": str(floor_script)}, sync, "page_view")
        cases["minimal Django view"] = (sync.port, {"path": "/bench/minimal/"}, sync, None)
        if nginx:
            cases["nginx static file (same HTML)"] = (nginx.port, {"path": "/static-page.html"}, None, None)
        pages = alternate(cases, args.rounds, duration)
        if dbcache:
            dbcache.stop()
            servers.remove(dbcache)

        accel = None
        if nginx and accel_ok:
            sync.stop()
            servers.remove(sync)
            nginx.stop()
            servers.remove(nginx)
            sync = Gunicorn(database_url, media_root, accel="/_protected/", cache_url=cache_url)
            servers.append(sync)
            nginx = Nginx(tmp, sync.port, media_root)
            servers.append(nginx)
            plain = Gunicorn(database_url, media_root, cache_url=cache_url)
            servers.append(plain)
            downloads = alternate(
                {
                    "FileResponse (gunicorn)": (plain.port, {"path": download}, plain, "download"),
                    "X-Accel-Redirect (nginx)": (nginx.port, {"path": download}, sync, "download"),
                    # The worker's own cost of that answer, without nginx and wrk moving 20 MB beside it.
                    ACCEL_DIRECT: (sync.port, {"path": download}, sync, "download"),
                },
                args.rounds,
                duration,
            )
            accel = True
        else:
            downloads = alternate(
                {"FileResponse (gunicorn)": (sync.port, {"path": download}, sync, "download")}, args.rounds, duration
            )
        for server in list(servers):
            if server is not redis:
                server.stop()
                servers.remove(server)

        threaded = Gunicorn(database_url, media_root, worker_class="gthread", workers=2, threads=4, cache_url=cache_url)
        servers.append(threaded)
        gthread = concurrent_downloads(threaded.port, download, data, args.downloads)
        threaded.stop()
        servers.remove(threaded)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    frozen = frozen_serving()
    renders = render_figures(args.big_holders)
    others = other_benchmarks() if args.all else {}

    print(f"\nMachine: {platform.platform()}, {os.cpu_count()} cores, {_cpu_model()}")
    print(f"Versions: {versions()}")
    print(
        f"gunicorn: {'deploy/gunicorn.conf.py' if (ROOT / 'deploy/gunicorn.conf.py').exists() else 'flags'}, "
        f"benchmarks.bench_settings (production), wrk -c{CONNECTIONS} -t2, {args.rounds} alternating rounds of "
        f"{duration} s; req/s = median round, p99 = worst round"
    )
    print(f"\nPages (3 sync workers) {'':<14}{'req/s':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}", end="")
    print(f"{'CPU ms/req':>11}{'views recorded':>16}")
    for name, r in pages.items():
        cpu = f"{r['cpu_ms']:.2f}" if r["cpu_ms"] is not None else "-"
        recorded = f"{r['recorded']:,}" if r["recorded"] is not None else "-"
        print(f"{name:<36}{r['rps']:>9.0f}{r['p99']:>9.1f}{r['requests']:>10,}{r['errors']:>8}{cpu:>11}{recorded:>16}")
    page, minimal = pages[PAGE], pages["minimal Django view"]
    ratio = page["rps"] / minimal["rps"]
    cache = "Redis cache" if PAGE_DBCACHE in pages else "database cache (redis-server not installed)"
    rows.append((f"personal page / minimal view (req/s), {cache}", f"{ratio:.2f} (target >= 0.5)"))
    if PAGE_DBCACHE in pages:
        rows.append(("  the same, database cache", f"{pages[PAGE_DBCACHE]['rps'] / minimal['rps']:.2f}"))
    for name in FLOORS:
        rows.append((f"{name} / minimal view (req/s)", f"{pages[name]['rps'] / minimal['rps']:.2f}"))
    rows.append(("personal page p99", f"{page['p99']:.1f} ms (target <= 50 ms)"))
    rows.append(("personal page errors", f"{page['errors']} (target 0)"))
    rows.append(("views recorded / requests", f"{page['recorded']:,} / {page['requests']:,}"))
    if "nginx static file (same HTML)" in pages:
        static = pages["nginx static file (same HTML)"]
        rows.append(("personal page / nginx static (req/s)", f"{page['rps'] / static['rps']:.3f}"))
    else:
        rows.append(("nginx static file", "nginx not installed"))

    print(f"\nDownload of a {len(data) / 1e6:.1f} MB PDF{'':<12}{'req/s':>9}{'p99 ms':>9}{'requests':>10}", end="")
    print(f"{'errors':>8}{'CPU ms/req':>11}{'recorded':>10}")
    for name, r in downloads.items():
        print(
            f"{name:<36}{r['rps']:>9.1f}{r['p99']:>9.1f}{r['requests']:>10,}{r['errors']:>8}{r['cpu_ms']:>11.2f}"
            f"{r['recorded']:>10,}"
        )
    if not accel:
        print("X-Accel: not available" + ("" if nginx_ok else " (nginx not installed)"))
    else:
        direct, x_accel = downloads[ACCEL_DIRECT], downloads["X-Accel-Redirect (nginx)"]
        rows.append(
            (
                "download worker CPU: X-Accel answer / page view",
                f"{direct['cpu_ms']:.2f} / {page['cpu_ms']:.2f} ms = {direct['cpu_ms'] / page['cpu_ms']:.2f} "
                f"(target <= 1); through nginx {x_accel['cpu_ms']:.2f} ms, "
                f"FileResponse {downloads['FileResponse (gunicorn)']['cpu_ms']:.2f} ms",
            )
        )

    counts = gthread["counts"]
    print(
        f"\n{args.downloads:,} downloads, gthread 2 workers x 4 threads, {CONNECTIONS} at once "
        f"({gthread['elapsed']:.1f} s): "
        + ", ".join(f"{key} {value:,}" for key, value in counts.items())
        + f"; evidence rows {gthread['recorded']:,}"
    )
    exact = counts.get("exact", 0)
    rows.append(("gthread byte-exact", f"{exact / args.downloads:.1%} (target 100 %)"))
    rows.append(("gthread evidence rows vs byte-exact", f"{gthread['recorded']:,} vs {exact:,}"))
    if frozen:
        warm, preview, staff_download = frozen
        rows.append(("frozen supplement: warm render (median)", f"{warm * 1000:.1f} ms"))
        rows.append(("frozen supplement: staff preview (median)", f"{preview * 1000:.2f} ms, {warm / preview:.0f}x"))
        rows.append(
            (
                "frozen supplement: staff download (median)",
                f"{staff_download * 1000:.2f} ms, {warm / staff_download:.0f}x",
            )
        )
        if accel:
            worker = downloads[ACCEL_DIRECT]["cpu_ms"] / 1000
            rows.append(
                (
                    "frozen document: investor download (worker CPU)",
                    f"{worker * 1000:.2f} ms, {warm / worker:.0f}x (target 100x)",
                )
            )
    else:
        rows.append(("frozen supplement", "render_supplements.py failed"))
    ratio, memory = renders
    if ratio:
        rows.append(
            (
                f"{ratio['holders']:,}-holder render: portal / plain WeasyPrint",
                f"{ratio['portal_s']:.3f} / {ratio['plain_s']:.3f} s = {ratio['ratio']:.2f} (target <= 1.1; "
                f"same bytes: {ratio['same_bytes']})",
            )
        )
    if memory:
        rows.append(
            (
                f"{memory['holders']:,}-holder approval (request queues, task worker renders)",
                f"request {memory['request_s']:.2f} s (gunicorn timeout {memory['gunicorn_timeout_s']} s), worker "
                f"{memory['approve_s']:.1f} s ({memory['job_status']}); PDF child peak "
                f"{memory['child_peak_mb']:.0f} MB under a {memory['child_memory_limit_mb']} MB limit; worker "
                f"{memory['worker_rss_before_mb']:.0f} -> {memory['worker_rss_after_mb']:.0f} MB",
            )
        )
    rows.append(("wall time", f"{time.monotonic() - started:.0f} s"))
    width = max(len(label) for label, _ in rows)
    print("\nRatios and targets\n" + "-" * (width + 40))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    for name, output in others.items():
        print(f"\n{name}\n{output}")


if __name__ == "__main__":
    main()
