"""EDGAR ASCII text from the supplement body: 7-bit characters, lines of at most 80 characters.

The body template marks each block with a layout role (``class="para"``, ``"offered"``, ``"holders"``...);
this module lays those roles out as a typed filing would: indented justified-left paragraphs, centered
cover lines, the cover's two columns flush left and flush right, and tables with right-aligned numbers.
"""

import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .formatting import plain_ascii

WIDTH = 80
INDENT = "     "
CENTERED = {"issuer", "offered", "heading", "dateline"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3"}


@dataclass
class _Table:
    role: str
    rows: list[list[tuple[str, str]]] = field(default_factory=list)  # (role, text) per cell


class _BodyParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, object]] = []
        self._role: str | None = None
        self._text: list[str] = []
        self._table: _Table | None = None
        self._cell_role: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        role = dict(attrs).get("class") or ""
        if tag == "table":
            self._table = _Table(role=role)
        elif tag == "tr" and self._table is not None:
            self._table.rows.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell_role, self._text = role, []
        elif tag in BLOCK_TAGS and self._table is None:
            self._role, self._text = role or "para", []
        elif tag == "br":
            self._text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table is not None and self._cell_role is not None:
            self._table.rows[-1].append((self._cell_role, _squash("".join(self._text))))
            self._cell_role, self._text = None, []
        elif tag == "table" and self._table is not None:
            self.blocks.append(("table", self._table))
            self._table = None
        elif tag in BLOCK_TAGS and self._role is not None:
            self.blocks.append((self._role, _squash("".join(self._text))))
            self._role, self._text = None, []

    def handle_data(self, data: str) -> None:
        if self._role is not None or self._cell_role is not None:
            self._text.append(data)


def _squash(text: str) -> str:
    return " ".join(plain_ascii(text).split())


def _wrap(text: str, width: int = WIDTH, **kwargs) -> list[str]:
    return textwrap.wrap(text, width=width, break_on_hyphens=False, **kwargs) or [""]


def _cover(table: _Table) -> list[str]:
    lines = []
    for row in table.rows:
        left = row[0][1] if row else ""
        right = row[1][1] if len(row) > 1 else ""
        if len(left) + len(right) + 2 <= WIDTH:
            lines.append(left + " " * (WIDTH - len(left) - len(right)) + right)
        else:
            lines.extend(_wrap(left))
            lines.extend(line.rjust(WIDTH) for line in _wrap(right))
    return lines


def _grid(table: _Table) -> list[str]:
    """A table in 80 columns: the first column takes what the numbers leave and wraps; numbers align right."""
    columns = max(len(row) for row in table.rows)
    numeric_widths = [
        max((len(row[i][1]) for row in table.rows if i < len(row) and not row[i][0].startswith("th")), default=1)
        for i in range(columns)
    ]
    # Headers wrap to the width of their column's widest value (at least 8, as typed filings do).
    widths = [0] + [max(8, numeric_widths[i]) for i in range(1, columns)]
    widths[0] = max(12, WIDTH - sum(widths[1:]) - 2 * (columns - 1))
    lines = []
    for row in table.rows:
        cells = [_wrap(text, widths[i]) if text else [""] for i, (_, text) in enumerate(row)]
        height = max(len(cell) for cell in cells)
        is_header = all(role.startswith("th") for role, _ in row)
        if any(role.startswith("total") for role, _ in row):
            lines.append("  ".join("-" * w for w in widths).rstrip())
        for line_no in range(height):
            parts = []
            for i, cell in enumerate(cells):
                # Header cells sit on their last lines (bottom-aligned); body cells on their first.
                shift = height - len(cell) if is_header else 0
                text = cell[line_no - shift] if 0 <= line_no - shift < len(cell) else ""
                parts.append(text.ljust(widths[i]) if i == 0 else text.rjust(widths[i]))
            lines.append("  ".join(parts).rstrip())
        if is_header:
            lines.append("  ".join("-" * w for w in widths).rstrip())
    return lines


def body_to_text(body_html: str) -> str:
    """Lay out the rendered body template as EDGAR ASCII text."""
    parser = _BodyParser()
    parser.feed(body_html)
    parser.close()
    out: list[str] = []
    previous = None
    for role, content in parser.blocks:
        if role == "table":
            table = content
            lines = _cover(table) if table.role == "cover-head" else _grid(table)
            out.extend(["", *lines, ""])
        elif role in CENTERED:
            lines = [line.center(WIDTH).rstrip() for line in _wrap(content, WIDTH - 4)]
            if role == "offered" and previous == "offered":
                out.extend(lines)
            elif role == "issuer":
                out.extend(["", "", *lines, ""])
            else:
                out.extend(["", *lines])
        elif role == "footnote":
            out.extend(["", *_wrap(content)])
        elif role == "relationship":
            out.extend(["", *_wrap(content, initial_indent=INDENT * 2, subsequent_indent=INDENT * 2)])
        else:
            out.extend(["", *_wrap(content, initial_indent=INDENT)])
        previous = role
    text = "\n".join(line.rstrip() for line in out).strip("\n") + "\n"
    # Collapse runs of more than two blank lines that adjacent blocks can leave.
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text
