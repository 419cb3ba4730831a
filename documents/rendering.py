"""Render a supplement's three renditions from one context: PDF, EDGAR HTML and EDGAR ASCII text.

Rendering is deterministic: the same records give byte-identical output. The PDF's dates come from the
supplement's date and its file identifier from a hash of its HTML, never from the clock or a random source.
A rendition that cannot be produced (a template error, WeasyPrint failing, the PDF child process dying)
raises ``RenderError``, naming the rendition and the supplement, with the original error as its cause.
"""

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

from offerings.models import Supplement

from .context import SupplementContext, build_context
from .errors import RenderError
from .models import RenditionFormat
from .text import body_to_text

__all__ = ["RENDERERS", "RenderError", "edgar_html", "edgar_text", "pdf", "render", "render_all"]

# Holder tables longer than this render in a child process (see documents.pdf.render_pdf_isolated).
ISOLATE_ROWS = getattr(settings, "PORTAL_PDF_ISOLATE_ROWS", 2000)
_PREFIX = re.compile(r"^[A-Za-z0-9 .:-]{0,12}$")


def page_prefix() -> str:
    """What goes before each PDF page number ("S-" gives "S-1", "S-2", ...): ``PORTAL_SUPPLEMENT_PAGE_PREFIX``."""
    prefix = getattr(settings, "PORTAL_SUPPLEMENT_PAGE_PREFIX", "S-")
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        raise ImproperlyConfigured(
            "PORTAL_SUPPLEMENT_PAGE_PREFIX must be at most 12 letters, digits, spaces, '.', ':' or '-'; "
            f"it is {prefix!r}."
        )
    return prefix


def edgar_html(doc: SupplementContext) -> bytes:
    """One self-contained EDGAR .htm: allowed tags only, inline style, no script, links or images."""
    return render_to_string("supplements/supplement.edgar.htm", {"doc": doc}).encode("utf-8")


def edgar_text(doc: SupplementContext) -> bytes:
    """EDGAR ASCII: 7-bit characters, prose in lines of at most 80 characters, tables of at most 132."""
    body = render_to_string("supplements/body.html", {"doc": doc, "edgar": False, "rendition": "txt"})
    return body_to_text(body).encode("ascii")


def pdf_html(doc: SupplementContext) -> str:
    return render_to_string(
        "supplements/supplement.pdf.html", {"doc": doc, "edgar": False, "page_prefix": page_prefix()}
    )


def pdf_identifier(html: str) -> bytes:
    """The PDF's file identifier: a hash of its HTML, so the same records give the same bytes."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")


def pdf(doc: SupplementContext, *, isolate: bool | None = None) -> bytes:
    """US Letter PDF/UA-1 (tagged), Liberation fonts, running header, pages "S-1", "S-2", ..., fixed metadata;
    the pages of attached reports uploaded as PDF follow the supplement's own."""
    from . import pdf as weasy

    html = pdf_html(doc)
    identifier = pdf_identifier(html)
    if isolate is None:
        isolate = doc.row_count > ISOLATE_ROWS
    if isolate:
        data = weasy.render_pdf_isolated(html, identifier=identifier)
    else:
        data = weasy.render_pdf(html, identifier=identifier)
    return weasy.append_pages(data, doc.appended_pdfs) if doc.appended_pdfs else data


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
