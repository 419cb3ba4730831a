"""Counsel's rule settings, declared in ``portal/settings/base.py`` (``COMPLIANCE_*``), read here and nowhere else.

Each default is the rule as ``docs/reference/sec-rules.md`` digests it; the items marked "verify" there are the
ones counsel may change.
"""

import datetime
from collections.abc import Mapping

from django.conf import settings

from offerings.domain import periodic_reports, rule_424b


def rule_424b_business_days() -> Mapping[str, int]:
    """``COMPLIANCE_RULE_424B_BUSINESS_DAYS`` overrides the days per Rule 424(b) paragraph, e.g. {"424(b)(2)": 2}."""
    return {**rule_424b.RULE_424B_BUSINESS_DAYS_DEFAULT, **settings.COMPLIANCE_RULE_424B_BUSINESS_DAYS}


def periodic_deadline_rules() -> tuple[periodic_reports.DeadlineRule, ...]:
    """``COMPLIANCE_PERIODIC_DEADLINES`` replaces the table: a list of {"filer_category", "kind" (annual/quarterly),
    "days", "from_fiscal_year_end" (ISO date, optional)}."""
    custom = settings.COMPLIANCE_PERIODIC_DEADLINES
    if not custom:
        return periodic_reports.PERIODIC_DEADLINES_DEFAULT
    return tuple(
        periodic_reports.DeadlineRule(
            filer_category=row["filer_category"],
            kind=periodic_reports.ReportKind(row["kind"]),
            days=int(row["days"]),
            from_fiscal_year_end=datetime.date.fromisoformat(row["from_fiscal_year_end"])
            if row.get("from_fiscal_year_end")
            else datetime.date.min,
        )
        for row in custom
    )


def rule_12b25_extension_days() -> Mapping[periodic_reports.ReportKind, int]:
    """``COMPLIANCE_RULE_12B25_EXTENSION_DAYS``: Rule 12b-25 calendar days of extension (annual 15, quarterly 5)."""
    custom = settings.COMPLIANCE_RULE_12B25_EXTENSION_DAYS
    return {
        **periodic_reports.RULE_12B25_EXTENSION_DAYS_DEFAULT,
        **{periodic_reports.ReportKind(k): int(v) for k, v in custom.items()},
    }


def stale_warning_days() -> int:
    """``COMPLIANCE_10A3_WARNING_DAYS``: warn this many days before a prospectus goes stale (default 30)."""
    return int(settings.COMPLIANCE_10A3_WARNING_DAYS)


def periodic_warning_business_days() -> int:
    """``COMPLIANCE_PERIODIC_WARNING_BUSINESS_DAYS``: a due 10-K/10-Q turns to a warning this close (default 10)."""
    return int(settings.COMPLIANCE_PERIODIC_WARNING_BUSINESS_DAYS)
