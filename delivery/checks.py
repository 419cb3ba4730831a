"""The delivery checks that compliance_check runs for each registration (``registration_checked`` receivers),
and the Django system check of the base URL that personal links start with (``check --deploy``).

When the check covers many registrations it sends a ``compliance.signals.CheckBatch``; the receivers then read
the delivery records of all of them at once (``selectors.coverages``, ``selectors.out_of_date_packages``) on
their first call, so the dashboard's queries do not grow with the number of registrations."""

import datetime

from django.conf import settings
from django.core import checks

from offerings import site
from offerings.domain.dates import long_date
from offerings.domain.findings import Finding, Severity

from . import selectors

NAMES_SHOWN = 20


def delivery_incomplete(sender, *, registration, as_of: datetime.date, batch=None, **kwargs) -> list[Finding]:
    """DELIVERY_INCOMPLETE (warning): recipients who have not been delivered the current package version.

    A ``compliance.signals.registration_checked`` receiver (connected in ``DeliveryConfig.ready``).

    A delivery counts once it is sent, opened or acknowledged; pending, failed, bounced and revoked ones do
    not. SEC staff: a supplement reaches an investor only together with the prospectus, so what counts is
    the whole current package. Registrations without investors or selling stockholders with email are silent.
    """
    if batch is None:
        result = selectors.coverage(registration=registration, as_of=as_of)
    else:
        loaded = batch.load(
            f"delivery.coverage.{as_of}", lambda regs: selectors.coverages(registrations=regs, as_of=as_of)
        )
        result = loaded[registration.pk]
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


BASE_URL_UNREACHABLE = "delivery.W001"


@checks.register(checks.Tags.security, deploy=True)
def base_url_reachable(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """delivery.W001 (production, DEBUG off): PORTAL_BASE_URL must be an https address investors can reach.

    Every personal link in emails, command output and the admin starts with it; a loopback or localhost
    host, or plain http, sends investors to a link that does not open or is not encrypted.
    """
    if settings.DEBUG:
        return []
    url = site.base_url()
    problems = site.base_url_problems(url)
    if not problems:
        return []
    return [
        checks.Warning(
            f"PORTAL_BASE_URL is {url!r}: {'; '.join(problems)}. Personal links in emails and command output "
            "start with it.",
            hint="Set PORTAL_BASE_URL to the portal's public https address, e.g. https://portal.example.com.",
            id=BASE_URL_UNREACHABLE,
        )
    ]


PUBLISH_NEXT = "publish the next version"


def package_out_of_date(sender, *, registration, as_of: datetime.date, batch=None, **kwargs) -> list[Finding]:
    """PACKAGE_OUT_OF_DATE (warning): the current package version lacks a document the records now hold.

    A ``compliance.signals.registration_checked`` receiver (connected in ``DeliveryConfig.ready``), the rule
    being ``selectors.package_out_of_date``: a newer prospectus, an approved or filed supplement, or a report
    delivered with one, that the current version does not carry. It compares the records as they stand, not
    as of ``as_of``. The action: publish the next version and deliver it.
    """
    if batch is None:
        reason = selectors.package_out_of_date(registration=registration)
        if reason is None:
            return []
        version = selectors.current_package(registration=registration)
    else:
        out_of_date = batch.load(
            "delivery.out_of_date", lambda regs: selectors.out_of_date_packages(registrations=regs)
        )
        if registration.pk not in out_of_date:
            return []
        version, reason = out_of_date[registration.pk].package_version, out_of_date[registration.pk].reason
    return [
        Finding(
            code="PACKAGE_OUT_OF_DATE",
            severity=Severity.WARNING,
            message=f"{reason} Action: {PUBLISH_NEXT} of the package and deliver it to every investor.",
            subject="registration",
            subject_id=registration.pk,
            rule="Securities Act Section 10(a)(3) and Rule 424(b)(3)",
            data={"package_version": version.number, "reason": reason, "action": PUBLISH_NEXT},
        )
    ]
