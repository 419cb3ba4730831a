"""Slow clients against the production shape (issue 14): the personal page's latency through nginx (p50, p99)
while slow clients are connected, against the same without them, on a prod-local stack (scripts/prod_local.py:
nginx with deploy/nginx/portal.conf, two gunicorn instances of one sync worker each, PostgreSQL, Redis).

    .venv/bin/python benchmarks/slow_clients.py [--senders 16] [--readers 8] [--seconds 6] [--size-mb 8]

Slow senders send a request one byte a second and never finish it (half of them the headers of a GET, half the
body of a POST); slow readers download the package's largest document (a PDF of --size-mb, which the portal answers
with X-Accel-Redirect and nginx sends) through a 4 KB receive buffer at about 4 KB/s. Then the same slow clients
directly against one gunicorn sync worker that answers downloads itself (FileResponse, no nginx). Each probe of the
page opens its own TLS connection from its own loopback address (127.1.x.y), so the per-address rate limit of the
links (PORTAL_LINK_RATE_LIMIT, 60 a minute) never refuses one. tests/deploy/test_slow_clients.py uses the same
pieces. Database BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_slowbench), dropped at the
end with everything the stack wrote; every process and socket opened here is closed.
"""

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import re
import select
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "prod_local.py"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/portal_slowbench"
RECEIVE_BUFFER = 4096  # a slow reader's SO_RCVBUF, set before it connects (the TCP window it offers)
POST_BODY = 1_000_000  # the Content-Length a slow sender announces and never delivers
CSRF_SECRET = "s" * 32  # any 32 letters are a well-formed CSRF cookie


class Target:
    """Where the clients connect: 127.0.0.1:port, over TLS when ``tls`` is given, with these request headers
    (Host, and for gunicorn without nginx the X-Forwarded-Proto that nginx would set)."""

    def __init__(self, port: int, *, tls: ssl.SSLContext | None = None, headers: dict[str, str] | None = None):
        self.port = port
        self.tls = tls
        self.headers = {"Host": "127.0.0.1", **(headers or {})}

    def connect(self, source: str, *, timeout: float, receive_buffer: int | None = None) -> socket.socket:
        sock = socket.socket()
        try:
            if receive_buffer:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            sock.settimeout(timeout)
            sock.bind((source, 0))
            sock.connect(("127.0.0.1", self.port))
            return self.tls.wrap_socket(sock, server_hostname="127.0.0.1") if self.tls else sock
        except BaseException:
            sock.close()
            raise

    def head(self, method: str, path: str, extra: str = "") -> bytes:
        lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in self.headers.items())]
        return ("\r\n".join(lines) + "\r\n" + extra).encode()


def addresses(block: int):
    """Loopback source addresses 127.<block>.x.y, one per call: each client its own address."""
    n = 0
    while True:
        yield f"127.{block}.{n // 250 % 250}.{n % 250 + 1}"
        n += 1


class SlowClient(threading.Thread):
    """One connection in a thread of its own, until ``stop()``; it closes its socket itself."""

    def __init__(self, target: Target, source: str, interval: float):
        super().__init__(daemon=True)
        self.target, self.source, self.interval = target, source, interval
        self.halt = threading.Event()
        self.error: str | None = None
        self.closed = False  # the server closed the connection (or answered a slow sender)

    def stop(self) -> None:
        self.halt.set()


class SlowSender(SlowClient):
    """Sends a request one byte every ``interval`` seconds and never finishes it: the headers of a GET
    (``body=False``, slowloris) or, after complete headers, the body of a POST."""

    def __init__(self, target: Target, source: str, path: str, *, body: bool, interval: float = 1.0):
        super().__init__(target, source, interval)
        self.path, self.body = path, body
        self.sent = 0
        self.answer = b""

    def run(self) -> None:
        try:
            sock = self.target.connect(self.source, timeout=10)
        except OSError as error:
            self.error = repr(error)
            return
        try:
            if self.body:
                # A same-origin form post with a CSRF cookie: Django's CSRF check passes the Origin and the cookie and
                # then reads the body for the form's token, so a worker given this request waits for the whole body.
                extra = (
                    f"Origin: https://{self.target.headers['Host']}\r\nCookie: csrftoken={CSRF_SECRET}\r\n"
                    f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {POST_BODY}\r\n\r\n"
                )
                sock.sendall(self.target.head("POST", self.path, extra))
            else:
                sock.sendall(self.target.head("GET", self.path, "X-Slow: "))
            while not self.halt.wait(self.interval):
                sock.sendall(b"a")
                self.sent += 1
                if self._answered(sock):
                    return
        except OSError as error:
            self.error, self.closed = repr(error), True
        finally:
            sock.close()

    def _answered(self, sock: socket.socket) -> bool:
        """Whatever the server sent back (an answer, or the end of the connection): it should send nothing."""
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending()
        if not pending and not select.select([sock], [], [], 0)[0]:
            return False
        sock.settimeout(0.05)
        try:
            data = sock.recv(4096)
        except (TimeoutError, ssl.SSLWantReadError):
            return False  # a TLS record with no data (a session ticket)
        finally:
            sock.settimeout(10)
        self.answer, self.closed = data[:80] or b"(closed)", True
        return True


