"""Adding investors of a registration: the recipients of its prospectus package.

Rule: an investor needs a name and an email or a postal address, and an email belongs to one investor of a
registration (compared case-insensitively). A CSV file with any bad row is rejected whole, every problem
listed with the line where its record starts; a good file is imported in one transaction.
"""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from audit.context import audited

from ..actors import Actor
from ..models import Investor, RegistrationStatement

CSV_COLUMNS = ("name", "email", "postal_address")
CSV_REQUIRED_COLUMNS = ("name", "email")
CSV_MAX_ROWS = 100_000
# The model's limits, checked per row so that one message lists every problem of the file.
NAME_MAX_LENGTH = Investor._meta.get_field("name").max_length
POSTAL_ADDRESS_MAX_LENGTH = Investor._meta.get_field("postal_address").max_length


@audited
@transaction.atomic
def import_investors(*, actor: Actor, registration: RegistrationStatement, data: bytes | str) -> list[Investor]:
    """Add investors from CSV with the header ``name,email,postal_address``; any bad row rejects the file.

    Each problem is reported with its line number: a missing name, a malformed email, a row with neither
    email nor postal address, or an email that repeats in the file or belongs to an existing investor.
    """
    reader = csv.reader(io.StringIO(_csv_text(data), newline=""))
    columns = _csv_columns(reader)
    existing = {
        e.lower()
        for e in Investor.objects.filter(registration_statement=registration, email__isnull=False).values_list(
            "email", flat=True
        )
    }
    seen: dict[str, int] = {}
    problems: list[str] = []
    investors: list[Investor] = []
    try:
        while True:
            line = reader.line_num + 1  # where this record starts; a quoted cell may span lines
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            if len(investors) + len(problems) >= CSV_MAX_ROWS:
                problems.append(f"line {line}: the file has more than {CSV_MAX_ROWS:,} rows; split it.")
                break
            if len(row) != len(columns):
                problems.append(f"line {line}: expected {len(columns)} columns, found {len(row)}.")
                continue
            values = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
            row_problems = _row_problems(values, line=line, seen=seen, existing=existing, registration=registration)
            if row_problems:
                problems.append(f"line {line}: {'; '.join(row_problems)}.")
                continue
            investors.append(
                Investor(
                    registration_statement=registration,
                    name=values["name"],
                    email=values.get("email") or None,
                    postal_address=values.get("postal_address", ""),
                )
            )
    except csv.Error as error:
        problems.append(f"line {reader.line_num}: {error}")
    if problems:
        raise ValidationError({"csv": problems})
    if not investors:
        raise ValidationError({"csv": "The file has a header but no investors."})
    return Investor.objects.bulk_create(investors, batch_size=1000)


def _csv_text(data: bytes | str) -> str:
    """The file as text: UTF-8, with or without a byte-order mark."""
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError({"csv": f"The file is not UTF-8 text (byte {error.start})."}) from None
    return data.removeprefix("\ufeff")


def _csv_columns(reader) -> list[str]:
    """The header's column names, in file order; refused unless it names name and email and nothing unknown."""
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError({"csv": "The file is empty; the first line must be name,email,postal_address."}) from None
    except csv.Error as error:
        raise ValidationError({"csv": f"line 1: {error}"}) from None
    columns = [c.strip().lower() for c in header]
    missing = [c for c in CSV_REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        raise ValidationError(
            {
                "csv": "line 1: the header must name the columns name,email,postal_address"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unknown {', '.join(unknown)}" if unknown else "")
                + "."
            }
        )
    return columns


def _row_problems(
    values: dict[str, str], *, line: int, seen: dict[str, int], existing: set[str], registration: RegistrationStatement
) -> list[str]:
    """What is wrong with one row; records its email in ``seen`` so that a later repeat is caught."""
    name, email = values.get("name", ""), values.get("email", "")
    postal = values.get("postal_address", "")
    problems = []
    if not name:
        problems.append("name is missing")
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(f"name is longer than {NAME_MAX_LENGTH} characters")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"email {email!r} is not a valid email address")
        else:
            key = email.lower()
            if key in seen:
                problems.append(f"email {email} repeats line {seen[key]}")
            elif key in existing:
                problems.append(f"email {email} already belongs to an investor of {registration.file_number}")
            seen.setdefault(key, line)
    elif not postal:
        problems.append("give an email or a postal address")
    if len(postal) > POSTAL_ADDRESS_MAX_LENGTH:
        problems.append(f"postal_address is longer than {POSTAL_ADDRESS_MAX_LENGTH} characters")
    return problems
