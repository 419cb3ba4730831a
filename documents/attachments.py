"""The content of an attached periodic report, as the three renditions carry it.

An uploaded copy is read for what it says, never passed through: HTML is parsed into paragraphs and tables of
plain text (scripts, styles, links, images and every attribute dropped; the templates escape the text again),
plain text keeps its tables as preformatted lines and its prose as paragraphs, and a PDF's pages are appended
to the PDF rendition while the HTML and text renditions carry the text extracted from them. Without a copy the
document names the report (form, period, filing date, accession number) and says its text is not reproduced.
"""

import io
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from offerings.models import PeriodicReport

from . import formatting as fmt
from .blocks import Block, Cell, Paragraph, Preformatted, Table
from .errors import RenderError
from .selectors import AttachedReport

PRE_WIDTH = 132  # EDGAR text tables: at most 132 columns
_TABULAR = re.compile(r"\S(?: {2,}|\t)\S")
_NUMERIC = re.compile(r"^[\s$(]*[-\u2014\u2013]?[\d,.]+[)%]?\s*$|^[\s$]*[-\u2014\u2013]+\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SKIPPED_TAGS = {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg", "math"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "center", "dt", "dd"}


@dataclass(frozen=True)
class ReportContent:
    blocks: list[Block]
    pdf: bytes | None = None  # pages to append to the PDF rendition


def sniff(data: bytes, name: str) -> str:
    """ "pdf", "html" or "text", from the bytes (the file name only tells HTML from text)."""
    if data[:1024].lstrip()[:5] == b"%PDF-":
        return "pdf"
    head = data[:4096].decode("utf-8", "replace").lower()
    if name.lower().endswith((".htm", ".html")) or "<html" in head or "<!doctype html" in head:
        return "html"
    return "text"


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _pre_lines(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        line = line.expandtabs(8).rstrip()
        while len(line) > PRE_WIDTH:
            out.append(line[:PRE_WIDTH])
            line = line[PRE_WIDTH:]
        out.append(line)
    return out


def text_blocks(text: str) -> list[Block]:
    """Blank-line separated blocks: a block with columns (two or more spaces inside a line) stays preformatted."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if any(_TABULAR.search(line.strip()) for line in lines):
            blocks.append(Preformatted(_pre_lines(lines)))
        else:
            blocks.append(Paragraph(" ".join(" ".join(lines).split())))
    return blocks


class _ReportParser(HTMLParser):
    """Collects the text of block elements and the cells of tables; everything else of the markup is dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, object]] = []
        self._text: list[str] = []
        self._skip = 0
        self._tables: list[list[list[str]]] = []  # a stack: nested tables fold into their outer cell
        self._cell: list[str] | None = None
        self._pre: list[str] | None = None  # text of a <pre> outside tables, kept with its line breaks

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        self._text = []
        if text:
            self.blocks.append(("para", text))

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "table":
            if not self._tables:
                self._flush()
            self._tables.append([])
        elif tag == "tr" and self._tables:
            self._tables[-1].append([])
        elif tag in ("td", "th") and self._tables and len(self._tables) == 1:
            self._cell = []
        elif tag in ("td", "th", "br", "pre", *BLOCK_TAGS) and self._tables:
            self._write(" ")
        elif tag == "pre" and self._pre is None:
            self._flush()
            self._pre = []
        elif tag == "br" and self._pre is not None:
            self._pre.append("\n")
        elif tag == "br" or tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag in ("td", "th") and self._cell is not None and len(self._tables) == 1:
            if not self._tables[-1]:
                self._tables[-1].append([])
            self._tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._tables:
            rows = self._tables.pop()
            if not self._tables:
                self.blocks.append(("table", rows))
        elif tag == "pre" and self._pre is not None and not self._tables:
            self.blocks.append(("text", "".join(self._pre)))
            self._pre = None
        elif tag in BLOCK_TAGS and not self._tables and self._pre is None:
            self._flush()

    def _write(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._tables:
            return
        elif self._pre is not None:
            self._pre.append(data)
        else:
            self._text.append(data)

    def handle_data(self, data):
        if not self._skip:
            self._write(data)

    def close(self):
        super().close()
        if self._pre is not None:
            self.blocks.append(("text", "".join(self._pre)))
            self._pre = None
        self._flush()


def _table(rows: list[list[str]]) -> list[Block]:
    """A report table without its empty rows and spacer columns, numbers right-aligned; a table of one column
    (HTML filings lay out paragraphs that way) is its paragraphs."""
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    used = [i for i in range(width) if any(row[i] for row in rows)]
    rows = [[row[i] for i in used] for row in rows]
    if len(used) == 1:
        return [Paragraph(row[0]) for row in rows]
    cells = [
        [Cell(text, "td-num" if i and _NUMERIC.match(text) else "td-text") for i, text in enumerate(row)]
        for row in rows
    ]
    return [Table(header=[], rows=cells, role="report-table")]


def html_blocks(markup: str) -> list[Block]:
    parser = _ReportParser()
    parser.feed(markup)
    parser.close()
    blocks: list[Block] = []
    for kind, content in parser.blocks:
        if kind == "para":
            blocks.append(Paragraph(content))
        elif kind == "text":
            blocks += text_blocks(content)
        else:
            blocks += _table(content)
    return blocks


def _pdf_text_blocks(data: bytes, report: PeriodicReport) -> list[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise RenderError(
                f"The uploaded copy of the {report.describe()} is an encrypted PDF; upload it unencrypted."
            )
        text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise RenderError(f"The uploaded copy of the {report.describe()} is not a readable PDF: {exc}") from exc
    return text_blocks(_CONTROL.sub("", text))


def report_name(report: PeriodicReport) -> str:
    """ "Quarterly Report on Form 10-Q for the quarterly period ended ...", "Report on Form 6-K for the period ..."."""
    described = report.describe()
    return f"Report on {described}" if described.startswith("Form ") else described


def identification(report: PeriodicReport) -> str:
    """ "Form 10-Q. Period ended September 30, 2019. Filed with the SEC on November 12, 2019. Accession number
    0009901001-19-000031." (what is recorded of it)."""
    parts = [f"Form {report.form}"]
    if report.period_end:
        parts.append(f"Period ended {fmt.long_date(report.period_end)}")
    if report.filed_on:
        parts.append(f"{filed_verb(report).capitalize()} the SEC on {fmt.long_date(report.filed_on)}")
    else:
        parts.append("Filing date not recorded")
    if report.accession_number:
        parts.append(f"Accession number {report.accession_number}")
    return ". ".join(parts) + "."


def filed_verb(report: PeriodicReport) -> str:
    """Forms 6-K are furnished to the SEC; the others are filed with it."""
    return "furnished to" if report.form.startswith("6-K") else "filed with"


def report_content(attached: AttachedReport) -> ReportContent:
    """The report as each rendition carries it (``RenderError`` for an unreadable or encrypted PDF copy)."""
    report, data = attached.report, attached.data
    if not data:
        return ReportContent([Paragraph("The text of the report is not reproduced in this document.")])
    kind = sniff(data, attached.name)
    if kind == "pdf":
        follows = Paragraph(
            "The pages of the report follow the last page of this prospectus supplement.", renditions=frozenset({"pdf"})
        )
        extracted = [_only_edgar(block) for block in _pdf_text_blocks(data, report)]
        return ReportContent([follows, *extracted], pdf=data)
    text = _decode(data)
    return ReportContent(html_blocks(text) if kind == "html" else text_blocks(text))


def _only_edgar(block: Block) -> Block:
    return replace(block, renditions=frozenset({"html", "txt"}))
