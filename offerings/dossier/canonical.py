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
    converts = item.get("converts")
    return {
        "key": item["key"],
        "title": item["title"],
        "kind": item["kind"],
        "par_value": ratio(item.get("par_value")),
        "authorized": item.get("authorized"),
        "outstanding": item.get("outstanding"),
        "converts": None
        if converts is None
        else {
            "into": converts["into"],
            "shares_per_security": ratio(converts["shares_per_security"]),
            "price_per_share": money(converts.get("price_per_share")),
            "term": text(converts.get("term")),
            "expires_on": converts.get("expires_on"),
        },
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
