"""The production shape on this machine: nginx (TLS) in front of two gunicorn instances and one task worker, on
PostgreSQL, with Redis for the rate limit's counters and the production settings (docs/deploy.md).

    .venv/bin/python scripts/prod_local.py start    # make prod-local
    .venv/bin/python scripts/prod_local.py stop     # make prod-local-stop (--drop-database --remove-dir: all of it)
    .venv/bin/python scripts/prod_local.py status
    .venv/bin/python scripts/prod_local.py manage publish_package ...   # manage.py with the stack's environment

Options come from the environment too: PROD_LOCAL_DIR (build/prod-local), PROD_LOCAL_HTTPS_PORT (8443),
PROD_LOCAL_HTTP_PORT (8080), PROD_LOCAL_APP_PORTS (8101,8102), PROD_LOCAL_REDIS_PORT (8179), PROD_LOCAL_DATABASE_URL
(postgres://postgres@127.0.0.1:5432/portal_prodlocal), PROD_LOCAL_WORKERS (2 per gunicorn instance).
Everything it starts has a pid file under <dir>/run/; stop signals exactly those processes.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SITE = ROOT / "deploy" / "nginx" / "portal.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
DROPPED_ENV = ("DJANGO_", "PORTAL_", "DATABASE_URL", "CACHE_URL", "EMAIL_URL", "CONN_MAX_AGE", "COMPLIANCE_")


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop", "status", "manage"])
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("PROD_LOCAL_DIR", ROOT / "build/prod-local")))
    parser.add_argument("--https-port", type=int, default=int(os.environ.get("PROD_LOCAL_HTTPS_PORT", 8443)))
    parser.add_argument("--http-port", type=int, default=int(os.environ.get("PROD_LOCAL_HTTP_PORT", 8080)))
    parser.add_argument("--app-ports", default=os.environ.get("PROD_LOCAL_APP_PORTS", "8101,8102"))
    parser.add_argument("--redis-port", type=int, default=int(os.environ.get("PROD_LOCAL_REDIS_PORT", 8179)))
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PROD_LOCAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_prodlocal"),
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("PROD_LOCAL_WORKERS", 2)))
    parser.add_argument("--drop-database", action="store_true", help="stop: also drop the stack's database")
    parser.add_argument("--remove-dir", action="store_true", help="stop: also remove the stack's directory")
    # Whatever the options do not name is manage's command and its arguments.
    args, args.rest = parser.parse_known_args()
    if args.rest and args.command != "manage":
        parser.error(f"unrecognized arguments: {' '.join(args.rest)}")
    args.dir = args.dir.resolve()
    return args


# --- state ------------------------------------------------------------------------------------------------------


def load_stack(args) -> dict:
    """The stack's settings: those it was started with (<dir>/stack.json), else the options'."""
    saved = args.dir / "stack.json"
    if saved.exists():
        return {"redis_port": args.redis_port, **json.loads(saved.read_text())}
    return {
        "dir": str(args.dir),
        "https_port": args.https_port,
        "http_port": args.http_port,
        "app_ports": [int(p) for p in args.app_ports.split(",")],
        "redis_port": args.redis_port,
        "database_url": args.database_url,
        "workers": args.workers,
    }


def stack_env(stack: dict) -> dict[str, str]:
    """The production environment of every process: this machine's environment without the portal's variables."""
    d = Path(stack["dir"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_ENV)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DJANGO_SECRET_KEY": (d / "secret_key").read_text().strip(),
            # 127.0.0.1 only: browsers keep no HSTS for an IP address, so `localhost` is left alone.
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": stack["database_url"],
            "CACHE_URL": f"redis://127.0.0.1:{stack['redis_port']}/0",
            "DJANGO_STATIC_ROOT": str(d / "static"),
            "DJANGO_MEDIA_ROOT": str(d / "media"),
            "PORTAL_BASE_URL": f"https://127.0.0.1:{stack['https_port']}",
            "PORTAL_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "PORTAL_TRUST_X_FORWARDED_FOR": "true",
            "PORTAL_DOWNLOAD_ACCEL_PREFIX": "/_protected/",
            # Local run only: no second factor for the staff (production's default is on).
            "PORTAL_REQUIRE_MFA": "false",
            "EMAIL_URL": "consolemail://",
            "PORTAL_GUNICORN_WORKERS": str(stack["workers"]),
            # Log lines reach the log files at once (as they reach the journal under systemd).
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def pid_file(stack: dict, name: str) -> Path:
    return Path(stack["dir"]) / "run" / f"{name}.pid"


def process_names(stack: dict) -> list[str]:
    return [f"gunicorn-{port}" for port in stack["app_ports"]] + ["worker", "redis", "nginx"]


def marker(stack: dict, name: str) -> str:
    """Text in the process's command line that proves a pid is still the process this stack started."""
    if name == "nginx":
        return str(Path(stack["dir"]) / "nginx.conf")
    if name == "worker":
        return "db_worker"
    if name == "redis":
        return f"127.0.0.1:{stack['redis_port']}"
    return f"127.0.0.1:{name.split('-')[1]}"


