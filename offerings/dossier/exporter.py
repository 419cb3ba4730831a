"""Export a registration as a canonical ``offering-dossier/2`` document: every field, nulls and empty lists included."""

import json
from typing import Any

from ..models import (
    Condition,
    HolderTable,
    Offering,
    PeriodicReport,
    Prospectus,
    RegistrationStatement,
    Security,
    Supplement,
)
from . import canonical
from .schema import FORMAT


def _key_of(record) -> str | None:
    return record.key if record is not None else None


def security_data(security: Security) -> dict[str, Any]:
    """The security's own terms (what another registration of the issuer shares)."""
    converts = None
    if security.converts_into_id:
        converts = {
            "into": security.converts_into.key,
            "shares_per_security": security.shares_per_security,
            "price_per_share": security.price_per_share,
            "conversion_rate_per_1000": security.conversion_rate_per_1000,
            "conversion_price": security.conversion_price,
            "term": security.term,
            "expires_on": canonical.date(security.expires_on),
        }
    note = None
    if any(v is not None for v in (security.principal_amount, security.interest_rate, security.maturity_on)):
        note = {
            "principal_amount": security.principal_amount,
            "interest_rate": security.interest_rate,
            "maturity_on": canonical.date(security.maturity_on),
        }
    return canonical.security(
        {
            "key": security.key,
            "title": security.title,
            "kind": security.kind,
            "par_value": security.par_value,
            "stated_value": security.stated_value,
            "authorized": security.authorized,
            "outstanding": security.outstanding,
            "trading_symbol": security.trading_symbol,
            "market": security.market,
            "placement_agent": security.placement_agent,
            "converts": converts,
            "note": note,
        }
    )


def terms_changes_data(security: Security, registration: RegistrationStatement) -> list[dict[str, Any]]:
    """The security's history of changed terms, less the changes another registration's supplements announce."""
    changes = security.terms_changes.select_related("supplement__prospectus").order_by("id")
    return [
        canonical.terms_change(
            {
                "kind": c.kind,
                "effective_on": canonical.date(c.effective_on),
                "ends_on": canonical.date(c.ends_on),
                "price_before": c.price_before,
                "price_after": c.price_after,
                "expires_before": canonical.date(c.expires_before),
                "expires_after": canonical.date(c.expires_after),
                "after_window": c.after_window,
                "description": c.description,
                "supplement": supplement_key(c.supplement) if c.supplement else None,
            }
        )
        for c in changes
        if c.supplement is None or c.supplement.prospectus.registration_statement_id == registration.pk
    ]


def supplement_key(supplement: Supplement) -> str:
    """The key a dossier names the supplement by; one drafted in the portal is named by its id until imported."""
    return supplement.key or f"supplement-id{supplement.pk}"


def offering_data(offering: Offering) -> dict[str, Any]:
    return canonical.offering(
        {
            "key": offering.key,
            "title": offering.title,
            "closed_on": canonical.date(offering.closed_on),
            "closed_in": canonical.text(offering.closed_in),
            "units_sold": offering.units_sold,
            "price_per_unit": offering.price_per_unit,
            "unit_components": [
                {"security": c.security.key, "quantity": c.quantity} for c in offering.unit_components.all()
            ],
        }
    )


def condition_data(condition: Condition) -> dict[str, Any]:
    return canonical.condition(
        {
            "key": condition.key,
            "description": condition.description,
            "restricts": [
                row.security.key
                for row in Condition.restricts.through.objects.filter(condition=condition)
                .select_related("security")
                .order_by("id")
            ],
            "satisfied_on": canonical.date(condition.satisfied_on),
        }
    )


def report_data(report: PeriodicReport) -> dict[str, Any]:
    return {
        "key": report.key,
        "form": report.form,
        "period_end": canonical.date(report.period_end),
        "filed_on": canonical.date(report.filed_on),
        "accession_number": report.accession_number or None,
        "page_references": dict(report.page_references),
    }


