from django.core.management.base import BaseCommand, CommandError

from offerings.dossier.exporter import dumps, export_registration
from offerings.selectors.records import registration_by_file_number


class Command(BaseCommand):
    help = "Print a registration's offering dossier (canonical offering-dossier/1 JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file_number", help="Registration file number, e.g. 333-105026.")

    def handle(self, *args, file_number: str, **options):
        registration = registration_by_file_number(file_number=file_number)
        if registration is None:
            raise CommandError(f"No registration statement {file_number!r}.")
        self.stdout.write(dumps(export_registration(registration)), ending="")
