"""Look-ups of the offering records shared by the admin, the commands and the other apps."""

import datetime
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ..models import Prospectus, RegistrationStatement


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


def current_prospectus(*, registration: RegistrationStatement) -> Prospectus | None:
    """The latest-dated prospectus of the registration: the one supplements now attach to and investors get."""
    return registration.prospectuses.order_by("-dated_on").first()


def edgar_today() -> datetime.date:
    """Today on EDGAR's clock (US/Eastern).

    Filing dates and every SEC deadline are Eastern-time business days. ``timezone.localdate()`` would use
    the portal's TIME_ZONE (UTC), which turns to tomorrow at 7 or 8 p.m. Eastern, while EDGAR still accepts
    filings for today until 10 p.m.; a supplement due today would be reported overdue hours early.
    """
    return timezone.localdate(timezone=ZoneInfo(settings.EDGAR_TIME_ZONE))
