"""Securities Act Section 10(a)(3): a prospectus used more than nine months after the effective date must carry
information no more than sixteen months old."""

import datetime
from dataclasses import dataclass

from .calendar import first_day_more_than_months_after
from .dates import long_date
from .facts import RegistrationFacts
from .findings import Finding, Severity

SECTION_10A3_USE_MONTHS = 9
SECTION_10A3_INFORMATION_MONTHS = 16


@dataclass(frozen=True)
class Section10a3:
    clock_from: datetime.date
    clock_basis: str  # "effective date" or "prospectus date (effective date unknown)"
    information_as_of: datetime.date
    information_basis: str
    stale_from: datetime.date

    @property
    def last_usable_on(self) -> datetime.date:
        return self.stale_from - datetime.timedelta(days=1)


def section_10a3(
    *, clock_from: datetime.date, clock_basis: str, information_as_of: datetime.date, information_basis: str
) -> Section10a3:
    """Securities Act Section 10(a)(3): a prospectus used more than 9 months after the effective date must carry
    information as of a date no more than 16 months before its use. Both tests count calendar months back from
    the day of use, so the prospectus is stale from the first day that fails both."""
    stale_from = max(
        first_day_more_than_months_after(clock_from, SECTION_10A3_USE_MONTHS),
        first_day_more_than_months_after(information_as_of, SECTION_10A3_INFORMATION_MONTHS),
    )
    return Section10a3(clock_from, clock_basis, information_as_of, information_basis, stale_from)


def information_date(*, registration: RegistrationFacts, as_of: datetime.date) -> tuple[datetime.date, str] | None:
    """The date of the prospectus's information for Section 10(a)(3): the period end of the latest audited annual
    financial statements in the prospectus or incorporated in it, or counsel's later date.

    Annual reports count when filed on or before the prospectus date (one without a filing date counts if its
    period ended before the prospectus date), when a post-effective amendment filed by ``as_of`` brings them in,
    and, with forward incorporation, when filed by ``as_of`` (C&DI 198.02: filing the 10-K is the update).
    """
    prospectus = registration.prospectus
    if prospectus is None:
        return None
    annual = {r.id: r for r in registration.reports if r.is_annual and r.period_end is not None}
    candidates: list[tuple[datetime.date, str]] = []
    for report in annual.values():
        if (report.filed_on is not None and report.filed_on <= prospectus.dated_on) or (
            report.filed_on is None and report.period_end < prospectus.dated_on
        ):
            candidates.append((report.period_end, f"the {report.description}, in the prospectus"))
        elif registration.forward_incorporation and (report.filed_on or report.period_end) <= as_of:
            candidates.append((report.period_end, f"the {report.description}, incorporated as filed"))
    for amendment in registration.amendments:
        if amendment.kind == "post_effective" and amendment.filed_on <= as_of and amendment.annual_report_id in annual:
            report = annual[amendment.annual_report_id]
            candidates.append(
                (
                    report.period_end,
                    f"the {report.description}, brought in by the post-effective amendment filed "
                    f"{long_date(amendment.filed_on)}",
                )
            )
    if prospectus.information_as_of is not None:
        candidates.append((prospectus.information_as_of, "the information date counsel recorded on the prospectus"))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[0])


def prospectus_status(*, registration: RegistrationFacts, as_of: datetime.date) -> Section10a3 | None:
    """Where the current prospectus stands under Section 10(a)(3) as of a date: when it goes stale and why.

    The nine-month clock runs from the effective date (the prospectus date where that is unknown). None when
    there is no prospectus, or no audited annual report or counsel's date tells how old its information is.
    """
    prospectus = registration.prospectus
    information = information_date(registration=registration, as_of=as_of) if prospectus else None
    if prospectus is None or information is None:
        return None
    if registration.effective_on is not None:
        clock_from, clock_basis = registration.effective_on, "effective date"
    else:
        clock_from, clock_basis = prospectus.dated_on, "prospectus date (effective date unknown)"
    return section_10a3(
        clock_from=clock_from,
        clock_basis=clock_basis,
        information_as_of=information[0],
        information_basis=information[1],
    )


def staleness_findings(*, registration: RegistrationFacts, as_of: datetime.date, warn_days: int = 30) -> list[Finding]:
    """PROSPECTUS_STALE_10A3 (error once stale), PROSPECTUS_10A3_CUTOFF_NEAR (warning within ``warn_days`` of the
    cut-off) and PROSPECTUS_INFORMATION_DATE_UNKNOWN when no audited annual report or counsel's date is on record."""
    prospectus = registration.prospectus
    if prospectus is None:
        return []
    status = prospectus_status(registration=registration, as_of=as_of)
    if status is None:
        return [
            Finding(
                code="PROSPECTUS_INFORMATION_DATE_UNKNOWN",
                severity=Severity.WARNING,
                message=f"The prospectus dated {long_date(prospectus.dated_on)} for {registration.file_number} has "
                f"no audited annual report or information date on record, so its Section 10(a)(3) cut-off cannot be "
                f"computed.",
                subject="prospectus",
                subject_id=prospectus.id,
            )
        ]
    if as_of >= status.stale_from:
        code, severity = "PROSPECTUS_STALE_10A3", Severity.ERROR
    elif (status.stale_from - as_of).days <= warn_days:
        code, severity = "PROSPECTUS_10A3_CUTOFF_NEAR", Severity.WARNING
    else:
        return []
    cure = (
        "file the annual report on Form 10-K, which forward incorporation brings in"
        if registration.forward_incorporation
        else "file a post-effective amendment with the latest audited financial statements"
    )
    return [
        Finding(
            code=code,
            severity=severity,
            message=_staleness_message(registration, status, stale=severity == Severity.ERROR, cure=cure),
            subject="prospectus",
            subject_id=prospectus.id,
            due_on=status.last_usable_on,
            data={
                "prospectus_id": prospectus.id,
                "clock_from": status.clock_from.isoformat(),
                "clock_basis": status.clock_basis,
                "information_as_of": status.information_as_of.isoformat(),
                "information_basis": status.information_basis,
                "last_usable_on": status.last_usable_on.isoformat(),
                "stale_from": status.stale_from.isoformat(),
                "cure": cure,
            },
        )
    ]


def _staleness_message(registration: RegistrationFacts, status: Section10a3, *, stale: bool, cure: str) -> str:
    prospectus = f"the prospectus dated {long_date(registration.prospectus.dated_on)} for {registration.file_number}"
    facts = (
        f"more than 9 months after its {status.clock_basis} of {long_date(status.clock_from)}, with information as "
        f"of {long_date(status.information_as_of)} ({status.information_basis}) more than 16 months old"
    )
    if stale:
        return (
            f"Section 10(a)(3): {prospectus} cannot be used from {long_date(status.stale_from)}: {facts}; "
            f"to cure, {cure}."
        )
    return (
        f"Section 10(a)(3): {prospectus} may be used through {long_date(status.last_usable_on)} only; from "
        f"{long_date(status.stale_from)} it is {facts}; {cure}."
    )
