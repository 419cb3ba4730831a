"""Structured logs (issue 14): one JSON line per request with its request id, and never a personal link's token."""

import datetime
import io
import json
import logging
import secrets
import subprocess

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils.module_loading import import_string

from portal.logs import redact
from tests.ops.settings_probe import PRODUCTION_ENV, settings_of


def _build(entry: dict):
    entry = dict(entry)
    return import_string(entry.pop("()"))(**entry)


@pytest.fixture
def json_lines(settings):
    """The lines the settings' console handler writes in JSON format (its own filters and formatter), as dicts."""
    config = django_settings.LOGGING
    console = config["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    for name in console["filters"]:
        handler.addFilter(_build(config["filters"][name]))
    handler.setFormatter(_build(config["formatters"]["json"]))
    root = logging.getLogger()
    root.addHandler(handler)
    settings.PORTAL_REQUEST_LOG = True

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)


def test_a_request_writes_one_json_line_with_its_request_id_and_no_token(personal_token, json_lines):
    response = Client().get(f"/d/{personal_token}/")
    assert response.status_code == 200
    lines = json_lines()
    assert len(lines) == 1, lines
    (line,) = lines
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["logger"] == "portal.request" and line["level"] == "INFO"
    assert (line["method"], line["status"]) == ("GET", 200)
    assert isinstance(line["duration_ms"], float)
    assert line["path"].startswith("/d/<sha256:") and line["path"].endswith(">/")
    assert personal_token not in json.dumps(lines)
    stamp = datetime.datetime.fromisoformat(line["timestamp"])
    assert stamp.utcoffset() == datetime.timedelta(0)
    assert list(line)[:5] == ["timestamp", "level", "logger", "request_id", "message"]


def test_a_404_on_a_token_path_is_logged_without_the_token(json_lines, db):
    token = secrets.token_urlsafe(32)
    response = Client().get(f"/d/{token}/documents/7/")
    assert response.status_code == 404
    lines = json_lines()
    assert {line["logger"] for line in lines} == {"portal.request", "django.request"}
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    assert token not in json.dumps(lines)
    assert "request" not in lines[0]  # Django's request object is not a field


def test_a_well_formed_incoming_request_id_is_kept_and_echoed(json_lines, db):
    incoming = "Root=1-67891233-abcdef012345678912345678"
    response = Client().get("/offerings/333-1/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] == incoming
    assert [line["request_id"] for line in json_lines()] == [incoming, incoming]


@pytest.mark.parametrize("incoming", ["x" * 129, "abc def", "line\nbreak", "caf\u00e9", "<script>", ""])
def test_a_malformed_incoming_request_id_is_replaced_by_a_new_one(incoming, db):
    response = Client().get("/health/", HTTP_X_REQUEST_ID=incoming)
    echoed = response["X-Request-ID"]
    assert echoed != incoming
    assert len(echoed) == 32 and all(c in "0123456789abcdef" for c in echoed)


def test_a_failing_health_probe_is_logged_and_a_passing_one_is_not(json_lines, db, monkeypatch):
    Client().get("/health/")
    assert json_lines() == []
    monkeypatch.setattr("portal.health.TaskQueue.run", lambda self: 1 / 0)
    Client().get("/health/")
    assert [(line["logger"], line.get("status")) for line in json_lines()] == [
        ("portal.health", None),
        ("portal.request", 503),
    ]
    assert "ZeroDivisionError" in json_lines()[0]["exc_info"]


def test_tokens_in_messages_and_tracebacks_are_redacted(json_lines):
    token = secrets.token_urlsafe(32)
    log = logging.getLogger("tests.ops")
    try:
        raise ValueError(f"no delivery for https://portal.example.com/d/{token}/acknowledge/")
    except ValueError:
        log.exception("Failed on %s", f"/d/{token}/")
    (line,) = json_lines()
    assert token not in json.dumps(line)
    assert line["message"] == redact(f"Failed on /d/{token}/")
    assert redact(f"/d/{token}/") in line["exc_info"]
    assert line["request_id"] is None  # outside a request


def test_redaction_keeps_a_prefix_of_the_token_sha256_so_lines_can_be_matched():
    assert redact("/d/abc/") == "/d/<sha256:ba7816bf8f01>/"
    assert redact(redact("/d/abc/")) == redact("/d/abc/")
    assert redact("/offerings/333-1/documents/2/") == "/offerings/333-1/documents/2/"


def test_production_logs_json_lines_and_a_line_per_request_by_default():
    production = settings_of("portal.settings.production", **PRODUCTION_ENV)
    assert (production["format"], production["request_log"]) == ("json", True)
    text = settings_of("portal.settings.production", PORTAL_LOG_FORMAT="text", **PRODUCTION_ENV)
    assert text["format"] == "text"


def test_development_and_tests_log_plain_text_without_a_request_log():
    for module in ("portal.settings.dev", "portal.settings.test"):
        chosen = settings_of(module)
        assert (chosen["format"], chosen["request_log"]) == ("text", False)


def test_an_unknown_log_format_is_refused_at_start_up():
    with pytest.raises(subprocess.CalledProcessError) as refused:
        settings_of("portal.settings.dev", PORTAL_LOG_FORMAT="xml")
    assert "PORTAL_LOG_FORMAT is 'xml'" in refused.value.stderr
