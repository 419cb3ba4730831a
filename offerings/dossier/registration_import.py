"""Importing a registration's own records: its facts, amendments, prospectuses, supplements and their content.

Rule: an import never silently rewrites what staff changed. A stored fact that differs from the dossier is a
conflict naming both values; with ``update`` the dossier's value is taken and the change is listed. New
records are added; a draft supplement's content is replaced only under ``update``; an approved or filed
supplement must match the dossier exactly. Supplements are told apart by key (then accession number), so two
supplements of the dossier are never merged into one record.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from audit.context import acting

from ..models import (
    Amendment,
    FinancialStatement,
    HolderFootnote,
    HolderRow,
    HolderTable,
    Investor,
    Prospectus,
    RegisteredAmount,
    RegisteredComponent,
    RegistrationStatement,
    SecurityTermsChange,
    SellingStockholder,
    Supplement,
    SupplementAttachment,
    SupplementEnclosure,
    SupplementEvent,
    SupplementIncorporation,
    SupplementSection,
)
from ..services.records import delete_record
from ..services.supplements import record_filed_supplement, save_supplement
from . import canonical, exporter
from .schema import Problem, short

# Rows a bulk_create or bulk_update writes per statement.
BULK_BATCH = 1000


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


class RegistrationImport:
    """Mixed into the importer, which provides ``save``, ``problems``, ``created``, ``updated`` and the keys."""

    update: bool
    changes: list[str]
    source: dict | None  # the imported file: {"file": name, "sha256": hex}

    # -- staff's changes are never overwritten silently ----------------------------------------------------
    def differ(self, path: str, what: str, record, values: dict[str, Any], names: dict[str, str] | None = None):
        """Compare stored fields with the dossier's: a conflict each, or under ``update`` a change each."""
        changed = False
        for name, value in values.items():
            stored = getattr(record, name)
            if stored == value:
                continue
            where = f"{path}.{(names or {}).get(name, name)}"
            if self.update:
                setattr(record, name, value)
                self.changes.append(f"{where}: {short(stored)} -> {short(value)}")
                changed = True
            else:
                self.problems.append(
                    Problem(
                        where,
                        f"{what} has {short(stored)} in the portal; this dossier has {short(value)}. Nothing was "
                        "changed: import with --update to take the dossier's values.",
                    )
                )
        return changed

    def replace_whole(self, path: str, what: str, stored: Any, wanted: Any) -> bool:
        """A list of records compared as a whole: True when it should be rewritten (under ``update``)."""
        if stored == wanted:
            return False
        if self.update:
            self.changes.append(f"{path}: {what} replaced by the dossier's")
            return True
        self.problems.append(
            Problem(
                path,
                f"{what} in the portal differ from this dossier's. Nothing was changed: import with --update to "
                f"take the dossier's. Stored: {short(stored)}. This dossier: {short(wanted)}.",
            )
        )
        return False

    # -- the registration ----------------------------------------------------------------------------------
    def registration(self, issuer) -> RegistrationStatement:
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
        elif registration.issuer_id != issuer.pk:
            self.problems.append(
                Problem(f"{path}.file_number", f"{item['file_number']} is registered by {registration.issuer}")
            )
            self.fail_if_problems()
        elif self.differ(path, f"Registration No. {registration.file_number}", registration, values) and self.save(
            registration, path
        ):
            self.updated["registration statement"] += 1
        self.registered(registration, item["registered"])
        self.amendments(registration, item.get("amendments") or [])
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
                        "principal_amount": canonical.money(c.get("principal_amount")),
                    }
                    for c in r.get("components") or []
                ],
            }
            for r in items
        ]
        path = "$.registration_statement.registered"
        current = exporter.export_registration(registration)["registration_statement"]["registered"]
        if current and not self.replace_whole(path, "The registered amounts", current, wanted):
            return
        if current == wanted:
            return
        self.updated["registered amounts"] += 1 if current else 0
        for amount in registration.registered_amounts.all():
            for component in amount.components.all():
                delete_record(actor=self.actor, record=component)
            delete_record(actor=self.actor, record=amount)
        for index, item in enumerate(wanted):
            where = f"{path}[{index}]"
            amount = RegisteredAmount(
                registration_statement=registration, security=self.securities[item["security"]], amount=item["amount"]
            )
            if not self.save(amount, where):
                continue
            self.created["registered amount"] += 0 if current else 1
            for j, component in enumerate(item["components"]):
                self.save(
                    RegisteredComponent(
                        registered_amount=amount,
                        source=component["source"],
                        from_security=self.securities.get(component["from_security"] or ""),
                        from_offering=self.offerings.get(component["from_offering"] or ""),
                        amount=component["amount"],
                        principal_amount=_decimal(component["principal_amount"]),
                    ),
                    f"{where}.components[{j}]",
                )

    def amendments(self, registration: RegistrationStatement, items: list[dict[str, Any]]) -> None:
        stored = {(a.kind, a.filed_on, a.number): a for a in registration.amendments.all()}
        for index, item in enumerate(items):
            path = f"$.registration_statement.amendments[{index}]"
            identity = (item["kind"], _date(item["filed_on"]), item.get("number"))
            values = {
                "effective_on": _date(item.get("effective_on")),
                "accession_number": item.get("accession_number") or "",
                "annual_report": self.reports.get(item.get("annual_report") or ""),
            }
            amendment = stored.get(identity)
            if amendment is None:
                amendment = Amendment(
                    registration_statement=registration,
                    kind=identity[0],
                    filed_on=identity[1],
                    number=identity[2],
                    **values,
                )
                if self.save(amendment, path):
                    self.created["amendment"] += 1
            elif self.differ(path, str(amendment), amendment, values) and self.save(amendment, path):
                self.updated["amendment"] += 1

    # -- prospectuses --------------------------------------------------------------------------------------
    def prospectuses(self, registration: RegistrationStatement) -> dict[str, Prospectus]:
        found: dict[str, Prospectus] = {}
        for index, item in enumerate(self.data["prospectuses"]):
            path = f"$.prospectuses[{index}]"
            values = {
                "page_references": dict(item.get("page_references") or {}),
                "information_as_of": _date(item.get("information_as_of")),
            }
            prospectus = registration.prospectuses.filter(dated_on=_date(item["date"])).first()
            if prospectus is None:
                prospectus = Prospectus(registration_statement=registration, dated_on=_date(item["date"]), **values)
                if self.save(prospectus, path, {"dated_on": "date"}):
                    self.created["prospectus"] += 1
            elif self.differ(path, str(prospectus), prospectus, values) and self.save(prospectus, path):
                self.updated["prospectus"] += 1
            if prospectus.pk is None:
                continue
            found[item["date"]] = prospectus
            self.also_covers(prospectus, item.get("also_covers") or [], path)
            tables = [canonical.holder_table(t) for t in item.get("holder_tables") or []]
            current = exporter.prospectus_data(prospectus)["holder_tables"]
            if current == tables or (
                current and not self.replace_whole(f"{path}.holder_tables", "Holder tables", current, tables)
            ):
                continue
            for table in prospectus.holder_tables.all():
                self.delete_table(table)
            for j, table in enumerate(tables):
                self.holder_table(HolderTable(prospectus=prospectus, position=j), table, f"{path}.holder_tables[{j}]")
        self.fail_if_problems()
        return found

    def also_covers(self, prospectus: Prospectus, file_numbers: list[str], path: str) -> None:
        """Rule 429: the earlier registrations a combined prospectus also relates to must be in the portal."""
        known = {r.file_number: r for r in RegistrationStatement.objects.filter(file_number__in=file_numbers)}
        for index, number in enumerate(file_numbers):
            if number not in known:
                self.problems.append(
                    Problem(
                        f"{path}.also_covers[{index}]",
                        f"Registration No. {number} is not in the portal; import its dossier first.",
                    )
                )
        if set(known) != {r.file_number for r in prospectus.also_covers.all()}:
            prospectus.also_covers.set(known.values())

    def delete_table(self, table: HolderTable) -> None:
        for row in table.rows.all():
            delete_record(actor=self.actor, record=row)
        for footnote in table.footnotes.all():
            delete_record(actor=self.actor, record=footnote)
        delete_record(actor=self.actor, record=table)

    def holder_table(self, table: HolderTable, item: dict[str, Any], path: str) -> None:
        table.mode = item["mode"]
        table.security = self.securities.get(item.get("security") or "")
        table.beneficial_ownership_as_of = _date(item.get("beneficial_ownership_as_of"))
        table.shares_outstanding = item.get("shares_outstanding")
        table.shares_outstanding_as_of = _date(item.get("shares_outstanding_as_of"))
        table.notes_principal_outstanding = _decimal(item.get("notes_principal_outstanding"))
        if not self.save(table, path):
            return
        footnotes = {}
        for i, note in enumerate(item["footnotes"]):
            footnote = HolderFootnote(table=table, marker=note["marker"], kind=note["kind"], text=note["text"])
            if self.save(footnote, f"{path}.footnotes[{i}]"):
                footnotes[note["marker"]] = footnote
        for i, row in enumerate(item["rows"]):
            values = {k: row[k] for k in ("name", "change", "owned_before", "offered", "owned_after")}
            for k in ("percent_after", "principal_owned", "principal_offered", "percent_of_notes"):
                values[k] = _decimal(row[k])
            for k in ("natural_persons", "broker_dealer", "relationship"):
                values[k] = row[k] or ""
            record = HolderRow(table=table, position=i, **values)
            if self.save(record, f"{path}.rows[{i}]"):
                record.footnotes.set([footnotes[m] for m in row["footnotes"] if m in footnotes])
        self.created["holder table"] += 1

    # -- holders and investors -----------------------------------------------------------------------------
    # Thousands of rows: each is checked as the admin would (``full_clean``, without the queries: the
    # registration is known to exist, and uniqueness is decided here over the whole list, with the database's
    # constraint behind it), then written with bulk_create / bulk_update, whose audit entries ``audit.bulk``
    # writes one per row. Nothing is written while any problem stands: the import then fails whole.
    def valid_row(self, record, path: str) -> bool:
        try:
            record.full_clean(exclude=["registration_statement"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self.report(exc, path)
            return False
        return True

    def write_rows(self, model, new: list, changed: dict, fields: list[str]) -> None:
        if self.problems:
            return
        with acting(self.actor):
            if new:
                model.objects.bulk_create(new, batch_size=BULK_BATCH)
            if changed:
                model.objects.bulk_update(list(changed.values()), fields, batch_size=BULK_BATCH)

    def holders(self, registration: RegistrationStatement) -> None:
        existing = {h.name: h for h in registration.selling_stockholders.all()}
        new: list[SellingStockholder] = []
        changed: dict[int, SellingStockholder] = {}
        fields = ["shares_owned_before", "shares_offered", "shares_owned_after", "percent_after", "relationship"]
        for index, item in enumerate(self.data.get("selling_stockholders") or []):
            path = f"$.selling_stockholders[{index}]"
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
                if self.valid_row(holder, path):
                    self.created["selling stockholder"] += 1
                    existing[holder.name] = holder
                    new.append(holder)
            elif self.differ(path, f"Selling stockholder {holder.name}", holder, values) and self.valid_row(
                holder, path
            ):
                self.updated["selling stockholder"] += 1
                if holder.pk is not None:
                    changed[holder.pk] = holder
        self.write_rows(SellingStockholder, new, changed, [*fields, "email"])

    def investors(self, registration: RegistrationStatement) -> None:
        stored = list(registration.investors.all())
        by_email = {i.email.lower(): i for i in stored if i.email}
        by_name = {i.name: i for i in stored if not i.email}
        new: list[Investor] = []
        changed: dict[int, Investor] = {}
        for index, item in enumerate(self.data.get("investors") or []):
            path = f"$.investors[{index}]"
            email = item.get("email")
            investor = by_email.get(email.lower()) if email else by_name.get(item["name"])
            values = {"name": item["name"], "postal_address": item.get("postal_address") or ""}
            if investor is None:
                # The references check refuses an email listed twice, and a stored one is matched above
                # (case-insensitively), so the unique constraint on (registration, email) holds.
                investor = Investor(registration_statement=registration, email=email, **values)
                if self.valid_row(investor, path):
                    self.created["investor"] += 1
                    new.append(investor)
                    if email:
                        by_email[email.lower()] = investor
                    else:
                        by_name[investor.name] = investor
            elif self.differ(path, f"Investor {investor.name}", investor, values) and self.valid_row(investor, path):
                self.updated["investor"] += 1
                if investor.pk is not None:
                    changed[investor.pk] = investor
        self.write_rows(Investor, new, changed, ["name", "postal_address"])


class SupplementImport:
    """Supplements and their content, and the securities' changes of terms that supplements announce."""

    def supplements(self, prospectuses: dict[str, Prospectus]) -> dict[str, Supplement]:
        found: dict[str, Supplement] = {}
        for index, item in enumerate(self.data.get("supplements") or []):
            path = f"$.supplements[{index}]"
            prospectus = prospectuses.get(item["prospectus"])
            if prospectus is None:
                continue
            wanted = canonical.supplement(item)
            stored = self.find_supplement(prospectus, item)
            if stored is not None:
                current = exporter.supplement_data(stored)
                if current == wanted or (current == {**wanted, "key": current["key"]} and not stored.key):
                    found[item["key"]] = stored
                    continue
                if stored.is_frozen:
                    self.problems.append(
                        Problem(
                            path,
                            f"{stored} is {stored.get_status_display().lower()}; its stored record differs from "
                            f"this dossier and cannot be changed. Stored: {short(current)}. This dossier: "
                            f"{short(wanted)}.",
                        )
                    )
                    continue
                if not self.replace_whole(path, f"{stored}", current, wanted):
                    continue
                self.updated["supplement"] += 1
            else:
                stored = Supplement(prospectus=prospectus)
                self.created["supplement"] += 1
            if self.write_supplement(stored, item, path):
                found[item["key"]] = stored
        return found

    @staticmethod
    def find_supplement(prospectus: Prospectus, item: dict[str, Any]) -> Supplement | None:
        """By key; else by accession number; else a supplement recorded before keys with the same number (or,
        unnumbered, the only one of that date, rule and purpose)."""
        found = prospectus.supplements.filter(key=item["key"]).first()
        if found is None and item.get("accession_number"):
            found = Supplement.objects.filter(accession_number=item["accession_number"]).first()
        if found is not None:
            return found
        legacy = prospectus.supplements.filter(key="")
        if item.get("number") is not None:
            return legacy.filter(number=item["number"]).first()
        candidates = list(
            legacy.filter(
                number__isnull=True, dated_on=_date(item.get("date")), rule=item["rule"], purpose=item["purpose"]
            )[:2]
        )
        return candidates[0] if len(candidates) == 1 else None

    def write_supplement(self, supplement: Supplement, item: dict[str, Any], path: str) -> bool:
        supplement.key = item["key"]
        supplement.number = item.get("number")
        supplement.dated_on = _date(item.get("date"))
        supplement.rule = item["rule"]
        supplement.purpose = item["purpose"]
        supplement.summary = item.get("summary") or ""
        supplement.first_used_on = _date(item.get("first_used_on"))
        supplement.filed_on = supplement.accession_number = None  # recorded by record_filed_supplement
        if not self.save(supplement, path, {"dated_on": "date"}, service=save_supplement):
            return False
        self.supplement_content(supplement, item, path)
        if item.get("filed"):
            filing = {"filed_on": _date(item.get("filed_on")), "accession_number": item.get("accession_number")}
            self.file(supplement, path, {"dated_on": "date"}, filing)
        return True

    def supplement_content(self, supplement: Supplement, item: dict[str, Any], path: str) -> None:
        for rows in (
            supplement.incorporations,
            supplement.enclosures,
            supplement.attachments,
            supplement.events,
            supplement.financial_statements,
            supplement.sections,
        ):
            for row in rows.all():
                delete_record(actor=self.actor, record=row)
        for table in supplement.holder_tables.all():
            self.delete_table(table)
        reports = self.reports
        for i, key in enumerate(item.get("incorporates") or []):
            record = SupplementIncorporation(supplement=supplement, report=reports[key])
            self.save(record, f"{path}.incorporates[{i}]", {"report": ""})
        for i, key in enumerate(item.get("delivered_with") or []):
            record = SupplementEnclosure(supplement=supplement, report=reports[key])
            self.save(record, f"{path}.delivered_with[{i}]", {"report": ""})
        for i, key in enumerate(item.get("attaches") or []):
            record = SupplementAttachment(supplement=supplement, report=reports[key], position=i)
            self.save(record, f"{path}.attaches[{i}]", {"report": ""})
        for i, table in enumerate(item.get("holder_tables") or []):
            record = HolderTable(supplement=supplement, position=i)
            self.holder_table(record, canonical.holder_table(table), f"{path}.holder_tables[{i}]")
        self.events(supplement, item.get("events") or [], path)
        self.terms_changes(supplement=supplement, key=item["key"])
        for i, statement in enumerate(item.get("financial_statements") or []):
            record = FinancialStatement(
                supplement=supplement,
                position=i,
                title=statement["title"],
                period_end=_date(statement.get("period_end")),
                audited=statement.get("audited"),
                body=statement.get("body") or "",
            )
            self.save(record, f"{path}.financial_statements[{i}]")
        for i, section in enumerate(item.get("sections") or []):
            record = SupplementSection(
                supplement=supplement,
                position=i,
                part=section.get("part") or "general",
                heading=section.get("heading") or "",
                body=section["body"],
            )
            self.save(record, f"{path}.sections[{i}]")

    def events(self, supplement: Supplement, items: list[dict[str, Any]], path: str) -> None:
        for i, event in enumerate(items):
            record = SupplementEvent(
                supplement=supplement,
                position=i,
                kind=event["kind"],
                occurred_on=_date(event.get("occurred_on")),
                security=self.securities.get(event.get("security") or ""),
                holder=event.get("holder") or "",
                transferee=event.get("transferee") or "",
                shares=event.get("shares"),
                principal_amount=_decimal(event.get("principal_amount")),
                price_per_share=_decimal(event.get("price_per_share")),
                proceeds=_decimal(event.get("proceeds")),
                description=event.get("description") or "",
            )
            self.save(record, f"{path}.events[{i}]")

    def file(self, supplement: Supplement, path: str, fields: dict[str, str], filing: dict[str, Any]) -> None:
        """A supplement the dossier records as filed is filed outside the portal's workflow: record it so."""
        try:
            record_filed_supplement(actor=self.actor, supplement=supplement, source=self.source, **filing)
        except ValidationError as exc:
            self.report(exc, path, fields)
        except PermissionDenied:
            self.problems.append(
                Problem(
                    f"{path}.filed",
                    "recording a supplement as filed needs the Filer role (permission offerings.file_supplement); "
                    "nothing was imported",
                )
            )

    def terms_changes(self, *, supplement: Supplement | None = None, key: str | None = None) -> None:
        """The securities' changes of terms announced by one supplement (written with it, before it is filed),
        or with ``key`` None those no supplement announces. One already on record (same kind, date and
        supplement) is compared, never duplicated."""
        for index, item in enumerate(self.data.get("securities") or []):
            security = self.securities[item["key"]]
            stored = {(c.kind, c.effective_on, c.supplement_id): c for c in security.terms_changes.all()}
            for j, change in enumerate(item.get("terms_changes") or []):
                if change.get("supplement") != key:
                    continue
                path = f"$.securities[{index}].terms_changes[{j}]"
                identity = (change["kind"], _date(change.get("effective_on")), supplement.pk if supplement else None)
                values = {
                    "ends_on": _date(change.get("ends_on")),
                    "price_before": _decimal(change.get("price_before")),
                    "price_after": _decimal(change.get("price_after")),
                    "expires_before": _date(change.get("expires_before")),
                    "expires_after": _date(change.get("expires_after")),
                    "after_window": change.get("after_window") or "",
                    "description": change.get("description") or "",
                }
                record = stored.get(identity)
                if record is None:
                    record = SecurityTermsChange(
                        security=security, kind=identity[0], effective_on=identity[1], supplement=supplement, **values
                    )
                    if self.save(record, path):
                        self.created["change of terms"] += 1
                elif self.differ(path, str(record), record, values) and self.save(record, path):
                    self.updated["change of terms"] += 1