def holder_table_data(table: HolderTable) -> dict[str, Any]:
    return canonical.holder_table(
        {
            "mode": table.mode,
            "security": _key_of(table.security),
            "beneficial_ownership_as_of": canonical.date(table.beneficial_ownership_as_of),
            "shares_outstanding": table.shares_outstanding,
            "shares_outstanding_as_of": canonical.date(table.shares_outstanding_as_of),
            "notes_principal_outstanding": table.notes_principal_outstanding,
            "footnotes": [{"marker": f.marker, "kind": f.kind, "text": f.text} for f in table.footnotes.order_by("id")],
            "rows": [
                {
                    "name": r.name,
                    "change": r.change,
                    "owned_before": r.owned_before,
                    "offered": r.offered,
                    "owned_after": r.owned_after,
                    "percent_after": r.percent_after,
                    "principal_owned": r.principal_owned,
                    "principal_offered": r.principal_offered,
                    "percent_of_notes": r.percent_of_notes,
                    "natural_persons": r.natural_persons,
                    "broker_dealer": r.broker_dealer,
                    "relationship": r.relationship,
                    "footnotes": [f.marker for f in r.footnotes.order_by("id")],
                }
                for r in table.rows.order_by("position", "id")
            ],
        }
    )


def _holder_tables(tables) -> list[dict[str, Any]]:
    return [holder_table_data(t) for t in tables.select_related("security").order_by("position", "id")]


def supplement_data(supplement: Supplement) -> dict[str, Any]:
    """The supplement and its content, as the canonical /2 dossier writes them."""
    return canonical.supplement(
        {
            "key": supplement_key(supplement),
            "prospectus": canonical.date(supplement.prospectus.dated_on),
            "number": supplement.number,
            "date": canonical.date(supplement.dated_on),
            "rule": supplement.rule,
            "purpose": supplement.purpose,
            "summary": supplement.summary,
            "incorporates": [row.report.key for row in supplement.incorporations.order_by("id")],
            "delivered_with": [row.report.key for row in supplement.enclosures.order_by("id")],
            "attaches": [row.report.key for row in supplement.attachments.order_by("position", "id")],
            "holder_tables": _holder_tables(supplement.holder_tables),
            "events": [
                {
                    "kind": e.kind,
                    "occurred_on": canonical.date(e.occurred_on),
                    "security": _key_of(e.security),
                    "holder": e.holder,
                    "transferee": e.transferee,
                    "shares": e.shares,
                    "principal_amount": e.principal_amount,
                    "price_per_share": e.price_per_share,
                    "proceeds": e.proceeds,
                    "description": e.description,
                }
                for e in supplement.events.select_related("security").order_by("position", "id")
            ],
            "financial_statements": [
                {"title": f.title, "period_end": canonical.date(f.period_end), "audited": f.audited, "body": f.body}
                for f in supplement.financial_statements.order_by("position", "id")
            ],
            "sections": [
                {"part": x.part, "heading": x.heading, "body": x.body}
                for x in supplement.sections.order_by("position", "id")
            ],
            "first_used_on": canonical.date(supplement.first_used_on),
            "filed": supplement.is_filed,
            "filed_on": canonical.date(supplement.filed_on),
            "accession_number": supplement.accession_number or None,
        }
    )


def prospectus_data(prospectus: Prospectus) -> dict[str, Any]:
    return {
        "date": canonical.date(prospectus.dated_on),
        "information_as_of": canonical.date(prospectus.information_as_of),
        "page_references": dict(prospectus.page_references),
        "also_covers": [r.file_number for r in prospectus.also_covers.order_by("file_number")],
        "holder_tables": _holder_tables(prospectus.holder_tables),
    }


def referenced_securities(
    registration: RegistrationStatement,
) -> tuple[list[Security], list[Offering], list[Condition]]:
    """The securities, offerings and conditions a registration refers to, closed under their references."""
    issuer = registration.issuer
    securities = {s.pk: s for s in issuer.securities.select_related("converts_into")}
    offerings = {o.pk: o for o in issuer.offerings.prefetch_related("unit_components__security")}
    wanted: set[int] = set()
    wanted_offerings: set[int] = set()
    for amount in registration.registered_amounts.prefetch_related("components"):
        wanted.add(amount.security_id)
        for component in amount.components.all():
            if component.from_security_id:
                wanted.add(component.from_security_id)
            if component.from_offering_id:
                wanted_offerings.add(component.from_offering_id)
    for offering_id in wanted_offerings:
        wanted.update(c.security_id for c in offerings[offering_id].unit_components.all())
    frontier = list(wanted)
    while frontier:
        security = securities[frontier.pop()]
        if security.converts_into_id and security.converts_into_id not in wanted:
            wanted.add(security.converts_into_id)
            frontier.append(security.converts_into_id)
    conditions = [
        c for c in issuer.conditions.prefetch_related("restricts") if any(s.pk in wanted for s in c.restricts.all())
    ]
    return (
        [s for pk, s in sorted(securities.items()) if pk in wanted],
        [o for pk, o in sorted(offerings.items()) if pk in wanted_offerings],
        conditions,
    )


