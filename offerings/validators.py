"""Field validators for SEC identifiers; each error message names the format expected.

Identifiers are ASCII: patterns say [0-9], never \\d, which would also match Arabic-Indic or full-width digits.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible

validate_registration_file_number = RegexValidator(
    r"^333-[0-9]{5,6}\Z",
    "Enter a Securities Act file number such as 333-105026 (333-, then 5 or 6 digits).",
    code="invalid_file_number",
)
validate_accession_number = RegexValidator(
    r"^[0-9]{10}-[0-9]{2}-[0-9]{6}\Z",
    "Enter an EDGAR accession number such as 0000950147-03-000829 (10 digits, 2 digits, 6 digits).",
    code="invalid_accession_number",
)
validate_cik = RegexValidator(r"^[0-9]{1,10}\Z", "Enter the issuer's CIK: 1 to 10 digits.", code="invalid_cik")
validate_exchange_act_file_number = RegexValidator(
    r"^(?:00[01]-[0-9]{5}|[01]-[0-9]{4,6})\Z",
    "Enter an Exchange Act file number as EDGAR writes it, 000-NNNNN or 001-NNNNN (e.g. 001-36512), or in the "
    "older form 0-15482 (0- or 1-, then 4 to 6 digits); ASCII digits only.",
    code="invalid_exchange_act_file_number",
)
# Without a code: the migrations of renditions and package documents record the validator as it stands.
validate_sha256 = RegexValidator(r"^[0-9a-f]{64}\Z", "Enter the SHA-256 as 64 lower-case hexadecimal digits.")
validate_year_month = RegexValidator(
    r"^[0-9]{4}-(0[1-9]|1[0-2])\Z", "Enter a month as YYYY-MM, e.g. 2003-03.", code="invalid_year_month"
)


def validate_month_day(value: str) -> None:
    """A fiscal year end as MM-DD (February 29 is refused: a fiscal year must end every year)."""
    try:
        month, day = (int(part) for part in value.split("-"))
        datetime.date(2001, month, day)
        if len(value) != 5 or not value.isascii():
            raise ValueError
    except ValueError:
        raise ValidationError(
            "Enter the fiscal year end as MM-DD, e.g. 08-31 for August 31.", code="invalid_month_day"
        ) from None


def validate_page_references(value: object) -> None:
    """Section title -> first page, as the dossier format states it (pages 1 to 100,000)."""
    if not isinstance(value, dict):
        raise ValidationError("Page references must be an object of section title to page number.")
    for title, page in value.items():
        if not isinstance(title, str) or not title.strip():
            raise ValidationError("Every page reference needs a section title.")
        if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= 100_000:
            raise ValidationError(f"Page for {title!r} must be a whole number from 1 to 100,000, not {page!r}.")


validate_trading_symbol = RegexValidator(
    r"^[A-Z][A-Z0-9.\-]{0,9}\Z", "Enter a trading symbol in capitals, e.g. BNTC or BRK.A.", code="invalid_symbol"
)


# -- control characters in names, addresses and titles (issue 12) --------------------------------------------
# Line and paragraph separators outside C0/C1 that text tools also break lines at.
_SEPARATORS = frozenset("\u2028\u2029")
_CHARACTER_NAMES = {"\t": "tab", "\n": "line feed", "\r": "carriage return", "\x00": "null", "\x7f": "delete"}


def _control_character(value: str, *, allowed: frozenset[str]) -> tuple[int, str] | None:
    """The first control character (Unicode Cc: U+0000-U+001F, U+007F-U+009F) or line separator not
    ``allowed``, with its position; a carriage return passes where allowed only as part of CR LF."""
    for index, char in enumerate(value):
        if not (char < " " or "\x7f" <= char <= "\x9f" or char in _SEPARATORS):
            continue
        if char == "\r" and "\r" in allowed and value[index + 1 : index + 2] == "\n":
            continue
        if char in allowed and char != "\r":
            continue
        return index, char
    return None


def _refuse_control_character(value: str, *, allowed: frozenset[str], what: str) -> None:
    found = _control_character(str(value), allowed=allowed)
    if found is None:
        return
    index, char = found
    name = _CHARACTER_NAMES.get(char)
    label = f"U+{ord(char):04X}" + (f" ({name})" if name else "")
    raise ValidationError(
        "Remove the control character %(character)s at character %(position)s: %(what)s.",
        code="control_character",
        params={"character": label, "position": index + 1, "what": what},
    )


def validate_no_control_characters(value: str) -> None:
    """A one-line name, address line, title or email: no control character at all, so no line break (CR, LF)
    or tab; text that reaches an iCalendar feed, a CSV cell or an email header stays one line."""
    _refuse_control_character(value, allowed=frozenset(), what="this field is one line of text")


def validate_text_no_control_characters(value: str) -> None:
    """A multi-line text (a postal address, a description, notes): line feeds, CR LF pairs and tabs only; a
    lone carriage return or any other control character is refused."""
    _refuse_control_character(
        value,
        allowed=frozenset("\t\n\r"),
        what="only line breaks and tabs may separate its lines (a carriage return only before a line feed)",
    )


# -- upload sizes (issue 12): a form's file checked by its size before any of its bytes are read ---------------
@deconstructible
class MaxUploadSize:
    """A form file field's validator: the upload's ``size`` (known from the request, before its bytes are read)
    must not pass the limit in the setting named ``setting``, read when the form is checked."""

    def __init__(self, setting: str):
        self.setting = setting

    def __call__(self, upload) -> None:
        from django.conf import settings

        limit = int(getattr(settings, self.setting))
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise ValidationError(
                "The file is %(size)s bytes; the limit is %(limit)s bytes (%(setting)s). Nothing was read.",
                code="file_too_large",
                params={"size": f"{size:,}", "limit": f"{limit:,}", "setting": self.setting},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxUploadSize) and other.setting == self.setting
