"""The bytes of a package: checking uploaded documents are what they claim, naming them, the combined PDF."""

import html
import io
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from offerings.files import sha256_hex
from safety.pdf import PDFSanitizeError, sanitize_pdf
from safety.weasy import html_to_pdf

PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
EXTENSIONS = {PDF: "pdf", HTML: "html", TEXT: "txt"}


@dataclass(frozen=True)
class Part:
    """One document going into the package, before it is stored: ``data`` is what investors receive; where
    active content was removed from an uploaded PDF, ``original`` keeps the bytes as uploaded and ``removed``
    says what was taken out (``for_investors``)."""

    title: str
    data: bytes
    content_type: str
    original: bytes | None = None
    removed: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data)

    @property
    def original_sha256(self) -> str:
        return sha256_hex(self.original) if self.original is not None else ""


def for_investors(part: Part, *, field: str) -> Part:
    """The part as investors get it: an uploaded PDF without active content (``safety.pdf.sanitize_pdf``), the
    uploaded bytes kept in ``original``; unchanged when there was nothing to remove, or when it is not a PDF.
    A PDF that cannot be checked is refused (``ValidationError`` on ``field``, naming the document)."""
    if part.content_type != PDF:
        return part
    try:
        data, removed = sanitize_pdf(part.data)
    except PDFSanitizeError as error:
        raise ValidationError({field: f"{part.title}: {error}."}) from None
    if not removed:
        return part
    return replace(part, data=data, original=part.data, removed=tuple(removed))


# What each file name claims; the bytes must bear it out (``check_document``).
CLAIMED_TYPES = {".pdf": PDF, ".htm": HTML, ".html": HTML, ".txt": TEXT}
# Control characters allowed in text: tab, line feed, vertical tab, form feed (EDGAR page breaks), return.
TEXT_CONTROLS = frozenset("\t\n\x0b\x0c\r")


def check_document(*, data: bytes, name: str, field: str) -> str:
    """The content type of an uploaded (or stored) prospectus or report; refused unless it is what its name
    claims: a ``.pdf`` parses as a PDF (pypdf, every page readable, not encrypted), an ``.htm``/``.html`` is
    UTF-8 with markup, a ``.txt`` is UTF-8 plain text. The refusal (``ValidationError`` on ``field``) names the
    file and says what is wrong.
    """
    label = name.rsplit("/", 1)[-1] or "The file"
    extension = "." + label.rsplit(".", 1)[-1].lower() if "." in label else ""
    content_type = CLAIMED_TYPES.get(extension)
    if content_type is None:
        raise ValidationError({field: f"{label}: upload a PDF (.pdf), HTML (.htm, .html) or text (.txt) file."})
    if not data:
        raise ValidationError({field: f"{label} is empty."})
    problem = {PDF: _pdf_problem, HTML: _html_problem, TEXT: _text_problem}[content_type](data)
    if problem:
        raise ValidationError({field: f"{label} is named {extension} but {problem}."})
    return content_type


def _pdf_problem(data: bytes) -> str | None:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        return "is not a PDF (no %PDF- header)"
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return "is an encrypted PDF; upload it without a password"
        pages = [page.mediabox for page in reader.pages]
    except Exception as error:  # pypdf reports a damaged file with many exception types
        return f"is not a readable PDF ({type(error).__name__}: {error})"
    return None if pages else "is a PDF without pages"


class _TagCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.tags += 1


def _decoded(data: bytes) -> tuple[str | None, str | None]:
    """The bytes as UTF-8 text, or the reason they are not text."""
    if data.lstrip()[:5] == b"%PDF-":
        return None, "is a PDF; name it .pdf"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"is not UTF-8 text (byte {error.start} is not UTF-8)"
    binary = next((c for c in text if (c < " " and c not in TEXT_CONTROLS) or c == "\x7f"), None)
    if binary is not None:
        return None, f"holds the control character U+{ord(binary):04X}, so it is not text"
    return text, None


def _html_problem(data: bytes) -> str | None:
    text, problem = _decoded(data)
    if problem:
        return problem
    counter = _TagCounter()
    counter.feed(text)
    counter.close()
    return None if counter.tags else "holds no HTML markup (no element at all)"


def _text_problem(data: bytes) -> str | None:
    text, problem = _decoded(data)
    if problem:
        return problem
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        return "is an HTML document; name it .htm or .html"
    return None


def refuse_same_bytes(*, data: bytes, title: str, field: str, others: dict[str, str]) -> None:
    """Refuse ``data`` when its SHA-256 is that of another document of the package (``others``: SHA-256 to
    title): the same bytes twice are a wrong upload, never two documents."""
    twin = others.get(sha256_hex(data))
    if twin is not None:
        raise ValidationError({field: _same_bytes(title, twin, sha256_hex(data))})


def refuse_duplicates(parts: list[Part]) -> None:
    """Refuse a package that holds the same bytes twice, naming both documents of each pair."""
    first: dict[str, Part] = {}
    problems = []
    for part in parts:
        earlier = first.setdefault(part.sha256, part)
        if earlier is not part:
            problems.append(_same_bytes(part.title, earlier.title, part.sha256))
    if problems:
        raise ValidationError({"package": problems})


def _same_bytes(title: str, twin: str, digest: str) -> str:
    return (
        f"{title} has the same bytes as {twin} (SHA-256 {digest[:16]}...); each document of a package is its "
        "own file. Upload the right copy."
    )


