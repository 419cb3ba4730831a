"""Public offering page and the investor's personal page: thin views over selectors and services.

Every view here is rate-limited per client address (``delivery.throttle``). A HEAD request is answered like a GET
but records no view or download. The acknowledgement is recorded once, its body is bounded
(``PORTAL_ACKNOWLEDGE_MAX_BYTES``, else 413 before it is read) and a browser's ``Origin``, when sent, must be the
portal's own (else 403).
"""

import functools
import ipaddress
import logging
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt

from offerings.files import StoredFileIntegrityError, check_verified, open_verified
from offerings.selectors.records import registration_by_file_number

from . import conf, selectors, throttle
from .models import PackageDocument
from .services import evidence

logger = logging.getLogger(__name__)

PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    # The token is in the URL: never send it to another site in a Referer header.
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
_NOT_FOUND_BODY: str | None = None
LIMIT_UNAVAILABLE_RETRY_SECONDS = 60


def not_found() -> HttpResponse:
    """The same 404 for every unknown, expired, revoked or malformed link and every foreign document."""
    global _NOT_FOUND_BODY
    if _NOT_FOUND_BODY is None:
        _NOT_FOUND_BODY = render_to_string("delivery/not_found.html")
    response = HttpResponse(_NOT_FOUND_BODY, status=404)
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def link_not_found(request):
    return not_found()


def _private(response: HttpResponse) -> HttpResponse:
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def client_ip(request) -> str | None:
    """The client's address for the evidence: ``REMOTE_ADDR``, or the first ``X-Forwarded-For`` address when
    ``PORTAL_TRUST_X_FORWARDED_FOR`` is set (only behind a proxy that overwrites that header); None if invalid."""
    value = request.META.get("REMOTE_ADDR", "")
    if conf.trust_x_forwarded_for():
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            value = forwarded.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _link_holder(request) -> dict[str, str | None]:
    """Who used the personal link, as the evidence records it: IP address and user agent (read once a request)."""
    holder = getattr(request, "_link_holder", None)
    if holder is None:
        holder = request._link_holder = {
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", ""),
        }
    return holder


