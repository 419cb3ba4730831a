"""The chain of a prospectus's supplements: numbered in order, dated after what they bring in, filed after their date.

Rule 424(b) supplements to one prospectus are numbered 1, 2, 3... in the order of their dates. A supplement
cannot incorporate or attach a report filed after its own date, cannot be filed before it is dated, and a
periodic report cannot be filed before its period ends. The admin and the importer refuse the impossible
records; these findings report any already on record.
"""

from itertools import pairwise

from .dates import long_date
from .facts import RegistrationFacts, SupplementFacts
from .findings import Finding, Severity


def _numbered(registration: RegistrationFacts) -> dict[int | None, list[SupplementFacts]]:
    by_prospectus: dict[int | None, list[SupplementFacts]] = {}
    for supplement in registration.supplements:
        if supplement.number is not None:
            by_prospectus.setdefault(supplement.prospectus_id, []).append(supplement)
    return by_prospectus


def numbering_findings(registration: RegistrationFacts) -> list[Finding]:
    """SUPPLEMENT_NUMBER_REPEATED / SUPPLEMENT_NUMBER_GAP / SUPPLEMENT_NUMBER_OUT_OF_ORDER, per prospectus."""
    findings = []
    for supplements in _numbered(registration).values():
        seen: dict[int, SupplementFacts] = {}
        for supplement in sorted(supplements, key=lambda s: (s.number, s.id)):
            if supplement.number in seen:
                findings.append(
                    Finding(
                        "SUPPLEMENT_NUMBER_REPEATED",
                        Severity.ERROR,
                        f"{supplement.label} repeats the number of {seen[supplement.number].label}.",
                        "supplement",
                        supplement.id,
                        data={"number": supplement.number},
                    )
                )
            seen.setdefault(supplement.number, supplement)
        missing = sorted(set(range(1, max(seen) + 1)) - set(seen))
        if missing:
            findings.append(
                Finding(
                    "SUPPLEMENT_NUMBER_GAP",
                    Severity.WARNING,
                    f"Supplements to the prospectus are numbered up to {max(seen)} but No. "
                    f"{', '.join(str(n) for n in missing)} {'is' if len(missing) == 1 else 'are'} not on record.",
                    "supplement",
                    seen[max(seen)].id,
                    data={"missing": missing, "highest": max(seen)},
                )
            )
        dated = sorted((s for s in seen.values() if s.dated_on), key=lambda s: s.number)
        for earlier, later in pairwise(dated):
            if later.dated_on < earlier.dated_on:
                findings.append(
                    Finding(
                        "SUPPLEMENT_NUMBER_OUT_OF_ORDER",
                        Severity.WARNING,
                        f"{later.label} (No. {later.number}) is dated before {earlier.label} (No. {earlier.number}).",
                        "supplement",
                        later.id,
                        data={"number": later.number, "earlier_number": earlier.number},
                    )
                )
    return findings


def date_findings(registration: RegistrationFacts) -> list[Finding]:
    """SUPPLEMENT_DATED_BEFORE_REPORT, SUPPLEMENT_FILED_BEFORE_ITS_DATE, REPORT_FILED_BEFORE_PERIOD_END."""
    reports = {r.id: r for r in registration.reports}
    findings = []
    for supplement in registration.supplements:
        if supplement.dated_on is None:
            continue
        for report_id in sorted(supplement.brings_in):
            report = reports.get(report_id)
            if report is None or report.filed_on is None or report.filed_on <= supplement.dated_on:
                continue
            findings.append(
                Finding(
                    "SUPPLEMENT_DATED_BEFORE_REPORT",
                    Severity.ERROR,
                    f"{supplement.label} brings in the {report.description}, which was filed later, on "
                    f"{long_date(report.filed_on)}.",
                    "supplement",
                    supplement.id,
                    data={"report_id": report.id, "report_filed_on": report.filed_on.isoformat()},
                )
            )
        if supplement.filed_on is not None and supplement.filed_on < supplement.dated_on:
            findings.append(
                Finding(
                    "SUPPLEMENT_FILED_BEFORE_ITS_DATE",
                    Severity.ERROR,
                    f"{supplement.label} is recorded as filed on {long_date(supplement.filed_on)}, before its own "
                    f"date.",
                    "supplement",
                    supplement.id,
                    data={"filed_on": supplement.filed_on.isoformat(), "dated_on": supplement.dated_on.isoformat()},
                )
            )
    for report in registration.reports:
        if report.filed_on and report.period_end and report.filed_on < report.period_end:
            findings.append(
                Finding(
                    "REPORT_FILED_BEFORE_PERIOD_END",
                    Severity.ERROR,
                    f"The {report.description} is recorded as filed on {long_date(report.filed_on)}, before its "
                    f"period ended.",
                    "periodic_report",
                    report.id,
                    data={"filed_on": report.filed_on.isoformat(), "period_end": report.period_end.isoformat()},
                )
            )
    return findings


def chain_findings(registration: RegistrationFacts) -> list[Finding]:
    return [*numbering_findings(registration), *date_findings(registration)]
