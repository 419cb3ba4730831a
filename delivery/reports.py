"""The delivery report: the documents of every package version it covers, then one row per delivery with its
evidence, as CSV or as a PDF rendered by WeasyPrint.

Each published version lists its manifest in package order (the combined PDF last): title, date, size and
SHA-256, and the uploaded file's SHA-256 where active content was removed from it. The CSV holds two tables,
the documents first, a blank line, then the deliveries with the columns they always had.

Every CSV cell goes through ``safety.csv.cell`` (a name or an email such as ``=1+1@example.com`` never runs as a
spreadsheet formula); the PDF renders through ``safety.weasy``, which loads no URL.
"""

import csv
import datetime
import io

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from safety import csv as safe_csv
from safety.weasy import html_to_pdf

from . import selectors
from .models import PackageDocument, PackageVersion

DOCUMENT_COLUMNS = [
    "package_version",
    "position",
    "kind",
    "title",
    "date",
    "size_bytes",
    "sha256",
    "uploaded_sha256",
]
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


def package_manifests(*, registration) -> list[PackageVersion]:
    """Every published version of the registration, newest first, each with ``documents`` in package order."""
    ordered = Prefetch("documents", queryset=PackageDocument.objects.order_by("position"))
    return list(registration.package_versions.order_by("-number").prefetch_related(ordered))


def _document_cells(version: PackageVersion, document: PackageDocument) -> list:
    return [
        version.number,
        document.position,
        document.get_kind_display(),
        document.title,
        document.dated_on.isoformat() if document.dated_on else "",
        document.size,
        document.sha256,
        document.original_sha256,
    ]


def csv_report(*, registration) -> str:
    """The documents table, a blank line, the deliveries table; every cell through ``safety.csv.cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DOCUMENT_COLUMNS)
    for version in package_manifests(registration=registration):
        for document in version.documents.all():
            writer.writerow(safe_csv.row(_document_cells(version, document)))
    writer.writerow([])
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
    """The report as PDF: each version's documents, then the deliveries with counts by status."""
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
            "manifests": package_manifests(registration=registration),
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
