"""Import an ``offering-dossier/1`` document in one transaction, writing every record through the services.

Keys are local to a dossier. An existing issuer is recognised by CIK (or exact name where the CIK is null),
a periodic report by accession number (or form and period end), and a security, offering or condition by
its key within the issuer. Shared facts that differ are refused, never rewritten: an import cannot change
what another registration relies on. The registration's own facts (amounts, prospectus, draft supplements,
holders, investors) are brought up to date; filed supplements must match exactly.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from ..actors import Actor
from ..models import (
    Condition,
    Investor,
    Issuer,
    Offering,
    PeriodicReport,
    Prospectus,
    RegisteredAmount,
    RegisteredComponent,
    RegistrationStatement,
    Security,
    SellingStockholder,
    Supplement,
    SupplementEnclosure,
    SupplementIncorporation,
    UnitComponent,
)
from ..services.records import delete_record, save_record
from ..services.supplements import record_filed_supplement, save_supplement
from . import canonical, exporter
from .schema import DossierError, Problem, parse, short, validate


@dataclass
class ImportResult:
    registration: RegistrationStatement
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        def describe(counter: Counter) -> str:
            return ", ".join(f"{n} {what}" for what, n in sorted(counter.items())) or "nothing"

        return (
            f"Registration No. {self.registration.file_number}: created {describe(self.created)}; "
            f"updated {describe(self.updated)}."
        )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


# Shared records compared in canonical form: (stored record -> dict, dossier item -> dict).
SHARED = {
    "security": (exporter.security_data, canonical.security),
    "offering": (exporter.offering_data, canonical.offering),
    "condition": (exporter.condition_data, canonical.condition),
}


def _differences(stored: Any, incoming: Any, path: str) -> list[tuple[str, Any, Any]]:
    if isinstance(stored, dict) and isinstance(incoming, dict):
        found = []
        for key in stored.keys() | incoming.keys():
            found.extend(_differences(stored.get(key), incoming.get(key), f"{path}.{key}"))
        return sorted(found, key=lambda item: item[0])
    return [] if stored == incoming else [(path, stored, incoming)]


class _Import:
    def __init__(self, data: dict[str, Any], actor: Actor):
        self.data = data
        self.actor = actor
        self.problems: list[Problem] = []
        self.created: Counter = Counter()
        self.updated: Counter = Counter()
        self.securities: dict[str, Security] = {}
        self.offerings: dict[str, Offering] = {}
        self.reports: dict[str, PeriodicReport] = {}

    # -- helpers --------------------------------------------------------------------------------------
    def save(self, instance: models.Model, path: str, fields: dict[str, str] | None = None, service=None) -> bool:
        """Write through the services (``save_record`` unless another is given), reporting each invalid field
        at its JSON path."""
        try:
            if service is not None:
                service(actor=self.actor, supplement=instance)
            else:
                save_record(actor=self.actor, record=instance)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                where = path if name == "__all__" else f"{path}.{(fields or {}).get(name, name)}"
                for message in messages:
                    self.problems.append(Problem(where, message))
            return False
        return True

    def conflict(self, path: str, what: str, stored: Any, incoming: Any) -> None:
        """Report each field where a shared record differs, at that field's JSON path, with both values."""
        for where, old, new in _differences(stored, incoming, path):
            self.problems.append(
                Problem(
                    where,
                    f"{what} already exists with {short(old)} here; this dossier has {short(new)}. An import "
                    f"never rewrites facts that other registrations rely on.",
                )
            )

    def same_terms(self, path: str, what: str, stored: models.Model, item: dict[str, Any], forms) -> None:
        """A shared record (security, offering, condition) must have the terms the dossier gives it."""
        stored_form, incoming_form = forms
        if stored_form(stored) != incoming_form(item):
            self.conflict(path, what, stored_form(stored), incoming_form(item))

    def fail_if_problems(self) -> None:
        if self.problems:
            raise DossierError(self.problems)

    # -- sections -------------------------------------------------------------------------------------
    def issuer(self) -> Issuer:
        item = self.data["issuer"]
        values = {
            "name": item["name"],
            "cik": item.get("cik"),
            "state_of_incorporation": item.get("state_of_incorporation") or "",
            "fiscal_year_end": item.get("fiscal_year_end") or "",
            "filer_category": item.get("filer_category") or "",
            "exchange_act_file_number": item.get("exchange_act_file_number") or "",
            "principal_market": item.get("principal_market") or "",
        }
        if values["cik"]:
            issuer = Issuer.objects.filter(cik=values["cik"]).first()
        else:
            issuer = Issuer.objects.filter(name=values["name"], cik__isnull=True).first()
        if issuer is None:
            issuer = Issuer(**values)
            if self.save(issuer, "$.issuer"):
                self.created["issuer"] += 1
            self.fail_if_problems()
            return issuer
        changed = False
        for name, value in values.items():
            stored = getattr(issuer, name)
            if value in ("", None) or stored == value:
                continue
            if stored in ("", None):
                setattr(issuer, name, value)
                changed = True
            else:
                self.conflict(f"$.issuer.{name}", f"Issuer {issuer.name}", stored, value)
        if changed and self.save(issuer, "$.issuer"):
            self.updated["issuer"] += 1
        return issuer

    def securities_(self, issuer: Issuer) -> None:
        items = self.data["securities"]
        existing = {s.key: s for s in issuer.securities.select_related("converts_into")}
        for index, item in enumerate(items):
            path = f"$.securities[{index}]"
            stored = existing.get(item["key"])
            if stored is not None:
                self.same_terms(path, f"Security {item['key']!r} of {issuer.name}", stored, item, SHARED["security"])
                self.securities[item["key"]] = stored
                continue
            security = Security(
                issuer=issuer,
                key=item["key"],
                title=item["title"],
                kind=item["kind"],
                par_value=_decimal(item.get("par_value")),
                authorized=item.get("authorized"),
                outstanding=item.get("outstanding"),
            )
            if self.save(security, path):
                self.created["security"] += 1
            self.securities[item["key"]] = security
        self.fail_if_problems()
        for index, item in enumerate(items):
            converts = item.get("converts")
            security = self.securities[item["key"]]
            if converts is None or security.converts_into_id:
                continue
            security.converts_into = self.securities[converts["into"]]
            security.shares_per_security = Decimal(converts["shares_per_security"])
            security.price_per_share = _decimal(converts.get("price_per_share"))
            security.term = converts.get("term") or ""
            security.expires_on = _date(converts.get("expires_on"))
            self.save(
                security,
                f"$.securities[{index}]",
                {
                    "converts_into": "converts.into",
                    "shares_per_security": "converts.shares_per_security",
                    "price_per_share": "converts.price_per_share",
                    "term": "converts.term",
                    "expires_on": "converts.expires_on",
                },
            )

    def offerings_(self, issuer: Issuer) -> None:
        existing = {o.key: o for o in issuer.offerings.all()}
        for index, item in enumerate(self.data.get("offerings") or []):
            path = f"$.offerings[{index}]"
            stored = existing.get(item["key"])
            if stored is not None:
                self.same_terms(path, f"Offering {item['key']!r} of {issuer.name}", stored, item, SHARED["offering"])
                self.offerings[item["key"]] = stored
                continue
            offering = Offering(
                issuer=issuer,
                key=item["key"],
                title=item["title"],
                closed_on=_date(item.get("closed_on")),
                closed_in=item.get("closed_in") or "",
                units_sold=item.get("units_sold"),
                price_per_unit=_decimal(item.get("price_per_unit")),
            )
            if not self.save(offering, path):
                continue
            self.created["offering"] += 1
            self.offerings[item["key"]] = offering
            for j, component in enumerate(item.get("unit_components") or []):
                self.save(
                    UnitComponent(
                        offering=offering,
                        security=self.securities[component["security"]],
                        quantity=Decimal(component["quantity"]),
                    ),
                    f"{path}.unit_components[{j}]",
                )

    def conditions_(self, issuer: Issuer) -> None:
        existing = {c.key: c for c in issuer.conditions.all()}
        for index, item in enumerate(self.data.get("conditions") or []):
            path = f"$.conditions[{index}]"
            stored = existing.get(item["key"])
            if stored is not None:
                self.same_terms(path, f"Condition {item['key']!r} of {issuer.name}", stored, item, SHARED["condition"])
                continue
            condition = Condition(
                issuer=issuer,
                key=item["key"],
                description=item["description"],
                satisfied_on=_date(item.get("satisfied_on")),
            )
            if self.save(condition, path):
                self.created["condition"] += 1
                for key in item["restricts"]:
                    condition.restricts.add(self.securities[key])

    def reports_(self, issuer: Issuer) -> None:
        used_keys = set(issuer.periodic_reports.values_list("key", flat=True))
        for index, item in enumerate(self.data.get("periodic_reports") or []):
            path = f"$.periodic_reports[{index}]"
            values = {
                "form": item["form"],
                "period_end": _date(item.get("period_end")),
                "filed_on": _date(item.get("filed_on")),
                "accession_number": item.get("accession_number"),
                "page_references": dict(item.get("page_references") or {}),
            }
            if values["accession_number"]:
                stored = PeriodicReport.objects.filter(accession_number=values["accession_number"]).first()
            else:
                stored = PeriodicReport.objects.filter(
                    issuer=issuer, form=values["form"], period_end=values["period_end"], accession_number__isnull=True
                ).first()
            if stored is not None:
                if stored.issuer_id != issuer.pk:
                    self.problems.append(
                        Problem(
                            f"{path}.accession_number", f"{values['accession_number']} is a report of {stored.issuer}"
                        )
                    )
                    continue
                changed = False
                for name, value in values.items():
                    current = getattr(stored, name)
                    if value in (None, {}) or current == value:
                        continue
                    if current in (None, {}):
                        setattr(stored, name, value)
                        changed = True
                    else:
                        self.conflict(f"{path}.{name}", f"Periodic report {stored.describe()}", current, value)
                if changed and self.save(stored, path):
                    self.updated["periodic report"] += 1
                self.reports[item["key"]] = stored
                continue
            key, n = item["key"], 2
            while key in used_keys:
                key, n = f"{item['key']}_{n}", n + 1
            used_keys.add(key)
            report = PeriodicReport(issuer=issuer, key=key, **values)
            if self.save(report, path):
                self.created["periodic report"] += 1
            self.reports[item["key"]] = report

    def registration(self, issuer: Issuer) -> RegistrationStatement:
        item = self.data["registration_statement"]
        path = "$.registration_statement"
        values = {
            "form": item.get("form") or "",
            "filed_on": _date(item.get("filed_on")),
            "effective_on": _date(item.get("effective_on")),
            "last_amended_on": _date(item.get("last_amended_on")),
            "forward_incorporation": item.get("forward_incorporation"),
            "resale": item.get("resale", True),
            "stated_proceeds_if_exercised": _decimal(item.get("stated_proceeds_if_exercised")),
        }
        registration = RegistrationStatement.objects.filter(file_number=item["file_number"]).first()
        if registration is None:
            registration = RegistrationStatement(issuer=issuer, file_number=item["file_number"], **values)
            if self.save(registration, path):
                self.created["registration statement"] += 1
            self.fail_if_problems()
        else:
            if registration.issuer_id != issuer.pk:
                self.problems.append(
                    Problem(f"{path}.file_number", f"{item['file_number']} is registered by {registration.issuer}")
                )
                self.fail_if_problems()
            changed = [name for name, value in values.items() if getattr(registration, name) != value]
            for name in changed:
                setattr(registration, name, values[name])
            if changed and self.save(registration, path):
                self.updated["registration statement"] += 1
        self.registered(registration, item["registered"])
        return registration

    def registered(self, registration: RegistrationStatement, items: list[dict[str, Any]]) -> None:
        wanted = [
            {
                "security": r["security"],
                "amount": r["amount"],
                "components": [
                    {
                        "source": c["source"],
                        "from_security": c.get("from_security"),
                        "from_offering": c.get("from_offering"),
                        "amount": c["amount"],
                    }
                    for c in r.get("components") or []
                ],
            }
            for r in items
        ]
        current = exporter.export_registration(registration)["registration_statement"]["registered"]
        if current == wanted:
            return
        if current:
            self.updated["registered amounts"] += 1
        for amount in registration.registered_amounts.all():
            for component in amount.components.all():
                delete_record(actor=self.actor, record=component)
            delete_record(actor=self.actor, record=amount)
        for index, item in enumerate(wanted):
            path = f"$.registration_statement.registered[{index}]"
            amount = RegisteredAmount(
                registration_statement=registration, security=self.securities[item["security"]], amount=item["amount"]
            )
            if not self.save(amount, path):
                continue
            self.created["registered amount"] += 1 if not current else 0
            for j, component in enumerate(item["components"]):
                self.save(
                    RegisteredComponent(
                        registered_amount=amount,
                        source=component["source"],
                        from_security=self.securities.get(component["from_security"] or ""),
                        from_offering=self.offerings.get(component["from_offering"] or ""),
                        amount=component["amount"],
                    ),
                    f"{path}.components[{j}]",
                )

    def prospectus(self, registration: RegistrationStatement) -> Prospectus:
        item = self.data["prospectus"]
        dated_on = _date(item["date"])
        page_references = dict(item.get("page_references") or {})
        prospectus = Prospectus.objects.filter(registration_statement=registration, dated_on=dated_on).first()
        if prospectus is None:
            prospectus = Prospectus(
                registration_statement=registration, dated_on=dated_on, page_references=page_references
            )
            if self.save(prospectus, "$.prospectus", {"dated_on": "date"}):
                self.created["prospectus"] += 1
        elif prospectus.page_references != page_references:
            prospectus.page_references = page_references
            if self.save(prospectus, "$.prospectus", {"dated_on": "date"}):
                self.updated["prospectus"] += 1
        self.fail_if_problems()
        return prospectus

    def supplements(self, prospectus: Prospectus) -> None:
        fields = {"dated_on": "date"}
        for index, item in enumerate(self.data.get("supplements") or []):
            path = f"$.supplements[{index}]"
            values = {
                "number": item.get("number"),
                "dated_on": _date(item["date"]),
                "rule": item["rule"],
                "purpose": item["purpose"],
                "summary": item.get("summary") or "",
                "first_used_on": _date(item.get("first_used_on")),
                "filed_on": _date(item.get("filed_on")),
                "accession_number": item.get("accession_number"),
            }
            incorporates = [self.reports[k] for k in item.get("incorporates") or [] if k in self.reports]
            delivered = [self.reports[k] for k in item.get("delivered_with") or [] if k in self.reports]
            stored = self._find_supplement(prospectus, values)
            if stored is not None:
                wanted = self._supplement_export(values, item, incorporates, delivered)
                if exporter.supplement_data(stored) == wanted:
                    continue
                if stored.is_frozen:
                    self.problems.append(
                        Problem(
                            path,
                            f"{stored} is {stored.get_status_display().lower()}; its stored record differs from this "
                            f"dossier and cannot be changed. Stored: {exporter.supplement_data(stored)}. "
                            f"This dossier: {wanted}.",
                        )
                    )
                    continue
                supplement = stored
                for name, value in values.items():
                    setattr(supplement, name, value)
                self.updated["supplement"] += 1
            else:
                supplement = Supplement(prospectus=prospectus, **values)
                self.created["supplement"] += 1
            filing = {"filed_on": supplement.filed_on, "accession_number": supplement.accession_number}
            supplement.filed_on = supplement.accession_number = None  # recorded by record_filed_supplement
            if not self.save(supplement, path, fields, service=save_supplement):
                continue
            for row in [*supplement.incorporations.all(), *supplement.enclosures.all()]:
                delete_record(actor=self.actor, record=row)
            for report in incorporates:
                save_record(actor=self.actor, record=SupplementIncorporation(supplement=supplement, report=report))
            for report in delivered:
                save_record(actor=self.actor, record=SupplementEnclosure(supplement=supplement, report=report))
            if filing["filed_on"]:
                self.file(supplement, path, fields, filing)

    def file(self, supplement: Supplement, path: str, fields: dict[str, str], filing: dict[str, Any]) -> None:
        """A supplement the dossier records as filed is filed outside the portal's workflow: record it so."""
        try:
            record_filed_supplement(actor=self.actor, supplement=supplement, **filing)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                where = path if name == "__all__" else f"{path}.{fields.get(name, name)}"
                self.problems.extend(Problem(where, message) for message in messages)

    @staticmethod
    def _supplement_export(values, item, incorporates, delivered) -> dict[str, Any]:
        return {
            "number": values["number"],
            "date": item["date"],
            "rule": values["rule"],
            "purpose": values["purpose"],
            "summary": values["summary"] or None,
            "incorporates": [r.key for r in incorporates],
            "delivered_with": [r.key for r in delivered],
            "first_used_on": item.get("first_used_on"),
            "filed_on": item.get("filed_on"),
            "accession_number": values["accession_number"],
        }

    @staticmethod
    def _find_supplement(prospectus: Prospectus, values: dict[str, Any]) -> Supplement | None:
        if values["accession_number"]:
            found = Supplement.objects.filter(accession_number=values["accession_number"]).first()
            if found is not None:
                return found
        candidates = prospectus.supplements.filter(
            dated_on=values["dated_on"], rule=values["rule"], purpose=values["purpose"]
        )
        if values["number"] is not None:
            return prospectus.supplements.filter(number=values["number"]).first() or None
        return candidates.filter(number__isnull=True).first()

    def holders(self, registration: RegistrationStatement) -> None:
        existing = {h.name: h for h in registration.selling_stockholders.all()}
        for index, item in enumerate(self.data.get("selling_stockholders") or []):
            values = {
                "shares_owned_before": item.get("shares_owned_before"),
                "shares_offered": item["shares_offered"],
                "shares_owned_after": item.get("shares_owned_after"),
                "percent_after": _decimal(item.get("percent_after")),
                "relationship": item.get("relationship") or "",
                "email": item.get("email"),
            }
            holder = existing.get(item["name"])
            if holder is None:
                holder = SellingStockholder(registration_statement=registration, name=item["name"], **values)
                kind = self.created
            elif any(getattr(holder, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(holder, name, value)
                kind = self.updated
            else:
                continue
            if self.save(holder, f"$.selling_stockholders[{index}]"):
                kind["selling stockholder"] += 1
                existing[holder.name] = holder

    def investors(self, registration: RegistrationStatement) -> None:
        stored = list(registration.investors.all())
        by_email = {i.email.lower(): i for i in stored if i.email}
        by_name = {i.name: i for i in stored if not i.email}
        for index, item in enumerate(self.data.get("investors") or []):
            email = item.get("email")
            investor = by_email.get(email.lower()) if email else by_name.get(item["name"])
            postal = item.get("postal_address") or ""
            if investor is None:
                investor = Investor(
                    registration_statement=registration, name=item["name"], email=email, postal_address=postal
                )
                kind = self.created
            elif (investor.name, investor.postal_address) != (item["name"], postal):
                investor.name, investor.postal_address = item["name"], postal
                kind = self.updated
            else:
                continue
            if self.save(investor, f"$.investors[{index}]"):
                kind["investor"] += 1
                if email:
                    by_email[email.lower()] = investor
                else:
                    by_name[investor.name] = investor

    def shared_records(self) -> Issuer:
        """The issuer and what other registrations may share: securities, offerings, conditions, reports."""
        issuer = self.issuer()
        self.securities_(issuer)
        self.fail_if_problems()
        self.offerings_(issuer)
        self.conditions_(issuer)
        self.reports_(issuer)
        self.fail_if_problems()
        return issuer

    def registration_records(self, issuer: Issuer) -> RegistrationStatement:
        """The registration's own facts: amounts, prospectus, supplements, holders, investors."""
        registration = self.registration(issuer)
        prospectus = self.prospectus(registration)
        self.supplements(prospectus)
        self.holders(registration)
        self.investors(registration)
        self.fail_if_problems()
        return registration

    def run(self) -> ImportResult:
        registration = self.registration_records(self.shared_records())
        return ImportResult(registration=registration, created=self.created, updated=self.updated)


@transaction.atomic
def import_dossier(*, actor: Actor, data: dict[str, Any]) -> ImportResult:
    """Import a parsed dossier: the schema, then the references, then each record as the admin would save it,
    all in one transaction. Any problem raises DossierError and writes nothing.

    A dossier records a past state: importing it drafts no supplement (the compliance check reports any report
    that still needs one).
    """
    validate(data)
    return _Import(data, actor).run()


def import_dossier_bytes(*, actor: Actor, raw: bytes | str, max_bytes: int | None = None) -> ImportResult:
    return import_dossier(actor=actor, data=parse(raw, max_bytes=max_bytes))
