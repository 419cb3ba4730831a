"""Adding investors of a registration: the recipients of its prospectus package.

Rule: an investor needs a name and an email or a postal address, and an email belongs to one investor of a
registration (compared case-insensitively). A CSV file with any bad row is rejected whole, every problem
listed with the line where its record starts; a good file is imported in one transaction.
Rule (issue 12): the file is read as a stream in bounded memory and time: at most
``PORTAL_INVESTOR_CSV_MAX_BYTES`` bytes and ``PORTAL_INVESTOR_CSV_MAX_ROWS`` rows, no cell longer than its
column allows; rows are checked as they are read and inserted in batches inside the transaction, which any
problem rolls back.
"""

import csv
import io
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from audit.context import audited

from .. import validators
from ..actors import Actor
from ..models import Investor, RegistrationStatement

CSV_COLUMNS = ("name", "email", "postal_address")
CSV_REQUIRED_COLUMNS = ("name", "email")
# The model's limits, checked per row so that one message lists every problem of the file.
NAME_MAX_LENGTH = Investor._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = Investor._meta.get_field("email").max_length
POSTAL_ADDRESS_MAX_LENGTH = Investor._meta.get_field("postal_address").max_length
BATCH_SIZE = 1000
# A file with thousands of bad rows lists the first ones and counts the rest.
PROBLEMS_LISTED = 200


def csv_max_bytes() -> int:
    """Largest investor CSV read (``PORTAL_INVESTOR_CSV_MAX_BYTES``)."""
    return int(settings.PORTAL_INVESTOR_CSV_MAX_BYTES)


def csv_max_rows() -> int:
    """Most investor rows one file may hold (``PORTAL_INVESTOR_CSV_MAX_ROWS``)."""
    return int(settings.PORTAL_INVESTOR_CSV_MAX_ROWS)


class _TooLarge(Exception):
    pass


class _LimitedReader(io.RawIOBase):
    """A binary stream read no further than ``limit`` bytes: one byte more raises ``_TooLarge``."""

    def __init__(self, stream: BinaryIO, limit: int):
        self.stream, self.limit, self.count = stream, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(min(len(buffer), self.limit + 1 - self.count))
        self.count += len(data)
        if self.count > self.limit:
            raise _TooLarge
        buffer[: len(data)] = data
        return len(data)


class ImportedInvestors(Sequence):
    """The investors one import created, in file order, fetched from the database when read (only their
    primary keys are kept, so a large import holds no model instances in memory)."""

    def __init__(self, pks: list[int]):
        self.pks = pks

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(ImportedInvestors(self.pks[index]))
        return Investor.objects.get(pk=self.pks[index])

    def __iter__(self) -> Iterator[Investor]:
        for start in range(0, len(self.pks), BATCH_SIZE):
            chunk = self.pks[start : start + BATCH_SIZE]
            found = Investor.objects.in_bulk(chunk)
            yield from (found[pk] for pk in chunk)


@audited
@transaction.atomic
def import_investors(
    *, actor: Actor, registration: RegistrationStatement, data: bytes | str | BinaryIO
) -> ImportedInvestors:
    """Add investors from CSV with the header ``name,email,postal_address``; any bad row rejects the file.

    Each problem is reported with its line number: a missing name, a malformed email, a row with neither
    email nor postal address, a cell longer than its column allows, or an email that repeats in the file or
    belongs to an existing investor. ``data`` is the file's bytes, its text, or a binary stream (an upload, an
    open file), read no further than ``PORTAL_INVESTOR_CSV_MAX_BYTES``; a row past
    ``PORTAL_INVESTOR_CSV_MAX_ROWS`` stops the import, naming its line (a file that can be read twice is
    counted first, so it is refused before any row is checked or inserted).
    """
    text, counted = _csv_streams(data)
    reader = csv.reader(text)
    rows = _Rows(registration=registration)
    try:
        if counted is not None:
            rows.refuse_too_many(csv.reader(counted))
        rows.read(reader, _csv_columns(reader))
    except _TooLarge:
        raise _too_large(None) from None
    except UnicodeDecodeError:
        raise ValidationError({"csv": f"line {reader.line_num + 1}: the file is not UTF-8 text."}) from None
    return ImportedInvestors(rows.finish())


def _too_large(size: int | None) -> ValidationError:
    limit = csv_max_bytes()
    size_text = f"is {size:,} bytes; the limit is" if size is not None else "is larger than the limit of"
    return ValidationError(
        {"csv": f"The file {size_text} {limit:,} bytes (PORTAL_INVESTOR_CSV_MAX_BYTES). Split it into smaller files."}
    )


def _text(stream: BinaryIO, limit: int) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedReader(_LimitedReader(stream, limit)), encoding="utf-8-sig", newline="")


def _csv_streams(data: bytes | str | BinaryIO) -> tuple:
    """The file as text to import (UTF-8, with or without a byte-order mark, read no further than the limit)
    and, if the file can be read twice, the same text to count first (else None)."""
    limit = csv_max_bytes()
    if isinstance(data, str):
        size = len(data.encode("utf-8", "surrogatepass")) if len(data) * 4 > limit else len(data)
        if size > limit:
            raise _too_large(size)
        text = data.removeprefix("\ufeff")
        return io.StringIO(text, newline=""), io.StringIO(text, newline="")
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > limit:
            raise _too_large(len(data))
        data = io.BytesIO(data)
    if not getattr(data, "seekable", lambda: False)():
        return _text(data, limit), None
    return _Rewound(_text(data, limit), data, data.tell()), _text(data, limit)


