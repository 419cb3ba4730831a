"""An import never silently rewrites what staff changed: conflicts name both values; --update lists each change."""

import copy
import io
import json

import pytest
from django.core.management import call_command

from offerings.dossier.importer import import_dossier, import_dossier_bytes
from offerings.dossier.schema import DossierError
from offerings.models import RegistrationStatement, Supplement
from offerings.services.records import save_record
from tests.actors import TEST_ACTOR

from .test_dossier_roundtrip import row_counts, warrant_shares_dossier

pytestmark = pytest.mark.django_db


def _edited_by_staff(bestnet) -> RegistrationStatement:
    """A registration fact the filed supplement does not state (its dates are stated: see test_filed_records)."""
    registration = RegistrationStatement.objects.get(pk=bestnet.pk)
    registration.forward_incorporation = True
    return save_record(actor=TEST_ACTOR, record=registration)


def test_a_registration_fact_staff_edited_is_a_conflict_naming_both_values_and_nothing_changes(bestnet, bestnet_data):
    _edited_by_staff(bestnet)
    before = row_counts()
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(bestnet_data))
    [problem] = caught.value.problems
    assert problem.path == "$.registration_statement.forward_incorporation"
    assert "True" in problem.message and "False" in problem.message
    assert "--update" in problem.message
    assert row_counts() == before
    assert RegistrationStatement.objects.get(pk=bestnet.pk).forward_incorporation is True


def test_with_update_the_dossier_value_is_taken_and_each_change_is_listed(bestnet, bestnet_data):
    _edited_by_staff(bestnet)
    result = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(bestnet_data), update=True)
    assert result.changes == ["$.registration_statement.forward_incorporation: True -> False"]
    assert RegistrationStatement.objects.get(pk=bestnet.pk).forward_incorporation is False


def test_the_import_command_with_update_prints_every_change(bestnet, bestnet_data, tmp_path):
    _edited_by_staff(bestnet)
    path = tmp_path / "bestnet.json"
    path.write_text(json.dumps(bestnet_data))
    with pytest.raises(SystemExit):
        call_command("import_dossier", str(path), stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_dossier", str(path), "--update", stdout=out)
    assert "changed $.registration_statement.forward_incorporation: True -> False" in out.getvalue()


def test_an_edited_holder_and_investor_are_conflicts_too(bestnet, bestnet_data):
    data = copy.deepcopy(bestnet_data)
    data["investors"] = [{"name": "Ann Investor", "email": "ann@example.com", "postal_address": None}]
    import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data))
    investor = bestnet.investors.get()
    investor.name = "Ann B. Investor"
    save_record(actor=TEST_ACTOR, record=investor)
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data))
    assert [p.path for p in caught.value.problems] == ["$.investors[0].name"]


def test_two_unnumbered_supplements_of_the_same_date_stay_two():
    data = warrant_shares_dossier()
    [first] = data["supplements"]
    first["number"] = None
    second = {**copy.deepcopy(first), "summary": "A second update the same day."}
    data["supplements"] = [first, second]
    import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data))
    assert Supplement.objects.count() == 2
    again = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data))
    assert not again.changed and Supplement.objects.count() == 2


def test_an_accession_number_without_a_filing_date_records_a_filed_supplement(bestnet_data):
    data = copy.deepcopy(bestnet_data)
    data["supplements"][0]["filed_on"] = None
    registration = import_dossier(actor=TEST_ACTOR, data=data).registration
    supplement = Supplement.objects.get(prospectus__registration_statement=registration)
    assert supplement.is_filed and supplement.filed_on is None
    assert supplement.accession_number == "0000950147-03-000829"


def test_a_filing_an_import_brings_names_the_file_and_its_sha256_in_the_audit_trail(bestnet_data):
    import hashlib

    from audit.models import LogEntry

    raw = json.dumps(bestnet_data).encode()
    registration = import_dossier_bytes(actor=TEST_ACTOR, raw=raw, name="bestnet.json").registration
    supplement = Supplement.objects.get(prospectus__registration_statement=registration)
    [entry] = LogEntry.objects.filter(event="filed", object_pk=str(supplement.pk))
    assert entry.actor_name == "command pytest"
    assert entry.additional_data["how"] == "filed elsewhere"
    assert entry.additional_data["source"] == {"file": "bestnet.json", "sha256": hashlib.sha256(raw).hexdigest()}
