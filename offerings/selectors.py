"""Reads of the offering records shared by the admin, the commands and the other apps."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import Prospectus, RegistrationStatement, Supplement


def registration_by_file_number(*, file_number: str) -> RegistrationStatement | None:
    return RegistrationStatement.objects.select_related("issuer").filter(file_number=file_number).first()


def current_prospectus(*, registration: RegistrationStatement) -> Prospectus | None:
    """The latest-dated prospectus of the registration: the one supplements now attach to."""
    return registration.prospectuses.order_by("-dated_on").first()


def supplements_of(*, registration: RegistrationStatement) -> QuerySet[Supplement]:
    """Every supplement of the registration, in date order (the order investors read them in)."""
    return (
        Supplement.objects.filter(prospectus__registration_statement=registration)
        .select_related("prospectus")
        .order_by("dated_on", "id")
    )


def edgar_today() -> datetime.date:
    """Today on EDGAR's clock (US/Eastern).

    Filing dates and every SEC deadline are Eastern-time business days. ``timezone.localdate()`` would use
    the portal's TIME_ZONE (UTC), which turns to tomorrow at 7 or 8 p.m. Eastern, while EDGAR still accepts
    filings for today until 10 p.m.; a supplement due today would be reported overdue hours early.
    """
    return timezone.localdate(timezone=ZoneInfo(settings.EDGAR_TIME_ZONE))
