import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from documents import rendering, selectors, services
from documents.models import RenditionFormat
from offerings.actors import SystemActor
from offerings.models import Supplement


class Command(BaseCommand):
    help = (
        "Render a supplement as PDF, EDGAR HTML or EDGAR text. A draft renders from its records; an approved "
        "or filed supplement prints its frozen bytes (freezing a filed one on first use)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file_number", help="Registration No., e.g. 333-105026")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--date", help="The supplement's date, YYYY-MM-DD")
        which.add_argument("--number", type=int, help="Supplement No.")
        parser.add_argument("--format", required=True, choices=RenditionFormat.values)
        parser.add_argument("--output", help="File to write; standard output if omitted")

    def handle(self, *args, file_number, date, number, format, output, **options):
        supplements = Supplement.objects.filter(prospectus__registration_statement__file_number=file_number)
        if date:
            try:
                supplements = supplements.filter(dated_on=datetime.date.fromisoformat(date))
            except ValueError as exc:
                raise CommandError(f"--date: {date!r} is not a date in YYYY-MM-DD form.") from exc
        else:
            supplements = supplements.filter(number=number)
        found = list(supplements[:2])
        which = f"dated {date}" if date else f"No. {number}"
        if not found:
            raise CommandError(f"No supplement {which} under Registration No. {file_number}.")
        if len(found) > 1:
            raise CommandError(f"More than one supplement {which} under Registration No. {file_number}; use --number.")
        supplement = found[0]
        try:
            if supplement.is_frozen:
                actor = SystemActor("render_supplement")
                rendition = services.ensure_frozen(actor=actor, supplement=supplement)[format]
                data = selectors.rendition_bytes(rendition=rendition)
            else:
                data = rendering.render(supplement=supplement, format=format)
        except rendering.RenderError as error:
            raise CommandError(str(error)) from error
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
            state = "frozen" if supplement.is_frozen else "rendered from the draft"
            self.stderr.write(f"Wrote {len(data):,} bytes ({state}) to {output}.")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
