"""Public offering page and the investor's personal page: thin views over selectors and services."""

import ipaddress
import logging

from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from offerings.files import StoredFileIntegrityError, open_verified
from offerings.selectors.records import registration_by_file_number

from . import conf, selectors
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
    """Who used the personal link, as the evidence records it: IP address and user agent."""
    return {"ip_address": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


def _verified_file(document: PackageDocument):
    """Open the stored file after checking its bytes against the manifest's SHA-256; None if they differ."""
    try:
        return open_verified(
            storage=document.file.storage, name=document.file.name, sha256=document.sha256, size=document.size
        )
    except StoredFileIntegrityError:
        logger.error("Package document %s (%s) fails its SHA-256; not served.", document.pk, document.file.name)
        return None


def _download(document: PackageDocument) -> HttpResponse | None:
    handle = _verified_file(document)
    if handle is None:
        return None
    response = FileResponse(handle, content_type=document.content_type, as_attachment=True, filename=document.file_name)
    response["Content-Length"] = str(document.size)
    # An uploaded HTML document must not run in the portal's origin if a browser renders it anyway.
    response["Content-Security-Policy"] = "sandbox"
    return _private(response)


def _unavailable() -> HttpResponse:
    return _private(HttpResponse("This document is temporarily unavailable.", status=503, content_type="text/plain"))


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
        },
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def offering_download(request, file_number: str, document_id: int):
    document = PackageDocument.objects.filter(
        pk=document_id, package_version__registration_statement__file_number=file_number
    ).first()
    if document is None:
        return not_found()
    return _download(document) or _unavailable()


def personal_page(request, token: str):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    delivery = selectors.delivery_for_token(token=token)
    if delivery is None:
        return not_found()
    version = delivery.package_version
    package = selectors.package_view(package_version=version)
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


def personal_download(request, token: str, document_id: int):
    delivery = selectors.delivery_for_token(token=token)
    if delivery is None:
        return not_found()
    document = selectors.package_document_for_delivery(delivery=delivery, document_id=document_id)
    if document is None:
        return not_found()
    response = _download(document)
    if response is None:
        return _unavailable()
    evidence.record_open(delivery=delivery, document=document, **_link_holder(request))
    return response


@csrf_exempt  # the secret token in the URL is the credential; a cross-site form cannot know it
def acknowledge(request, token: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    delivery = selectors.delivery_for_token(token=token)
    if delivery is None:
        return not_found()
    evidence.acknowledge(delivery=delivery, **_link_holder(request))
    return _private(HttpResponseRedirect(reverse("delivery:personal", args=[token]) + "#receipt", status=303))
