"""EDGAR ASCII text from the supplement body: 7-bit characters, prose in lines of at most 80 characters,
tables and preformatted statements in lines of at most 132.

The body template marks each block with a layout role (``class="para"``, ``"offered"``, ``"grid"``...); this
module lays those roles out as a typed filing would: indented justified-left paragraphs, centered cover lines,
the cover's two columns flush left and flush right, tables with one line per row (numbers right-aligned,
headers wrapped over their columns; a row wraps only when the table would not fit in 132 columns), and
preformatted text (financial statements, an attached report's tables) with its own line breaks.
"""

import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .formatting import plain_ascii

WIDTH = 80
TABLE_WIDTH = 132
GAP = 2
INDENT = "     "
CENTERED = {"issuer", "offered", "heading", "dateline"}
FLUSH = {"footnote", "subheading", "note"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "pre"}
RIGHT = ("th-num", "td-num", "total-num")


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
            self._role, self._text = (role or "para") if tag != "pre" else "pre", []
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
            text = "".join(self._text)
            self.blocks.append((self._role, _lines(text) if self._role == "pre" else _squash(text)))
            self._role, self._text = None, []

    def handle_data(self, data: str) -> None:
        if self._role is not None or self._cell_role is not None:
            self._text.append(data)


def _squash(text: str) -> str:
    return " ".join(plain_ascii(text).split())


def _lines(text: str) -> list[str]:
    """Preformatted text: its lines as they are (ASCII, no tabs), none longer than a table line."""
    out = []
    for line in plain_ascii(text).split("\n"):
        line = line.rstrip()
        while len(line) > TABLE_WIDTH:
            out.append(line[:TABLE_WIDTH])
            line = line[TABLE_WIDTH:]
        out.append(line)
    return out


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


def _is_header(row: list[tuple[str, str]]) -> bool:
    return bool(row) and all(role.startswith("th") for role, _ in row)


def _widths(table: _Table, columns: int) -> tuple[list[int], int]:
    """Each column as wide as its widest value (and its header's longest word), two spaces apart; if that is
    wider than ``TABLE_WIDTH`` the columns close up to one space, and only then do the widest left-aligned
    columns give way, wrapping."""
    body = [row for row in table.rows if not _is_header(row)]
    headers = [row for row in table.rows if _is_header(row)]
    widths = []
    for i in range(columns):
        values = [len(row[i][1]) for row in body if i < len(row)]
        words = [len(word) for row in headers if i < len(row) for word in row[i][1].split()]
        numeric = any(i < len(row) and row[i][0] in RIGHT for row in table.rows)
        widths.append(max([*values, *words, 8 if numeric and headers else 1]))
    gap = GAP if sum(widths) + GAP * (columns - 1) <= TABLE_WIDTH else 1
    while sum(widths) + gap * (columns - 1) > TABLE_WIDTH:
        left = [i for i in range(columns) if not any(i < len(r) and r[i][0] in RIGHT for r in body)] or [0]
        widest = max(left, key=lambda i: widths[i])
        excess = sum(widths) + gap * (columns - 1) - TABLE_WIDTH
        if widths[widest] <= 12:
            break
        widths[widest] = max(12, widths[widest] - excess)
    return widths, gap


def _grid(table: _Table) -> list[str]:
    """A table, one line per row where it fits in 132 columns; numbers align right, headers wrap and sit low."""
    rows = [row for row in table.rows if row]
    if not rows:
        return []
    columns = max(len(row) for row in rows)
    widths, gap = _widths(_Table(table.role, rows), columns)
    space = " " * gap
    lines = []
    for row in rows:
        cells = [_wrap(text, widths[i]) if text else [""] for i, (_, text) in enumerate(row)]
        height = max(len(cell) for cell in cells)
        is_header = _is_header(row)
        if any(role.startswith("total") for role, _ in row):
            lines.append(space.join("-" * w for w in widths).rstrip())
        for line_no in range(height):
            parts = []
            for i, cell in enumerate(cells):
                # Header cells sit on their last lines (bottom-aligned); body cells on their first.
                shift = height - len(cell) if is_header else 0
                text = cell[line_no - shift] if 0 <= line_no - shift < len(cell) else ""
                parts.append(text.rjust(widths[i]) if row[i][0] in RIGHT else text.ljust(widths[i]))
            lines.append(space.join(parts).rstrip())
        if is_header:
            lines.append(space.join("-" * w for w in widths).rstrip())
    return lines


def _block_lines(role: str, content: object, previous: str | None) -> list[str]:
    if role == "table":
        lines = _cover(content) if content.role == "cover-head" else _grid(content)
        return ["", *lines, ""]
    if role == "pre":
        return ["", *content]
    if role in CENTERED:
        lines = [line.center(WIDTH).rstrip() for line in _wrap(content, WIDTH - 4)]
        if role == "offered" and previous == "offered":
            return lines
        if role == "issuer":
            return ["", "", *lines, ""]
        return ["", *lines]
    if role in FLUSH:
        return ["", *_wrap(content)]
    if role == "relationship":
        return ["", *_wrap(content, initial_indent=INDENT * 2, subsequent_indent=INDENT * 2)]
    return ["", *_wrap(content, initial_indent=INDENT)]


def body_to_text(body_html: str) -> str:
    """Lay out the rendered body template as EDGAR ASCII text."""
    parser = _BodyParser()
    parser.feed(body_html)
    parser.close()
    out: list[str] = []
    previous = None
    for role, content in parser.blocks:
        out.extend(_block_lines(role, content, previous))
        previous = role
    text = "\n".join(line.rstrip() for line in out).strip("\n") + "\n"
    # Collapse runs of more than two blank lines that adjacent blocks can leave.
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text