class SlowReader(SlowClient):
    """GETs ``path`` through a receive buffer of ``RECEIVE_BUFFER`` bytes and reads ``chunk`` bytes every
    ``interval`` seconds (4 KB/s by default) until stopped or the body ends."""

    def __init__(self, target: Target, source: str, path: str, *, chunk: int = 1024, interval: float = 0.25):
        super().__init__(target, source, interval)
        self.path, self.chunk = path, chunk
        self.status: int | None = None
        self.length: int | None = None
        self.received = 0  # body bytes
        self.answered = threading.Event()  # the status line and headers arrived

    def run(self) -> None:
        try:
            sock = self.target.connect(self.source, timeout=15, receive_buffer=RECEIVE_BUFFER)
        except OSError as error:
            self.error = repr(error)
            self.answered.set()
            return
        head = b""
        try:
            sock.sendall(self.target.head("GET", self.path, "\r\n"))
            sock.settimeout(0.5)  # so that stop() is seen while no answer comes
            while not self.halt.is_set():
                try:
                    data = sock.recv(self.chunk)
                except TimeoutError:
                    continue
                if not data:
                    self.closed = True
                    return
                if self.status is None:
                    head += data
                    if b"\r\n\r\n" not in head:
                        continue
                    head, data = head.split(b"\r\n\r\n", 1)
                    self.status = int(head.split()[1])
                    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                    self.length = int(length.group(1)) if length else None
                    self.answered.set()
                self.received += len(data)
                self.halt.wait(self.interval)
        except (OSError, ValueError, IndexError) as error:
            self.error, self.closed = repr(error), True
        finally:
            self.answered.set()
            sock.close()

    @property
    def reading(self) -> bool:
        """Answered 200 and still receiving the body: neither finished nor cut off."""
        return self.status == 200 and not self.closed and self.error is None and self.received < (self.length or 0)


@contextlib.contextmanager
def running(clients: list[SlowClient]):
    """Start the clients, and stop them and close their sockets at the end, whatever happened in between."""
    try:
        for client in clients:
            client.start()
        yield clients
    finally:
        for client in clients:
            client.stop()
        for client in clients:
            if client.ident is not None:
                client.join(timeout=20)


def wait_answered(readers: list, *, seconds: float) -> None:
    """Until every reader has its answer's headers, or ``seconds`` have passed (a server that is held answers
    some never)."""
    deadline = time.monotonic() + seconds
    for reader in readers:
        reader.answered.wait(timeout=max(0.0, deadline - time.monotonic()))


def probe(target: Target, path: str, source: str, *, timeout: float = 10) -> tuple[int | None, float]:
    """One GET of ``path`` on a fresh connection from ``source``: (status, seconds to the end of the body);
    status None when no whole answer came within ``timeout`` seconds."""
    cls = http.client.HTTPSConnection if target.tls else http.client.HTTPConnection
    kwargs = {"context": target.tls} if target.tls else {}
    conn = cls("127.0.0.1", target.port, timeout=timeout, source_address=(source, 0), **kwargs)
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers=target.headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return None, time.perf_counter() - started
    finally:
        conn.close()


def probes(target: Target, path: str, sources, *, seconds: float, every: float = 0.25, timeout: float = 10) -> list:
    """Probe ``path`` one request after another (``every`` seconds apart at most) for ``seconds``."""
    results, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        results.append(probe(target, path, next(sources), timeout=timeout))
        time.sleep(max(0.0, every - (time.monotonic() - started)))
    return results


