"""The health endpoint ``/health/``: database, default storage, task queue and cache, each "ok" or "failing".

Rule: ``GET /health/`` answers 200 with ``{"status": "ok", "checks": {...}}`` when every check passes and 503 with
``"status": "failing"`` when one fails. The body names each check and its state only; what failed, and why, goes
to the ``portal.health`` log (a warning with the exception), never to the response. No authentication: a load
balancer has none, and the answer reveals nothing.

The checks, in order, each run in this request's thread on the request's own database connection:

- ``database``: ``SELECT 1`` (django-health-check's ``Database``).
- ``storage``: the default storage saves a small probe file, reads it back, deletes it and sees it gone
  (django-health-check's ``Storage``, through the storage API, so it works for any backend).
- ``queue``: django-tasks-db's table answers, and no task that is ready to run (status READY, its run-after
  time passed) has waited longer than ``PORTAL_HEALTH_QUEUE_MAX_WAIT_SECONDS``. django-tasks-db records no worker
  heartbeat: a stopped worker shows here once a task has waited that long, not while the queue is empty.
- ``cache``: the ``default`` cache (where the links' rate limit counts: Redis or the database table) stores,
  returns and deletes a probe key; without it every link page fails.

``HealthProbeMiddleware`` answers ``/health/`` before Django checks the Host header or redirects to HTTPS, so a load
balancer probing an instance by its address over plain HTTP gets the answer; the answer builds no URL from the
Host header, which is what ``ALLOWED_HOSTS`` protects. The URL pattern serves the same view.
"""

import dataclasses
import datetime
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed, JsonResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.exceptions import ServiceUnavailable

HEALTH_PATH = "/health/"

logger = logging.getLogger("portal.health")


def _queue_max_wait() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(settings.PORTAL_HEALTH_QUEUE_MAX_WAIT_SECONDS))


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """No ready task of django-tasks-db's queue has waited longer than ``max_wait`` (and the table answers)."""

    max_wait: datetime.timedelta = dataclasses.field(default_factory=_queue_max_wait)

    def run(self) -> None:
        now = timezone.now()
        # A task enqueued without a run-after time carries the far-future marker; it has waited since enqueued.
        # Otherwise it has waited since its run-after time (ready() holds only those already passed).
        no_run_after = Q(run_after=get_date_max())
        waits = DBTaskResult.objects.ready().aggregate(
            enqueued=Min("enqueued_at", filter=no_run_after), due=Min("run_after", filter=~no_run_after)
        )
        oldest = min((value for value in waits.values() if value is not None), default=None)
        if oldest is not None and now - oldest > self.max_wait:
            raise ServiceUnavailable(
                f"a ready task has waited {int((now - oldest).total_seconds())} s, over "
                f"{int(self.max_wait.total_seconds())} s (is `manage.py db_worker` running?)"
            )


@dataclasses.dataclass
class RateLimitCache(HealthCheck):
    """The ``default`` cache stores, returns and deletes a probe key (django-health-check's ``Cache`` is async)."""

    def run(self) -> None:
        cache = caches["default"]
        key, value = f"portal.health:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, timeout=10)
        answered = cache.get(key)
        cache.delete(key)
        if answered != value:
            raise ServiceUnavailable("the default cache did not return the probe value it stored")


def checks() -> dict[str, HealthCheck]:
    """The checks of ``/health/``, by the name the answer gives them."""
    return {"database": Database(), "storage": Storage(), "queue": TaskQueue(), "cache": RateLimitCache()}


def run_checks() -> dict[str, bool]:
    """Each check's name and whether it passed; a failure is logged with its reason, here only."""
    passed = {}
    for name, check in checks().items():
        try:
            check.run()
        except Exception:
            logger.warning("Health check %s failed", name, exc_info=True)
            passed[name] = False
        else:
            passed[name] = True
    return passed


def health(request: HttpRequest) -> HttpResponseBase:
    """200 when every check passes, else 503; the body names each check and "ok" or "failing", nothing more."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    passed = run_checks()
    healthy = all(passed.values())
    response = JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checks": {name: "ok" if ok else "failing" for name, ok in passed.items()},
        },
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    # Not in django.request's log as well: each failing check is logged above, with its reason.
    response._has_been_logged = True
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthProbeMiddleware:
    """Answers ``/health/`` itself, before the Host check (``ALLOWED_HOSTS``) and the HTTPS redirect; place it
    before ``SecurityMiddleware``. Every other request passes through untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info == HEALTH_PATH:
            return health(request)
        return self.get_response(request)
