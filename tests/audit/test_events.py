"""Workflow events: one audit entry each, naming the actor, with the facts of the step."""

import datetime
from decimal import Decimal

import pytest

from audit import chain
from audit.events import record_event
from audit.models import Event, LogEntry
from offerings.actors import SystemActor
from tests import factories


def test_an_approval_is_one_entry_with_the_findings_and_the_override(since, staff, db):
    supplement = factories.SupplementFactory()
    mark = since()
    findings = [{"code": "INCORPORATION_MISSING", "severity": "error", "due_on": datetime.date(2020, 8, 17)}]
    entry = record_event(
        actor=staff,
        record=supplement,
        event=Event.APPROVED,
        data={"findings": findings, "override_reason": "Counsel accepts: the 10-Q is attached instead."},
    )
    assert mark.entries() == [entry]
    entry.refresh_from_db()
    assert (entry.event, entry.action, entry.changes) == ("approved", LogEntry.Action.UPDATE, None)
    assert entry.object_id == supplement.pk and entry.object_repr == str(supplement)
    assert entry.actor == staff and entry.actor_name == "counsel"
    assert entry.additional_data == {
        "findings": [{"code": "INCORPORATION_MISSING", "severity": "error", "due_on": "2020-08-17"}],
        "override_reason": "Counsel accepts: the 10-Q is attached instead.",
    }
    assert str(entry).startswith("Approved: ")
    assert chain.verify().ok


def test_a_filing_by_a_command_records_date_and_accession_number(since, db):
    supplement = factories.SupplementFactory()
    mark = since()
    record_event(
        actor=SystemActor("import_dossier"),
        record=supplement,
        event="filed",
        data={"filed_on": datetime.date(2020, 8, 14), "accession_number": "0001234567-20-000042", "fee": Decimal("0")},
    )
    [entry] = mark.entries()
    assert entry.actor_id is None and entry.actor_name == "command import_dossier"
    assert entry.additional_data == {"filed_on": "2020-08-14", "accession_number": "0001234567-20-000042", "fee": "0"}


@pytest.mark.parametrize("event", ["submitted", "returned_to_draft", "published", "link_issued", "link_revoked"])
def test_every_workflow_event_is_accepted(event, staff, db):
    record_event(actor=staff, record=factories.SupplementFactory(), event=event, data={"reason": "x"})


def test_unknown_events_unsaved_records_and_missing_actors_are_refused(staff, db):
    supplement = factories.SupplementFactory()
    with pytest.raises(ValueError, match="Unknown audit event"):
        record_event(actor=staff, record=supplement, event="aproved", data={})
    with pytest.raises(ValueError, match="saved record"):
        record_event(actor=staff, record=factories.SupplementFactory.build(), event="approved", data={})
    with pytest.raises(TypeError):
        record_event(actor=None, record=supplement, event="approved", data={})
    assert not LogEntry.objects.filter(event__gt="").exists()
