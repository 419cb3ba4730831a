"""Writes to the offering records. Every function is keyword-only, atomic and validates with full_clean()."""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    FiledRecordError,
    Issuer,
    PeriodicReport,
    RegistrationStatement,
    Supplement,
    SupplementEnclosure,
    SupplementIncorporation,
    SupplementPurpose,
    SupplementRule,
    SupplementStatus,
)
from .selectors import current_prospectus, edgar_today

NOT_INCORPORATED_FORMS = frozenset({"DEF 14A"})

# Draft -> review -> approved -> filed; review and approved may go back to draft for changes.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    SupplementStatus.DRAFT: frozenset({SupplementStatus.REVIEW, SupplementStatus.APPROVED}),
    SupplementStatus.REVIEW: frozenset({SupplementStatus.DRAFT, SupplementStatus.APPROVED}),
    SupplementStatus.APPROVED: frozenset({SupplementStatus.DRAFT, SupplementStatus.FILED}),
    SupplementStatus.FILED: frozenset(),
}

# Called inside the approving transaction with the supplement; rendering registers its freezer here
# so that approval fails, and the supplement stays a draft, if the documents cannot be produced.
on_approve: list[Callable[[Supplement], None]] = []
# Called inside the transaction that returns an approved supplement to draft: rendering discards the frozen
# documents; delivery refuses (by raising ValidationError) once investors have been sent them.
on_return_to_draft: list[Callable[[Supplement], None]] = []


def _check_transition(supplement: Supplement, to_status: str) -> None:
    if supplement.status == SupplementStatus.FILED:
        raise FiledRecordError(f"{supplement} is filed; its status cannot change.")
    if to_status not in ALLOWED_TRANSITIONS[supplement.status]:
        raise ValidationError(
            {
                "status": f"A supplement cannot go from {supplement.get_status_display().lower()} "
                f"to {SupplementStatus(to_status).label.lower()}."
            }
        )


@transaction.atomic
def submit_supplement_for_review(*, supplement: Supplement) -> Supplement:
    supplement = Supplement.objects.select_for_update().get(pk=supplement.pk)
    _check_transition(supplement, SupplementStatus.REVIEW)
    supplement.full_clean()
    supplement.status = SupplementStatus.REVIEW
    supplement.save(update_fields=["status", "updated_at"])
    return supplement


@transaction.atomic
def return_supplement_to_draft(*, supplement: Supplement) -> Supplement:
    supplement = Supplement.objects.select_for_update().get(pk=supplement.pk)
    _check_transition(supplement, SupplementStatus.DRAFT)
    supplement.status = SupplementStatus.DRAFT
    supplement.save(update_fields=["status", "updated_at"])
    for hook in on_return_to_draft:
        hook(supplement)
    return supplement


@transaction.atomic
def approve_supplement(*, supplement: Supplement) -> Supplement:
    """Approval freezes the content: the registered ``on_approve`` hooks render and store the documents."""
    supplement = Supplement.objects.select_for_update().get(pk=supplement.pk)
    _check_transition(supplement, SupplementStatus.APPROVED)
    supplement.full_clean()
    supplement.status = SupplementStatus.APPROVED
    supplement.save(update_fields=["status", "updated_at"])
    for hook in on_approve:
        hook(supplement)
    return supplement


@transaction.atomic
def file_supplement(*, supplement: Supplement, filed_on: datetime.date, accession_number: str) -> Supplement:
    """Record the EDGAR filing of an approved supplement; from here on it is never edited or deleted."""
    supplement = Supplement.objects.select_for_update().get(pk=supplement.pk)
    _check_transition(supplement, SupplementStatus.FILED)
    supplement.filed_on = filed_on
    supplement.accession_number = accession_number or None
    if supplement.accession_number is None:
        raise ValidationError({"accession_number": "Enter the EDGAR accession number of the filing."})
    supplement.full_clean()
    supplement.status = SupplementStatus.FILED
    supplement.save()
    return supplement


@transaction.atomic
def update_supplement(*, supplement: Supplement, **fields) -> Supplement:
    supplement = Supplement.objects.select_for_update().get(pk=supplement.pk)
    if supplement.is_frozen:
        raise FiledRecordError(
            f"{supplement} is {supplement.get_status_display().lower()}; return it to draft before editing."
        )
    for name, value in fields.items():
        setattr(supplement, name, value)
    supplement.full_clean()
    supplement.save()
    return supplement


@transaction.atomic
def delete_supplement(*, supplement: Supplement) -> None:
    if supplement.is_filed:
        raise FiledRecordError(f"{supplement} is filed; a filed supplement cannot be deleted.")
    supplement.delete()


def registrations_needing_incorporation(*, report: PeriodicReport) -> list[RegistrationStatement]:
    """Registrations without forward incorporation that are in use and do not yet incorporate ``report``.

    Without forward incorporation (Form SB-2, S-2, S-1 without it) every new Exchange Act report that
    should reach investors is added to the prospectus by a Rule 424(b)(3) supplement. A registration is in
    use once it is effective or has a prospectus. A post-effective amendment filed on or after the report
    brings the prospectus up to date itself, and proxy statements are not incorporated this way.
    """
    if report.form in NOT_INCORPORATED_FORMS:
        return []
    registrations = RegistrationStatement.objects.filter(issuer_id=report.issuer_id).exclude(forward_incorporation=True)
    result = []
    for registration in registrations:
        prospectus = current_prospectus(registration=registration)
        if prospectus is None:
            continue
        if report.filed_on and prospectus.dated_on >= report.filed_on:
            continue
        if registration.effective_on and report.filed_on and registration.effective_on > report.filed_on:
            continue
        amended = [a.filed_on for a in registration.amendments.all()]
        if registration.last_amended_on:
            amended.append(registration.last_amended_on)
        if report.filed_on and amended and max(amended) >= report.filed_on:
            continue
        already = SupplementIncorporation.objects.filter(
            report=report, supplement__prospectus__registration_statement=registration
        ).exists()
        if not already:
            result.append(registration)
    return result


@transaction.atomic
def draft_incorporation_supplements(*, report: PeriodicReport) -> list[Supplement]:
    """Draft a Rule 424(b)(3) incorporation update for each registration that must add ``report``.

    The draft incorporates the report and lists, as delivered with it, the latest annual report and the
    reports filed since that annual report, which is what investors need alongside the prospectus.
    """
    drafts = []
    for registration in registrations_needing_incorporation(report=report):
        prospectus = current_prospectus(registration=registration)
        supplement = Supplement(
            prospectus=prospectus,
            dated_on=report.filed_on or edgar_today(),
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


@transaction.atomic
def record_periodic_report(*, issuer: Issuer, auto_draft: bool = True, **fields) -> PeriodicReport:
    """Record a 10-K/10-Q/8-K and draft the supplements that must incorporate it."""
    report = PeriodicReport(issuer=issuer, **fields)
    if not report.key:
        report.key = _report_key(report)
    report.full_clean()
    report.save()
    if auto_draft:
        draft_incorporation_supplements(report=report)
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
