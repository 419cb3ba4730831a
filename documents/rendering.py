"""Render a supplement's three renditions from one context: PDF, EDGAR HTML and EDGAR ASCII text.

Rendering is deterministic: the same records give byte-identical output. The PDF's dates come from the
supplement's date and its file identifier from a hash of its HTML, never from the clock or a random source.
A rendition that cannot be produced (a template error, WeasyPrint failing, the PDF child process dying)
raises ``RenderError``, naming the rendition and the supplement, with the original error as its cause.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string

from offerings.models import Supplement
from offerings.signals import SignalActionError

from .context import SupplementContext, build_context
from .models import RenditionFormat
from .text import body_to_text

# Holder tables longer than this render in a child process (see documents.pdf.render_pdf_isolated).
ISOLATE_ROWS = getattr(settings, "PORTAL_PDF_ISOLATE_ROWS", 2000)


class RenderError(SignalActionError):
    """A rendition could not be produced; nothing was stored.

    A ``SignalActionError``: raised while approving, it rolls the approval back, and the offerings admin
    shows its message without knowing about documents.
    """


def edgar_html(doc: SupplementContext) -> bytes:
    """One self-contained EDGAR .htm: allowed tags only, inline style, no script, links or images."""
    return render_to_string("supplements/supplement.edgar.htm", {"doc": doc}).encode("utf-8")


def edgar_text(doc: SupplementContext) -> bytes:
    """EDGAR ASCII: 7-bit characters, at most 80 characters a line."""
    body = render_to_string("supplements/body.html", {"doc": doc, "edgar": False})
    return body_to_text(body).encode("ascii")


def pdf_html(doc: SupplementContext) -> str:
    return render_to_string("supplements/supplement.pdf.html", {"doc": doc, "edgar": False})


def pdf(doc: SupplementContext, *, isolate: bool | None = None) -> bytes:
    """US Letter PDF/UA-1 (tagged), Liberation fonts, running header and page numbers, fixed metadata."""
    from . import pdf as weasy

    html = pdf_html(doc)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    if isolate is None:
        isolate = doc.row_count > ISOLATE_ROWS
    if isolate:
        return weasy.render_pdf_isolated(html, identifier=identifier)
    return weasy.render_pdf(html, identifier=identifier)


RENDERERS: dict[str, Callable[[SupplementContext], bytes]] = {
    RenditionFormat.PDF: pdf,
    RenditionFormat.HTML: edgar_html,
    RenditionFormat.TXT: edgar_text,
}


def _render(format: str, doc: SupplementContext) -> bytes:
    try:
        return RENDERERS[format](doc)
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(
            f"The {RenditionFormat(format).label} of {doc.title} dated {doc.dated} (Registration No. "
            f"{doc.file_number}) could not be rendered: {type(exc).__name__}: {exc}"
        ) from exc


def render(*, supplement: Supplement, format: str, doc: SupplementContext | None = None) -> bytes:
    """One rendition; raises ``RenderError`` if it cannot be produced."""
    if format not in RENDERERS:
        raise ValueError(f"format: {format!r} is not one of {', '.join(RenditionFormat.values)}.")
    return _render(format, doc or build_context(supplement=supplement))


def render_all(*, supplement: Supplement) -> dict[str, bytes]:
    """All three renditions from one context; raises ``RenderError`` if any cannot be produced."""
    doc = build_context(supplement=supplement)
    return {format: _render(format, doc) for format in RENDERERS}
