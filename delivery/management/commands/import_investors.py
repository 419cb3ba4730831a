from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from offerings.actors import SystemActor
from offerings.services.investors import csv_max_bytes, import_investors

from ._common import error_text, registration_or_error


class Command(BaseCommand):
    help = (
        "Import investors of a registration from a CSV file with the header name,email,postal_address. "
        "Any bad row rejects the whole file, listing every problem with its line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file_number")
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, file_number, csv_file, **options):
        registration = registration_or_error(file_number)
        limit = csv_max_bytes()
        try:
            size = csv_file.stat().st_size
            if size > limit:  # refused before a byte is read
                raise CommandError(
                    f"Nothing imported from {csv_file}: it is {size:,} bytes; the limit is {limit:,} bytes "
                    "(PORTAL_INVESTOR_CSV_MAX_BYTES)."
                )
            with csv_file.open("rb") as stream:  # streamed: the service reads it row by row
                investors = import_investors(
                    actor=SystemActor("import_investors"), registration=registration, data=stream
                )
        except OSError as error:
            raise CommandError(f"Cannot read {csv_file}: {error.strerror}.") from None
        except ValidationError as error:
            raise CommandError(f"Nothing imported from {csv_file}:\n{error_text(error)}") from None
        self.stdout.write(f"Imported {len(investors)} investors into {file_number}.")
