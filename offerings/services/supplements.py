"""A supplement's life: draft -> in review -> approved -> filed, each step by an actor.

Review and approved may go back to draft for changes (approved only while no investor holds its documents).
Apps above the records take part through ``offerings.signals``: documents renders and freezes the renditions
on approval and discards them on return to draft; delivery refuses a return once a package holds them.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.context import audited
from audit.events import record_event

from .. import signals
from ..actors import Actor, SystemActor
from ..models import FiledRecordError, Supplement, SupplementStatus
from ..selectors.approvals import approval_in_progress

# Draft -> in review -> approved -> filed, no step skipped; in review and approved may go back to draft.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    SupplementStatus.DRAFT: frozenset({SupplementStatus.REVIEW}),
    SupplementStatus.REVIEW: frozenset({SupplementStatus.DRAFT, SupplementStatus.APPROVED}),
    SupplementStatus.APPROVED: frozenset({SupplementStatus.DRAFT, SupplementStatus.FILED}),
    SupplementStatus.FILED: frozenset(),
}


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


def require_permission(actor: Actor, permission: str, what: str) -> None:
    """A signed-in user acts only within their role; a command or task (``SystemActor``) acts for the firm."""
    if isinstance(actor, SystemActor) or actor.has_perm(permission):
        return
    raise PermissionDenied(f"{actor.get_username()} may not {what}: that needs the {permission} permission.")


def refuse_while_approving(supplement: Supplement) -> None:
    """Rule: while its approval job is queued or running, a supplement does not change (the worker approves what
    the reviewer approved); checked before the row lock, which the running job holds for the whole render."""
    job = approval_in_progress(supplement=supplement) if supplement.pk is not None else None
    if job is not None:
        raise ValidationError(
            {
                "status": f"Approval job {job.pk} for {supplement} is {job.get_status_display().lower()}; "
                "wait until it has finished."
            }
        )


def _locked(supplement: Supplement) -> Supplement:
    return Supplement.objects.select_for_update().get(pk=supplement.pk)


@audited
@transaction.atomic
def save_supplement(*, actor: Actor, supplement: Supplement) -> Supplement:
    """Create a draft or save staff's changes to one; approved and filed supplements refuse (return to draft)."""
    refuse_while_approving(supplement)
    stored = _locked(supplement) if supplement.pk is not None else None
    if stored is not None and stored.is_frozen:
        raise FiledRecordError(f"{stored} is {stored.get_status_display().lower()}; return it to draft before editing.")
    if not isinstance(actor, SystemActor):
        supplement.changed_by = actor  # maker-checker: this user may not approve it
    supplement.full_clean()
    supplement.save()
    return supplement


@audited
@transaction.atomic
def update_supplement(*, actor: Actor, supplement: Supplement, **fields) -> Supplement:
    """Change fields of a draft (or one in review) by name."""
    supplement = _locked(supplement)
    for name, value in fields.items():
        setattr(supplement, name, value)
    return save_supplement(actor=actor, supplement=supplement)


@audited
@transaction.atomic
def delete_supplement(*, actor: Actor, supplement: Supplement) -> None:
    if supplement.is_filed:
        raise FiledRecordError(f"{supplement} is filed; a filed supplement cannot be deleted.")
    supplement.delete()


@audited
@transaction.atomic
def submit_supplement_for_review(*, actor: Actor, supplement: Supplement) -> Supplement:
    require_permission(actor, "offerings.submit_supplement", "submit a supplement for review")
    supplement = _locked(supplement)
    _check_transition(supplement, SupplementStatus.REVIEW)
    supplement.full_clean()
    supplement.status = SupplementStatus.REVIEW
    supplement.save(update_fields=["status", "updated_at"])
    record_event(actor=actor, record=supplement, event="submitted", data={})
    return supplement


@audited
@transaction.atomic
def return_supplement_to_draft(*, actor: Actor, supplement: Supplement, reason: str = "") -> Supplement:
    """Back to draft for changes; receivers of ``supplement_return_to_draft_requested`` may refuse."""
    require_permission(actor, "offerings.review_supplement", "send a supplement back to draft")
    refuse_while_approving(supplement)
    supplement = _locked(supplement)
    _check_transition(supplement, SupplementStatus.DRAFT)
    signals.supplement_return_to_draft_requested.send(Supplement, supplement=supplement, actor=actor)
    supplement.status = SupplementStatus.DRAFT
    supplement.save(update_fields=["status", "updated_at"])
    record_event(actor=actor, record=supplement, event="returned_to_draft", data={"reason": " ".join(reason.split())})
    signals.supplement_returned_to_draft.send(Supplement, supplement=supplement, actor=actor)
    return supplement


@dataclass(frozen=True)
class Approval:
    supplement: Supplement
    findings: list  # the compliance findings weighed at approval (offerings.domain.findings.Finding)
    override_reason: str
    self_approved: bool  # the approver also last changed the draft (allowed only by PORTAL_ALLOW_SELF_APPROVAL)


