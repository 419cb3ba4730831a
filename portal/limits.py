"""Request size limit: a body larger than ``PORTAL_REQUEST_MAX_BYTES`` is refused with 413 before it is read.

Rule: nothing reads a request body that the limit refuses. A body with ``Content-Length`` is judged by that
header alone, before any byte is read; a malformed ``Content-Length`` is a 400. A body sent without a length
(``Transfer-Encoding: chunked``, which Django would otherwise ignore) is read through a counting reader into a
spooled temporary file and refused as soon as it passes the limit, so at most the limit plus one chunk is ever
read. The limits of single uploads (a document, a CSV, a dossier) are checked by their forms and commands.
"""

import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse

CHUNK_BYTES = 64 * 1024


class RequestTooLarge(Exception):
    """More body than the limit allows."""


class CountingReader:
    """Reads a stream and raises ``RequestTooLarge`` once more than ``limit`` bytes have come through."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.count = stream, limit, 0

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        if self.count > self.limit:
            raise RequestTooLarge
        return data


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def too_large(limit: int, size: int | None = None) -> HttpResponse:
    """The plain 413 answer, naming the size sent (if known) and the limit."""
    sent = f"The request body is {size:,} bytes; " if size is not None else "The request body is larger than allowed; "
    return HttpResponse(
        f"{sent}the limit is {limit:,} bytes ({_megabytes(limit)}, PORTAL_REQUEST_MAX_BYTES). "
        "Nothing was read or stored. Send smaller files, or fewer at a time.\n",
        status=413,
        content_type="text/plain; charset=utf-8",
    )


def _spool_unsized_body(request, limit: int) -> HttpResponse | None:
    """Read a body sent without a length through ``CountingReader``; 413 once it passes ``limit``."""
    reader = CountingReader(request.environ["wsgi.input"], limit)
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115 - lives with the request
    try:
        while chunk := reader.read(CHUNK_BYTES):
            spool.write(chunk)
    except RequestTooLarge:
        spool.close()
        return too_large(limit)
    spool.seek(0)
    request.META["CONTENT_LENGTH"] = str(reader.count)
    request._stream = LimitedStream(spool, reader.count)
    request._spooled_body = spool  # closed with the request's other files
    return None


def _unsized(request) -> bool:
    """A body sent in chunks, without a length (the server passes it on de-chunked, with no end but EOF)."""
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return chunked and "wsgi.input" in request.environ


class RequestSizeLimitMiddleware:
    """First in ``MIDDLEWARE``: refuses an oversized request body with 413 before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = int(settings.PORTAL_REQUEST_MAX_BYTES)
        header = request.META.get("CONTENT_LENGTH", "")
        if header not in ("", None):
            try:
                length = int(header)
                if length < 0:
                    raise ValueError
            except ValueError:
                return HttpResponse(
                    f"Content-Length {str(header)[:40]!r} is not a number of bytes.\n",
                    status=400,
                    content_type="text/plain; charset=utf-8",
                )
            if length > limit:
                return too_large(limit, length)
        elif _unsized(request):
            refused = _spool_unsized_body(request, limit)
            if refused is not None:
                return refused
        response = self.get_response(request)
        spool = getattr(request, "_spooled_body", None)
        if spool is not None:
            response._resource_closers.append(spool.close)
        return response
