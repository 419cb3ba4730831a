"""Keeping the prospectus current: incorporation gaps, Rule 424(b) filing deadlines, Section 10(a)(3) staleness."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .calendar import BusinessCalendar, first_day_more_than_months_after
from .deadlines import RULE_424B_BUSINESS_DAYS_DEFAULT, RULE_424B_LATE, rule_424b_due_on
from .findings import Finding, Severity

ANNUAL_FORMS = frozenset({"10-K", "10-KSB", "20-F", "10-K/A", "10-KSB/A"})
# Exchange Act reports a prospectus without forward incorporation must add by supplement; proxy statements
# reach investors through the 10-K's Part III and are left out.
INCORPORATED_FORMS = frozenset(
    {"10-K", "10-KSB", "10-Q", "10-QSB", "8-K", "20-F", "6-K", "10-K/A", "10-Q/A", "10-KSB/A", "10-QSB/A", "8-K/A"}
)
SECTION_10A3_USE_MONTHS = 9
SECTION_10A3_INFORMATION_MONTHS = 16


@dataclass(frozen=True)
class ReportFacts:
    id: int
    form: str
    description: str  # "Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003"
    period_end: datetime.date | None
    filed_on: datetime.date | None

    @property
    def is_annual(self) -> bool:
        return self.form in ANNUAL_FORMS


@dataclass(frozen=True)
class SupplementFacts:
    id: int
    label: str  # "Prospectus supplement dated July 16, 2003 (333-105026)"
    rule: str
    status: str
    first_used_on: datetime.date | None = None
    filed_on: datetime.date | None = None
    incorporates: Sequence[int] = ()  # report ids

    @property
    def is_filed(self) -> bool:
        return self.status == "filed" or self.filed_on is not None


@dataclass(frozen=True)
class AmendmentFacts:
    id: int
    kind: str  # "pre_effective" / "post_effective"
    filed_on: datetime.date
    effective_on: datetime.date | None = None
    annual_report_id: int | None = None


@dataclass(frozen=True)
class ProspectusFacts:
    id: int
    dated_on: datetime.date
    information_as_of: datetime.date | None = None


@dataclass(frozen=True)
class RegistrationFacts:
    id: int
    file_number: str
    effective_on: datetime.date | None
    last_amended_on: datetime.date | None
    forward_incorporation: bool | None
    prospectus: ProspectusFacts | None
    amendments: Sequence[AmendmentFacts] = ()
    supplements: Sequence[SupplementFacts] = ()
    reports: Sequence[ReportFacts] = field(default_factory=tuple)  # the issuer's periodic reports

    def baseline_on(self) -> datetime.date | None:
        """The date up to which the prospectus already speaks: its own date or the latest amendment's filing."""
        if self.prospectus is None:
            return None
        dates = [self.prospectus.dated_on, self.last_amended_on, *(a.filed_on for a in self.amendments)]
        return max(d for d in dates if d is not None)


def _long(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def incorporation_gaps(*, registration: RegistrationFacts, as_of: datetime.date) -> list[Finding]:
    """INCORPORATION_MISSING: without forward incorporation (Form SB-2, S-2, S-1 without it), every Exchange Act
    report filed after the prospectus (or its last amendment) must be added by a Rule 424(b)(3) supplement.

    A registration whose forward incorporation is not recorded is checked as if it had none. A report with no
    filing date on record cannot be placed in time and is left out.
    """
    baseline = registration.baseline_on()
    if registration.forward_incorporation or baseline is None:
        return []
    incorporated = {report_id for s in registration.supplements for report_id in s.incorporates}
    findings = []
    for report in sorted(registration.reports, key=lambda r: (r.filed_on or datetime.date.min, r.id)):
        if report.form not in INCORPORATED_FORMS or report.filed_on is None:
            continue
        if not baseline < report.filed_on <= as_of or report.id in incorporated:
            continue
        findings.append(
            Finding(
                code="INCORPORATION_MISSING",
                severity=Severity.ERROR,
                message=f"The {report.description}, filed {_long(report.filed_on)}, is not incorporated in the "
                f"prospectus for {registration.file_number} (current as of {_long(baseline)}): no supplement adds "
                f"it, and without forward incorporation a Rule 424(b)(3) supplement must.",
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


def supplement_filing_findings(
    *,
    registration: RegistrationFacts,
    as_of: datetime.date,
    calendar: BusinessCalendar,
    business_days: Mapping[str, int] = RULE_424B_BUSINESS_DAYS_DEFAULT,
) -> list[Finding]:
    """SUPPLEMENT_FILING_DUE / SUPPLEMENT_FILING_OVERDUE: Rule 424(b)(3) requires filing no later than the fifth
    business day after first use ((b)(1), (b)(2), (b)(4), (b)(5), (b)(7): the second); a late filing is made
    under Rule 424(b)(8). SUPPLEMENT_UNFILED: a supplement not yet used or filed, e.g. an auto-drafted update."""
    reports = {r.id: r for r in registration.reports}
    findings = []
    for supplement in registration.supplements:
        if supplement.is_filed:
            continue
        incorporates = [reports[i].description for i in supplement.incorporates if i in reports]
        if supplement.first_used_on is None or supplement.first_used_on > as_of:
            what = f"; it incorporates the {'; '.join(incorporates)}" if incorporates else ""
            findings.append(
                Finding(
                    code="SUPPLEMENT_UNFILED",
                    severity=Severity.WARNING if incorporates else Severity.INFO,
                    message=f"{supplement.label} is {supplement.status} and not yet used or filed{what}.",
                    subject="supplement",
                    subject_id=supplement.id,
                    data={"status": supplement.status, "rule": supplement.rule, "incorporates": incorporates},
                )
            )
            continue
        due = rule_424b_due_on(
            rule=supplement.rule, first_used_on=supplement.first_used_on, calendar=calendar, business_days=business_days
        )
        data = {
            "rule": supplement.rule,
            "first_used_on": supplement.first_used_on.isoformat(),
            "due_on": due.isoformat() if due else None,
            "business_days": business_days.get(supplement.rule),
        }
        if due is None:  # already a Rule 424(b)(8) filing: as soon as practicable
            findings.append(
                Finding(
                    code="SUPPLEMENT_FILING_OVERDUE",
                    severity=Severity.ERROR,
                    message=f"{supplement.label} was first used {_long(supplement.first_used_on)} and is marked for "
                    f"Rule {RULE_424B_LATE}: file it as soon as practicable.",
                    subject="supplement",
                    subject_id=supplement.id,
                    due_on=as_of,
                    data=data,
                )
            )
        elif as_of > due:
            late = calendar.business_days_between(due, as_of)
            findings.append(
                Finding(
                    code="SUPPLEMENT_FILING_OVERDUE",
                    severity=Severity.ERROR,
                    message=f"{supplement.label} was first used {_long(supplement.first_used_on)}; Rule "
                    f"{supplement.rule} required filing by {_long(due)}, {late} business day"
                    f"{'s' if late != 1 else ''} ago. File it now under Rule {RULE_424B_LATE}.",
                    subject="supplement",
                    subject_id=supplement.id,
                    due_on=due,
                    data={**data, "business_days_late": late, "cure": RULE_424B_LATE},
                )
            )
        else:
            left = calendar.business_days_between(as_of, due)
            findings.append(
                Finding(
                    code="SUPPLEMENT_FILING_DUE",
                    severity=Severity.WARNING,
                    message=f"{supplement.label} was first used {_long(supplement.first_used_on)}; Rule "
                    f"{supplement.rule} requires filing by {_long(due)} ({left} business day"
                    f"{'s' if left != 1 else ''} left).",
                    subject="supplement",
                    subject_id=supplement.id,
                    due_on=due,
                    data={**data, "business_days_left": left},
                )
            )
    return findings


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
                    f"{_long(amendment.filed_on)}",
                )
            )
    if prospectus.information_as_of is not None:
        candidates.append((prospectus.information_as_of, "the information date counsel recorded on the prospectus"))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[0])