def _maker_checker(actor: Actor, supplement: Supplement) -> bool:
    """Maker-checker: the user who last changed the draft does not approve it, unless the firm's setting allows
    it (a one-person firm); returns whether this approval is such a self-approval."""
    if isinstance(actor, SystemActor) or supplement.changed_by_id != actor.pk:
        return False
    if settings.PORTAL_ALLOW_SELF_APPROVAL:
        return True
    raise ValidationError(
        {"status": f"{actor.get_username()} last changed this draft; another reviewer must approve it (maker-checker)."}
    )


@audited
@transaction.atomic
def approve_supplement(*, actor: Actor, supplement: Supplement, override_reason: str = "") -> Supplement:
    """Approve a supplement in review; see ``approve`` for what approval checks and records."""
    return approve(actor=actor, supplement=supplement, override_reason=override_reason).supplement


def check_approval(*, actor: Actor, supplement: Supplement, override_reason: str = "") -> Approval:
    """Whether ``actor`` may approve the supplement now, changing nothing: the reviewer's permission, a supplement
    in review, maker-checker, the record's own validation and, through ``supplement_approval_requested``, no
    compliance error about it unless ``override_reason`` is given. Raises ``PermissionDenied`` or
    ``ValidationError`` naming what stands in the way. Locks the supplement's row (call it in a transaction);
    returns the ``Approval`` it would record, with the locked supplement."""
    require_permission(actor, "offerings.review_supplement", "approve a supplement")
    supplement = _locked(supplement)
    _check_transition(supplement, SupplementStatus.APPROVED)
    self_approved = _maker_checker(actor, supplement)
    supplement.full_clean()
    reason = " ".join(override_reason.split())
    findings = []
    for _, weighed in signals.supplement_approval_requested.send(
        Supplement, supplement=supplement, actor=actor, override_reason=reason
    ):
        findings += weighed or []
    return Approval(supplement=supplement, findings=findings, override_reason=reason, self_approved=self_approved)


@audited
@transaction.atomic
def approve(*, actor: Actor, supplement: Supplement, override_reason: str = "") -> Approval:
    """Approval freezes the content, once ``check_approval`` allows it. ``supplement_approved`` receivers then
    render and store the documents; a failure there (``signals.SignalActionError``) rolls the approval back.
    The admin does not call this in the request: ``approvals.request_approval`` queues it for the task worker."""
    checked = check_approval(actor=actor, supplement=supplement, override_reason=override_reason)
    supplement = checked.supplement
    supplement.status = SupplementStatus.APPROVED
    supplement.save(update_fields=["status", "updated_at"])
    record_event(
        actor=actor,
        record=supplement,
        event="approved",
        data={
            "findings": [{"code": f.code, "severity": str(f.severity), "message": f.message} for f in checked.findings],
            "override_reason": checked.override_reason,
            "self_approved": checked.self_approved,
        },
    )
    signals.supplement_approved.send(Supplement, supplement=supplement, actor=actor)
    return checked


def _set_filing(
    supplement: Supplement,
    *,
    actor: Actor,
    filed_on: datetime.date | None,
    accession_number: str | None,
    how: str,
    source: dict | None = None,
) -> None:
    supplement.filed_on = filed_on
    supplement.accession_number = accession_number or None
    supplement.full_clean()
    supplement.status = SupplementStatus.FILED
    supplement.save()
    data = {"filed_on": filed_on.isoformat() if filed_on else None, "accession_number": accession_number, "how": how}
    if source:
        data["source"] = source
    record_event(actor=actor, record=supplement, event="filed", data=data)


@audited
@transaction.atomic
def file_supplement(
    *, actor: Actor, supplement: Supplement, filed_on: datetime.date, accession_number: str
) -> Supplement:
    """Record the EDGAR filing of an approved supplement; from here on it is never edited or deleted."""
    require_permission(actor, "offerings.file_supplement", "record the filing of a supplement")
    supplement = _locked(supplement)
    _check_transition(supplement, SupplementStatus.FILED)
    if not filed_on:
        raise ValidationError({"filed_on": "Enter the EDGAR filing date."})
    if not accession_number:
        raise ValidationError({"accession_number": "Enter the EDGAR accession number of the filing."})
    _set_filing(supplement, actor=actor, filed_on=filed_on, accession_number=accession_number, how="recorded")
    return supplement


@audited
@transaction.atomic
def record_filed_supplement(
    *,
    actor: Actor,
    supplement: Supplement,
    filed_on: datetime.date | None,
    accession_number: str | None,
    source: dict | None = None,
) -> Supplement:
    """Record a supplement filed outside the portal's workflow (an imported dossier's history) as filed.

    Its filing date and accession number may be unknown: an earlier supplement known only by its number, or
    only by its accession number, is filed all the same (never a draft that looks overdue). Its documents are
    rendered from the records on first use, as for any filed supplement. ``source`` names where the record came
    from (an imported dossier's file name and SHA-256); the audit trail keeps it with the filing.
    """
    require_permission(actor, "offerings.file_supplement", "record a supplement as filed")
    if supplement.pk is not None:
        supplement = _locked(supplement)
        if supplement.is_filed:
            raise FiledRecordError(f"{supplement} is filed already.")
    _set_filing(
        supplement,
        actor=actor,
        filed_on=filed_on,
        accession_number=accession_number,
        how="filed elsewhere",
        source=source,
    )
    return supplement
