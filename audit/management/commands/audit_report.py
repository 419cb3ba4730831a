import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from audit import reports


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Write the audit report of a registration (every audit entry of its records, its packages and deliveries) "
        "for a date range, as CSV or PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("key", help="The registration's file number, e.g. 333-105026.")
        parser.add_argument("--from", dest="date_from", type=_date, help="First day, UTC (YYYY-MM-DD).")
        parser.add_argument("--to", dest="date_to", type=_date, help="Last day, UTC, included (YYYY-MM-DD).")
        parser.add_argument("--format", choices=["csv", "pdf"], default="csv")
        parser.add_argument("--output", "-o", help="File to write; standard output if omitted.")

    def handle(self, *args, key, date_from, date_to, format, output, **options):
        try:
            report = reports.build_report(key, date_from=date_from, date_to=date_to)
        except (LookupError, ValueError) as error:
            raise CommandError(str(error)) from None
        data = reports.report_csv(report).encode() if format == "csv" else reports.report_pdf(report)
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"Wrote {output}: {len(report.rows):,} entries, {len(data):,} bytes.")
        elif format == "pdf":
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data.decode(), ending="")
