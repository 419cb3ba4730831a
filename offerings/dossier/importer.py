"""Import an offering dossier (``/2``, or ``/1`` upgraded) in one transaction, every record through the services.

Keys are local to a dossier. An existing issuer is recognised by CIK (or exact name where the CIK is null),
a periodic report by accession number (or form and period end), and a security, offering or condition by
its key within the issuer. Shared facts that differ are refused, never rewritten: an import cannot change
what another registration relies on. The registration's own records are imported by
``registration_import``: new ones are added, differing ones are conflicts unless the import updates.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from ..actors import Actor
from ..files import sha256_hex
from ..models import (
    Condition,
    Issuer,
    Offering,
    PeriodicReport,
    RegistrationStatement,
    Security,
    UnitComponent,
)
from ..services.records import save_record
from . import canonical, exporter
from .registration_import import RegistrationImport, SupplementImport
from .schema import DossierError, Problem, parse, short, validate


@dataclass
class ImportResult:
    registration: RegistrationStatement
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)  # with update: each stored value the dossier replaced

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


class _Import(RegistrationImport, SupplementImport):
    def __init__(self, data: dict[str, Any], actor: Actor, update: bool = False, source: dict | None = None):
        self.data = data
        self.actor = actor
        self.update = update
        self.source = source
        self.changes: list[str] = []
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
            self.report(exc, path, fields)
            return False
        return True

    def report(self, error: ValidationError, path: str, fields: dict[str, str] | None = None) -> None:
        """Each message of a refusal at the JSON path of the field it names."""
        messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        for name, texts in messages.items():
            mapped = (fields or {}).get(name, name)
            where = path if name == "__all__" or not mapped else f"{path}.{mapped}"
            self.problems.extend(Problem(where, text) for text in texts)

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
            "foreign_private_issuer": item.get("foreign_private_issuer", False),
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
            if value in ("", None, False) or stored == value:
                continue
            if stored in ("", None, False):
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
            note = item.get("note") or {}
            security = Security(
                issuer=issuer,
                key=item["key"],
                title=item["title"],
                kind=item["kind"],
                par_value=_decimal(item.get("par_value")),
                stated_value=_decimal(item.get("stated_value")),
                authorized=item.get("authorized"),
                outstanding=item.get("outstanding"),
                trading_symbol=item.get("trading_symbol") or "",
                market=item.get("market") or "",
                placement_agent=item.get("placement_agent", False),
                principal_amount=_decimal(note.get("principal_amount")),
                interest_rate=_decimal(note.get("interest_rate")),
                maturity_on=_date(note.get("maturity_on")),
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
            security.shares_per_security = _decimal(converts.get("shares_per_security"))
            security.price_per_share = _decimal(converts.get("price_per_share"))
            security.conversion_rate_per_1000 = _decimal(converts.get("conversion_rate_per_1000"))
            security.conversion_price = _decimal(converts.get("conversion_price"))
            security.term = converts.get("term") or ""
            security.expires_on = _date(converts.get("expires_on"))
            fields = ["into", "shares_per_security", "price_per_share", "conversion_rate_per_1000"]
            fields += ["conversion_price", "term", "expires_on"]
            names = {("converts_into" if f == "into" else f): f"converts.{f}" for f in fields}
            self.save(security, f"$.securities[{index}]", names)

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
        """The registration's own facts: amounts, amendments, prospectuses, supplements, holders, investors."""
        registration = self.registration(issuer)
        prospectuses = self.prospectuses(registration)
        self.supplements(prospectuses)
        self.terms_changes()
        self.holders(registration)
        self.investors(registration)
        self.fail_if_problems()
        return registration

    def run(self) -> ImportResult:
        registration = self.registration_records(self.shared_records())
        return ImportResult(registration=registration, created=self.created, updated=self.updated, changes=self.changes)


@transaction.atomic
def import_dossier(
    *, actor: Actor, data: dict[str, Any], update: bool = False, source: dict | None = None
) -> ImportResult:
    """Import a parsed dossier (/1 or /2): the schema, then the references, then each record as the admin would
    save it, all in one transaction. Any problem raises DossierError and writes nothing.

    A fact the portal already holds differently (staff edited it) is a conflict; ``update`` takes the
    dossier's value instead and lists each change in ``ImportResult.changes``. A dossier records a past state:
    importing it drafts no supplement (the compliance check reports any report that still needs one).
    """
    document = validate(data)
    return _Import(document, actor, update, source).run()


def import_dossier_bytes(
    *, actor: Actor, raw: bytes | str, max_bytes: int | None = None, update: bool = False, name: str = ""
) -> ImportResult:
    """Import a dossier file; the audit trail records a filing it brings with the file's name and SHA-256."""
    data = parse(raw, max_bytes=max_bytes)
    encoded = raw.encode("utf-8") if isinstance(raw, str) else raw
    source = {"file": name[:300], "sha256": sha256_hex(encoded)}
    return import_dossier(actor=actor, data=data, update=update, source=source)