def _plain(text: str, status: int) -> HttpResponse:
    return _private(HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8"))


def too_many_requests(seconds: int) -> HttpResponse:
    """429 with Retry-After: the client address made more requests than ``PORTAL_LINK_RATE_LIMIT`` allows."""
    response = _plain(f"Too many requests from your address. Please wait {seconds} seconds and try again.", status=429)
    response["Retry-After"] = str(seconds)
    # Not in django.request's log (a line per request, the token in the path): throttle logs it once a window.
    response._has_been_logged = True
    return response


def limit_unavailable() -> HttpResponse:
    """503 with Retry-After: the rate limit's cache failed and ``PORTAL_RATE_LIMIT_FAIL_OPEN`` is off."""
    response = _plain(
        "The portal cannot serve this page right now. Please try again in a minute; your link still works.",
        status=503,
    )
    response["Retry-After"] = str(LIMIT_UNAVAILABLE_RETRY_SECONDS)
    return response


def rate_limited(page: str):
    """View decorator: count the request against the client's rate limit; 429 (with the evidence) past it."""

    def decorate(view):
        @functools.wraps(view)
        def limited_view(request, *args, **kwargs):
            try:
                seconds = throttle.retry_after(request, page=page, token=kwargs.get("token"), **_link_holder(request))
            except throttle.LimitUnavailable:
                return limit_unavailable()
            if seconds is not None:
                return too_many_requests(seconds)
            return view(request, *args, **kwargs)

        return limited_view

    return decorate


def _records_evidence(request) -> bool:
    """A HEAD request (a link checker, a mail scanner) is answered but is not a view or download."""
    return request.method != "HEAD"


def _verified_file(document: PackageDocument):
    """Open the stored file after checking its bytes against the manifest's SHA-256; None if they differ."""
    try:
        return open_verified(
            storage=document.file.storage, name=document.file.name, sha256=document.sha256, size=document.size
        )
    except StoredFileIntegrityError:
        _log_mismatch(document)
        return None


def _file_verifies(document: PackageDocument) -> bool:
    """The stored file's bytes match the manifest's SHA-256 (read in chunks, then closed)."""
    try:
        check_verified(
            storage=document.file.storage, name=document.file.name, sha256=document.sha256, size=document.size
        )
    except StoredFileIntegrityError:
        _log_mismatch(document)
        return False
    return True


def _log_mismatch(document: PackageDocument) -> None:
    logger.error("Package document %s (%s) fails its SHA-256; not served.", document.pk, document.file.name)


def _accel_prefix(document: PackageDocument) -> str:
    """``PORTAL_DOWNLOAD_ACCEL_PREFIX`` when nginx can send this file from MEDIA_ROOT; else "" (the portal does)."""
    prefix = settings.PORTAL_DOWNLOAD_ACCEL_PREFIX
    return prefix if prefix and isinstance(document.file.storage, FileSystemStorage) else ""


def _download(document: PackageDocument) -> HttpResponse | None:
    """The verified document as an attachment: streamed from storage in chunks (a new handle per request), or,
    with ``PORTAL_DOWNLOAD_ACCEL_PREFIX`` on the filesystem, an empty answer naming the file for nginx to send."""
    prefix = _accel_prefix(document)
    if prefix:
        if not _file_verifies(document):
            return None
        response = HttpResponse(content_type=document.content_type)
        response["X-Accel-Redirect"] = prefix + quote(document.file.name, safe="/")
        response["Content-Disposition"] = content_disposition_header(True, document.file_name)
    else:
        handle = _verified_file(document)
        if handle is None:
            return None
        response = FileResponse(
            handle, content_type=document.content_type, as_attachment=True, filename=document.file_name
        )
        response["Content-Length"] = str(document.size)
    # An uploaded HTML document must not run in the portal's origin if a browser renders it anyway.
    response["Content-Security-Policy"] = "sandbox"
    return _private(response)


def _unavailable() -> HttpResponse:
    return _private(HttpResponse("This document is temporarily unavailable.", status=503, content_type="text/plain"))


@rate_limited("public offering page")
def offering_page(request, file_number: str):
    registration = registration_by_file_number(file_number=file_number)
    version = selectors.current_package(registration=registration) if registration else None
    if version is None:
        return not_found()
    parts, combined = selectors.split_combined(selectors.package_documents(package_version=version))
    response = render(
        request,
        "delivery/offering.html",
        {
            "registration": registration,
            "issuer": registration.issuer,
            "version": version,
            "documents": parts,
            "combined": combined,
            "download_base": reverse("delivery:offering", args=[file_number]) + "documents/",
            # Out of date: the page stops calling the package current and names nothing unpublished.
            "out_of_date": selectors.package_out_of_date(registration=registration) is not None,
        },
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@rate_limited("public offering download")
def offering_download(request, file_number: str, document_id: int):
    document = PackageDocument.objects.filter(
        pk=document_id, package_version__registration_statement__file_number=file_number
    ).first()
    if document is None:
        return not_found()
    return _download(document) or _unavailable()


@rate_limited("personal page")
def personal_page(request, token: str):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    delivery = selectors.delivery_for_token(token=token)
    if delivery is None:
        return not_found()
    version = delivery.package_version
    package = selectors.package_view(package_version=version)
    if _records_evidence(request):
        evidence.record_open(delivery=delivery, **_link_holder(request))
    response = render(
        request,
        "delivery/personal.html",
        {
            "delivery": delivery,
            "version": version,
            "registration": package.registration,
            "issuer": package.registration.issuer,
            "package": package,
        },
    )
    return _private(response)


@rate_limited("personal download")
def personal_download(request, token: str, document_id: int):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    delivery = selectors.delivery_for_token(token=token)
    if delivery is None:
        return not_found()
    document = selectors.package_document_for_delivery(delivery=delivery, document_id=document_id)
    if document is None:
        return not_found()
    response = _download(document)
    if response is None:
        return _unavailable()
    if _records_evidence(request):
        evidence.record_open(delivery=delivery, document=document, **_link_holder(request))
    return response


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, lower-case, without the scheme's default port; None if none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default_port = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None and port != default_port else "")


def own_origins(request) -> set[str]:
    """The portal's own origins: ``PORTAL_BASE_URL``'s and the one this request was made to."""
    return {o for o in (origin_of(conf.base_url()), origin_of(f"{request.scheme}://{request.get_host()}")) if o}


def _acknowledge_refusal(request) -> HttpResponse | None:
    """413 for a body over ``PORTAL_ACKNOWLEDGE_MAX_BYTES`` (judged by Content-Length, nothing read); 403 for a
    form sent from another site (``_from_another_site``; no Origin header: allowed)."""
    limit = conf.acknowledge_max_bytes()
    header = request.META.get("CONTENT_LENGTH") or "0"
    if not (header.isascii() and header.isdigit() and len(header) <= 18):
        return _plain(f"Content-Length {header[:40]!r} is not a number of bytes.", status=400)
    if int(header) > limit:
        return _plain(
            f"The acknowledgement's body is {int(header):,} bytes; at most {limit:,} are accepted. Nothing was "
            "recorded.",
            status=413,
        )
    if _from_another_site(request):
        origin = request.META.get("HTTP_ORIGIN", "")
        return _plain(
            f"Refused: this acknowledgement was sent from another site (Origin {origin[:100]!r}). Use the "
            "button on your personal page. Nothing was recorded.",
            status=403,
        )
    return None


def _from_another_site(request) -> bool:
    """An ``Origin`` other than the portal's own. Browsers send ``Origin: null`` for a form on a page whose
    Referrer-Policy is ``no-referrer``, as the personal page's is; that one is judged by ``Sec-Fetch-Site``
    (foreign when it says ``cross-site`` or ``same-site``). No Origin header: not foreign."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return False
    if origin.strip() == "null":
        return request.META.get("HTTP_SEC_FETCH_SITE", "").strip().lower() in ("cross-site", "same-site")
    return origin_of(origin) not in own_origins(request)


@csrf_exempt  # the secret token in the URL is the credential; a cross-site form cannot know it
@rate_limited("acknowledgement")
def acknowledge(request, token: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    refusal = _acknowledge_refusal(request)
    if refusal is not None:
        return refusal
    delivery = selectors.delivery_for_token(token=token)
    if delivery is None:
        return not_found()
    evidence.acknowledge(delivery=delivery, **_link_holder(request))
    return _private(HttpResponseRedirect(reverse("delivery:personal", args=[token]) + "#receipt", status=303))
