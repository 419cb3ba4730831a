"""The compliance check as a JSON document (schema: compliance/schemas/compliance-check-1.schema.json)."""

import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any

from offerings.domain.findings import Finding
from offerings.models import RegistrationStatement

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "compliance-check-1.schema.json"
FORMAT = "compliance-check/1"


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def check_report(*, as_of: datetime.date, results: list[tuple[RegistrationStatement, list[Finding]]]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "as_of": as_of.isoformat(),
        "registrations": [
            {
                "file_number": registration.file_number,
                "issuer": registration.issuer.name,
                "findings": [f.as_json() for f in findings],
            }
            for registration, findings in results
        ],
    }
