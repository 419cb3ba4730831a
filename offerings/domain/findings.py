"""What a compliance check reports: a finding with a stable code, a severity and the figures behind it."""

import datetime
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    subject: str  # "registration", "supplement", "periodic_report", "prospectus", "security", "investor", ...
    subject_id: int | None = None
    due_on: datetime.date | None = None
    data: dict[str, Any] = field(default_factory=dict)
    rule: str = ""  # the rule the finding applies, e.g. "Securities Act Rule 424(b)(3)"
    as_of: datetime.date | None = None  # the date the records were checked as of

    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER[self.severity], self.due_on or datetime.date.max, self.code, self.subject_id or 0)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "subject": self.subject,
            "subject_id": self.subject_id,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "data": self.data,
            "rule": self.rule or RULES.get(self.code, ""),
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }

    def checked(self, as_of: datetime.date) -> "Finding":
        """The finding as reported: with the rule it applies and the date it was checked as of."""
        return replace(self, rule=self.rule or RULES.get(self.code, ""), as_of=as_of)


# The rule each finding applies, as counsel would cite it.
RULES: dict[str, str] = {
    "REGISTERED_AMOUNT_UNRECONCILED": "Regulation S-K Item 507; the registration fee table",
    "COMPONENT_DERIVATION_MISMATCH": "Regulation S-K Item 507; the registration fee table",
    "PROCEEDS_VERIFIED": "Regulation S-K Item 504 (use of proceeds)",
    "PROCEEDS_MISMATCH": "Regulation S-K Item 504 (use of proceeds)",
    "PROCEEDS_UNVERIFIABLE": "Regulation S-K Item 504 (use of proceeds)",
    "PROCEEDS_REMAINING": "Regulation S-K Item 504 (use of proceeds)",
    "CONDITION_PENDING": "Regulation S-K Item 202 (description of securities)",
    "INCORPORATION_MISSING": "Securities Act Rule 424(b)(3); Form S-1 Item 12",
    "FORWARD_INCORPORATION_NOT_PERMITTED": "Form S-1 Item 12(b); Forms S-3 and F-3 Item 12",
    "SUPPLEMENT_FILING_DUE": "Securities Act Rule 424(b)",
    "SUPPLEMENT_FILING_OVERDUE": "Securities Act Rule 424(b) and (b)(8)",
    "SUPPLEMENT_UNFILED": "Securities Act Rule 424(b)",
    "PROSPECTUS_STALE_10A3": "Securities Act Section 10(a)(3)",
    "PROSPECTUS_10A3_CUTOFF_NEAR": "Securities Act Section 10(a)(3)",
    "PROSPECTUS_INFORMATION_DATE_UNKNOWN": "Securities Act Section 10(a)(3)",
    "PERIODIC_REPORT_DUE": "Exchange Act Rules 13a-1, 13a-13, 0-3 and 12b-25; Form 20-F",
    "HOLDER_AFTER_MISMATCH": "Regulation S-K Item 507",
    "HOLDER_PERCENT_MISMATCH": "Regulation S-K Item 507",
    "HOLDERS_OFFER_MORE_THAN_REGISTERED": "Regulation S-K Item 507; Securities Act Section 6",
    "NOTE_SHARES_MISMATCH": "Regulation S-K Item 507",
    "EXERCISES_EXCEED_REGISTERED": "Securities Act Section 6 (securities registered)",
    "TRANSFER_CHANGES_TOTAL": "Regulation S-K Item 507; Securities Act Rules C&DI 220.04",
    "SUPPLEMENT_NUMBER_REPEATED": "Securities Act Rule 424(b)",
    "SUPPLEMENT_NUMBER_GAP": "Securities Act Rule 424(b)",
    "SUPPLEMENT_NUMBER_OUT_OF_ORDER": "Securities Act Rule 424(b)",
    "SUPPLEMENT_DATED_BEFORE_REPORT": "Securities Act Rule 424(b)(3); Rule 412",
    "SUPPLEMENT_FILED_BEFORE_ITS_DATE": "Securities Act Rule 424(b)",
    "REPORT_FILED_BEFORE_PERIOD_END": "Exchange Act Rules 13a-1 and 13a-13",
    "DELIVERY_INCOMPLETE": "Securities Act Section 5(b)(2); Rules C&DI 620.02",
}


# Findings about when a supplement must be filed, not about what it says.
FILING_CODES = frozenset({"SUPPLEMENT_UNFILED", "SUPPLEMENT_FILING_DUE", "SUPPLEMENT_FILING_OVERDUE"})
STATED_FIGURE_SUBJECTS = frozenset({"registration", "registered_amount"})


def blocks_approval(finding: Finding, *, supplement_id: int) -> bool:
    """Maker-checker's compliance gate: an error about the supplement itself, or about the registration's
    figures it states (amounts, proceeds), stops approval until the approver records an override and a reason;
    deadlines for filing it are not about its content and do not."""
    if finding.severity != Severity.ERROR or finding.code in FILING_CODES:
        return False
    if finding.subject == "supplement":
        return finding.subject_id == supplement_id
    return finding.subject in STATED_FIGURE_SUBJECTS
