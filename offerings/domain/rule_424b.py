"""Rule 424(b): when a prospectus supplement must be filed, and the findings for supplements not yet filed.

The day counts are data (``RULE_424B_BUSINESS_DAYS_DEFAULT``); counsel's overrides come from
``COMPLIANCE_RULE_424B_BUSINESS_DAYS`` through ``compliance.conf``.
"""

import datetime
from collections.abc import Mapping

from .calendar import BusinessCalendar
from .dates import long_date
from .facts import RegistrationFacts, SupplementFacts
from .findings import Finding, Severity

# Rule 424(b): business days after first use (the earlier of pricing or first use for (b)(1)) by paragraph.
# (b)(8) is the late filing itself: "as soon as practicable after the failure is discovered".
RULE_424B_BUSINESS_DAYS_DEFAULT: Mapping[str, int] = {
    "424(b)(1)": 2,
    "424(b)(2)": 2,
    "424(b)(3)": 5,
    "424(b)(4)": 2,
    "424(b)(5)": 2,
    "424(b)(7)": 2,
}
RULE_424B_LATE = "424(b)(8)"


def rule_424b_due_on(
    *,
    rule: str,
    first_used_on: datetime.date,
    calendar: BusinessCalendar,
    business_days: Mapping[str, int] = RULE_424B_BUSINESS_DAYS_DEFAULT,
) -> datetime.date | None:
    """Rule 424(b)(3): no later than the fifth business day after first use; (b)(1), (b)(2), (b)(4), (b)(5),
    (b)(7): the second. None for (b)(8), which has no fixed day."""
    if rule not in business_days:
        return None
    return calendar.add_business_days(first_used_on, business_days[rule])


def _unfiled(supplement: SupplementFacts, incorporates: list[str]) -> Finding:
    what = f"; it incorporates the {'; '.join(incorporates)}" if incorporates else ""
    return Finding(
        code="SUPPLEMENT_UNFILED",
        severity=Severity.WARNING if incorporates else Severity.INFO,
        message=f"{supplement.label} is {supplement.status} and not yet used or filed{what}.",
        subject="supplement",
        subject_id=supplement.id,
        data={"status": supplement.status, "rule": supplement.rule, "incorporates": incorporates},
    )


def _deadline(
    supplement: SupplementFacts, *, as_of: datetime.date, calendar: BusinessCalendar, business_days: Mapping[str, int]
) -> Finding:
    """The filing deadline of a supplement already used: due, overdue, or already a Rule 424(b)(8) filing."""
    used = long_date(supplement.first_used_on)
    due = rule_424b_due_on(
        rule=supplement.rule, first_used_on=supplement.first_used_on, calendar=calendar, business_days=business_days
    )
    data = {
        "rule": supplement.rule,
        "first_used_on": supplement.first_used_on.isoformat(),
        "due_on": due.isoformat() if due else None,
        "business_days": business_days.get(supplement.rule),
    }
    subject = {"subject": "supplement", "subject_id": supplement.id}
    if due is None:  # already a Rule 424(b)(8) filing: as soon as practicable
        message = (
            f"{supplement.label} was first used {used} and is marked for Rule {RULE_424B_LATE}: file it as soon as "
            f"practicable."
        )
        return Finding("SUPPLEMENT_FILING_OVERDUE", Severity.ERROR, message, due_on=as_of, data=data, **subject)
    if as_of > due:
        late = calendar.business_days_between(due, as_of)
        message = (
            f"{supplement.label} was first used {used}; Rule {supplement.rule} required filing by {long_date(due)}, "
            f"{late} business day{'s' if late != 1 else ''} ago. File it now under Rule {RULE_424B_LATE}."
        )
        data = {**data, "business_days_late": late, "cure": RULE_424B_LATE}
        return Finding("SUPPLEMENT_FILING_OVERDUE", Severity.ERROR, message, due_on=due, data=data, **subject)
    left = calendar.business_days_between(as_of, due)
    message = (
        f"{supplement.label} was first used {used}; Rule {supplement.rule} requires filing by {long_date(due)} "
        f"({left} business day{'s' if left != 1 else ''} left)."
    )
    data = {**data, "business_days_left": left}
    return Finding("SUPPLEMENT_FILING_DUE", Severity.WARNING, message, due_on=due, data=data, **subject)


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
        if supplement.first_used_on is None or supplement.first_used_on > as_of:
            incorporates = [reports[i].description for i in supplement.incorporates if i in reports]
            findings.append(_unfiled(supplement, incorporates))
        else:
            findings.append(_deadline(supplement, as_of=as_of, calendar=calendar, business_days=business_days))
    return findings
