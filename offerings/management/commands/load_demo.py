from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from offerings.actors import SystemActor
from offerings.dossier.importer import import_dossier_bytes
from offerings.dossier.schema import DossierError
from offerings.models import RegistrationStatement

DEMO_DOSSIER = Path(__file__).resolve().parents[2] / "dossier" / "examples" / "bestnet-333-105026.json"


class Command(BaseCommand):
    help = (
        "Import the demo dossier (BestNet, 333-105026) into an empty database. Once any registration is on "
        "record, nothing is imported: staff's changes are never reverted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossier", type=Path, default=DEMO_DOSSIER, help="The dossier to load.")

    def handle(self, *args, dossier: Path, **options):
        count = RegistrationStatement.objects.count()
        if count:
            self.stdout.write(f"The database holds {count} registration(s) already; the demo dossier is not imported.")
            return
        try:
            result = import_dossier_bytes(
                actor=SystemActor("load_demo"),
                raw=dossier.read_bytes(),
                max_bytes=settings.DOSSIER_MAX_BYTES,
            )
        except DossierError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{dossier}: {problem}")
            raise SystemExit(1) from None
        self.stdout.write(f"Loaded the demo: {result.summary()}")