def _registration_data(registration: RegistrationStatement) -> dict[str, Any]:
    amounts = registration.registered_amounts.select_related("security").prefetch_related(
        "components__from_security", "components__from_offering"
    )
    return {
        "file_number": registration.file_number,
        "form": canonical.text(registration.form),
        "filed_on": canonical.date(registration.filed_on),
        "effective_on": canonical.date(registration.effective_on),
        "last_amended_on": canonical.date(registration.last_amended_on),
        "forward_incorporation": registration.forward_incorporation,
        "resale": registration.resale,
        "stated_proceeds_if_exercised": canonical.money(registration.stated_proceeds_if_exercised),
        "registered": [
            {
                "security": amount.security.key,
                "amount": amount.amount,
                "components": [
                    {
                        "source": c.source,
                        "from_security": c.from_security.key if c.from_security_id else None,
                        "from_offering": c.from_offering.key if c.from_offering_id else None,
                        "amount": c.amount,
                        "principal_amount": canonical.money(c.principal_amount),
                    }
                    for c in amount.components.all()
                ],
            }
            for amount in amounts
        ],
        "amendments": [
            {
                "kind": a.kind,
                "number": a.number,
                "filed_on": canonical.date(a.filed_on),
                "effective_on": canonical.date(a.effective_on),
                "accession_number": a.accession_number or None,
                "annual_report": _key_of(a.annual_report),
            }
            for a in registration.amendments.select_related("annual_report").order_by("id")
        ],
    }


def _issuer_data(issuer) -> dict[str, Any]:
    return {
        "name": issuer.name,
        "cik": issuer.cik or None,
        "state_of_incorporation": canonical.text(issuer.state_of_incorporation),
        "fiscal_year_end": canonical.text(issuer.fiscal_year_end),
        "filer_category": canonical.text(issuer.filer_category),
        "exchange_act_file_number": canonical.text(issuer.exchange_act_file_number),
        "principal_market": canonical.text(issuer.principal_market),
        "foreign_private_issuer": issuer.foreign_private_issuer,
    }


def export_registration(registration: RegistrationStatement) -> dict[str, Any]:
    """The registration with everything it refers to: the issuer, the securities, offerings and conditions, all
    of the issuer's periodic reports, and the registration's prospectuses (oldest first), supplements (in the
    order they were recorded), selling stockholders and investors."""
    issuer = registration.issuer
    securities, offerings, conditions = referenced_securities(registration)
    prospectuses = list(registration.prospectuses.order_by("dated_on"))
    supplements = Supplement.objects.filter(prospectus__registration_statement=registration).select_related(
        "prospectus"
    )
    return {
        "format": FORMAT,
        "issuer": _issuer_data(issuer),
        "securities": [{**security_data(s), "terms_changes": terms_changes_data(s, registration)} for s in securities],
        "offerings": [offering_data(o) for o in offerings],
        "conditions": [condition_data(c) for c in conditions],
        "registration_statement": _registration_data(registration),
        "prospectuses": [prospectus_data(p) for p in prospectuses],
        "periodic_reports": [report_data(r) for r in issuer.periodic_reports.order_by("id")],
        "supplements": [supplement_data(s) for s in supplements.order_by("id")],
        "selling_stockholders": [
            {
                "name": h.name,
                "shares_owned_before": h.shares_owned_before,
                "shares_offered": h.shares_offered,
                "shares_owned_after": h.shares_owned_after,
                "percent_after": canonical.ratio(h.percent_after),
                "relationship": canonical.text(h.relationship),
                "email": h.email or None,
            }
            for h in registration.selling_stockholders.order_by("id")
        ],
        "investors": [
            {"name": i.name, "email": i.email or None, "postal_address": canonical.text(i.postal_address)}
            for i in registration.investors.order_by("id")
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
