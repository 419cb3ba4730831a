"""A dossier's holders and investors are written in bulk: queries do not grow with rows, every row is audited,
and one bad row leaves nothing behind."""

import copy

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import LogEntry
from offerings.dossier.importer import import_dossier
from offerings.dossier.schema import DossierError
from offerings.models import Investor, SellingStockholder
from tests.actors import TEST_ACTOR

from .test_dossier_roundtrip import row_counts, warrant_shares_dossier

pytestmark = pytest.mark.django_db


def _dossier(rows: int) -> dict:
    data = warrant_shares_dossier()
    template = data["selling_stockholders"][0]
    data["selling_stockholders"] = [
        {**copy.deepcopy(template), "name": f"Holder {n}", "email": f"holder{n}@example.com"} for n in range(rows)
    ]
    data["investors"] = [
        {"name": f"Investor {n}", "email": f"investor{n}@example.com", "postal_address": None} for n in range(rows)
    ]
    return data


def _queries(data: dict) -> int:
    """The queries of importing ``data`` into an empty portal (rolled back afterwards)."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as context:
            import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data))
        transaction.set_rollback(True)
    return len(context.captured_queries)


def test_importing_10_or_100_holders_and_investors_takes_the_same_number_of_queries():
    _queries(_dossier(1))  # the first import also fills Django's caches (content types)
    small, large = _queries(_dossier(10)), _queries(_dossier(100))
    assert abs(large - small) <= 4


def test_every_imported_holder_and_investor_has_its_audit_entry_naming_the_actor():
    registration = import_dossier(actor=TEST_ACTOR, data=_dossier(30)).registration
    for model in (Investor, SellingStockholder):
        pks = {str(pk) for pk in model.objects.filter(registration_statement=registration).values_list("pk", flat=True)}
        entries = LogEntry.objects.filter(content_type__model=model._meta.model_name, object_pk__in=pks)
        assert len(pks) == 30
        assert {e.object_pk for e in entries} == pks
        assert {e.action for e in entries} == {LogEntry.Action.CREATE}
        assert {e.actor_name for e in entries} == {"command pytest"}


def test_an_edited_investor_imported_with_update_is_audited_with_both_values():
    data = _dossier(3)
    registration = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data)).registration
    data["investors"][1]["name"] = "Investor One, renamed"
    result = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data), update=True)
    assert result.changes == ["$.investors[1].name: 'Investor 1' -> 'Investor One, renamed'"]
    investor = registration.investors.get(email="investor1@example.com")
    entries = LogEntry.objects.filter(
        content_type__model="investor", object_pk=str(investor.pk), action=LogEntry.Action.UPDATE
    )
    assert [e.changes for e in entries] == [{"name": ["Investor 1", "Investor One, renamed"]}]


def test_one_bad_row_among_many_refuses_the_file_and_leaves_nothing():
    data = _dossier(50)
    data["investors"][37]["name"] = "Bad\x00name"
    before = row_counts()
    entries = LogEntry.objects.count()
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=data)
    assert [p.path for p in caught.value.problems] == ["$.investors[37].name"]
    assert row_counts() == before
    assert LogEntry.objects.count() == entries


def test_a_holder_staff_edited_is_a_conflict_and_nothing_is_written():
    data = _dossier(20)
    registration = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data)).registration
    data["selling_stockholders"][5]["shares_offered"] += 1
    data["investors"].append({"name": "Newcomer", "email": "new@example.com", "postal_address": None})
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data))
    assert [p.path for p in caught.value.problems] == ["$.selling_stockholders[5].shares_offered"]
    assert not registration.investors.filter(email="new@example.com").exists()