def running_pid(stack: dict, name: str) -> int | None:
    path = pid_file(stack, name)
    try:
        pid = int(path.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return None
    return pid if marker(stack, name) in cmdline else None


# --- start ------------------------------------------------------------------------------------------------------


def run(command: list, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def prepare_files(stack: dict) -> None:
    d = Path(stack["dir"])
    for sub in ("run", "logs", "tls", "static", "media", "tmp"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    secret = d / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50) + "\n")
        secret.chmod(0o600)
    cert, key = d / "tls" / "cert.pem", d / "tls" / "key.pem"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
    (d / "portal.conf").write_text(render_site(stack))
    (d / "nginx.conf").write_text(render_main(stack))
    (d / "stack.json").write_text(json.dumps(stack, indent=2) + "\n")


def render_site(stack: dict) -> str:
    """deploy/nginx/portal.conf with this stack's ports and paths; every value replaced must be in the file."""
    d = Path(stack["dir"])
    first, second = stack["app_ports"]
    https = stack["https_port"]
    replacements = [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{stack['http_port']};"),
        ("server_name portal.example.com;", "server_name 127.0.0.1;"),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https}$request_uri;"),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{first} "),
        ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{second} "),
        ("/etc/ssl/portal/fullchain.pem", str(d / "tls" / "cert.pem")),
        ("/etc/ssl/portal/privkey.pem", str(d / "tls" / "key.pem")),
        ("/var/log/nginx/portal.access.log", str(d / "logs" / "nginx-access.log")),
        ("/var/log/nginx/portal.error.log", str(d / "logs" / "nginx-error.log")),
        ("alias /srv/portal/static/;", f"alias {d / 'static'}/;"),
        ("alias /srv/portal/media/;", f"alias {d / 'media'}/;"),
    ]
    text = SITE.read_text()
    for old, new in replacements:
        if old not in text:
            raise SystemExit(f"{SITE} no longer holds {old!r}; update scripts/prod_local.py to match it.")
        text = text.replace(old, new)
    return text


def render_main(stack: dict) -> str:
    d = Path(stack["dir"])
    tmp = d / "tmp"
    # As root, nginx's workers run as this same user: every process of the stack runs as the one who started it.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return (
        f"# Written by scripts/prod_local.py; the site is deploy/nginx/portal.conf with local ports and paths.\n"
        f"{user}worker_processes 1;\npid {d / 'run' / 'nginx.pid'};\nerror_log {d / 'logs' / 'nginx-error.log'};\n"
        "events { worker_connections 256; }\nhttp {\n    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n    sendfile on;\n"
        f"    client_body_temp_path {tmp}/body;\n    proxy_temp_path {tmp}/proxy;\n"
        f"    fastcgi_temp_path {tmp}/fastcgi;\n    uwsgi_temp_path {tmp}/uwsgi;\n    scgi_temp_path {tmp}/scgi;\n"
        f"    include {d / 'portal.conf'};\n}}\n"
    )


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    print(f"Dropped database {name}.")


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def spawn(stack: dict, name: str, command: list, env: dict) -> None:
    log = (Path(stack["dir"]) / "logs" / f"{name}.log").open("ab")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    pid_file(stack, name).write_text(f"{process.pid}\n")


