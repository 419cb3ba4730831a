"""The health endpoint (issue 14): /health/ is 200 while the database, the default storage and the task queue
answer, 503 naming the failing check when one does not, and reveals nothing but each check's state."""

import datetime
import json

import pytest
from django.core.files.storage import storages
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db

ALL_OK = {"status": "ok", "checks": {"database": "ok", "storage": "ok", "queue": "ok", "cache": "ok"}}


def waiting_task(*, waited_seconds: int, run_after=None) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        task_path="delivery.tasks.publish_package_task",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=run_after or get_date_max(),
        exception_class_path="",
        traceback="",
    )
    enqueued_at = timezone.now() - datetime.timedelta(seconds=waited_seconds)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued_at)
    return task


def test_health_is_200_when_database_storage_and_queue_answer(client, settings):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == ALL_OK
    assert response["Cache-Control"] == "no-store"
    assert response["X-Request-ID"]


def test_health_storage_probe_leaves_no_file_behind(client, settings):
    client.get("/health/")
    media = settings.MEDIA_ROOT
    left = [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
    assert left == []


def test_health_fails_with_503_when_the_database_is_down(client, monkeypatch, caplog):
    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "10.9.8.7", port 5432 failed: password authentication')

    monkeypatch.setattr(connection, "temporary_connection", refused)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "failing", "storage": "ok", "queue": "ok", "cache": "ok"},
    }
    assert b"10.9.8.7" not in response.content and b"password" not in response.content
    assert "Health check database failed" in caplog.text


def test_health_fails_with_503_when_the_storage_cannot_save(client, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device: /srv/portal/media")

    monkeypatch.setattr(storages["default"], "save", disk_full)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "storage": "failing", "queue": "ok", "cache": "ok"}
    assert b"/srv/portal" not in response.content


def test_health_fails_with_503_when_a_ready_task_waited_past_the_limit(client, settings):
    settings.PORTAL_HEALTH_QUEUE_MAX_WAIT_SECONDS = 300
    waiting_task(waited_seconds=301)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "storage": "ok", "queue": "failing", "cache": "ok"},
    }


def test_health_queue_counts_a_scheduled_task_from_its_run_after_time(client, settings):
    settings.PORTAL_HEALTH_QUEUE_MAX_WAIT_SECONDS = 300
    now = timezone.now()
    # Enqueued long ago, due in an hour (not ready), and due a minute ago (ready, waited 60 s): healthy.
    waiting_task(waited_seconds=86_400, run_after=now + datetime.timedelta(hours=1))
    waiting_task(waited_seconds=86_400, run_after=now - datetime.timedelta(seconds=60))
    assert client.get("/health/").status_code == 200
    # Due ten minutes ago and still waiting: stale.
    waiting_task(waited_seconds=86_400, run_after=now - datetime.timedelta(seconds=600))
    assert client.get("/health/").json()["checks"]["queue"] == "failing"


def test_health_queue_ignores_tasks_that_are_running_or_finished(client, settings):
    settings.PORTAL_HEALTH_QUEUE_MAX_WAIT_SECONDS = 300
    for status in ("RUNNING", "SUCCESSFUL", "FAILED"):
        task = waiting_task(waited_seconds=3600)
        DBTaskResult.objects.filter(pk=task.pk).update(status=status)
    assert client.get("/health/").json() == ALL_OK


def test_health_answers_a_load_balancer_probing_by_address_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["portal.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/health/", HTTP_HOST="10.0.3.17:8000")
    assert response.status_code == 200
    assert response.json() == ALL_OK
    # Every other path still checks the Host header.
    assert client.get("/offerings/333-1/", HTTP_HOST="10.0.3.17:8000").status_code == 400


def test_health_is_not_counted_by_the_link_rate_limit(client, settings):
    settings.PORTAL_LINK_RATE_LIMIT = "2/m"
    assert [client.get("/health/").status_code for _ in range(5)] == [200] * 5


def test_health_accepts_only_get_and_head(client):
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


def test_health_body_is_json_naming_only_the_checks(client):
    body = json.loads(client.get("/health/").content)
    assert set(body) == {"status", "checks"}
    assert set(body["checks"]) == {"database", "storage", "queue", "cache"}


def test_health_fails_with_503_when_the_rate_limit_cache_is_down(client, monkeypatch):
    from django.core.cache import caches

    def down(*args, **kwargs):
        raise ConnectionError("cache server refused the connection")

    monkeypatch.setattr(caches["default"], "set", down)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "storage": "ok", "queue": "ok", "cache": "failing"}
