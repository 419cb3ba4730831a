"""Selling holder tables (Regulation S-K Item 507) read as counsel reads them: each row, and the table as it stands.

A prospectus's table is restated by a supplement that restates it and changed row by row by one that amends
it (rows added, amended, removed). The arithmetic of each row, the table against what is registered, the
percentages against the shares outstanding, and note holders' shares against the conversion rate must all
hold; a finding names the figures that do not.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .facts import HolderRowFacts, HolderTableFacts, RegisteredAmountFacts, RegistrationFacts, SecurityFacts
from .findings import Finding, Severity

THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PlacedTable:
    """A table with where it stands: the prospectus's own (supplement None) or a supplement's."""

    table: HolderTableFacts
    supplement_id: int | None
    label: str


def tables_in_order(registration: RegistrationFacts) -> list[PlacedTable]:
    """The current prospectus's tables, then those of its supplements in date order (undated last)."""
    prospectus = registration.prospectus
    if prospectus is None:
        return []
    placed = [
        PlacedTable(t, None, f"the prospectus dated {prospectus.dated_on.isoformat()}")
        for t in prospectus.holder_tables
    ]
    supplements = [s for s in registration.supplements if s.prospectus_id in (None, prospectus.id)]
    for supplement in sorted(supplements, key=lambda s: (s.dated_on is None, s.dated_on or prospectus.dated_on, s.id)):
        placed += [PlacedTable(t, supplement.id, supplement.label) for t in supplement.holder_tables]
    return placed


def current_rows(tables: Sequence[PlacedTable], security_id: int | None) -> dict[str, HolderRowFacts]:
    """The table of one class as it stands after every restatement and amendment, holder name -> row."""
    rows: dict[str, HolderRowFacts] = {}
    for placed in tables:
        if placed.table.security_id != security_id:
            continue
        if placed.table.mode == "restate":
            rows = {}
        for row in placed.table.rows:
            if row.change == "removed":
                rows.pop(row.name, None)
            else:
                rows[row.name] = row
    return rows


def _subject(placed: PlacedTable) -> dict:
    if placed.supplement_id is None:
        return {"subject": "holder_table", "subject_id": placed.table.id}
    return {"subject": "supplement", "subject_id": placed.supplement_id}


def row_arithmetic(tables: Sequence[PlacedTable]) -> list[Finding]:
    """HOLDER_AFTER_MISMATCH: a holder's shares owned after the offering are owned before less those offered."""
    findings = []
    for placed in tables:
        for row in placed.table.rows:
            if row.change == "removed" or None in (row.owned_before, row.offered, row.owned_after):
                continue
            expected = row.owned_before - row.offered
            if expected == row.owned_after:
                continue
            findings.append(
                Finding(
                    "HOLDER_AFTER_MISMATCH",
                    Severity.ERROR,
                    f"{row.name} in the table of {placed.label}: {row.owned_before:,} owned before less "
                    f"{row.offered:,} offered is {expected:,}, but the table shows {row.owned_after:,} owned after.",
                    data={
                        "holder": row.name,
                        "owned_before": row.owned_before,
                        "offered": row.offered,
                        "owned_after": row.owned_after,
                        "expected_owned_after": expected,
                    },
                    **_subject(placed),
                )
            )
    return findings


def _places(value: Decimal) -> Decimal:
    """The rounding a stated percentage shows: its decimals without trailing zeros, at least one (4.2%)."""
    exponent = value.normalize().as_tuple().exponent
    return Decimal(1).scaleb(min(int(exponent), -1))


def percent_arithmetic(tables: Sequence[PlacedTable]) -> list[Finding]:
    """HOLDER_PERCENT_MISMATCH: percent after = owned after / shares outstanding, to the places the table states."""
    findings = []
    for placed in tables:
        outstanding = placed.table.shares_outstanding
        if not outstanding:
            continue
        for row in placed.table.rows:
            if row.change == "removed" or row.percent_after is None or row.owned_after is None:
                continue
            computed = (Decimal(row.owned_after) * HUNDRED / Decimal(outstanding)).quantize(
                _places(row.percent_after), rounding=ROUND_HALF_UP
            )
            if computed == row.percent_after.quantize(_places(row.percent_after)):
                continue
            findings.append(
                Finding(
                    "HOLDER_PERCENT_MISMATCH",
                    Severity.WARNING,
                    f"{row.name} in the table of {placed.label}: {row.owned_after:,} of {outstanding:,} shares "
                    f"outstanding is {computed}%, but the table shows {row.percent_after.normalize()}%.",
                    data={
                        "holder": row.name,
                        "owned_after": row.owned_after,
                        "shares_outstanding": outstanding,
                        "stated_percent": str(row.percent_after),
                        "computed_percent": str(computed),
                    },
                    **_subject(placed),
                )
            )
    return findings


