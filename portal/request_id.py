"""The request id: taken from the proxy's ``X-Request-ID`` when well formed, else made; echoed in the response.

django-guid keeps the id for the request (a context variable its log filter reads) and echoes it in the
``X-Request-ID`` response header; it is configured (``DJANGO_GUID`` in the settings) to take the incoming header as
it is, so ``RequestIdHeaderMiddleware``, just before it, drops an incoming value that is not well formed: 1 to
``MAX_LENGTH`` ASCII letters, digits and ``. _ : ; = + -`` (a UUID, nginx's ``$request_id``, an AWS trace id).
django-guid then makes a new one (32 hex digits of a UUID4). Nothing else is ever logged in its place, so a
client cannot write a newline, a control character or a megabyte into the log through this header.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
MAX_LENGTH = 128
WELL_FORMED = re.compile(rf"[A-Za-z0-9._:;=+-]{{1,{MAX_LENGTH}}}", re.ASCII)


def well_formed(value: str) -> bool:
    """Whether an incoming request id may be used as it is."""
    return WELL_FORMED.fullmatch(value) is not None


class RequestIdHeaderMiddleware:
    """Drops a malformed incoming ``X-Request-ID`` so that django-guid's middleware, next, makes a new id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        value = request.META.get(META_KEY)
        if value is not None and not well_formed(value):
            del request.META[META_KEY]
            request.__dict__.pop("headers", None)  # request.headers is cached from META
        return self.get_response(request)