def staleness_findings(
    *, registration: RegistrationFacts, as_of: datetime.date, warn_days: int = 30
) -> tuple[list[Finding], Section10a3 | None]:
    """PROSPECTUS_STALE_10A3 (error once stale), PROSPECTUS_10A3_CUTOFF_NEAR (warning within ``warn_days`` of the
    cut-off) and PROSPECTUS_INFORMATION_DATE_UNKNOWN when no audited annual report or counsel's date is on record."""
    prospectus = registration.prospectus
    if prospectus is None:
        return [], None
    information = information_date(registration=registration, as_of=as_of)
    if information is None:
        return [
            Finding(
                code="PROSPECTUS_INFORMATION_DATE_UNKNOWN",
                severity=Severity.WARNING,
                message=f"The prospectus dated {_long(prospectus.dated_on)} for {registration.file_number} has no "
                f"audited annual report or information date on record, so its Section 10(a)(3) cut-off cannot be "
                f"computed.",
                subject="prospectus",
                subject_id=prospectus.id,
            )
        ], None
    if registration.effective_on is not None:
        clock_from, clock_basis = registration.effective_on, "effective date"
    else:
        clock_from, clock_basis = prospectus.dated_on, "prospectus date (effective date unknown)"
    status = section_10a3(
        clock_from=clock_from,
        clock_basis=clock_basis,
        information_as_of=information[0],
        information_basis=information[1],
    )
    cure = (
        "file the annual report on Form 10-K, which forward incorporation brings in"
        if registration.forward_incorporation
        else "file a post-effective amendment with the latest audited financial statements"
    )
    data = {
        "prospectus_id": prospectus.id,
        "clock_from": clock_from.isoformat(),
        "clock_basis": clock_basis,
        "information_as_of": status.information_as_of.isoformat(),
        "information_basis": status.information_basis,
        "last_usable_on": status.last_usable_on.isoformat(),
        "stale_from": status.stale_from.isoformat(),
        "cure": cure,
    }
    facts = (
        f"more than 9 months after its {clock_basis} of {_long(clock_from)}, with information as of "
        f"{_long(status.information_as_of)} ({status.information_basis}) more than 16 months old"
    )
    if as_of >= status.stale_from:
        message = (
            f"Section 10(a)(3): the prospectus dated {_long(prospectus.dated_on)} for {registration.file_number} "
            f"cannot be used from {_long(status.stale_from)}: {facts}; to cure, {cure}."
        )
        code, severity = "PROSPECTUS_STALE_10A3", Severity.ERROR
    elif (status.stale_from - as_of).days <= warn_days:
        message = (
            f"Section 10(a)(3): the prospectus dated {_long(prospectus.dated_on)} for {registration.file_number} "
            f"may be used through {_long(status.last_usable_on)} only; from {_long(status.stale_from)} it is "
            f"{facts}; {cure}."
        )
        code, severity = "PROSPECTUS_10A3_CUTOFF_NEAR", Severity.WARNING
    else:
        return [], status
    finding = Finding(
        code=code,
        severity=severity,
        message=message,
        subject="prospectus",
        subject_id=prospectus.id,
        due_on=status.last_usable_on,
        data=data,
    )
    return [finding], status
