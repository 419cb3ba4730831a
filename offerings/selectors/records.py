"""Look-ups of the offering records shared by the admin, the commands and the other apps."""

import datetime
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ..models import Prospectus, RegistrationStatement, Supplement


def registration_by_file_number(*, file_number: str) -> RegistrationStatement | None:
    """The registration statement with this Securities Act file number (e.g. 333-105026), with its issuer."""
    return RegistrationStatement.objects.select_related("issuer").filter(file_number=file_number).first()


def registrations_by_file_number(*, file_numbers: Sequence[str]) -> tuple[list[RegistrationStatement], list[str]]:
    """The registrations named, in the order given, and the file numbers not found."""
    found = {
        r.file_number: r
        for r in RegistrationStatement.objects.select_related("issuer").filter(file_number__in=file_numbers)
    }
    return [found[n] for n in file_numbers if n in found], [n for n in file_numbers if n not in found]


def registrations_in_order() -> list[RegistrationStatement]:
    """Every registration statement with its issuer, in file number order (what the check and calendar cover)."""
    return list(RegistrationStatement.objects.select_related("issuer").order_by("file_number"))


def current_prospectus(*, registration: RegistrationStatement) -> Prospectus | None:
    """The latest-dated prospectus of the registration: the one supplements now attach to and investors get."""
    return current_prospectuses(registrations=[registration])[registration.pk]


def current_prospectuses(*, registrations: Iterable[RegistrationStatement]) -> dict[int, Prospectus | None]:
    """``current_prospectus`` of each registration, keyed by its id, in one query (a prospectus date is unique
    per registration). Each prospectus names the registration given (``prospectus.registration_statement``), as
    ``registration.prospectuses`` would, so its name costs no query."""
    by_id = {r.pk: r for r in registrations}
    current: dict[int, Prospectus | None] = dict.fromkeys(by_id)
    for prospectus in Prospectus.objects.filter(registration_statement__in=by_id).order_by(
        "registration_statement_id", "-dated_on"
    ):
        if current[prospectus.registration_statement_id] is None:
            prospectus.registration_statement = by_id[prospectus.registration_statement_id]
            current[prospectus.registration_statement_id] = prospectus
    return current


def supplements_in_status(*statuses: str):
    """The supplements in these statuses, each with its prospectus and registration, the earliest-dated first."""
    return (
        Supplement.objects.filter(status__in=statuses)
        .select_related("prospectus__registration_statement")
        .order_by("dated_on", "pk")
    )


def edgar_today() -> datetime.date:
    """Today on EDGAR's clock (US/Eastern).

    Filing dates and every SEC deadline are Eastern-time business days. ``timezone.localdate()`` would use
    the portal's TIME_ZONE (UTC), which turns to tomorrow at 7 or 8 p.m. Eastern, while EDGAR still accepts
    filings for today until 10 p.m.; a supplement due today would be reported overdue hours early.
    """
    return timezone.localdate(timezone=ZoneInfo(settings.EDGAR_TIME_ZONE))