class _Rewound:
    """Text lines of a file that is first read through another stream (the count): seeks the file back to
    ``start`` before the first line is read."""

    def __init__(self, stream, raw, start: int):
        self.stream, self.raw, self.start, self.rewound = stream, raw, start, False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if not self.rewound:
            self.raw.seek(self.start)
            self.rewound = True
        return next(self.stream)


class _Rows:
    """The rows of one file as they are read: each checked, the good ones inserted in batches (the transaction
    rolls them back if any row is bad), the problems listed (the first ``PROBLEMS_LISTED``) and counted."""

    def __init__(self, *, registration: RegistrationStatement):
        self.registration = registration
        self.existing = {
            e.lower()
            for e in Investor.objects.filter(registration_statement=registration, email__isnull=False).values_list(
                "email", flat=True
            )
        }
        self.seen: dict[str, int] = {}
        self.problems: list[str] = []
        self.unlisted = 0
        self.batch: list[Investor] = []
        self.pks: list[int] = []
        self.count = 0
        self.max_rows = csv_max_rows()

    def problem(self, text: str) -> None:
        if len(self.problems) < PROBLEMS_LISTED:
            self.problems.append(text)
        else:
            self.unlisted += 1

    def refuse_too_many(self, reader) -> None:
        """A first pass that only counts the rows (nothing kept): refused at the first row past the limit."""
        count = 0
        try:
            while True:
                line = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    return
                if any(cell.strip() for cell in row):
                    count += 1
                    if count > self.max_rows + 1:  # the header and the rows
                        self.count = count - 1
                        raise ValidationError({"csv": [self.past_the_limit(line)]})
        except csv.Error:
            return  # the import's own pass names the line

    def past_the_limit(self, line: int) -> str:
        return (
            f"line {line}: row {self.count:,} is past the limit of {self.max_rows:,} rows a file "
            "(PORTAL_INVESTOR_CSV_MAX_ROWS); split the file. Nothing was imported."
        )

    def read(self, reader, columns: list[str]) -> None:
        while True:
            line = reader.line_num + 1  # where this record starts; a quoted cell may span lines
            try:
                row = next(reader, None)
            except csv.Error as error:
                self.problem(f"line {reader.line_num}: {error}")
                return
            if row is None:
                return
            if not any(cell.strip() for cell in row):
                continue
            self.count += 1
            if self.count > self.max_rows:
                raise ValidationError({"csv": [*self.problems, self.past_the_limit(line)]})
            self.check(row, columns=columns, line=line)

    def check(self, row: list[str], *, columns: list[str], line: int) -> None:
        if len(row) != len(columns):
            self.problem(f"line {line}: expected {len(columns)} columns, found {len(row)}.")
            return
        values = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
        row_problems = _row_problems(
            values, line=line, seen=self.seen, existing=self.existing, registration=self.registration
        )
        if row_problems:
            self.problem(f"line {line}: {'; '.join(row_problems)}.")
        elif not self.problems:  # once the file is refused, nothing more is inserted
            self.batch.append(
                Investor(
                    registration_statement=self.registration,
                    name=values["name"],
                    email=values.get("email") or None,
                    postal_address=values.get("postal_address", ""),
                )
            )
            if len(self.batch) >= BATCH_SIZE:
                self.flush()

    def flush(self) -> None:
        if self.batch:
            self.pks.extend(investor.pk for investor in Investor.objects.bulk_create(self.batch))
            self.batch = []

    def finish(self) -> list[int]:
        """The primary keys of the investors created; refused if any row was bad or none was given."""
        if self.problems:
            more = [f"... and {self.unlisted:,} more problems."] if self.unlisted else []
            raise ValidationError({"csv": self.problems + more})
        self.flush()
        if not self.pks:
            raise ValidationError({"csv": "The file has a header but no investors."})
        return self.pks


def _csv_columns(reader) -> list[str]:
    """The header's column names, in file order; refused unless it names name and email and nothing unknown."""
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError({"csv": "The file is empty; the first line must be name,email,postal_address."}) from None
    except csv.Error as error:
        raise ValidationError({"csv": f"line 1: {error}"}) from None
    if len(header) > 2 * len(CSV_COLUMNS):  # nothing is built from a header this wide
        raise ValidationError(
            {"csv": f"line 1: the header has {len(header):,} columns; the columns are name,email,postal_address."}
        )
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
    if len(email) > EMAIL_MAX_LENGTH:
        problems.append(f"email is longer than {EMAIL_MAX_LENGTH} characters")
    elif email:
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
    # The rows are bulk-created without full_clean: the model's control-character validators run here.
    for column, value, check in (
        ("name", name, validators.validate_no_control_characters),
        ("email", email, validators.validate_no_control_characters),
        ("postal_address", postal, validators.validate_text_no_control_characters),
    ):
        try:
            check(value)
        except ValidationError as error:
            problems.append(f"{column}: {error.messages[0].rstrip('.')}")
    return problems
