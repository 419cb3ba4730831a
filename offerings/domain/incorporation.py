"""Keeping a prospectus without forward incorporation current: each new Exchange Act report needs a supplement.

Form SB-2, S-2, and S-1 without forward incorporation incorporate only the reports on file when the prospectus
speaks; every 10-K, 10-Q, 8-K (20-F, 6-K) filed after that must be added by a Rule 424(b)(3) supplement (or a
post-effective amendment). The compliance check reports the gaps and recording a report drafts the supplements
that close them: both ask ``needs_incorporation``.
"""

import datetime

from .dates import long_date
from .facts import RegistrationFacts, ReportFacts
from .findings import Finding, Severity
from .forms import FORWARD_INCORPORATION_BY_FORM, INCORPORATED_FORMS, S1_FORWARD_INCORPORATION_FROM


def needs_incorporation(*, registration: RegistrationFacts, report: ReportFacts) -> bool:
    """Whether ``report`` must be added to the prospectus by a supplement and no supplement adds it yet.

    Rule: without forward incorporation (a registration whose forward incorporation is not recorded counts as
    without it), an Exchange Act report filed after the date the prospectus speaks as of (its own date, or
    the filing of the latest amendment) needs a supplement. A report with no filing date on record cannot be
    placed in time and is left out; proxy statements are not incorporated this way. A supplement that attaches
    the report (its content is part of the supplement) brings it in as much as one that incorporates it.
    """
    baseline = registration.baseline_on()
    if registration.forward_incorporation or baseline is None:
        return False
    if report.form not in INCORPORATED_FORMS or report.filed_on is None or report.filed_on <= baseline:
        return False
    return not any(report.id in s.brings_in for s in registration.supplements)


def incorporation_gaps(*, registration: RegistrationFacts, as_of: datetime.date) -> list[Finding]:
    """INCORPORATION_MISSING: each report filed by ``as_of`` that ``needs_incorporation``."""
    baseline = registration.baseline_on()
    findings = []
    for report in sorted(registration.reports, key=lambda r: (r.filed_on or datetime.date.min, r.id)):
        if report.filed_on is None or report.filed_on > as_of:
            continue
        if not needs_incorporation(registration=registration, report=report):
            continue
        findings.append(
            Finding(
                code="INCORPORATION_MISSING",
                severity=Severity.ERROR,
                message=f"The {report.description}, filed {long_date(report.filed_on)}, is not incorporated in the "
                f"prospectus for {registration.file_number} (current as of {long_date(baseline)}): no supplement "
                f"adds it, and without forward incorporation a Rule 424(b)(3) supplement must.",
                subject="periodic_report",
                subject_id=report.id,
                data={
                    "registration_id": registration.id,
                    "report_id": report.id,
                    "form": report.form,
                    "period_end": report.period_end.isoformat() if report.period_end else None,
                    "filed_on": report.filed_on.isoformat(),
                    "prospectus_baseline_on": baseline.isoformat(),
                    "forward_incorporation": registration.forward_incorporation,
                },
            )
        )
    return findings


def forward_incorporation_permitted(*, form: str, filed_on: datetime.date | None) -> bool | None:
    """Whether the form allows forward incorporation: True, False, or None where it depends on the issuer.

    Form S-1 allows it for an eligible smaller reporting company since January 19, 2016 (Item 12(b)); before
    that it did not. Forms S-3, F-3 and S-8 always do; SB-1, SB-2, S-2 and F-1 never did.
    """
    allowed = FORWARD_INCORPORATION_BY_FORM.get(form)
    if allowed == "eligible":
        start = datetime.date.fromisoformat(S1_FORWARD_INCORPORATION_FROM)
        return None if filed_on is None or filed_on >= start else False
    return allowed if isinstance(allowed, bool) else None


def form_findings(registration: RegistrationFacts) -> list[Finding]:
    """FORWARD_INCORPORATION_NOT_PERMITTED: the registration is recorded as incorporating forward on a form
    that does not allow it, so new reports reach the prospectus only by supplement."""
    if not registration.forward_incorporation or not registration.form:
        return []
    if forward_incorporation_permitted(form=registration.form, filed_on=registration.filed_on) is not False:
        return []
    return [
        Finding(
            "FORWARD_INCORPORATION_NOT_PERMITTED",
            Severity.WARNING,
            f"Registration No. {registration.file_number} is on Form {registration.form}, which does not allow "
            f"forward incorporation, yet it is recorded as incorporating later reports automatically; each new "
            f"report then needs a Rule 424(b)(3) supplement.",
            "registration",
            registration.id,
            data={
                "form": registration.form,
                "filed_on": registration.filed_on.isoformat() if registration.filed_on else None,
            },
        )
    ]
