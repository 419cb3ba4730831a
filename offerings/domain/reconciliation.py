"""Reconciling a registration's figures: registered amounts, their derivation from the offering, the proceeds.

Counsel reads the fee table against the description of the securities: each registered amount should be
the sum of the parts the prospectus describes, each part should follow from the private placement (units
sold x quantity per unit x shares per security), and the stated proceeds from exercise and conversion
should be the registered underlying shares times their prices.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .facts import (
    ComponentFacts,
    ConditionFacts,
    OfferingFacts,
    RegisteredAmountFacts,
    SecurityFacts,
)
from .findings import Finding, Severity

CENT = Decimal("0.01")
ISSUED = "issued"
ON_EXERCISE = "issuable_on_exercise"
ON_CONVERSION = "issuable_on_conversion"
UNDERLYING_SOURCES = (ON_EXERCISE, ON_CONVERSION)


def _count(value: Decimal | int) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _money(value: Decimal) -> str:
    return f"${value.quantize(CENT, rounding=ROUND_HALF_UP):,}"


def _price(value: Decimal) -> str:
    """$0.30 rather than $0.3; sub-cent prices keep their digits ($0.0125)."""
    value = value.normalize()
    return f"${value:,.2f}" if value.as_tuple().exponent >= -2 else f"${value:,f}"


def _number(value: Decimal | int) -> int | str:
    """JSON figure: an int where whole, else the exact decimal as a string."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def unreconciled_amounts(
    *, amounts: Sequence[RegisteredAmountFacts], securities: Mapping[int, SecurityFacts]
) -> list[Finding]:
    """REGISTERED_AMOUNT_UNRECONCILED: a registered amount that differs from the sum of its described parts.

    Where the total or a part is not stated there is nothing to add up: the records say what is known.
    """
    findings = []
    for registered in amounts:
        if not registered.components or registered.amount is None:
            continue
        if any(c.amount is None for c in registered.components):
            continue
        described = sum(c.amount for c in registered.components)
        if described == registered.amount:
            continue
        difference = registered.amount - described
        title = securities[registered.security_id].title
        parts = " + ".join(f"{c.amount:,} {c.source.replace('_', ' ')}" for c in registered.components)
        if difference > 0:
            gap = f"leaving {difference:,} shares unexplained"
        else:
            gap = f"{-difference:,} more than registered"
        findings.append(
            Finding(
                code="REGISTERED_AMOUNT_UNRECONCILED",
                severity=Severity.WARNING,
                message=f"{registered.amount:,} {title} are registered but the parts described add up to "
                f"{described:,} ({parts}), {gap}.",
                subject="registered_amount",
                subject_id=registered.id,
                data={
                    "security_id": registered.security_id,
                    "registered": registered.amount,
                    "described": described,
                    "difference": difference,
                    "components": [{"source": c.source, "amount": c.amount} for c in registered.components],
                },
            )
        )
    return findings


def implied_amount(
    *,
    component: ComponentFacts,
    registered_security: SecurityFacts,
    securities: Mapping[int, SecurityFacts],
    offerings: Mapping[int, OfferingFacts],
) -> tuple[Decimal, str] | None:
    """What the offering implies for a component (units sold x quantity per unit x shares per security),
    with the arithmetic spelled out; None where the records do not say enough to derive it."""
    offering = offerings.get(component.from_offering_id) if component.from_offering_id else None
    if offering is None or offering.units_sold is None:
        return None
    units = Decimal(offering.units_sold)
    if component.source == ISSUED:
        if registered_security.kind == "unit":
            return units, f"{offering.units_sold:,} units sold"
        quantity = offering.unit_quantities.get(registered_security.id)
        if quantity is None:
            return None
        return (
            units * quantity,
            f"{offering.units_sold:,} units x {_count(quantity)} {registered_security.title} per unit",
        )
    if component.source in UNDERLYING_SOURCES:
        source = securities.get(component.from_security_id) if component.from_security_id else None
        if source is None or source.shares_per_security is None or source.converts_into_id != registered_security.id:
            return None
        quantity = offering.unit_quantities.get(source.id)
        if quantity is None:
            return None
        return (
            units * quantity * source.shares_per_security,
            f"{offering.units_sold:,} units x {_count(quantity)} {source.title} per unit x "
            f"{_count(source.shares_per_security)} shares each",
        )
    return None


def derivation_mismatches(
    *,
    amounts: Sequence[RegisteredAmountFacts],
    securities: Mapping[int, SecurityFacts],
    offerings: Mapping[int, OfferingFacts],
) -> list[Finding]:
    """COMPONENT_DERIVATION_MISMATCH: a registered part that differs from what the offering implies."""
    findings = []
    for registered in amounts:
        security = securities[registered.security_id]
        for component in registered.components:
            derived = implied_amount(
                component=component, registered_security=security, securities=securities, offerings=offerings
            )
            if derived is None:
                continue
            implied, arithmetic = derived
            if component.amount is None or implied == component.amount:
                continue
            difference = Decimal(component.amount) - implied
            fractional = implied != implied.to_integral_value()
            explanation = (
                " Fractional entitlements rounded down holder by holder are the usual cause of a small shortfall."
                if fractional or abs(difference) < Decimal(100)
                else ""
            )
            findings.append(
                Finding(
                    code="COMPONENT_DERIVATION_MISMATCH",
                    severity=Severity.WARNING,
                    message=f"{component.amount:,} {security.title} {component.source.replace('_', ' ')} are "
                    f"registered but {arithmetic} imply {_count(implied)}, a difference of "
                    f"{_count(difference)}.{explanation}",
                    subject="registered_amount",
                    subject_id=registered.id,
                    data={
                        "component_id": component.id,
                        "source": component.source,
                        "registered": component.amount,
                        "implied": _number(implied),
                        "difference": _number(difference),
                        "offering_id": component.from_offering_id,
                    },
                )
            )
    return findings


