from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from offerings.actors import SystemActor
from offerings.services.investors import import_investors

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
        try:
            data = csv_file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {csv_file}: {error.strerror}.") from None
        try:
            investors = import_investors(actor=SystemActor("import_investors"), registration=registration, data=data)
        except ValidationError as error:
            raise CommandError(f"Nothing imported from {csv_file}:\n{error_text(error)}") from None
        self.stdout.write(f"Imported {len(investors)} investors into {file_number}.")
