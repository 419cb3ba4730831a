"""Staff views: preview a supplement's three renditions, download the frozen bytes of an approved one."""

from functools import wraps

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from offerings.models import Supplement

from . import rendering, selectors, services
from .errors import RenderError
from .models import CONTENT_TYPES, EXTENSIONS, RenditionFormat

# The EDGAR HTML and text are documents, not pages of the portal: nothing in them may run or load.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; sandbox"


def edgar_file_name(supplement: Supplement, format: str) -> str:
    """EDGAR document names: at most 32 letters and digits with one period."""
    registration = supplement.prospectus.registration_statement
    when = f"d{supplement.dated_on:%Y%m%d}" if supplement.dated_on else f"n{supplement.number or supplement.pk}"
    return f"s{registration.file_number.replace('-', '')}{when}.{EXTENSIONS[format]}"


def answers_render_errors(view):
    """A rendition that cannot be produced is a conflict with the records, not a server error: 409 with why."""

    @wraps(view)
    def wrapped(request: HttpRequest, supplement_id: int, format: str) -> HttpResponse:
        try:
            return view(request, supplement_id, format)
        except RenderError as error:
            page = render_to_string(
                "supplements/render_error.html",
                {"message": str(error), "format": RenditionFormat(format).label, "supplement_id": supplement_id},
                request=request,
            )
            response = HttpResponse(page, status=409, content_type="text/html; charset=utf-8")
            response["Content-Security-Policy"] = DOCUMENT_CSP
            response["Cache-Control"] = "private, no-store"
            return response

    return wrapped


def _response(data: bytes, *, supplement: Supplement, format: str, sha256: str | None = None) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'inline; filename="{edgar_file_name(supplement, format)}"'
    response["Content-Security-Policy"] = DOCUMENT_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if sha256 is None else "private, max-age=31536000, immutable"
    if sha256:
        response["ETag"] = f'"{sha256}"'
    return response


def _supplement(supplement_id: int, format: str) -> Supplement:
    if format not in RenditionFormat.values:
        raise Http404("Unknown format.")
    return get_object_or_404(
        Supplement.objects.select_related("prospectus__registration_statement__issuer"), pk=supplement_id
    )


PREVIEW_PERMISSION = "offerings.preview_supplement"


@require_GET
@staff_member_required
@permission_required(PREVIEW_PERMISSION, raise_exception=True)
@answers_render_errors
def preview(request: HttpRequest, supplement_id: int, format: str) -> HttpResponse:
    """A draft renders from its current records; an approved or filed supplement shows its frozen bytes."""
    supplement = _supplement(supplement_id, format)
    if supplement.is_frozen:
        rendition = services.ensure_frozen(actor=request.user, supplement=supplement)[format]
        data = selectors.rendition_bytes(rendition=rendition)
        return _response(data, supplement=supplement, format=format, sha256=rendition.sha256)
    return _response(rendering.render(supplement=supplement, format=format), supplement=supplement, format=format)


@require_GET
@staff_member_required
@permission_required(PREVIEW_PERMISSION, raise_exception=True)
@answers_render_errors
def download(request: HttpRequest, supplement_id: int, format: str) -> HttpResponse:
    """The stored bytes of an approved or filed supplement, exactly as frozen."""
    supplement = _supplement(supplement_id, format)
    if not supplement.is_frozen:
        raise Http404("Only approved and filed supplements have frozen renditions.")
    rendition = services.ensure_frozen(actor=request.user, supplement=supplement)[format]
    if request.headers.get("If-None-Match") == f'"{rendition.sha256}"':
        return HttpResponse(status=304)
    response = _response(
        selectors.rendition_bytes(rendition=rendition), supplement=supplement, format=format, sha256=rendition.sha256
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment")
    return response
