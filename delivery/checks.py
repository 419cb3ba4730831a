"""The delivery check that compliance_check runs for each registration (a ``registration_checked`` receiver)."""

import datetime

from offerings.domain.dates import long_date
from offerings.domain.findings import Finding, Severity

from . import selectors

NAMES_SHOWN = 20


def delivery_incomplete(sender, *, registration, as_of: datetime.date, **kwargs) -> list[Finding]:
    """DELIVERY_INCOMPLETE (warning): recipients who have not been delivered the current package version.

    A ``compliance.signals.registration_checked`` receiver (connected in ``DeliveryConfig.ready``).

    A delivery counts once it is sent, opened or acknowledged; pending, failed, bounced and revoked ones do
    not. SEC staff: a supplement reaches an investor only together with the prospectus, so what counts is
    the whole current package. Registrations without investors or selling stockholders with email are silent.
    """
    result = selectors.coverage(registration=registration, as_of=as_of)
    missing = len(result.without_delivery) + len(result.not_delivered)
    if result.recipients == 0 or missing == 0:
        return []
    names = (result.without_delivery + result.not_delivered)[:NAMES_SHOWN]
    if result.package_version is None:
        message = (
            f"No prospectus package has been published for {registration.file_number}; "
            f"{result.recipients} investor(s) have received nothing."
        )
        version_number = None
    else:
        version_number = result.package_version.number
        message = (
            f"{missing} of {result.recipients} investor(s) have not been delivered package v{version_number} "
            f"(published {long_date(result.package_version.published_at)}): {len(result.without_delivery)} have no "
            f"delivery, {len(result.not_delivered)} are pending, failed, bounced or revoked."
        )
    return [
        Finding(
            code="DELIVERY_INCOMPLETE",
            severity=Severity.WARNING,
            message=message,
            subject="registration",
            subject_id=registration.pk,
            data={
                "package_version": version_number,
                "recipients": result.recipients,
                "without_delivery": len(result.without_delivery),
                "not_delivered": len(result.not_delivered),
                "names": names,
            },
        )
    ]
