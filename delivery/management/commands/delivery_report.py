import sys

from django.core.management.base import BaseCommand

from delivery import reports

from ._common import registration_or_error


class Command(BaseCommand):
    help = (
        "Write the delivery report of a registration as CSV or PDF: each package version's documents with "
        "their SHA-256, then every delivery with its evidence."
    )

    def add_arguments(self, parser):
        parser.add_argument("file_number")
        parser.add_argument("--format", choices=["csv", "pdf"], default="csv")
        parser.add_argument("--output", "-o", help="File to write; standard output if omitted.")

    def handle(self, *args, file_number, format, output, **options):
        registration = registration_or_error(file_number)
        data = (
            reports.csv_report(registration=registration).encode()
            if format == "csv"
            else reports.pdf_report(registration=registration)
        )
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"Wrote {output} ({len(data):,} bytes).")
        elif format == "pdf":
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data.decode(), ending="")