def wait_for(what: str, ready, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {seconds:.0f} s; see its log.")


def https_ok(stack: dict) -> bool:
    context = ssl.create_default_context(cafile=str(Path(stack["dir"]) / "tls" / "cert.pem"))
    try:
        url = f"https://127.0.0.1:{stack['https_port']}/admin/login/"
        with urllib.request.urlopen(url, context=context, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def admin_password(stack: dict, env: dict) -> str:
    """ensure_admin creates `admin` once, with a password kept in <dir>/admin-password (mode 0600)."""
    path = Path(stack["dir"]) / "admin-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(16) + "\n")
        path.chmod(0o600)
    password = path.read_text().strip()
    out = run([PY, "manage.py", "ensure_admin"], {**env, "PORTAL_ADMIN_PASSWORD": password}, capture_output=True)
    text = out.stdout.decode()
    if "exists" in text and "Created" not in text:
        return "(the password it was given when the stack was first started)"
    return password


def start(args) -> int:
    stack = load_stack(args)
    names = process_names(stack)
    alive = [name for name in names if running_pid(stack, name)]
    url = f"https://127.0.0.1:{stack['https_port']}"
    if len(alive) == len(names):
        saved = Path(stack["dir"]) / "admin-password"
        sign_in = f" Sign in as admin with password {saved.read_text().strip()}." if saved.exists() else ""
        print(f"prod-local is already running at {url}/admin/ (make prod-local-stop stops it).{sign_in}")
        return 0
    if alive:
        print(f"prod-local is partly running ({', '.join(alive)}); stopping it to start again cleanly.")
        stop_processes(stack)
    ports = [stack["https_port"], stack["http_port"], *stack["app_ports"], stack["redis_port"]]
    busy = [port for port in ports if not port_free(port)]
    if busy:
        print(f"Port(s) {', '.join(map(str, busy))} on 127.0.0.1 are in use; choose others (see --help).")
        return 1
    for program, package in (("nginx", "nginx"), ("redis-server", "redis-server")):
        if shutil.which(program) is None:
            print(f"{program} is not installed: run `make system-packages` (apt-get install {package}).")
            return 1
    prepare_files(stack)
    env = stack_env(stack)
    ensure_database(stack["database_url"])
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    run([PY, "manage.py", "load_demo"], env)
    password = admin_password(stack, env)
    nginx = ["nginx", "-p", stack["dir"], "-c", str(Path(stack["dir"]) / "nginx.conf")]
    run([*nginx, "-t", "-q"], env)
    try:
        redis = ["redis-server", "--bind", "127.0.0.1", "--port", str(stack["redis_port"]), "--save", ""]
        spawn(stack, "redis", [*redis, "--appendonly", "no", "--dir", stack["dir"]], env)
        wait_for("redis-server", lambda: not port_free(stack["redis_port"]))
        for port in stack["app_ports"]:
            command = [GUNICORN, "--config", GUNICORN_CONF, "--bind", f"127.0.0.1:{port}"]
            spawn(stack, f"gunicorn-{port}", command, env)
        run([PY, "manage.py", "recover_notices", "--at-start"], env)  # as the worker unit's ExecStartPre
        spawn(stack, "worker", [PY, "manage.py", "db_worker", "--queue-name", "default"], env)
        # nginx writes its own pid file (nginx.conf's pid) once it has gone into the background.
        run(nginx, env)
        for port in stack["app_ports"]:
            wait_for(f"gunicorn on 127.0.0.1:{port}", lambda p=port: not port_free(p))
        wait_for("nginx", lambda: https_ok(stack))
        missing = [name for name in names if not running_pid(stack, name)]
        if missing:
            raise RuntimeError(f"{', '.join(missing)} exited at start; see {stack['dir']}/logs/.")
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"prod-local did not start: {error}")
        stop_processes(stack)
        return 1
    print(
        f"prod-local is running: {url}/admin/ (plain HTTP on port {stack['http_port']} redirects there).\n"
        f"Sign in as admin with password {password}\n"
        "The certificate is self-signed (" + str(Path(stack["dir"]) / "tls" / "cert.pem") + "); "
        "PORTAL_REQUIRE_MFA is off for this local run (production asks for a second factor).\n"
        f"nginx, gunicorn on 127.0.0.1:{' and :'.join(map(str, stack['app_ports']))}, one db_worker, "
        f"redis-server on :{stack['redis_port']}; "
        f"database {urlsplit(stack['database_url']).path.lstrip('/')}; logs in {stack['dir']}/logs/.\n"
        "Stop it with: make prod-local-stop"
    )
    return 0


# --- stop -------------------------------------------------------------------------------------------------------


def stop_processes(stack: dict) -> None:
    # nginx first (no new requests), then the web processes (they finish theirs), then the worker.
    for name in ["nginx", *[n for n in process_names(stack) if n != "nginx"]]:
        pid = running_pid(stack, name)
        path = pid_file(stack, name)
        if pid is None:
            path.unlink(missing_ok=True)
            continue
        os.kill(pid, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists() and running_pid(stack, name):
            time.sleep(0.1)
        if running_pid(stack, name):
            os.killpg(pid, signal.SIGKILL) if name != "nginx" else os.kill(pid, signal.SIGKILL)
        path.unlink(missing_ok=True)
        print(f"Stopped {name} (pid {pid}).")


def stop(args) -> int:
    if not (args.dir / "stack.json").exists():
        print(f"No prod-local stack in {args.dir}.")
        return 0
    stack = load_stack(args)
    stop_processes(stack)
    if args.drop_database:
        drop_database(stack["database_url"])
    if args.remove_dir:
        shutil.rmtree(stack["dir"], ignore_errors=True)
        print(f"Removed {stack['dir']}.")
    return 0


def status(args) -> int:
    stack = load_stack(args)
    for name in process_names(stack):
        pid = running_pid(stack, name)
        print(f"{name}: {'running, pid ' + str(pid) if pid else 'not running'}")
    return 0


def manage(args) -> int:
    stack = load_stack(args)
    return subprocess.run([PY, "manage.py", *args.rest], cwd=ROOT, env=stack_env(stack)).returncode


def main() -> int:
    args = options()
    return {"start": start, "stop": stop, "status": status, "manage": manage}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
