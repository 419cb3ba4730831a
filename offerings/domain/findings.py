"""What a compliance check reports: a finding with a stable code, a severity and the figures behind it."""

import datetime
from dataclasses import dataclass, field
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
        }