def offered_within_registered(
    *, tables: Sequence[PlacedTable], amounts: Sequence[RegisteredAmountFacts], securities: Mapping[int, SecurityFacts]
) -> list[Finding]:
    """HOLDERS_OFFER_MORE_THAN_REGISTERED: the holders of a class, as the table now stands, offer no more than the
    registration registers of that class."""
    findings = []
    for amount in amounts:
        if amount.amount is None:
            continue
        rows = current_rows(tables, amount.security_id)
        offered = sum(r.offered or 0 for r in rows.values())
        if not rows or offered <= amount.amount:
            continue
        title = securities[amount.security_id].title if amount.security_id in securities else "securities"
        findings.append(
            Finding(
                "HOLDERS_OFFER_MORE_THAN_REGISTERED",
                Severity.ERROR,
                f"The selling holders offer {offered:,} {title} as the table now stands, {offered - amount.amount:,} "
                f"more than the {amount.amount:,} registered.",
                "registered_amount",
                amount.id,
                data={"offered": offered, "registered": amount.amount, "holders": len(rows)},
            )
        )
    return findings


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _note_rate(table: HolderTableFacts, securities: Mapping[int, SecurityFacts]) -> SecurityFacts | None:
    """The convertible note whose conversion shares the table's class is: one note with a rate, or none."""
    notes = [
        s
        for s in securities.values()
        if s.converts_into_id == table.security_id and s.conversion_rate_per_1000 is not None
    ]
    return notes[0] if len(notes) == 1 else None


def note_conversion_shares(tables: Sequence[PlacedTable], securities: Mapping[int, SecurityFacts]) -> list[Finding]:
    """NOTE_SHARES_MISMATCH: a note holder's shares offered = principal offered x conversion rate / 1,000.

    The finding names the rate the holder's shares imply and the principal they would fit at the note's rate.
    """
    findings = []
    for placed in tables:
        note = _note_rate(placed.table, securities)
        if note is None:
            continue
        rate = note.conversion_rate_per_1000
        for row in placed.table.rows:
            if row.change == "removed" or not row.principal_offered or row.offered is None:
                continue
            expected = row.principal_offered * rate / THOUSAND
            if expected == row.offered:
                continue
            implied_rate = (Decimal(row.offered) * THOUSAND / row.principal_offered).quantize(Decimal("0.0001"))
            fits = (Decimal(row.offered) * THOUSAND / rate).quantize(Decimal("0.01"))
            findings.append(
                Finding(
                    "NOTE_SHARES_MISMATCH",
                    Severity.ERROR,
                    f"{row.name} in the table of {placed.label}: ${row.principal_offered:,.2f} of {note.title} at "
                    f"{rate.normalize():,f} shares per $1,000 converts into {expected.normalize():,f} shares, but "
                    f"the table offers {row.offered:,}; that implies {implied_rate.normalize():,f} shares per $1,000, "
                    f"or ${fits:,.2f} of principal at the note's rate.",
                    data={
                        "holder": row.name,
                        "principal_offered": str(row.principal_offered),
                        "conversion_rate_per_1000": str(rate),
                        "expected_shares": _plain(expected),
                        "offered": row.offered,
                        "implied_rate_per_1000": _plain(implied_rate),
                        "principal_at_rate": str(fits),
                    },
                    **_subject(placed),
                )
            )
    return findings


def holder_findings(
    *,
    registration: RegistrationFacts,
    amounts: Sequence[RegisteredAmountFacts],
    securities: Mapping[int, SecurityFacts],
) -> list[Finding]:
    """Every holder-table check of one registration."""
    tables = tables_in_order(registration)
    return [
        *row_arithmetic(tables),
        *percent_arithmetic(tables),
        *offered_within_registered(tables=tables, amounts=amounts, securities=securities),
        *note_conversion_shares(tables, securities),
    ]
