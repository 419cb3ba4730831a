from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from offerings.actors import SystemActor
from offerings.dossier.importer import import_dossier_bytes
from offerings.dossier.schema import DossierError


class Command(BaseCommand):
    help = (
        "Validate an offering dossier (offering-dossier/2, or /1) and import it in one transaction. A fact the "
        "portal holds differently is reported as a conflict and nothing is imported, unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Path of the dossier JSON file.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Take the dossier's value where the portal holds another, and print each change.",
        )

    def handle(self, *args, path: str, update: bool, **options):
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: $: cannot read the file: {exc.strerror}") from None
        try:
            result = import_dossier_bytes(
                actor=SystemActor("import_dossier"),
                raw=raw,
                max_bytes=settings.DOSSIER_MAX_BYTES,
                update=update,
                name=Path(path).name,
            )
        except DossierError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path}: {problem}")
            raise SystemExit(1) from None
        for change in result.changes:
            self.stdout.write(f"changed {change}")
        self.stdout.write(result.summary() if result.changed else f"{result.summary()} (already up to date)")
