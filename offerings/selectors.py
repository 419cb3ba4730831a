"""Reads of the offering records shared by the admin, the commands and the other apps."""

from django.db.models import QuerySet

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
