"""Registered amounts, their derivation from the placement, the proceeds, and pending conditions."""

import datetime
from decimal import Decimal

from compliance.selectors import findings_for_registration
from offerings.domain.findings import Severity
from offerings.domain.reconciliation import (
    ComponentFacts,
    ConditionFacts,
    OfferingFacts,
    RegisteredAmountFacts,
    SecurityFacts,
    derivation_mismatches,
    pending_conditions,
    proceeds_findings,
    unreconciled_amounts,
)
from offerings.models import ComponentSource, RegisteredAmount, RegisteredComponent, SecurityKind, UnitComponent
from tests.factories import OfferingFactory, RegistrationStatementFactory, SecurityFactory, WarrantFactory

from .conftest import codes, only

COMMON = SecurityFacts(id=1, title="common stock", kind="common")
WARRANT = SecurityFacts(
    id=2,
    title="warrants",
    kind="warrant",
    converts_into_id=1,
    shares_per_security=Decimal("1"),
    price_per_share=Decimal("0.50"),
)
UNIT = SecurityFacts(id=3, title="units", kind="unit")
SECURITIES = {s.id: s for s in (COMMON, WARRANT, UNIT)}
# 4,029,342 units, each one share and a quarter warrant
OFFERING = OfferingFacts(
    id=10, title="Unit placement", units_sold=4_029_342, unit_quantities={1: Decimal("1"), 2: Decimal("0.25")}
)


def _amount(*components, amount=None):
    return RegisteredAmountFacts(
        id=100, security_id=1, amount=amount or sum(c.amount for c in components), components=components
    )


def test_quarter_warrants_rounded_per_holder_show_as_a_derivation_mismatch():
    amount = _amount(
        ComponentFacts(id=1, source="issued", amount=4_029_342, from_security_id=3, from_offering_id=10),
        ComponentFacts(id=2, source="issuable_on_exercise", amount=1_007_333, from_security_id=2, from_offering_id=10),
    )
    [finding] = derivation_mismatches(amounts=[amount], securities=SECURITIES, offerings={10: OFFERING})
    assert finding.code == "COMPONENT_DERIVATION_MISMATCH"
    assert finding.severity == Severity.WARNING
    assert finding.data["implied"] == "1007335.5"
    assert finding.data["registered"] == 1_007_333
    assert finding.data["difference"] == "-2.5"
    assert "1,007,335.5" in finding.message
    assert "rounded" in finding.message


def test_only_the_component_that_differs_from_the_placement_is_reported():
    amount = _amount(
        ComponentFacts(id=1, source="issued", amount=4_029_342, from_security_id=3, from_offering_id=10),
        ComponentFacts(
            id=2, source="issuable_on_exercise", amount=4_029_342 // 4, from_security_id=2, from_offering_id=10
        ),
    )
    offering = OfferingFacts(
        id=10, title="x", units_sold=4_029_340, unit_quantities={1: Decimal(1), 2: Decimal("0.25")}
    )
    found = derivation_mismatches(amounts=[amount], securities=SECURITIES, offerings={10: offering})
    # issued shares: 4,029,340 units x 1 = 4,029,340, not the 4,029,342 registered; exercise shares match
    assert [(f.data["component_id"], f.data["difference"]) for f in found] == [(1, 2)]


def test_component_without_an_offering_cannot_be_derived_and_is_left_alone():
    amount = _amount(ComponentFacts(id=1, source="issued", amount=5, from_security_id=3))
    assert derivation_mismatches(amounts=[amount], securities=SECURITIES, offerings={10: OFFERING}) == []


def test_registered_amount_more_than_its_parts_names_the_unexplained_shares():
    amount = _amount(
        ComponentFacts(id=1, source="issued", amount=1_000),
        ComponentFacts(id=2, source="other", amount=500),
        amount=1_600,
    )
    [finding] = unreconciled_amounts(amounts=[amount], securities=SECURITIES)
    assert finding.data["difference"] == 100
    assert "leaving 100 shares unexplained" in finding.message


def test_parts_exceeding_the_registered_amount_are_reported_too():
    amount = _amount(ComponentFacts(id=1, source="issued", amount=1_000), amount=900)
    [finding] = unreconciled_amounts(amounts=[amount], securities=SECURITIES)
    assert finding.data["difference"] == -100
    assert "100 more than registered" in finding.message


