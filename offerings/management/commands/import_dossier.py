from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from offerings.actors import SystemActor
from offerings.dossier.importer import import_dossier_bytes
from offerings.dossier.schema import DossierError


class Command(BaseCommand):
    help = "Validate an offering dossier (offering-dossier/1 JSON) and import it in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Path of the dossier JSON file.")

    def handle(self, *args, path: str, **options):
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: $: cannot read the file: {exc.strerror}") from None
        try:
            result = import_dossier_bytes(
                actor=SystemActor("import_dossier"), raw=raw, max_bytes=settings.DOSSIER_MAX_BYTES
            )
        except DossierError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path}: {problem}")
            raise SystemExit(1) from None
        self.stdout.write(result.summary() if result.changed else f"{result.summary()} (already up to date)")
