"""The delivery report: one row per delivery with its evidence, as CSV or as a PDF rendered by WeasyPrint.

Every CSV cell goes through ``safety.csv.cell`` (a name or an email such as ``=1+1@example.com`` never runs as a
spreadsheet formula); the PDF renders through ``safety.weasy``, which loads no URL.
"""

import csv
import datetime
import io

from django.template.loader import render_to_string
from django.utils import timezone

from safety import csv as safe_csv
from safety.weasy import html_to_pdf

from . import selectors

COLUMNS = [
    "package_version",
    "recipient",
    "email",
    "method",
    "status",
    "sent_at_utc",
    "first_opened_at_utc",
    "acknowledged_at_utc",
    "page_views",
    "downloads",
    "last_activity_at_utc",
    "last_ip",
]


def _utc(value) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def csv_report(*, registration) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in selectors.report_rows(registration=registration):
        writer.writerow(
            safe_csv.row(
                [
                    row.package_version,
                    row.recipient,
                    row.email,
                    row.method,
                    row.status,
                    _utc(row.sent_at),
                    _utc(row.first_opened_at),
                    _utc(row.acknowledged_at),
                    row.views,
                    row.downloads,
                    _utc(row.last_activity_at),
                    row.last_ip,
                ]
            )
        )
    return out.getvalue()


def pdf_report(*, registration) -> bytes:
    rows = list(selectors.report_rows(registration=registration))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    source = render_to_string(
        "delivery/report.html",
        {
            "registration": registration,
            "issuer": registration.issuer,
            "package_version": selectors.current_package(registration=registration),
            "rows": [
                {
                    **row.__dict__,
                    "sent_at": _utc(row.sent_at),
                    "first_opened_at": _utc(row.first_opened_at),
                    "acknowledged_at": _utc(row.acknowledged_at),
                }
                for row in rows
            ],
            "counts": sorted(counts.items()),
            "generated_at": _utc(timezone.now()),
        },
    )
    return html_to_pdf(source)
