"""Approval re-runs the compliance checks for the supplement: an error about it blocks approval until the
approver records an override with a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from offerings.models import PeriodicReport, SupplementIncorporation, SupplementStatus
from offerings.services import supplements as supplement_services
from tests.actors import TEST_ACTOR
from tests.factories import SupplementFactory

pytestmark = pytest.mark.django_db


def _supplement_dated_before_its_report(bestnet):
    """A draft that incorporates a report filed after the draft's date (recorded before the model refused it)."""
    report = PeriodicReport.objects.create(
        issuer=bestnet.issuer,
        key="late_10qsb",
        form="10-QSB",
        period_end=datetime.date(2003, 8, 31),
        filed_on=datetime.date(2003, 10, 15),
    )
    draft = SupplementFactory(prospectus=bestnet.prospectuses.get(), dated_on=datetime.date(2003, 9, 1))
    SupplementIncorporation.objects.create(supplement=draft, report=report)
    return supplement_services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=draft)


def test_an_error_about_the_supplement_blocks_approval(bestnet):
    draft = _supplement_dated_before_its_report(bestnet)
    with pytest.raises(ValidationError, match="SUPPLEMENT_DATED_BEFORE_REPORT"):
        supplement_services.approve_supplement(actor=TEST_ACTOR, supplement=draft)
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.REVIEW


def test_an_override_with_a_reason_approves_and_keeps_the_findings_weighed(bestnet):
    draft = _supplement_dated_before_its_report(bestnet)
    approval = supplement_services.approve(
        actor=TEST_ACTOR, supplement=draft, override_reason="  The report date is a typo in the source; see memo. "
    )
    assert approval.supplement.status == SupplementStatus.APPROVED
    assert approval.override_reason == "The report date is a typo in the source; see memo."
    assert [f.code for f in approval.findings] == ["SUPPLEMENT_DATED_BEFORE_REPORT"]


def test_the_override_and_the_findings_are_in_the_audit_trail(bestnet):
    from audit.models import LogEntry

    draft = _supplement_dated_before_its_report(bestnet)
    supplement_services.approve(actor=TEST_ACTOR, supplement=draft, override_reason="See counsel's memo of July 21.")
    [entry] = LogEntry.objects.filter(event="approved", object_pk=str(draft.pk))
    assert entry.actor_name == "command pytest"
    assert entry.additional_data["override_reason"] == "See counsel's memo of July 21."
    assert [f["code"] for f in entry.additional_data["findings"]] == ["SUPPLEMENT_DATED_BEFORE_REPORT"]
    assert LogEntry.objects.filter(event="submitted", object_pk=str(draft.pk)).exists()
