"""The context reads the records with a fixed number of queries and states the proceeds only when it can."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import context, selectors
from offerings.dossier.importer import import_dossier
from offerings.models import Supplement
from tests.actors import TEST_ACTOR

from . import dossiers


def _supplement(data: dict) -> Supplement:
    """Import ``data`` (over the records of an earlier call: ``update`` takes the dossier's values)."""
    registration = import_dossier(actor=TEST_ACTOR, data=data, update=True).registration
    return Supplement.objects.get(prospectus__registration_statement=registration)


def _queries(supplement: Supplement) -> int:
    with CaptureQueriesContext(connection) as captured:
        context.build_context(supplement=supplement)
    return len(captured)


def _more_holders(data: dict) -> None:
    extra = [dict(holder, name=f"{holder['name']} II") for holder in data["selling_stockholders"]]
    data["selling_stockholders"] += extra
    data["registration_statement"]["registered"][0]["amount"] *= 2


# The bundle reads the supplement, the registered amounts, their components, the offerings' unit components, the
# issuer's reports, the pending conditions, the incorporated, delivered and attached reports, the sections, the
# holder tables, the changes of terms, the events, the financial statements, the amendments and the registrations
# a Rule 429 prospectus also covers: 16 queries; a prefetch with nothing to follow runs none.
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (dossiers.warrant_shares_dossier, 16),
        (dossiers.quarter_warrant_units_dossier, 17),  # a pending condition: its securities are one query more
        (dossiers.holders_update_dossier, 16),  # its holders are one more; no offering, so no unit components
    ],
)
def test_the_context_reads_the_records_with_a_fixed_number_of_queries(db, make, expected):
    assert _queries(_supplement(make())) == expected


def test_the_number_of_queries_does_not_grow_with_the_holders(db):
    fifty = _supplement(dossiers.holders_update_dossier())
    hundred = _supplement(dossiers.with_changes(dossiers.holders_update_dossier(), _more_holders))
    assert context.build_context(supplement=hundred).row_count == 2 * dossiers.HOLDER_COUNT
    assert _queries(fifty) == _queries(hundred)


def test_assembling_a_loaded_bundle_runs_no_query(db, django_assert_num_queries):
    bundle = selectors.supplement_bundle(_supplement(dossiers.quarter_warrant_units_dossier()))
    with django_assert_num_queries(0):
        doc = context.assemble_context(bundle)
    assert doc.selling is not None and doc.incorporation is not None
    assert doc.metadata.author == "Harborline Therapeutics Corp."


def _prices(*prices):
    def change(data: dict) -> None:
        for security, price in zip(data["securities"][1:], prices, strict=True):
            security["converts"]["price_per_share"] = price

    return dossiers.with_changes(dossiers.warrant_shares_dossier(), change)


def test_the_proceeds_are_stated_when_every_price_is_known(db):
    doc = context.build_context(supplement=_supplement(_prices("1.25", "2.40")))
    assert doc.proceeds_sentence == (
        "We would receive up to $3,050,000.00 in total upon the exercise of all of the Class A warrants and "
        "Class B warrants."
    )


def test_no_figure_is_stated_while_a_price_is_unknown(db):
    assert context.build_context(supplement=_supplement(_prices("1.25", None))).proceeds_sentence == ""


def test_exercise_without_payment_is_stated_as_such(db):
    doc = context.build_context(supplement=_supplement(_prices("0", "0")))
    assert (
        doc.proceeds_sentence
        == "We would receive no payment upon the exercise of the Class A warrants and Class B warrants."
    )