def _exercise(amount=1_007_333):
    return _amount(
        ComponentFacts(id=2, source="issuable_on_exercise", amount=amount, from_security_id=2, from_offering_id=10)
    )


def test_proceeds_to_the_cent_are_verified():
    [finding] = proceeds_findings(
        registration_id=5, stated_proceeds=Decimal("503666.50"), amounts=[_exercise()], securities=SECURITIES
    )
    assert (finding.code, finding.severity) == ("PROCEEDS_VERIFIED", Severity.INFO)


def test_proceeds_that_differ_are_an_error_naming_the_difference():
    [finding] = proceeds_findings(
        registration_id=5, stated_proceeds=Decimal("503667.75"), amounts=[_exercise()], securities=SECURITIES
    )
    assert (finding.code, finding.severity) == ("PROCEEDS_MISMATCH", Severity.ERROR)
    assert finding.data["difference"] == "1.25"
    assert "$1.25" in finding.message and "$503,666.50" in finding.message


def test_proceeds_with_an_unknown_price_are_unverifiable():
    securities = {**SECURITIES, 2: SecurityFacts(id=2, title="warrants", kind="warrant", converts_into_id=1)}
    [finding] = proceeds_findings(
        registration_id=5, stated_proceeds=Decimal("503666.50"), amounts=[_exercise()], securities=securities
    )
    assert (finding.code, finding.severity) == ("PROCEEDS_UNVERIFIABLE", Severity.INFO)
    assert "warrants" in finding.message


def test_no_stated_proceeds_means_nothing_to_verify():
    assert (
        proceeds_findings(registration_id=5, stated_proceeds=None, amounts=[_exercise()], securities=SECURITIES) == []
    )


def test_condition_satisfied_by_the_as_of_date_is_no_longer_pending():
    condition = ConditionFacts(
        id=9, description="Stockholder vote.", restricts=[2], satisfied_on=datetime.date(2003, 9, 1)
    )
    kwargs = {"conditions": [condition], "securities": SECURITIES, "involved_security_ids": {1, 2}}
    assert codes(pending_conditions(as_of=datetime.date(2003, 8, 31), **kwargs)) == ["CONDITION_PENDING"]
    assert pending_conditions(as_of=datetime.date(2003, 9, 1), **kwargs) == []


def test_condition_on_a_security_outside_the_registration_is_ignored():
    condition = ConditionFacts(id=9, description="Vote.", restricts=[2])
    assert (
        pending_conditions(
            conditions=[condition], securities=SECURITIES, involved_security_ids={1}, as_of=datetime.date(2003, 9, 1)
        )
        == []
    )


def test_selectors_feed_the_records_to_the_rules(db):
    """The quarter-warrant registration built as records, checked end to end."""
    common = SecurityFactory()
    issuer = common.issuer
    warrant = WarrantFactory(issuer=issuer, converts_into=common, price_per_share=Decimal("0.50"))
    unit = SecurityFactory(issuer=issuer, key="unit", title="units", kind=SecurityKind.UNIT, par_value=None)
    offering = OfferingFactory(issuer=issuer, units_sold=4_029_342)
    UnitComponent.objects.create(offering=offering, security=common, quantity=Decimal("1"))
    UnitComponent.objects.create(offering=offering, security=warrant, quantity=Decimal("0.25"))
    registration = RegistrationStatementFactory(issuer=issuer, stated_proceeds_if_exercised=Decimal("503666.50"))
    registered = RegisteredAmount.objects.create(registration_statement=registration, security=common, amount=5_036_675)
    RegisteredComponent.objects.create(
        registered_amount=registered,
        source=ComponentSource.ISSUED,
        from_security=unit,
        from_offering=offering,
        amount=4_029_342,
    )
    RegisteredComponent.objects.create(
        registered_amount=registered,
        source=ComponentSource.ISSUABLE_ON_EXERCISE,
        from_security=warrant,
        from_offering=offering,
        amount=1_007_333,
    )

    findings = findings_for_registration(registration=registration, as_of=datetime.date(2020, 6, 1))

    mismatch = only(findings, "COMPONENT_DERIVATION_MISMATCH")
    assert (mismatch.subject, mismatch.subject_id) == ("registered_amount", registered.pk)
    assert mismatch.data["implied"] == "1007335.5"
    assert only(findings, "PROCEEDS_VERIFIED").data["computed"] == "503666.50"
    assert "REGISTERED_AMOUNT_UNRECONCILED" not in codes(findings)
