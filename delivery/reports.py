"""The delivery report: one row per delivery with its evidence, as CSV or as a PDF rendered by WeasyPrint."""

import csv
import datetime
import io

from django.template.loader import render_to_string
from django.utils import timezone

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
            [
                row.package_version,
                _safe_cell(row.recipient),
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
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; an investor name must not."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def pdf_report(*, registration) -> bytes:
    from weasyprint import HTML

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

    def refuse(url, *args, **kwargs):
        raise ValueError(f"The delivery report loads no external resources: {url}")

    return HTML(string=source, url_fetcher=refuse).write_pdf()
