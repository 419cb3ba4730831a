"""The pieces a supplement's body is made of: paragraphs, headings, tables, preformatted text, parts.

``documents.context`` and the modules it calls build these from the records; the one body template lays them
out for every rendition (``documents.text`` turns the same markup into EDGAR text). Every string is plain
record-derived text, autoescaped by the templates. A block may be limited to some renditions: an attached
PDF report's pages are appended to the PDF, while the HTML and text renditions carry its text instead.
"""

from dataclasses import dataclass, field

ALL_RENDITIONS = frozenset({"pdf", "html", "txt"})


@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str = "para"  # para, legend, footnote, relationship, note, subheading
    renditions: frozenset[str] = ALL_RENDITIONS
    kind: str = "paragraph"


@dataclass(frozen=True)
class Cell:
    text: str
    role: str  # th-name, th-num, td-name, td-num, td-text, total-name, total-num


@dataclass(frozen=True)
class Table:
    """A table: one header row, body rows, an optional totals row; ``wide`` narrows the first column."""

    header: list[Cell]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None
    role: str = "grid"  # grid (holder tables), report-table (an attached report's tables)
    renditions: frozenset[str] = ALL_RENDITIONS
    kind: str = "table"

    @property
    def row_count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Preformatted:
    """Text whose line breaks and spacing are kept: financial statements, an attached report's tables."""

    lines: list[str]
    renditions: frozenset[str] = ALL_RENDITIONS
    kind: str = "pre"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


Block = Paragraph | Table | Preformatted


@dataclass(frozen=True)
class Part:
    """One part of the body under its heading: the offering, the holder table, the events, ..."""

    key: str
    heading: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(block.row_count for block in self.blocks if isinstance(block, Table))


def paragraphs(texts: list[str], role: str = "para") -> list[Paragraph]:
    return [Paragraph(text, role) for text in texts if text]
