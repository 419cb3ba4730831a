"""Gunicorn settings of the portal's web processes (deploy/systemd/portal-gunicorn@.service, scripts/prod_local.py).

Every value comes from the environment (the unit's EnvironmentFile, deploy/portal.env.example lists them); the
command line's --bind (the unit's instance port) wins over PORTAL_GUNICORN_BIND. docs/deploy.md explains them.
"""

import os
import re

import environ
from gunicorn.glogging import Logger

env = environ.Env()

WORKER_CLASSES = ("sync", "gthread")


def _cores() -> int:
    """The cores this process may run on (a cgroup or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "portal.wsgi:application"
bind = [env("PORTAL_GUNICORN_BIND", default="127.0.0.1:8000")]
proc_name = "portal"

# Gunicorn's rule of thumb, 2 x cores + 1 worker processes, capped: each worker holds the whole portal (and
# WeasyPrint while it renders a preview) in memory. PORTAL_GUNICORN_WORKERS sets the number outright.
max_workers = env.int("PORTAL_GUNICORN_MAX_WORKERS", default=8)
workers = env.int("PORTAL_GUNICORN_WORKERS", default=min(2 * _cores() + 1, max_workers))

# sync (one request per worker at a time) by default; gthread runs PORTAL_GUNICORN_THREADS threads per worker.
# Gunicorn itself switches a sync worker with more than one thread to gthread.
worker_class = env("PORTAL_GUNICORN_WORKER_CLASS", default="sync")
if worker_class not in WORKER_CLASSES:
    raise SystemExit(f"PORTAL_GUNICORN_WORKER_CLASS={worker_class!r}: use one of {', '.join(WORKER_CLASSES)}.")
threads = env.int("PORTAL_GUNICORN_THREADS", default=1)

# A worker is replaced after this many requests (give or take the jitter, so the workers do not all restart at
# once): memory a long-lived worker gathers (rendering, caches) is given back.
max_requests = env.int("PORTAL_GUNICORN_MAX_REQUESTS", default=1000)
max_requests_jitter = env.int("PORTAL_GUNICORN_MAX_REQUESTS_JITTER", default=100)
# A request still running after `timeout` seconds has its worker killed and restarted; on a stop or reload,
# workers get `graceful_timeout` seconds to finish their requests. Long work (publishing, email) runs in the
# task worker (manage.py db_worker), not here.
timeout = env.int("PORTAL_GUNICORN_TIMEOUT", default=30)
graceful_timeout = env.int("PORTAL_GUNICORN_GRACEFUL_TIMEOUT", default=30)
keepalive = 2

# The workers' heartbeat files on a memory file system where there is one (a slow disk can stall them).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Access and error log on standard output and standard error (the journal under systemd). The access line has the
# client's address as nginx passed it (X-Forwarded-For), the time taken, and the X-Accel-Redirect the portal
# answered with, if any (the document nginx then sends itself).
accesslog = "-"
errorlog = "-"
loglevel = env("PORTAL_GUNICORN_LOG_LEVEL", default="info")
access_log_format = '%(h)s for=%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" accel=%({x-accel-redirect}o)s'

_TOKEN = re.compile(r"/d/[^/?#\s\"]+")


class PortalLogger(Logger):
    """Gunicorn's logger, with the investors' secret link tokens left out of the access log: /d/<token>/..."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = _TOKEN.sub("/d/<token>", atoms[key])
        return atoms


logger_class = PortalLogger
