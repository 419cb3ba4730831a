import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from compliance import selectors
from compliance.report import check_report
from offerings.domain.calendar import AS_OF_FIRST, AS_OF_LAST, OutOfRangeError
from offerings.domain.findings import Severity
from offerings.selectors.records import edgar_today, registrations_by_file_number


def _date(value: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        message = f"--as-of: {value!r} is not a date; use YYYY-MM-DD, e.g. 2003-07-16."
        raise CommandError(message, returncode=2) from None
    if not AS_OF_FIRST <= day <= AS_OF_LAST:
        raise CommandError(f"--as-of: {value} is outside {AS_OF_FIRST} to {AS_OF_LAST}.", returncode=2)
    return day


class Command(BaseCommand):
    help = (
        "Check registrations the way counsel would and list what is wrong and what falls due. "
        "Exit status 1 when any error finding exists, 0 otherwise (2 for bad arguments)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file_numbers", nargs="*", metavar="FILE_NUMBER", help="e.g. 333-105026; all when none.")
        parser.add_argument(
            "--as-of",
            type=str,
            default=None,
            help="Check as of this date (YYYY-MM-DD). Default: today in US/Eastern, EDGAR's clock.",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, file_numbers: list[str], as_of: str | None, format: str, **options):
        day = _date(as_of) if as_of else edgar_today()
        registrations = None
        if file_numbers:
            registrations, missing = registrations_by_file_number(file_numbers=file_numbers)
            if missing:
                raise CommandError(f"No registration statement with file number {', '.join(missing)}.", returncode=2)
        try:
            results = selectors.all_findings(as_of=day, registrations=registrations)
        except OutOfRangeError as error:
            message = f"--as-of: from {day} the deadlines reach a day outside the business-day calendar ({error})"
            raise CommandError(message, returncode=2) from None
        if format == "json":
            self.stdout.write(json.dumps(check_report(as_of=day, results=results), indent=2))
        else:
            self._text(day, results)
        if any(f.severity == Severity.ERROR for _, findings in results for f in findings):
            raise SystemExit(1)

    def _text(self, day, results) -> None:
        self.stdout.write(f"Compliance check as of {day.isoformat()}")
        for registration, findings in results:
            errors = sum(f.severity == Severity.ERROR for f in findings)
            self.stdout.write("")
            self.stdout.write(
                f"Registration No. {registration.file_number} ({registration.issuer.name}): "
                f"{len(findings)} finding{pluralize(len(findings))}, {errors} error{pluralize(errors)}"
            )
            for finding in findings:
                due = f" [due {finding.due_on.isoformat()}]" if finding.due_on else ""
                self.stdout.write(f"  {finding.severity.upper():<7} {finding.code}{due}")
                self.stdout.write(f"          {finding.message}")
        if not results:
            self.stdout.write("No registration statements on record.")
