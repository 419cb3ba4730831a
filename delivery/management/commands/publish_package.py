from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from delivery import selectors
from delivery.services import filestore, packages
from offerings.actors import SystemActor
from offerings.selectors.records import current_prospectus

from ._common import error_text, registration_or_error


class Command(BaseCommand):
    help = (
        "Attach the prospectus file and the copies of reports delivered with supplements, then publish the "
        "next package version of a registration and print its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("file_number", help="Securities Act file number, e.g. 333-105026.")
        parser.add_argument("--prospectus", type=Path, help="The prospectus file (PDF, HTML or text).")
        parser.add_argument(
            "--report",
            action="append",
            default=[],
            metavar="KEY=PATH",
            help="A periodic report's copy, by its dossier key, e.g. annual_2002=10ksb-2002.pdf. Repeatable.",
        )

    def handle(self, *args, file_number, prospectus, report, **options):
        registration = registration_or_error(file_number)
        actor = SystemActor("publish_package")
        reports = {}
        for item in report:
            key, sep, path = item.partition("=")
            if not sep or not key or not path:
                raise CommandError(f"--report {item!r}: write it as KEY=PATH, e.g. annual_2002=annual.pdf.")
            found = registration.issuer.periodic_reports.filter(key=key).first()
            if found is None:
                keys = ", ".join(registration.issuer.periodic_reports.values_list("key", flat=True)) or "none"
                raise CommandError(f"--report {key}: no periodic report with that key (known keys: {keys}).")
            reports[key] = (found, Path(path))
        try:
            with filestore.atomic():  # one transaction; a refusal leaves no stored file behind
                if prospectus is not None:
                    current = current_prospectus(registration=registration)
                    if current is None:
                        raise CommandError(f"{registration} has no prospectus record to attach the file to.")
                    packages.attach_prospectus_document(
                        actor=actor, prospectus=current, name=prospectus.name, data=_read(prospectus, "--prospectus")
                    )
                for key, (found, path) in reports.items():
                    packages.attach_report_document(
                        actor=actor, report=found, name=path.name, data=_read(path, f"--report {key}")
                    )
                version = packages.publish_package(actor=actor, registration=registration)
        except ValidationError as error:
            raise CommandError(f"Not published:\n{error_text(error)}") from None
        self.stdout.write(f"Published package v{version.number} for {registration.file_number}")
        for document in selectors.package_documents(package_version=version):
            date = document.dated_on.isoformat() if document.dated_on else "-"
            self.stdout.write(
                f"{document.position:>2}  {document.sha256}  {document.size:>10}  {date}  {document.file_name}  "
                f"{document.title}"
            )


def _read(path: Path, option: str) -> bytes:
    """The file's bytes; refused before reading when it is larger than ``PORTAL_UPLOAD_MAX_BYTES``."""
    limit = int(settings.PORTAL_UPLOAD_MAX_BYTES)
    try:
        size = path.stat().st_size
        if size > limit:
            raise CommandError(
                f"{option}: {path} is {size:,} bytes; the limit is {limit:,} bytes (PORTAL_UPLOAD_MAX_BYTES)."
            )
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise CommandError(f"{option}: cannot read {path}: {error.strerror}.") from None
    if len(data) > limit:
        raise CommandError(f"{option}: {path} is larger than the limit of {limit:,} bytes (PORTAL_UPLOAD_MAX_BYTES).")
    return data