def summary(results: list) -> dict:
    """Count, failures (not 200, or no answer in time), and p50/p99/max latency in ms of the answered ones."""
    times = sorted(seconds * 1000 for status, seconds in results if status == 200)
    quantiles = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
    return {
        "requests": len(results),
        "failed": sum(1 for status, _ in results if status != 200),
        "p50_ms": statistics.median(times) if times else None,
        "p99_ms": quantiles[98] if times else None,
        "max_ms": times[-1] if times else None,
    }


def slow_clients(target: Target, *, senders: int, readers: int, sender_path: str, download: str) -> list:
    sources = addresses(2)
    clients: list[SlowClient] = [
        SlowSender(target, next(sources), sender_path, body=bool(n % 2)) for n in range(senders)
    ]
    return clients + [SlowReader(target, next(sources), download) for _ in range(readers)]


def measure(
    target: Target,
    page: str,
    download: str,
    *,
    senders: int = 16,
    readers: int = 8,
    seconds: float = 6,
    timeout: float = 10,
    settle: float = 10,
) -> dict:
    """The page's latency without slow clients, then with ``senders`` slow senders and ``readers`` slow readers
    of ``download`` connected; and how many of those were still connected (and reading) at the end. A probe
    unanswered after ``timeout`` seconds counts as failed; the readers get ``settle`` seconds to be answered."""
    sources = addresses(1)
    quiet = probes(target, page, sources, seconds=seconds, timeout=timeout)
    clients = slow_clients(target, senders=senders, readers=readers, sender_path=page + "?slow=1", download=download)
    with running(clients):
        wait_answered(clients[senders:], seconds=settle)
        loaded = probes(target, page, sources, seconds=seconds, timeout=timeout)
        open_senders = sum(1 for c in clients[:senders] if not c.closed and c.error is None)
        reading = [c for c in clients[senders:] if c.reading]
    return {
        "without": summary(quiet),
        "with": summary(loaded),
        "senders_open": open_senders,
        "readers_reading": len(reading),
        "reader_kb": [round(c.received / 1024) for c in clients[senders:]],
    }


# --- the stack --------------------------------------------------------------------------------------------------


