"""Structured admin input for page references: one "Section title: page" per line instead of a raw JSON box.

``PageReferencesField`` round-trips the same JSON object that ``validators.validate_page_references`` accepts
(section title -> first page, a whole number from 1 to 100,000) and names the line and the problem on bad
input. Plain textarea, no script or inline style (the admin runs under a strict Content-Security-Policy).
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_PAGE = 100_000
HELP_TEXT = (
    'One section per line, as "Section title: page", e.g. "Risk Factors: 7". The page is the first page of the '
    "section, a whole number from 1 to 100,000. Leave empty if the document states no page references."
)


def format_page_references(value):
    """A stored page-references object as one "title: page" line per section, in stored order; text as is."""
    if isinstance(value, dict):
        return "\n".join(f"{title}: {page}" for title, page in value.items())
    return value


class PageReferencesWidget(forms.Textarea):
    """A textarea of one "title: page" line per section."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 6, "cols": 60, "class": "page-references", **(attrs or {})})

    def format_value(self, value):
        return super().format_value(format_page_references(value))


def _parse_line(number: int, line: str) -> tuple[str, int]:
    """One "title: page" line; the page follows the last colon, so a title may itself hold a colon."""
    title, colon, page = line.rpartition(":")
    title, page = title.strip(), page.strip()
    if not colon:
        raise ValidationError(f'Line {number}: write "Section title: page", e.g. "Risk Factors: 7".')
    if not title:
        raise ValidationError(f"Line {number}: the section title is missing before the colon.")
    # At most six ASCII digits before int(): a 5,000-digit "page" would otherwise raise inside int().
    if not (page.isascii() and page.isdigit() and len(page) <= 6) or not 1 <= int(page) <= MAX_PAGE:
        raise ValidationError(
            f"Line {number}: page must be a whole number from 1 to 100,000, like 12 (not {page or 'empty'!r})."
        )
    return title, int(page)


def parse_page_references(text: str) -> dict[str, int]:
    """Strictly parse the textarea: blank lines are skipped; a repeated section title is refused."""
    references: dict[str, int] = {}
    for number, raw in enumerate(str(text).splitlines(), start=1):
        if not raw.strip():
            continue
        title, page = _parse_line(number, raw)
        if title in references:
            raise ValidationError(f"Line {number}: section {title!r} is already listed.")
        references[title] = page
    return references


class PageReferencesField(forms.Field):
    """Form field for a ``page_references`` JSONField: cleans to a dict of title -> page (empty dict if blank)."""

    widget = PageReferencesWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", HELP_TEXT)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_page_references(value)

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        return parse_page_references(value or "")

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            return self.to_python(data) != (initial or {})
        except ValidationError:
            return True
