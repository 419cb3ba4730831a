"""Compliance's part in the supplement workflow: approval re-runs the checks (``offerings.signals``)."""

from django.core.exceptions import ValidationError

from offerings.domain.findings import Finding, blocks_approval
from offerings.selectors.records import edgar_today

from .selectors import findings_for_registration


def check_before_approval(sender, *, supplement, override_reason: str = "", **kwargs) -> list[Finding]:
    """Refuse approval while an error finding about the supplement stands (``blocks_approval``), unless the
    approver gives a reason; return the findings weighed, which the approval records with the reason."""
    registration = supplement.prospectus.registration_statement
    findings = findings_for_registration(registration=registration, as_of=supplement.dated_on or edgar_today())
    blocking = [f for f in findings if blocks_approval(f, supplement_id=supplement.pk)]
    if blocking and not override_reason:
        raise ValidationError(
            {
                "status": [f"{f.code}: {f.message}" for f in blocking]
                + ["Correct these, or approve with an override and the reason for it."]
            }
        )
    return blocking