def file_name(*, file_number: str, version: int, position: int, title: str, content_type: str) -> str:
    """An ASCII name safe in any Content-Disposition header: ``333-105026-v1-01-prospectus.pdf``."""
    stem = slugify(title)[:80].strip("-") or "document"
    return f"{file_number}-v{version}-{position:02d}-{stem}.{EXTENSIONS[content_type]}"


def to_pdf(part: Part) -> bytes:
    """The document as PDF for the combined file: PDFs as they are, HTML and text rendered by WeasyPrint
    through ``safety.weasy`` (which loads no URL: a staff file's image, stylesheet or frame from elsewhere is
    left out, and WeasyPrint logs it)."""
    if part.content_type == PDF:
        return part.data
    if part.content_type == HTML:
        source = part.data.decode("utf-8", errors="replace")
    else:
        source = (
            "<!doctype html><meta charset='utf-8'><style>@page{size:letter;margin:0.8in}"
            "pre{font-family:'Liberation Mono',monospace;font-size:8.5pt;white-space:pre-wrap}</style>"
            f"<pre>{html.escape(part.data.decode('utf-8', errors='replace'))}</pre>"
        )
    return html_to_pdf(source)


def cover_pdf(*, heading: str, lines: list[tuple[str, ...]]) -> bytes:
    """A cover page listing each document with its date and SHA-256, rendered from the manifest.

    A line is ``(title, date, sha256)`` or ``(title, date, sha256, uploaded_sha256)``: where active content was
    removed from an uploaded file, the line names both hashes (the copy in this package, the file as uploaded).
    """
    rows = "".join(_cover_row(*line) for line in lines)
    source = (
        "<!doctype html><meta charset='utf-8'><style>@page{size:letter;margin:0.9in}"
        "body{font-family:'Liberation Serif',serif;font-size:11pt}h1{font-size:16pt}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #999;padding:4pt;"
        "vertical-align:top;text-align:left}.h{font-family:'Liberation Mono',monospace;font-size:7pt;"
        "word-break:break-all}.n{font-size:8pt}</style>"
        f"<h1>{html.escape(heading)}</h1>"
        "<p>This file combines the documents listed below, in this order. Each document's SHA-256 identifies "
        "the separately downloadable file.</p>"
        f"<table><tr><th>Document</th><th>Date</th><th>SHA-256</th></tr>{rows}</table>"
    )
    return html_to_pdf(source)


def _cover_row(title: str, date: str, digest: str, uploaded: str = "") -> str:
    note = (
        f"<br><span class='n'>Active content removed; the file as uploaded has SHA-256</span> {html.escape(uploaded)}"
        if uploaded and uploaded != digest
        else ""
    )
    return (
        f"<tr><td>{html.escape(title)}</td><td>{html.escape(date)}</td>"
        f"<td class='h'>{html.escape(digest)}{note}</td></tr>"
    )


def combined_pdf(*, title: str, cover: bytes, parts: list[tuple[str, bytes]]) -> bytes:
    """One PDF: the cover, then each document behind a top-level bookmark with its title; without active
    content (``safety.pdf.sanitize_pdf`` runs on the result). Its title is ``title`` (the package heading), set
    last so that no appended document's metadata overrides it (``_package_catalog``)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)), outline_item="Contents of this package")
    starts = [0]
    for document_title, data in parts:
        starts.append(len(writer.pages))
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ValidationError({"package": f"{document_title} is an encrypted PDF and cannot be combined."})
            writer.append(reader, outline_item=document_title)
        except PdfReadError as error:
            raise ValidationError({"package": f"{document_title} is not a readable PDF: {error}"}) from None
    _package_catalog(writer, title=title, starts=starts)
    output = io.BytesIO()
    writer.write(output)
    # Built from sanitized documents, and checked once more as a whole (a rendered HTML file's javascript: link).
    try:
        combined, _ = sanitize_pdf(output.getvalue())
    except PDFSanitizeError as error:
        raise ValidationError(
            {"package": f"The combined PDF could not be checked for active content: {error}."}
        ) from None
    return combined


def _package_catalog(writer, *, title: str, starts: list[int]) -> None:
    """The combined PDF's own title, language, page labels, and an honest untagged mark.

    ``/Info /Title`` is the package heading and the viewer shows it (``/DisplayDocTitle``); ``/Lang`` is en-US;
    the cover's pages are labelled ``Cover-1``..., document n's pages ``n-1``, ``n-2``... pypdf copies pages,
    not structure trees, so the merged file has none: ``/MarkInfo /Marked`` is false, and each page's
    ``/StructParents`` (and annotations' ``/StructParent``), which would point into a tree that is not there,
    is removed.
    """
    from pypdf.constants import PageLabelStyle
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer.add_metadata({"/Title": title})
    root = writer.root_object
    for key in ("/Metadata", "/StructTreeRoot"):  # none is copied by append; never another document's
        root.pop(NameObject(key), None)
    writer.create_viewer_preferences()
    writer.viewer_preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/Lang")] = TextStringObject("en-US")
    root[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(False)})
    ends = [*starts[1:], len(writer.pages)]
    for number, (first, end) in enumerate(zip(starts, ends, strict=True)):
        if end > first:
            prefix = f"{number}-" if number else "Cover-"
            writer.set_page_label(first, end - 1, style=PageLabelStyle.DECIMAL, prefix=prefix, start=1)
    for page in writer.pages:
        page.pop(NameObject("/StructParents"), None)
        for annotation in page.get("/Annots") or []:
            annotation.get_object().pop(NameObject("/StructParent"), None)
