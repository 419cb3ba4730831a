"""How the canonical dossier writes values, shared by export and by the importer's comparisons."""

import datetime
from decimal import Decimal
from typing import Any

MONEY_PLACES = Decimal("0.01")


def money(value: Decimal | str | None) -> str | None:
    """Prices and proceeds: at least two decimal places ("0.30", "1781796.50", "0.0125")."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(MONEY_PLACES)
    return format(value, "f")


def ratio(value: Decimal | str | None) -> str | None:
    """Par values, ratios and percentages: no trailing zeros ("0.001", "2", "0.25")."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return format(value, "f")


def quantity(value: Decimal | int | str) -> int | str:
    """Unit components: a whole number as a JSON integer, a fraction as a decimal string."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return ratio(value)  # type: ignore[return-value]


def date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def text(value: str | None) -> str | None:
    return value if value else None


def security(item: dict[str, Any]) -> dict[str, Any]:
    """A security's own terms as the canonical /2 dossier writes them (its history of changes apart)."""
    converts, note = item.get("converts"), item.get("note")
    return {
        "key": item["key"],
        "title": item["title"],
        "kind": item["kind"],
        "par_value": ratio(item.get("par_value")),
        "stated_value": money(item.get("stated_value")),
        "authorized": item.get("authorized"),
        "outstanding": item.get("outstanding"),
        "trading_symbol": text(item.get("trading_symbol")),
        "market": text(item.get("market")),
        "placement_agent": bool(item.get("placement_agent")),
        "converts": None
        if converts is None
        else {
            "into": converts["into"],
            "shares_per_security": ratio(converts.get("shares_per_security")),
            "price_per_share": money(converts.get("price_per_share")),
            "conversion_rate_per_1000": ratio(converts.get("conversion_rate_per_1000")),
            "conversion_price": money(converts.get("conversion_price")),
            "term": text(converts.get("term")),
            "expires_on": converts.get("expires_on"),
        },
        "note": None
        if note is None
        else {
            "principal_amount": money(note.get("principal_amount")),
            "interest_rate": ratio(note.get("interest_rate")),
            "maturity_on": note.get("maturity_on"),
        },
    }


def terms_change(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": item["kind"],
        "effective_on": item.get("effective_on"),
        "ends_on": item.get("ends_on"),
        "price_before": money(item.get("price_before")),
        "price_after": money(item.get("price_after")),
        "expires_before": item.get("expires_before"),
        "expires_after": item.get("expires_after"),
        "after_window": text(item.get("after_window")),
        "description": text(item.get("description")),
        "supplement": item.get("supplement"),
    }


def offering(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": item["key"],
        "title": item["title"],
        "closed_on": item.get("closed_on"),
        "closed_in": item.get("closed_in"),
        "units_sold": item.get("units_sold"),
        "price_per_unit": money(item.get("price_per_unit")),
        "unit_components": [
            {"security": c["security"], "quantity": quantity(c["quantity"])} for c in item.get("unit_components") or []
        ],
    }


def condition(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": item["key"],
        "description": item["description"],
        "restricts": list(item["restricts"]),
        "satisfied_on": item.get("satisfied_on"),
    }


def holder_table(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "mode": item["mode"],
        "security": item.get("security"),
        "beneficial_ownership_as_of": item.get("beneficial_ownership_as_of"),
        "shares_outstanding": item.get("shares_outstanding"),
        "shares_outstanding_as_of": item.get("shares_outstanding_as_of"),
        "notes_principal_outstanding": money(item.get("notes_principal_outstanding")),
        "footnotes": [
            {"marker": f["marker"], "kind": f["kind"], "text": f["text"]} for f in item.get("footnotes") or []
        ],
        "rows": [holder_row(r) for r in item.get("rows") or []],
    }


def holder_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": item["name"],
        "change": item["change"],
        "owned_before": item.get("owned_before"),
        "offered": item.get("offered"),
        "owned_after": item.get("owned_after"),
        "percent_after": ratio(item.get("percent_after")),
        "principal_owned": money(item.get("principal_owned")),
        "principal_offered": money(item.get("principal_offered")),
        "percent_of_notes": ratio(item.get("percent_of_notes")),
        "natural_persons": text(item.get("natural_persons")),
        "broker_dealer": text(item.get("broker_dealer")),
        "relationship": text(item.get("relationship")),
        "footnotes": list(item.get("footnotes") or []),
    }


def event(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": item["kind"],
        "occurred_on": item.get("occurred_on"),
        "security": item.get("security"),
        "holder": text(item.get("holder")),
        "transferee": text(item.get("transferee")),
        "shares": item.get("shares"),
        "principal_amount": money(item.get("principal_amount")),
        "price_per_share": money(item.get("price_per_share")),
        "proceeds": money(item.get("proceeds")),
        "description": text(item.get("description")),
    }


def financial_statement(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": item["title"],
        "period_end": item.get("period_end"),
        "audited": item.get("audited"),
        "body": text(item.get("body")),
    }


def section(item: dict[str, Any]) -> dict[str, Any]:
    return {"part": item.get("part") or "general", "heading": text(item.get("heading")), "body": item["body"]}


def supplement(item: dict[str, Any]) -> dict[str, Any]:
    """A supplement and its content as the canonical /2 dossier writes them."""
    return {
        "key": item["key"],
        "prospectus": item["prospectus"],
        "number": item.get("number"),
        "date": item.get("date"),
        "rule": item["rule"],
        "purpose": item["purpose"],
        "summary": text(item.get("summary")),
        "incorporates": list(item.get("incorporates") or []),
        "delivered_with": list(item.get("delivered_with") or []),
        "attaches": list(item.get("attaches") or []),
        "holder_tables": [holder_table(t) for t in item.get("holder_tables") or []],
        "events": [event(e) for e in item.get("events") or []],
        "financial_statements": [financial_statement(f) for f in item.get("financial_statements") or []],
        "sections": [section(x) for x in item.get("sections") or []],
        "first_used_on": item.get("first_used_on"),
        "filed": bool(item.get("filed")),
        "filed_on": item.get("filed_on"),
        "accession_number": item.get("accession_number"),
    }
