"""The portal's log lines: plain text or one JSON object a line, with the request id, personal-link tokens redacted.

Rule: no log line carries a personal link's token. A token is the secret that opens an investor's page, and it
travels in the path (``/d/<token>/``); Django's own lines name the path (``Not Found: /d/<token>/``), and so does
the request log. ``redact`` replaces every ``/d/<segment>`` with ``/d/<sha256:123456789abc>`` (the first 12 hex
digits of the segment's SHA-256, as ``delivery.throttle`` names a token in the security log), so lines about one
link can still be matched up. The ``RedactTokens`` filter applies it to every message before any formatter sees
it, and both formatters apply it to the tracebacks they print.

``JsonFormatter`` (python-json-logger) writes ``timestamp`` (UTC, ISO 8601), ``level``, ``logger``,
``request_id`` (django-guid's, ``null`` outside a request), ``message``, the record's extra fields (the request
log's ``method``, ``path``, ``status``, ``duration_ms``; ``status_code`` of Django's request warnings) and
``exc_info`` when there is a traceback. The request object Django attaches to its records is left out.

``RequestLogMiddleware`` writes one ``portal.request`` line per request when ``PORTAL_REQUEST_LOG`` is on
(production): method, path (redacted, no query string), status and the milliseconds the portal took to produce
the response (a download's bytes are streamed after that). A passing health probe (``/health/`` answering 200) is
not logged: a load balancer asks every few seconds.
"""

import hashlib
import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# A personal link's token: the path segment after /d/ (tokens are URL-safe base64; "<" ends a redacted one).
TOKEN_PATH = re.compile(r"/d/([^/?#\s\"'<>]+)")
TOKEN_HASH_SHOWN = 12
MAX_PATH_CHARS = 1000
HEALTH_PATH = "/health/"

request_log = logging.getLogger("portal.request")


def _digest(match: re.Match) -> str:
    digest = hashlib.sha256(match.group(1).encode("utf-8", "replace")).hexdigest()
    return f"/d/<sha256:{digest[:TOKEN_HASH_SHOWN]}>"


def redact(text: str) -> str:
    """``text`` with every personal-link token replaced by a prefix of its SHA-256."""
    if "/d/" not in text:
        return text
    return TOKEN_PATH.sub(_digest, text)


class RedactTokens(logging.Filter):
    """Redacts tokens in the record's message (its arguments merged in first). Never refuses a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to the handler to report
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class TextFormatter(logging.Formatter):
    """The message alone, as before (development and tests); tracebacks redacted."""

    def formatException(self, ei) -> str:
        return redact(super().formatException(ei))


FIRST_FIELDS = ("timestamp", "level", "logger", "request_id", "message")


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: timestamp, level, logger, request_id, message, then the record's extra fields."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        # Django attaches the request (its repr names the path) and runserver the server time; neither is a field.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time", "taskName"])
        super().__init__(*args, **kwargs)

    def formatException(self, ei) -> str:
        return redact(super().formatException(ei))

    def process_log_record(self, log_data: dict) -> dict:
        log_data.setdefault("request_id", None)
        first = {key: log_data.pop(key) for key in FIRST_FIELDS if key in log_data}
        return {**first, **log_data}


class RequestLogMiddleware:
    """One ``portal.request`` line per request (``PORTAL_REQUEST_LOG``); place it right after django-guid's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not settings.PORTAL_REQUEST_LOG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path_info == HEALTH_PATH and response.status_code == 200:
            return response
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        method = request.method[:16] if request.method else ""
        path = redact(request.path)[:MAX_PATH_CHARS]
        request_log.info(
            "%s %s %s %.1f ms",
            method,
            path,
            response.status_code,
            duration_ms,
            extra={"method": method, "path": path, "status": response.status_code, "duration_ms": duration_ms},
        )
        return response
