"""Recording periodic reports, and drafting the supplements that must bring them into the prospectus."""

from dataclasses import dataclass

from django.db import transaction

from audit.context import audited

from ..actors import Actor
from ..domain.incorporation import needs_incorporation
from ..models import (
    PeriodicReport,
    RegistrationStatement,
    Supplement,
    SupplementEnclosure,
    SupplementIncorporation,
    SupplementPurpose,
    SupplementRule,
)
from ..selectors.facts import issuer_facts, registration_facts
from ..selectors.records import current_prospectus


def registrations_needing_incorporation(*, report: PeriodicReport) -> list[RegistrationStatement]:
    """The issuer's registrations whose prospectus must add ``report`` by supplement (``needs_incorporation``)."""
    issuer = issuer_facts(report.issuer)
    fact = next(r for r in issuer.reports if r.id == report.pk)
    return [
        registration
        for registration in RegistrationStatement.objects.filter(issuer_id=report.issuer_id).order_by("file_number")
        if needs_incorporation(registration=registration_facts(registration, issuer), report=fact)
    ]


@audited
@transaction.atomic
def draft_incorporation_supplements(*, actor: Actor, report: PeriodicReport) -> list[Supplement]:
    """Draft a Rule 424(b)(3) incorporation update for each registration that must add ``report``.

    The draft is dated the day the report was filed, incorporates it and lists, as delivered with it, the latest
    annual report and the reports filed since that annual report: what investors need alongside the prospectus.
    """
    drafts = []
    for registration in registrations_needing_incorporation(report=report):
        supplement = Supplement(
            prospectus=current_prospectus(registration=registration),
            dated_on=report.filed_on,
            rule=SupplementRule.B3,
            purpose=SupplementPurpose.INCORPORATION_UPDATE,
            summary=f"Updates the list of documents incorporated by reference in the prospectus with the "
            f"{report.describe()}.",
        )
        supplement.full_clean()
        supplement.save()
        SupplementIncorporation.objects.create(supplement=supplement, report=report)
        for enclosed in reports_to_deliver_with(report=report):
            SupplementEnclosure.objects.create(supplement=supplement, report=enclosed)
        drafts.append(supplement)
    return drafts


def reports_to_deliver_with(*, report: PeriodicReport) -> list[PeriodicReport]:
    """The latest annual report up to ``report`` and every 10-Q filed after it, ending with ``report``.

    A new annual report supersedes the earlier annual and quarterly reports, so it is delivered alone.
    """
    if report.is_annual:
        return [report]
    reports = [r for r in report.issuer.periodic_reports.all() if r.period_end and r.pk != report.pk]
    annual = [r for r in reports if r.is_annual and report.period_end and r.period_end <= report.period_end]
    latest_annual = max(annual, key=lambda r: r.period_end, default=None)
    result = []
    if latest_annual is not None:
        result.append(latest_annual)
        result.extend(
            sorted(
                (r for r in reports if r.is_quarterly and latest_annual.period_end < r.period_end < report.period_end),
                key=lambda r: r.period_end,
            )
        )
    result.append(report)
    return result


@dataclass(frozen=True)
class RecordedReport:
    report: PeriodicReport
    drafts: list[Supplement]  # the incorporation supplements drafted for it


@audited
@transaction.atomic
def record_periodic_report(*, actor: Actor, report: PeriodicReport, auto_draft: bool = True) -> RecordedReport:
    """Record a new 10-K/10-Q/8-K (an unsaved ``PeriodicReport``) and, with ``auto_draft``, draft the supplements
    that must incorporate it."""
    if not report.key:
        report.key = _report_key(report)
    report.full_clean()
    report.save()
    drafts = draft_incorporation_supplements(actor=actor, report=report) if auto_draft else []
    return RecordedReport(report=report, drafts=drafts)


@audited
@transaction.atomic
def update_periodic_report(*, actor: Actor, report: PeriodicReport) -> PeriodicReport:
    """Save staff's changes to a report already on record (drafts nothing: its supplements exist or not)."""
    report.full_clean()
    report.save()
    return report


def _report_key(report: PeriodicReport) -> str:
    stem = report.form.lower().replace("-", "").replace("/", "_").replace(" ", "_")
    suffix = f"_{report.period_end:%Y_%m}" if report.period_end else ""
    key = f"r{stem}{suffix}"
    existing = set(
        PeriodicReport.objects.filter(issuer=report.issuer, key__startswith=key).values_list("key", flat=True)
    )
    candidate, n = key, 2
    while candidate in existing:
        candidate, n = f"{key}_{n}", n + 1
    return candidate
