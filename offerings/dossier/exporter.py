"""Export a registration as a canonical ``offering-dossier/1`` document: every field, nulls included."""

import json
from typing import Any

from ..models import (
    Condition,
    Offering,
    PeriodicReport,
    RegistrationStatement,
    Security,
    Supplement,
)
from ..selectors.records import current_prospectus
from . import canonical
from .schema import FORMAT


def security_data(security: Security) -> dict[str, Any]:
    converts = None
    if security.converts_into_id:
        converts = {
            "into": security.converts_into.key,
            "shares_per_security": security.shares_per_security,
            "price_per_share": security.price_per_share,
            "term": security.term,
            "expires_on": canonical.date(security.expires_on),
        }
    return canonical.security(
        {
            "key": security.key,
            "title": security.title,
            "kind": security.kind,
            "par_value": security.par_value,
            "authorized": security.authorized,
            "outstanding": security.outstanding,
            "converts": converts,
        }
    )


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


def supplement_data(supplement: Supplement) -> dict[str, Any]:
    return {
        "number": supplement.number,
        "date": canonical.date(supplement.dated_on),
        "rule": supplement.rule,
        "purpose": supplement.purpose,
        "summary": canonical.text(supplement.summary),
        "incorporates": [row.report.key for row in supplement.incorporations.all()],
        "delivered_with": [row.report.key for row in supplement.enclosures.all()],
        "first_used_on": canonical.date(supplement.first_used_on),
        "filed_on": canonical.date(supplement.filed_on),
        "accession_number": supplement.accession_number or None,
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


def export_registration(registration: RegistrationStatement) -> dict[str, Any]:
    issuer = registration.issuer
    securities, offerings, conditions = referenced_securities(registration)
    prospectus = current_prospectus(registration=registration)
    supplements = (
        prospectus.supplements.order_by("id").prefetch_related("incorporations__report", "enclosures__report")
        if prospectus
        else []
    )
    return {
        "format": FORMAT,
        "issuer": {
            "name": issuer.name,
            "cik": issuer.cik or None,
            "state_of_incorporation": canonical.text(issuer.state_of_incorporation),
            "fiscal_year_end": canonical.text(issuer.fiscal_year_end),
            "filer_category": canonical.text(issuer.filer_category),
            "exchange_act_file_number": canonical.text(issuer.exchange_act_file_number),
            "principal_market": canonical.text(issuer.principal_market),
        },
        "securities": [security_data(s) for s in securities],
        "offerings": [offering_data(o) for o in offerings],
        "conditions": [condition_data(c) for c in conditions],
        "registration_statement": {
            "file_number": registration.file_number,
            "form": canonical.text(registration.form),
            "filed_on": canonical.date(registration.filed_on),
            "effective_on": canonical.date(registration.effective_on),
            "last_amended_on": canonical.date(registration.last_amended_on),
            "forward_incorporation": registration.forward_incorporation,
            "resale": registration.resale,
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
                        }
                        for c in amount.components.all()
                    ],
                }
                for amount in registration.registered_amounts.select_related("security").prefetch_related(
                    "components__from_security", "components__from_offering"
                )
            ],
            "stated_proceeds_if_exercised": canonical.money(registration.stated_proceeds_if_exercised),
        },
        "prospectus": {
            "date": canonical.date(prospectus.dated_on) if prospectus else None,
            "page_references": dict(prospectus.page_references) if prospectus else {},
        },
        "periodic_reports": [report_data(r) for r in issuer.periodic_reports.order_by("id")],
        "supplements": [supplement_data(s) for s in supplements],
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
