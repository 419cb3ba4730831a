"""Where the personal page's CPU goes (issue 14): the page called in-process through Django's WSGI handler, whole
and with one part left out at a time, against the minimal view.

    .venv/bin/python benchmarks/page_cost.py [--calls 2000]

Production settings (benchmarks/bench_settings.py), PostgreSQL ``BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/portal_page_cost, dropped and created afresh), the rate limit counting in a
redis-server the script starts (the database cache without one). No gunicorn, no network client: CPU per call
(``time.process_time``) and wall time per call, each case in turn in one process after a warm-up. Leaving a part out
is done here only, by replacing it for the measurement: the template by a constant body of the page's size, the
rate limit by none, the evidence row by none (a HEAD request records none either). What a part costs is the
difference to the whole page.
"""

import argparse
import io
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.delivery_load import bench_publish, issue_tokens, recreate_database, setup_django
from benchmarks.serving import Redis, collect_static

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_page_cost"


def prepare(database_url: str, tmp: str) -> None:
    """The BestNet package published to 50 investors with live links (their tokens in ``tmp``/tokens.txt)."""
    from benchmarks.serving import publish

    media = Path(tmp) / "media"
    media.mkdir()
    setup_django(database_url, str(media))
    version = publish(200_000)
    bench_publish(version, 50)
    (Path(tmp) / "tokens.txt").write_text("\n".join(issue_tokens(version, 50)))


def measure(database_url: str, tmp: str, cache_url: str, calls: int) -> list[tuple[str, float, float]]:
    """In this process (production settings): CPU and wall ms per call of each case."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "DJANGO_SECRET_KEY": "benchmark-only-" + secrets.token_hex(16),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "DJANGO_MEDIA_ROOT": str(Path(tmp) / "media"),
            "DJANGO_STATIC_ROOT": str(Path(tmp) / "static"),
            "CONN_MAX_AGE": "600",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PORTAL_LINK_RATE_LIMIT": "100000000/m",
            "CACHE_URL": cache_url,
        }
    )
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpResponse

    from delivery import throttle, views

    app = WSGIHandler()
    tokens = (Path(tmp) / "tokens.txt").read_text().split()

    def call(path: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_USER_AGENT": "page_cost",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = app(environ, lambda line, headers, *rest: status.append(line))
        b"".join(body)
        body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")

    page_size = len(app.get_response(_request(f"/d/{tokens[0]}/")).content)
    real_render, real_rate, real_evidence = views.render, throttle.conf.link_rate_limit, views._records_evidence
    without = {
        "template": lambda: setattr(views, "render", lambda request, name, context: HttpResponse(b"x" * page_size)),
        "rate limit": lambda: setattr(throttle.conf, "link_rate_limit", lambda: None),
        "evidence row": lambda: setattr(views, "_records_evidence", lambda request: False),
    }

    def restore() -> None:
        views.render, throttle.conf.link_rate_limit, views._records_evidence = real_render, real_rate, real_evidence

    def timed(path_of) -> tuple[float, float]:
        for n in range(300):
            call(path_of(n))
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(calls):
            call(path_of(n))
        return (time.process_time() - cpu) * 1000 / calls, (time.perf_counter() - wall) * 1000 / calls

    def page(n: int) -> str:
        return f"/d/{tokens[n % len(tokens)]}/"

    results = [("personal page", *timed(page))]
    for part, leave_out in without.items():
        leave_out()
        try:
            results.append((f"  without the {part}", *timed(page)))
        finally:
            restore()
    results.append(("minimal Django view", *timed(lambda n: "/bench/minimal/")))
    return results


def _request(path: str):
    from django.test import RequestFactory

    return RequestFactory().get(path, HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000, help="calls per case (100 to 100,000)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    calls = max(100, min(args.calls, 100_000))
    if args.child:
        database_url, tmp, cache_url = args.child
        for name, cpu, wall in measure(database_url, tmp, cache_url, calls):
            print(f"{name:<32}{cpu:>12.3f}{wall:>12.3f}")
        return
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    recreate_database(database_url)
    tmp = tempfile.mkdtemp(prefix="page-cost-")
    redis = None
    try:
        subprocess.run([sys.executable, __file__, "--prepare", database_url, tmp], check=True, cwd=ROOT)
        collect_static(database_url, str(Path(tmp) / "static"))
        if shutil.which("redis-server"):
            redis = Redis(tmp)
        cache_url = redis.url if redis else "dbcache://portal_cache?max_entries=100000"
        print(f"Personal page in-process, production settings, PostgreSQL, {'Redis' if redis else 'database'} cache")
        print(f"{'case':<32}{'CPU ms/call':>12}{'wall ms':>12}")
        sys.stdout.flush()
        subprocess.run(
            [sys.executable, __file__, "--calls", str(calls), "--child", database_url, tmp, cache_url],
            check=True,
            cwd=ROOT,
        )
    finally:
        if redis:
            redis.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(sys.argv[2], sys.argv[3])
    else:
        main()
