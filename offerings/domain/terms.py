"""Terms in force and what events did to them: repricings, exercises, conversions, transfers.

A permanent repricing or an anti-dilution reset sets the price from its effective date; a temporary repricing
applies only within its window. Exercises and conversions reduce what remains issuable, and so the proceeds
still to come; a transfer moves shares between holders and changes no total.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .dates import long_date
from .facts import RegisteredAmountFacts, RegistrationFacts, SecurityFacts
from .findings import Finding, Severity
from .holders import current_rows, tables_in_order
from .reconciliation import UNDERLYING_SOURCES

CENT = Decimal("0.01")
PERMANENT = ("repricing", "anti_dilution_reset")
USED_UP = ("exercise", "conversion")


def price_in_force(security: SecurityFacts, as_of: datetime.date) -> Decimal | None:
    """The exercise or conversion price on ``as_of``: the latest change in effect then, else the original."""
    price = security.price_per_share
    for change in sorted(security.terms_changes, key=lambda c: c.effective_on or datetime.date.min):
        if change.price_after is None or (change.effective_on and change.effective_on > as_of):
            continue
        if change.kind in PERMANENT:
            price = change.price_after
    for change in security.terms_changes:
        started = change.effective_on is None or change.effective_on <= as_of
        open_window = change.ends_on is None or as_of <= change.ends_on
        if change.kind == "temporary_repricing" and change.price_after is not None and started and open_window:
            price = change.price_after
    return price


def used_shares(registration: RegistrationFacts, security_id: int, as_of: datetime.date) -> int:
    """Shares already issued on exercise or conversion of ``security_id`` by ``as_of`` (as supplements report)."""
    return sum(
        e.shares or 0
        for s in registration.supplements
        for e in s.events
        if e.kind in USED_UP and e.security_id == security_id and (e.occurred_on is None or e.occurred_on <= as_of)
    )


@dataclass(frozen=True)
class Remaining:
    security: SecurityFacts
    registered: int
    used: int
    price: Decimal | None

    @property
    def shares(self) -> int:
        return max(self.registered - self.used, 0)


def remaining_issuable(
    *,
    registration: RegistrationFacts,
    amounts: Sequence[RegisteredAmountFacts],
    securities: Mapping[int, SecurityFacts],
    as_of: datetime.date,
) -> list[Remaining]:
    """Per warrant or convertible: the registered shares issuable on its exercise or conversion (all its parts
    together), those already used, and the price in force."""
    registered: dict[int, int] = {}
    for amount in amounts:
        for component in amount.components:
            if component.source not in UNDERLYING_SOURCES or component.amount is None:
                continue
            if component.from_security_id in securities:
                registered[component.from_security_id] = (
                    registered.get(component.from_security_id, 0) + component.amount
                )
    return [
        Remaining(securities[i], shares, used_shares(registration, i, as_of), price_in_force(securities[i], as_of))
        for i, shares in registered.items()
    ]


def terms_findings(
    *,
    registration: RegistrationFacts,
    amounts: Sequence[RegisteredAmountFacts],
    securities: Mapping[int, SecurityFacts],
    as_of: datetime.date,
) -> list[Finding]:
    """EXERCISES_EXCEED_REGISTERED (error) and PROCEEDS_REMAINING (info, once terms changed or shares were used)."""
    remaining = remaining_issuable(registration=registration, amounts=amounts, securities=securities, as_of=as_of)
    findings = [
        Finding(
            "EXERCISES_EXCEED_REGISTERED",
            Severity.ERROR,
            f"{r.used:,} shares have been issued on exercise or conversion of the {r.security.title} by "
            f"{long_date(as_of)}, more than the {r.registered:,} registered.",
            "security",
            r.security.id,
            data={"used": r.used, "registered": r.registered},
        )
        for r in remaining
        if r.used > r.registered
    ]
    changed = [r for r in remaining if r.used or r.security.terms_changes]
    if changed and all(r.price is not None for r in remaining):
        total = sum((Decimal(r.shares) * r.price for r in remaining), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
        terms = "; ".join(
            f"{r.shares:,} {r.security.title} shares at ${r.price.normalize():,f} ({r.used:,} of {r.registered:,} used)"
            for r in remaining
        )
        findings.append(
            Finding(
                "PROCEEDS_REMAINING",
                Severity.INFO,
                f"As of {long_date(as_of)}, at the prices then in force, the remaining exercises and conversions "
                f"would bring ${total:,.2f}: {terms}.",
                "registration",
                registration.id,
                data={
                    "total": str(total),
                    "terms": [
                        {"security_id": r.security.id, "remaining": r.shares, "used": r.used, "price": str(r.price)}
                        for r in remaining
                    ],
                },
            )
        )
    return findings


def transfer_findings(registration: RegistrationFacts) -> list[Finding]:
    """TRANSFER_CHANGES_TOTAL: a supplement that reports only transfers leaves the total offered as it was."""
    tables = tables_in_order(registration)
    findings = []
    for supplement in registration.supplements:
        kinds = {e.kind for e in supplement.events}
        if kinds != {"transfer"} or not supplement.holder_tables:
            continue
        index = next(i for i, t in enumerate(tables) if t.supplement_id == supplement.id)
        for security_id in {t.table.security_id for t in tables if t.supplement_id == supplement.id}:
            before = sum(r.offered or 0 for r in current_rows(tables[:index], security_id).values())
            through = tables[: index + len(supplement.holder_tables)]  # a supplement's tables stand together
            after = sum(r.offered or 0 for r in current_rows(through, security_id).values())
            if before and before != after:
                findings.append(
                    Finding(
                        "TRANSFER_CHANGES_TOTAL",
                        Severity.WARNING,
                        f"{supplement.label} reports only transfers, yet the holders' total offered moves from "
                        f"{before:,} to {after:,} shares.",
                        "supplement",
                        supplement.id,
                        data={"before": before, "after": after},
                    )
                )
    return findings