@dataclass(frozen=True)
class ExerciseProceeds:
    """The issuer's cash if every registered exercise and conversion share is paid for."""

    terms: tuple[tuple[int, SecurityFacts], ...]  # (shares, the security they are paid for through)
    unpriced: tuple[str, ...]  # what has no exercise or conversion price on record

    @property
    def total(self) -> Decimal | None:
        """Shares x price summed over the terms; None while any price is unknown."""
        if self.unpriced:
            return None
        return sum((Decimal(n) * s.price_per_share for n, s in self.terms), Decimal(0))

    def sources(self) -> list[SecurityFacts]:
        """The warrants and convertibles paid for, each once, in the order first registered."""
        seen: dict[int, SecurityFacts] = {}
        for _, security in self.terms:
            seen.setdefault(security.id, security)
        return list(seen.values())


def exercise_proceeds(
    *, amounts: Sequence[RegisteredAmountFacts], securities: Mapping[int, SecurityFacts]
) -> ExerciseProceeds:
    """Rule of the fee table: proceeds from exercise and conversion are the registered underlying shares (the
    parts issuable on exercise or conversion) times the exercise or conversion price of their source."""
    terms = []
    unpriced = []
    for registered in amounts:
        for component in registered.components:
            if component.source not in UNDERLYING_SOURCES:
                continue
            source = securities.get(component.from_security_id) if component.from_security_id else None
            if component.amount is None:
                unpriced.append(f"an unstated number of shares from the {source.title if source else 'unnamed'}")
                continue
            if source is None or source.price_per_share is None:
                unpriced.append(source.title if source else f"{component.amount:,} shares with no source security")
                continue
            terms.append((component.amount, source))
    return ExerciseProceeds(terms=tuple(terms), unpriced=tuple(unpriced))


def proceeds_findings(
    *,
    registration_id: int,
    stated_proceeds: Decimal | None,
    amounts: Sequence[RegisteredAmountFacts],
    securities: Mapping[int, SecurityFacts],
) -> list[Finding]:
    """PROCEEDS_VERIFIED / PROCEEDS_MISMATCH / PROCEEDS_UNVERIFIABLE: the stated proceeds if every warrant is
    exercised and every convertible converted, against ``exercise_proceeds``."""
    if stated_proceeds is None:
        return []
    proceeds = exercise_proceeds(amounts=amounts, securities=securities)
    terms, unpriced = proceeds.terms, sorted(set(proceeds.unpriced))
    if not terms and not unpriced:
        return []
    stated = Decimal(stated_proceeds).quantize(CENT, rounding=ROUND_HALF_UP)
    computed = sum((Decimal(n) * s.price_per_share for n, s in terms), Decimal(0)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    arithmetic = " + ".join(f"{n:,} x {_price(s.price_per_share)}" for n, s in terms)
    data = {
        "stated": str(stated),
        "computed": str(computed),
        "terms": [{"shares": n, "security_id": s.id, "price_per_share": str(s.price_per_share)} for n, s in terms],
    }
    if unpriced:
        return [
            Finding(
                code="PROCEEDS_UNVERIFIABLE",
                severity=Severity.INFO,
                message=f"The stated proceeds of {_money(stated)} cannot be verified: no exercise or conversion "
                f"price is recorded for {', '.join(unpriced)}.",
                subject="registration",
                subject_id=registration_id,
                data={**data, "unpriced": unpriced},
            )
        ]
    if computed == stated:
        return [
            Finding(
                code="PROCEEDS_VERIFIED",
                severity=Severity.INFO,
                message=f"The stated proceeds of {_money(stated)} equal {arithmetic} = {_money(computed)}.",
                subject="registration",
                subject_id=registration_id,
                data=data,
            )
        ]
    difference = stated - computed
    return [
        Finding(
            code="PROCEEDS_MISMATCH",
            severity=Severity.ERROR,
            message=f"The stated proceeds of {_money(stated)} differ from {arithmetic} = {_money(computed)} "
            f"by {_money(abs(difference))}.",
            subject="registration",
            subject_id=registration_id,
            data={**data, "difference": str(difference)},
        )
    ]


def pending_conditions(
    *,
    conditions: Sequence[ConditionFacts],
    securities: Mapping[int, SecurityFacts],
    involved_security_ids: set[int],
    as_of: datetime.date,
) -> list[Finding]:
    """CONDITION_PENDING: exercise or conversion of a registered security waits on a condition not yet met."""
    findings = []
    for condition in conditions:
        if condition.satisfied_on is not None and condition.satisfied_on <= as_of:
            continue
        restricted = [securities[s] for s in condition.restricts if s in involved_security_ids and s in securities]
        if not restricted:
            continue
        titles = " and ".join(s.title for s in restricted)
        findings.append(
            Finding(
                code="CONDITION_PENDING",
                severity=Severity.INFO,
                message=f"Exercise or conversion of the {titles} waits on a condition not yet met: "
                f"{condition.description}",
                subject="condition",
                subject_id=condition.id,
                data={"security_ids": [s.id for s in restricted], "description": condition.description},
            )
        )
    return findings