def prod_local():
    """scripts/prod_local.py as a module (its stack_env gives the stack's environment)."""
    spec = importlib.util.spec_from_file_location("prod_local_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def publish_large(manage, folder: Path, size: int) -> dict:
    """Publish the BestNet package with a prospectus PDF of about ``size`` bytes (benchmarks/serving.py's
    big_pdf) and small copies of the two reports, give one investor a delivery; its personal link, the
    prospectus's download path and size."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.serving import big_pdf

    prospectus = folder / "prospectus.pdf"
    prospectus.write_bytes(big_pdf(size))
    investors = folder / "investors.csv"
    investors.write_text("name,email\nAnn Lee,ann@example.com\n")
    reports = []
    for key in ("annual_2002", "quarter_2003_05"):  # the copies the demo supplement delivers
        copy = folder / f"{key}.txt"
        copy.write_text(f"BestNet Communications Corp. report {key}.\n")
        reports += ["--report", f"{key}={copy}"]
    manage("publish_package", "333-105026", "--prospectus", str(prospectus), *reports)
    manage("import_investors", "333-105026", str(investors))
    link = manage("create_deliveries", "333-105026").strip().splitlines()[-1].split("\t")[2]
    out = manage(
        "shell", "--no-imports", "-c",
        "import json; from delivery.models import PackageDocument as D; d = D.objects.filter(kind='prospectus')"
        ".order_by('-package_version__number').first(); print(json.dumps([d.pk, d.size]))",
    )  # fmt: skip
    document, length = json.loads(out.strip().splitlines()[-1])
    page = urlsplit(link).path
    return {"link": link, "page": page, "download": f"{page}documents/{document}/", "size": length}


@contextlib.contextmanager
def direct_gunicorn(stack_dir: Path, port: int, *, workers: int = 1):
    """One more gunicorn of the stack (deploy/gunicorn.conf.py, same environment) on ``port`` with ``workers``
    sync workers that answer downloads themselves (FileResponse: no PORTAL_DOWNLOAD_ACCEL_PREFIX); stopped at the
    end. Its log is <dir>/logs/gunicorn-direct-<port>.log."""
    module = prod_local()
    env = module.stack_env(json.loads((stack_dir / "stack.json").read_text()))
    env.pop("PORTAL_DOWNLOAD_ACCEL_PREFIX")
    env["PORTAL_GUNICORN_WORKERS"] = str(workers)
    command = [str(module.GUNICORN), "--config", str(module.GUNICORN_CONF), "--bind", f"127.0.0.1:{port}"]
    with (stack_dir / "logs" / f"gunicorn-direct-{port}.log").open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        target = Target(port, headers={"X-Forwarded-Proto": "https"})
        deadline = time.monotonic() + 60
        while probe(target, "/health/", "127.0.0.1", timeout=5)[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn on 127.0.0.1:{port} did not start; see its log in {stack_dir}/logs/")
            time.sleep(0.3)
        yield target
    finally:
        process.send_signal(signal.SIGQUIT)  # quick shutdown: a worker blocked on a slow client is not waited for
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6, help="probing time, without and with (at most 30)")
    parser.add_argument("--size-mb", type=float, default=8, help="the downloaded document (at most 19)")
    args = parser.parse_args()
    seconds, size = min(args.seconds, 30), int(min(args.size_mb, 19) * 1024 * 1024)
    missing = [program for program in ("nginx", "openssl", "redis-server") if shutil.which(program) is None]
    if missing:
        print(f"Skipped: {', '.join(missing)} not installed (make system-packages installs them).")
        return 0
    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    https, http_port, first, second, redis, direct = free_ports(6)
    where = ["--dir", str(ROOT / "build" / "slow-clients-bench")]
    command = [sys.executable, str(SCRIPT)]
    options = [
        *where, "--https-port", str(https), "--http-port", str(http_port), "--app-ports", f"{first},{second}",
        "--redis-port", str(redis), "--database-url", database, "--workers", "1",
    ]  # fmt: skip

    def manage(*rest):
        done = subprocess.run(
            [*command, "manage", *where, *rest], cwd=ROOT, capture_output=True, text=True, timeout=180
        )
        if done.returncode:
            raise RuntimeError(f"manage {rest[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    try:
        started = subprocess.run([*command, "start", *options], cwd=ROOT, capture_output=True, text=True, timeout=300)
        if started.returncode:
            print(started.stdout + started.stderr, file=sys.stderr)
            return 1
        stack_dir = Path(where[1])
        with tempfile.TemporaryDirectory() as tmp:
            published = publish_large(manage, Path(tmp), size)
        nginx = Target(https, tls=ssl.create_default_context(cafile=str(stack_dir / "tls" / "cert.pem")))
        probes(nginx, published["page"], addresses(9), seconds=1)  # warm-up: both instances, templates, TLS
        through = measure(
            nginx, published["page"], published["download"], senders=args.senders, readers=args.readers,
            seconds=seconds,
        )  # fmt: skip
        with direct_gunicorn(stack_dir, direct) as gunicorn:
            bare = measure(
                gunicorn, published["page"], published["download"], senders=1, readers=1, seconds=4, timeout=4, settle=1
            )
    finally:
        subprocess.run([*command, "stop", *where, "--drop-database", "--remove-dir"], cwd=ROOT, capture_output=True)

    def line(label: str, r: dict) -> str:
        figures = " ".join(
            f"{key[:-3]} {r[key]:.0f} ms" if r[key] is not None else f"{key[:-3]} -"
            for key in ("p50_ms", "p99_ms", "max_ms")
        )
        return f"{label:<62}{r['requests']:>5} requests, {r['failed']} unanswered/failed; {figures}"

    slow = args.senders + args.readers
    print("\nPersonal page /d/<token>/, one request at a time; 2 gunicorn sync workers (2 instances x 1) behind nginx")
    print(line("through nginx, no slow client", through["without"]))
    print(line(f"through nginx, {args.senders} slow senders + {args.readers} slow readers", through["with"]))
    print(
        f"  at the end: {through['senders_open']}/{args.senders} senders still connected, "
        f"{through['readers_reading']}/{args.readers} readers still reading a {published['size'] / 1e6:.1f} MB "
        f"download ({min(through['reader_kb'], default=0)}-{max(through['reader_kb'], default=0)} KB read each); "
        f"{slow} slow clients, 2 workers"
    )
    print(line("gunicorn direct (1 sync worker, FileResponse), none", bare["without"]))
    print(line("gunicorn direct, 1 slow sender + 1 slow reader (4 s timeout)", bare["with"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
