"""The bytes of a package: recognising uploaded documents, naming them, and the combined PDF with bookmarks."""

import html
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from offerings.files import sha256_hex

PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
EXTENSIONS = {PDF: "pdf", HTML: "html", TEXT: "txt"}


@dataclass(frozen=True)
class Part:
    """One document going into the package, before it is stored."""

    title: str
    data: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data)


def detect_content_type(*, data: bytes, name: str, field: str) -> str:
    """What an uploaded prospectus or report is: PDF, HTML or plain text; anything else is refused.

    The type comes from the bytes (a PDF starts with ``%PDF-``; HTML and text must be UTF-8), with the
    file name's extension only telling HTML from text.
    """
    if not data:
        raise ValidationError({field: f"{name or 'The file'} is empty."})
    if data[:1024].lstrip()[:5] == b"%PDF-":
        return PDF
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("ascii")
        except UnicodeDecodeError:
            raise ValidationError(
                {field: f"{name or 'The file'} is neither a PDF nor UTF-8 HTML or text; upload PDF, HTML or text."}
            ) from None
        text = data.decode("ascii")
    if "\x00" in text:
        raise ValidationError({field: f"{name or 'The file'} is a binary file; upload a PDF, HTML or text file."})
    lowered = name.lower()
    head = text[:2048].lower()
    if lowered.endswith((".htm", ".html")) or "<html" in head or "<!doctype html" in head:
        return HTML
    return TEXT


def file_name(*, file_number: str, version: int, position: int, title: str, content_type: str) -> str:
    """An ASCII name safe in any Content-Disposition header: ``333-105026-v1-01-prospectus.pdf``."""
    stem = slugify(title)[:80].strip("-") or "document"
    return f"{file_number}-v{version}-{position:02d}-{stem}.{EXTENSIONS[content_type]}"


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"External resources are not loaded into the package PDF: {url}")


def to_pdf(part: Part) -> bytes:
    """The document as PDF for the combined file: PDFs as they are, HTML and text rendered by WeasyPrint."""
    if part.content_type == PDF:
        return part.data
    from weasyprint import HTML as WeasyHTML

    if part.content_type == HTML:
        source = part.data.decode("utf-8", errors="replace")
    else:
        source = (
            "<!doctype html><meta charset='utf-8'><style>@page{size:letter;margin:0.8in}"
            "pre{font-family:'Liberation Mono',monospace;font-size:8.5pt;white-space:pre-wrap}</style>"
            f"<pre>{html.escape(part.data.decode('utf-8', errors='replace'))}</pre>"
        )
    return WeasyHTML(string=source, url_fetcher=_refuse_fetch).write_pdf()


def cover_pdf(*, heading: str, lines: list[tuple[str, str, str]]) -> bytes:
    """A cover page listing each document with its date and SHA-256, rendered from the manifest."""
    from weasyprint import HTML as WeasyHTML

    rows = "".join(
        f"<tr><td>{html.escape(title)}</td><td>{html.escape(date)}</td><td class='h'>{html.escape(digest)}</td></tr>"
        for title, date, digest in lines
    )
    source = (
        "<!doctype html><meta charset='utf-8'><style>@page{size:letter;margin:0.9in}"
        "body{font-family:'Liberation Serif',serif;font-size:11pt}h1{font-size:16pt}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #999;padding:4pt;"
        "vertical-align:top;text-align:left}.h{font-family:'Liberation Mono',monospace;font-size:7pt;"
        "word-break:break-all}</style>"
        f"<h1>{html.escape(heading)}</h1>"
        "<p>This file combines the documents listed below, in this order. Each document's SHA-256 identifies "
        "the separately downloadable file.</p>"
        f"<table><tr><th>Document</th><th>Date</th><th>SHA-256</th></tr>{rows}</table>"
    )
    return WeasyHTML(string=source, url_fetcher=_refuse_fetch).write_pdf()


def combined_pdf(*, title: str, cover: bytes, parts: list[tuple[str, bytes]]) -> bytes:
    """One PDF: the cover, then each document behind a top-level bookmark with its title."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)), outline_item="Contents of this package")
    for title, data in parts:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ValidationError({"package": f"{title} is an encrypted PDF and cannot be combined."})
            writer.append(reader, outline_item=title)
        except PdfReadError as error:
            raise ValidationError({"package": f"{title} is not a readable PDF: {error}"}) from None
    writer.add_metadata({"/Title": title})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
