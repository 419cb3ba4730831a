"""The audit report of a registration for a date range: every entry of its records, as CSV or as a PDF.

A row is one entry: when (UTC), who, what (created, updated, deleted, or the workflow event), which record, the
changes ("field: old → new") and the event's facts, with the entry's hash. Cells that a spreadsheet would run
as a formula are neutralised (``safety.csv.cell``); the PDF loads nothing from outside (it renders through
``safety.weasy`` with no static root, so its URL fetcher refuses every URL).
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from safety import csv as safe_csv
from safety import weasy
from safety.weasy import URLRefusedError

from . import chain, scope
from .models import LogEntry

__all__ = ["URLRefusedError", "build_report", "refusing_fetcher", "report_csv", "report_pdf", "safe_cell"]

COLUMNS = [
    "entry",
    "time_utc",
    "actor",
    "action",
    "event",
    "record_type",
    "record_id",
    "record",
    "changes",
    "detail",
    "sha256",
    "previous_sha256",
]
ACTIONS = {LogEntry.Action.CREATE: "created", LogEntry.Action.UPDATE: "updated", LogEntry.Action.DELETE: "deleted"}
FORMULA_STARTS = safe_csv.FORMULA_STARTS


def utc(value: datetime.datetime | None) -> str:
    return f"{value.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC" if value else ""


def show(value) -> str:
    """A recorded value as staff read it: none, blank, or the value (JSON for lists and objects)."""
    if value is None:
        return "(none)"
    if value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_label(entry: LogEntry, name: str) -> str:
    model = entry.content_type.model_class()
    try:
        return str(model._meta.get_field(name).verbose_name) if model else name
    except FieldDoesNotExist:
        return name


def change_lines(entry: LogEntry) -> list[str]:
    """``field: old → new`` for each changed field; many-to-many changes as the objects added or removed."""
    lines = []
    for name, change in sorted((entry.changes or {}).items()):
        label = field_label(entry, name)
        if isinstance(change, dict) and change.get("type") == "m2m":
            verb = "added" if change.get("operation") == "add" else "removed"
            lines.append(f"{label}: {verb} {'; '.join(str(o) for o in change.get('objects', []))}")
        elif isinstance(change, list | tuple) and len(change) == 2:
            lines.append(f"{label}: {show(change[0])} → {show(change[1])}")
        else:
            lines.append(f"{label}: {show(change)}")
    return lines


def detail_lines(entry: LogEntry) -> list[str]:
    """The facts of a workflow event (``additional_data``), one ``key: value`` line each."""
    data = entry.additional_data
    if not isinstance(data, dict):
        return [] if data is None else [show(data)]
    return [f"{key}: {show(value)}" for key, value in data.items()]


def action_label(entry: LogEntry) -> str:
    """What happened: the workflow event, or created / updated / deleted."""
    if entry.event:
        return str(entry.get_event_display())
    return ACTIONS.get(entry.action, str(entry.get_action_display()))


@dataclass(frozen=True)
class Row:
    entry: int
    time: str
    actor: str
    action: str
    event: str
    record_type: str
    record_id: str
    record: str
    changes: list[str]
    detail: list[str]
    sha256: str
    previous_sha256: str

    @classmethod
    def of(cls, entry: LogEntry) -> "Row":
        model = entry.content_type.model_class()
        return cls(
            entry=entry.id,
            time=utc(entry.timestamp),
            actor=entry.actor_name or "(unknown)",
            action=action_label(entry),
            event=entry.event,
            record_type=str(model._meta.verbose_name) if model else entry.content_type.model,
            record_id=entry.object_pk,
            record=entry.object_repr,
            changes=change_lines(entry),
            detail=detail_lines(entry),
            sha256=entry.sha256,
            previous_sha256=entry.previous_sha256,
        )


@dataclass(frozen=True)
class AuditReport:
    subject: str
    key: str
    date_from: datetime.date | None
    date_to: datetime.date | None
    rows: list[Row]
    generated_at: datetime.datetime
    verification: chain.Verification

    @property
    def period(self) -> str:
        start = f"{self.date_from:%Y-%m-%d}" if self.date_from else "the first entry"
        end = f"{self.date_to:%Y-%m-%d}" if self.date_to else "today"
        return f"{start} to {end} (UTC)"


def _bounds(date_from, date_to) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    def midnight(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)

    return (
        midnight(date_from) if date_from else None,
        midnight(date_to + datetime.timedelta(days=1)) if date_to else None,
    )


def build_report(
    key: str, *, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> AuditReport:
    """Every entry of the subject's records (``audit.scope``) from ``date_from`` to ``date_to``, both included.

    ``LookupError`` when no subject has ``key``; ``ValueError`` when the range ends before it starts.
    """
    if date_from and date_to and date_to < date_from:
        raise ValueError(f"The range ends ({date_to}) before it starts ({date_from}).")
    root = scope.find_subject(key)
    start, end = _bounds(date_from, date_to)
    entries = scope.entries_for(scope.records_of(root), start=start, end=end)
    return AuditReport(
        subject=str(root),
        key=key,
        date_from=date_from,
        date_to=date_to,
        rows=[Row.of(entry) for entry in entries],
        generated_at=timezone.now(),
        verification=chain.verify(),
    )


# A cell a spreadsheet will not run: one starting with = + - @, a tab or a carriage return gets a quote.
safe_cell = safe_csv.cell


def report_csv(report: AuditReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        cells = [
            row.entry,
            row.time,
            row.actor,
            row.action,
            row.event,
            row.record_type,
            row.record_id,
            row.record,
            "\n".join(row.changes),
            "\n".join(row.detail),
            row.sha256,
            row.previous_sha256,
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()


def report_html(report: AuditReport) -> str:
    return render_to_string(
        "audit/report.html",
        {"report": report, "rows": report.rows, "generated_at": utc(report.generated_at)},
    )


def refusing_fetcher():
    """The portal's WeasyPrint URL fetcher with no static root: it refuses every URL (``file://``, ``http(s)://``,
    ``data:``, any other), raising ``URLRefusedError``."""
    return weasy.fetcher()


def report_pdf(report: AuditReport) -> bytes:
    return weasy.html_to_pdf(report_html(report))  # WeasyPrint is imported only when a PDF is asked for
