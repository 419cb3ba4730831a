"""The ``offering-dossier/2`` schema, and the /2 example dossiers: valid, canonical, and internally consistent.

Compliance checks read the examples, so their figures must agree with each other the way counsel reads them:
every key used is defined, holdings add up, percentages follow from the shares outstanding, registered amounts
from their parts, and stated proceeds from shares times prices.
"""

import copy
import datetime
import json
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = ROOT / "offerings" / "dossier"
SCHEMA_PATH = DOSSIER / "offering-dossier-2.schema.json"
EXAMPLES = DOSSIER / "examples"
FORMAT = "offering-dossier/2"
SCHEMA_ID = "https://prospectus-portal.example/schemas/offering-dossier-2.schema.json"

# How the canonical form writes decimals: money with at least two places, everything else without trailing zeros.
MONEY_FIELDS = frozenset(
    {
        "price_per_share",
        "price_per_unit",
        "conversion_price",
        "price_before",
        "price_after",
        "stated_value",
        "principal_amount",
        "proceeds",
        "stated_proceeds_if_exercised",
        "notes_principal_outstanding",
        "principal_owned",
        "principal_offered",
    }
)
RATIO_FIELDS = frozenset(
    {
        "par_value",
        "shares_per_security",
        "conversion_rate_per_1000",
        "interest_rate",
        "percent_after",
        "percent_of_notes",
    }
)
ANNUAL_FORMS = frozenset({"10-K", "10-KSB", "20-F", "10-K/A", "10-KSB/A", "20-F/A"})


def load(path: Path) -> Any:
    return json.loads(path.read_text(), parse_float=Decimal)


def schema() -> dict[str, Any]:
    return load(SCHEMA_PATH)


def validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def examples() -> list[tuple[str, dict[str, Any]]]:
    found = [(path.name, load(path)) for path in sorted(EXAMPLES.glob("*.json"))]
    return [(name, data) for name, data in found if data.get("format") == FORMAT]


EXAMPLE_NAMES = [name for name, _ in examples()]
EXPECTED_KINDS = {
    "periodic-report-attached.json",
    "holder-table-amendment.json",
    "holder-table-restatement.json",
    "warrant-repricing.json",
    "events.json",
    "financial-statements.json",
    "foreign-private-issuer.json",
    "general-update.json",
}


def errors(document: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator().iter_errors(document)]


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(dict(examples())[name])


def walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


# The schema itself


def test_schema_is_a_valid_2020_12_schema_with_its_id():
    document = schema()
    Draft202012Validator.check_schema(document)
    assert document["$id"] == SCHEMA_ID
    assert document["properties"]["format"] == {"const": FORMAT}


def test_schema_patterns_use_ascii_digits_and_are_anchored():
    for path, value in walk(schema()):
        if path.endswith(".pattern") and isinstance(value, str):
            assert "\\d" not in value, path
            if not path.endswith("propertyNames.pattern"):
                # "$(?!\n)": Python's "$" (jsonschema's regex engine) also matches before a final newline.
                assert value.startswith("^") and value.endswith("$(?!\\n)"), path


def test_every_object_in_the_schema_is_closed_and_lists_every_field_as_required():
    for path, value in walk(schema()):
        if isinstance(value, dict) and "properties" in value and value.get("type") == "object":
            assert value.get("additionalProperties") is False, path
            assert sorted(value["required"]) == sorted(value["properties"]), path


def test_the_eight_kinds_of_example_are_there():
    assert set(EXAMPLE_NAMES) >= EXPECTED_KINDS


# The examples against the schema


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_is_valid(name):
    assert errors(example(name)) == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_has_no_json_numbers_other_than_integers(name):
    for path, value in walk(example(name)):
        assert not isinstance(value, Decimal | float), path


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_writes_decimals_canonically(name):
    for path, value in walk(example(name)):
        field = path.rsplit(".", 1)[-1]
        if not isinstance(value, str) or field not in MONEY_FIELDS | RATIO_FIELDS:
            continue
        places = len(value.partition(".")[2])
        if field in MONEY_FIELDS:
            assert places >= 2, f"{path}: money is written with at least two decimals, not {value!r}"
        else:
            assert not value.endswith("0") or places == 0, f"{path}: {value!r} has a trailing zero"
            assert not value.endswith("."), path


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_is_ascii_and_short(name):
    text = (EXAMPLES / name).read_text()
    assert text.isascii()
    assert len(text.splitlines()) <= 250


# What the schema refuses


def supplement_of(document: dict[str, Any]) -> dict[str, Any]:
    return document["supplements"][0]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: supplement_of(d).update(filed=False), "$.supplements[0].filed_on"),
        (lambda d: supplement_of(d).update(filed=False, filed_on=None), "$.supplements[0].accession_number"),
        (lambda d: d["securities"][0].update(par_value=Decimal("0.001")), "$.securities[0].par_value"),
        (lambda d: d["securities"][0].update(par_value="-0.001"), "$.securities[0].par_value"),
        (lambda d: d["securities"][0].update(authorized=Decimal("3.0")), "$.securities[0].authorized"),
        (lambda d: d["issuer"].update(cik="99\u0660\u06611"), "$.issuer.cik"),
        (lambda d: d["issuer"].update(fiscal_year_end="02-29"), "$.issuer.fiscal_year_end"),
        (lambda d: d["issuer"].update(exchange_act_file_number="333-12345"), "$.issuer.exchange_act_file_number"),
        (lambda d: d["issuer"].pop("foreign_private_issuer"), "$.issuer"),
        (lambda d: d["securities"][0].update(kind="stock"), "$.securities[0].kind"),
        (lambda d: d["securities"][0].update(trading_symbol="chdx"), "$.securities[0].trading_symbol"),
        (lambda d: d["securities"][0].update(nickname="x"), "$.securities[0]"),
        (lambda d: d["securities"][1]["converts"].update(shares_per_security=None), "$.securities[1].converts"),
        (lambda d: d["prospectuses"].clear(), "$.prospectuses"),
        (lambda d: d["prospectuses"][0]["also_covers"].append("33-12345"), "$.prospectuses[0].also_covers[0]"),
        (lambda d: supplement_of(d).update(purpose="update"), "$.supplements[0].purpose"),
        (lambda d: supplement_of(d).update(key="Supplement 1"), "$.supplements[0].key"),
        (
            lambda d: supplement_of(d).update(accession_number="0009901001-19-00014"),
            "$.supplements[0].accession_number",
        ),
        (lambda d: supplement_of(d).update(date="2019-02-30"), "$.supplements[0].date"),
        (lambda d: d.update(format="offering-dossier/1"), "$.format"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_schema_refuses(change, where):
    document = example("periodic-report-attached.json")
    change(document)
    found = [e for e in validator().iter_errors(document)]
    assert found, "the changed document was accepted"
    assert any(e.json_path == where or e.json_path.startswith(where + ".") for e in found), [
        f"{e.json_path}: {e.message}" for e in found
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [("percent_after", "100.5"), ("percent_after", "101"), ("percent_of_notes", "1000"), ("principal_owned", "1.005")],
)
def test_schema_refuses_holder_figures_out_of_range(field, value):
    document = example("holder-table-restatement.json")
    document["supplements"][0]["holder_tables"][0]["rows"][0][field] = value
    assert errors(document)


@pytest.mark.parametrize("value", ["100", "100.0", "0", "54.5", "0.000001"])
def test_schema_accepts_percentages_up_to_100(value):
    document = example("holder-table-restatement.json")
    document["supplements"][0]["holder_tables"][0]["rows"][0]["percent_of_notes"] = value
    assert errors(document) == []


def test_a_filed_supplement_may_have_no_known_date_or_accession_number():
    document = example("periodic-report-attached.json")
    supplement_of(document).update(date=None, filed=True, filed_on=None, accession_number=None)
    assert errors(document) == []


def test_a_draft_has_neither_filing_date_nor_accession_number():
    document = example("periodic-report-attached.json")
    draft = document["supplements"][2]
    assert draft["filed"] is False and errors(document) == []
    draft["accession_number"] = "0009901001-19-000040"
    assert [e.json_path for e in validator().iter_errors(document)] == ["$.supplements[2].accession_number"]


# The examples as counsel reads them


def decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def rounded_like(printed: str, value: Decimal) -> Decimal:
    places = max(1, len(printed.partition(".")[2]))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class Consistency:
    """Collects each disagreement in one example as "path: what is wrong"."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.problems: list[str] = []
        self.securities = self.keys("securities")
        self.offerings = self.keys("offerings")
        self.reports = self.keys("periodic_reports")
        self.supplements = self.keys("supplements")
        self.prospectus_dates = {p["date"] for p in data["prospectuses"]}

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def keys(self, section: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for index, item in enumerate(self.data[section]):
            if item["key"] in found:
                self.fail(f"$.{section}[{index}].key", f"{item['key']!r} is defined twice")
            found[item["key"]] = item
        return found

    def use(self, path: str, key: str | None, defined: dict[str, Any], what: str) -> None:
        if key is not None and key not in defined:
            self.fail(path, f"{what} {key!r} is not defined")

    def weekday(self, path: str, value: str | None) -> None:
        if value is not None and datetime.date.fromisoformat(value).weekday() >= 5:
            self.fail(path, f"{value} is a weekend day; EDGAR accepts filings on business days")

    def accession_year(self, path: str, number: str | None, filed_on: str | None) -> None:
        if number and filed_on and number[11:13] != filed_on[2:4]:
            self.fail(path, f"{number} is not numbered for {filed_on[:4]}")

    def check(self) -> list[str]:
        self.securities_and_offerings()
        self.registration()
        self.reports_and_prospectuses()
        self.supplements_and_tables()
        self.holders()
        return self.problems

    def securities_and_offerings(self) -> None:
        for i, security in enumerate(self.data["securities"]):
            path = f"$.securities[{i}]"
            converts = security["converts"]
            if converts:
                self.use(f"{path}.converts.into", converts["into"], self.securities, "security")
                rate, price = decimal(converts["conversion_rate_per_1000"]), decimal(converts["conversion_price"])
                if rate is not None and price is not None and rate * price != 1000:
                    self.fail(f"{path}.converts", f"a rate of {rate} per $1,000 is not a price of ${price}")
            if security["note"] and security["kind"] not in ("note", "debt"):
                self.fail(f"{path}.note", "note terms on a security that is not a note")
            for j, change in enumerate(security["terms_changes"]):
                where = f"{path}.terms_changes[{j}]"
                self.use(f"{where}.supplement", change["supplement"], self.supplements, "supplement")
                if change["effective_on"] and change["ends_on"] and change["ends_on"] < change["effective_on"]:
                    self.fail(f"{where}.ends_on", "the window ends before it starts")
                if change["kind"] == "extension" and not (change["expires_before"] and change["expires_after"]):
                    self.fail(where, "an extension states the expiry before and after")
                if change["kind"] == "temporary_repricing" and not (change["ends_on"] and change["after_window"]):
                    self.fail(where, "a temporary repricing states when it ends and what applies after")
        for i, offering in enumerate(self.data["offerings"]):
            for j, component in enumerate(offering["unit_components"]):
                self.use(f"$.offerings[{i}].unit_components[{j}].security", component["security"], self.securities, "")
            if offering["closed_on"] and offering["closed_in"] and offering["closed_on"][:7] != offering["closed_in"]:
                self.fail(f"$.offerings[{i}].closed_in", "does not match closed_on")
        for i, condition in enumerate(self.data["conditions"]):
            for j, key in enumerate(condition["restricts"]):
                self.use(f"$.conditions[{i}].restricts[{j}]", key, self.securities, "security")

    def implied(self, registered_key: str, component: dict[str, Any]) -> Decimal | None:
        """Units sold x quantity per unit (x shares per security), as the reconciliation check derives it."""
        offering = self.offerings.get(component["from_offering"] or "")
        if offering is None or offering["units_sold"] is None:
            return None
        quantities = {c["security"]: Decimal(c["quantity"]) for c in offering["unit_components"]}
        units = Decimal(offering["units_sold"])
        if component["source"] == "issued":
            if self.securities[registered_key]["kind"] == "unit":
                return units
            return units * quantities[registered_key] if registered_key in quantities else None
        source = self.securities.get(component["from_security"] or "")
        if source is None or not source["converts"] or source["converts"]["into"] != registered_key:
            return None
        per_security = decimal(source["converts"]["shares_per_security"])
        if per_security is None or source["key"] not in quantities:
            return None
        return units * quantities[source["key"]] * per_security

    def registration(self) -> None:
        registration = self.data["registration_statement"]
        proceeds = Decimal(0)
        priced = True
        for i, registered in enumerate(registration["registered"]):
            path = f"$.registration_statement.registered[{i}]"
            self.use(f"{path}.security", registered["security"], self.securities, "security")
            amounts = [c["amount"] for c in registered["components"]]
            described = sum(amounts) if amounts and None not in amounts else None
            if registered["amount"] is not None and described is not None and described != registered["amount"]:
                self.fail(f"{path}.amount", f"{registered['amount']:,} registered, parts add up to {described:,}")
            for j, component in enumerate(registered["components"]):
                where = f"{path}.components[{j}]"
                self.use(f"{where}.from_security", component["from_security"], self.securities, "security")
                self.use(f"{where}.from_offering", component["from_offering"], self.offerings, "offering")
                implied = self.implied(registered["security"], component)
                if implied is not None and component["amount"] is not None and implied != component["amount"]:
                    self.fail(f"{where}.amount", f"{component['amount']:,} registered, the offering implies {implied}")
                source = self.securities.get(component["from_security"] or "")
                if component["principal_amount"] is not None:
                    rate = decimal(source["converts"]["conversion_rate_per_1000"]) if source else None
                    shares = Decimal(component["principal_amount"]) * rate / 1000 if rate is not None else None
                    if shares is None or shares != component["amount"]:
                        self.fail(f"{where}.amount", f"principal x rate / 1,000 is {shares}, not {component['amount']}")
                if component["source"] in ("issuable_on_exercise", "issuable_on_conversion"):
                    price = decimal(source["converts"]["price_per_share"]) if source and source["converts"] else None
                    if price is None or component["amount"] is None:
                        priced = False
                    else:
                        proceeds += price * component["amount"]
        stated = decimal(registration["stated_proceeds_if_exercised"])
        if stated is not None and priced and proceeds.quantize(Decimal("0.01")) != stated:
            self.fail("$.registration_statement.stated_proceeds_if_exercised", f"shares x prices come to {proceeds}")
        if (
            registration["filed_on"]
            and registration["effective_on"]
            and registration["effective_on"] < registration["filed_on"]
        ):
            self.fail("$.registration_statement.effective_on", "is before the filing date")
        self.weekday("$.registration_statement.filed_on", registration["filed_on"])
        self.weekday("$.registration_statement.effective_on", registration["effective_on"])
        last = None
        for i, amendment in enumerate(registration["amendments"]):
            path = f"$.registration_statement.amendments[{i}]"
            self.use(f"{path}.annual_report", amendment["annual_report"], self.reports, "periodic report")
            report = self.reports.get(amendment["annual_report"] or "")
            if report and (report["form"] not in ANNUAL_FORMS or amendment["kind"] != "post_effective"):
                self.fail(f"{path}.annual_report", "only a post-effective amendment brings in an annual report")
            if report and report["filed_on"] and report["filed_on"] > amendment["filed_on"]:
                self.fail(f"{path}.annual_report", "the report is filed after the amendment")
            self.weekday(f"{path}.filed_on", amendment["filed_on"])
            self.accession_year(path, amendment["accession_number"], amendment["filed_on"])
            last = max(last or amendment["filed_on"], amendment["filed_on"])
        if last and registration["last_amended_on"] != last:
            self.fail("$.registration_statement.last_amended_on", f"the last amendment was filed {last}")

    def reports_and_prospectuses(self) -> None:
        issuer = self.data["issuer"]
        accessions: set[str] = set()
        for i, report in enumerate(self.data["periodic_reports"]):
            path = f"$.periodic_reports[{i}]"
            if report["filed_on"] and report["period_end"] and report["filed_on"] < report["period_end"]:
                self.fail(f"{path}.filed_on", "is before the end of the period")
            foreign_form = report["form"].startswith(("20-F", "6-K"))
            if foreign_form != issuer["foreign_private_issuer"]:
                self.fail(f"{path}.form", "20-F and 6-K are the forms of a foreign private issuer, and only theirs")
            self.weekday(f"{path}.filed_on", report["filed_on"])
            self.accession_year(path, report["accession_number"], report["filed_on"])
            if report["accession_number"]:
                accessions.add(report["accession_number"])
        for i, supplement in enumerate(self.data["supplements"]):
            if supplement["accession_number"] in accessions:
                self.fail(f"$.supplements[{i}].accession_number", "is also a report's")
        registration = self.data["registration_statement"]
        for i, prospectus in enumerate(self.data["prospectuses"]):
            if registration["file_number"] in prospectus["also_covers"]:
                self.fail(f"$.prospectuses[{i}].also_covers", "a prospectus covers its own registration already")
            if registration["effective_on"] and prospectus["date"] < registration["effective_on"]:
                self.fail(f"$.prospectuses[{i}].date", "is before the registration became effective")
        if len(self.prospectus_dates) != len(self.data["prospectuses"]):
            self.fail("$.prospectuses", "two prospectuses have the same date")

    def supplements_and_tables(self) -> None:
        listed: set[str] = set()
        for i, prospectus in enumerate(self.data["prospectuses"]):
            for j, table in enumerate(prospectus["holder_tables"]):
                listed = self.table(f"$.prospectuses[{i}].holder_tables[{j}]", table, set())
        numbers: set[tuple[str, int]] = set()
        for i, supplement in enumerate(self.data["supplements"]):
            path = f"$.supplements[{i}]"
            if supplement["prospectus"] not in self.prospectus_dates:
                self.fail(f"{path}.prospectus", f"no prospectus dated {supplement['prospectus']}")
            for field in ("incorporates", "delivered_with", "attaches"):
                for j, key in enumerate(supplement[field]):
                    self.use(f"{path}.{field}[{j}]", key, self.reports, "periodic report")
                if len(set(supplement[field])) != len(supplement[field]):
                    self.fail(f"{path}.{field}", "lists a report twice")
            if supplement["purpose"] == "periodic_report_attached" and not supplement["attaches"]:
                self.fail(f"{path}.attaches", "a periodic report attached supplement attaches a report")
            if supplement["attaches"] and supplement["delivered_with"]:
                self.fail(
                    f"{path}.delivered_with", "an attached report is part of the supplement, not delivered with it"
                )
            for field in ("date", "filed_on", "first_used_on"):
                if supplement[field] and supplement[field] < supplement["prospectus"]:
                    self.fail(f"{path}.{field}", "is before the prospectus it supplements")
            if supplement["number"] is not None:
                if (supplement["prospectus"], supplement["number"]) in numbers:
                    self.fail(f"{path}.number", "is used twice for the same prospectus")
                numbers.add((supplement["prospectus"], supplement["number"]))
            self.weekday(f"{path}.filed_on", supplement["filed_on"])
            self.accession_year(path, supplement["accession_number"], supplement["filed_on"])
            for j, event in enumerate(supplement["events"]):
                where = f"{path}.events[{j}]"
                self.use(f"{where}.security", event["security"], self.securities, "security")
                shares, price, cash = event["shares"], decimal(event["price_per_share"]), decimal(event["proceeds"])
                if shares is not None and price is not None and cash is not None and shares * price != cash:
                    self.fail(f"{where}.proceeds", f"{shares:,} x {price} is {shares * price}, not {cash}")
                if (event["kind"] == "transfer") != (event["transferee"] is not None):
                    self.fail(f"{where}.transferee", "a transfer, and only a transfer, names a transferee")
            for j, table in enumerate(supplement["holder_tables"]):
                listed = self.table(f"{path}.holder_tables[{j}]", table, listed)
        for key, supplement in self.supplements.items():
            if supplement["purpose"] == "terms_update":
                announced = [c for s in self.data["securities"] for c in s["terms_changes"] if c["supplement"] == key]
                if not announced:
                    self.fail(f"supplement {key}", "a terms update announces a change of terms")

    def table(self, path: str, table: dict[str, Any], listed: set[str]) -> set[str]:
        """One holder table's figures; returns the names listed once it applies."""
        self.use(f"{path}.security", table["security"], self.securities, "security")
        markers = [f["marker"] for f in table["footnotes"]]
        if len(set(markers)) != len(markers):
            self.fail(f"{path}.footnotes", "a marker is defined twice")
        used: set[str] = set()
        names = set(listed) if table["mode"] == "amend" else set()
        outstanding, principal = table["shares_outstanding"], decimal(table["notes_principal_outstanding"])
        principal_listed = Decimal(0)
        for i, row in enumerate(table["rows"]):
            where = f"{path}.rows[{i}]"
            for marker in row["footnotes"]:
                self.use(f"{where}.footnotes", marker, dict.fromkeys(markers), "footnote")
                used.add(marker)
            if (row["change"] == "listed") != (table["mode"] == "restate"):
                self.fail(f"{where}.change", f"a {row['change']} row in a table that is to {table['mode']}")
            if row["change"] == "removed":
                if row["name"] not in listed:
                    self.fail(f"{where}.name", "is removed but no earlier table lists them")
                names.discard(row["name"])
            else:
                names.add(row["name"])
            before, offered, after = row["owned_before"], row["offered"], row["owned_after"]
            if None not in (before, offered, after) and after != before - offered:
                self.fail(f"{where}.owned_after", f"{before:,} owned less {offered:,} offered is not {after:,}")
            if row["percent_after"] is not None:
                if outstanding is None or after is None:
                    self.fail(f"{where}.percent_after", "a percentage needs the shares after and outstanding")
                elif rounded_like(row["percent_after"], Decimal(after) * 100 / outstanding) != Decimal(
                    row["percent_after"]
                ):
                    self.fail(f"{where}.percent_after", f"{after:,} of {outstanding:,} is not {row['percent_after']}%")
            elif after and outstanding and Decimal(after) * 100 / outstanding >= 1:
                self.fail(f"{where}.percent_after", "Item 507 prints the percentage of 1% or more")
            if row["principal_owned"] is not None:
                principal_listed += Decimal(row["principal_owned"])
            if row["percent_of_notes"] is not None:
                owned = decimal(row["principal_owned"])
                if principal is None or owned is None:
                    self.fail(f"{where}.percent_of_notes", "needs the principal owned and outstanding")
                elif rounded_like(row["percent_of_notes"], owned * 100 / principal) != Decimal(row["percent_of_notes"]):
                    self.fail(
                        f"{where}.percent_of_notes", f"${owned} of ${principal} is not {row['percent_of_notes']}%"
                    )
            offered_principal = decimal(row["principal_offered"])
            owned_principal = decimal(row["principal_owned"])
            if offered_principal is not None and (owned_principal is None or offered_principal > owned_principal):
                self.fail(f"{where}.principal_offered", "is more than the principal owned")
        if principal is not None and principal_listed > principal:
            self.fail(f"{path}.notes_principal_outstanding", f"the rows own ${principal_listed}")
        for marker in set(markers) - used:
            self.fail(f"{path}.footnotes", f"footnote {marker} is attached to no row")
        return names

    def holders(self) -> None:
        for i, holder in enumerate(self.data["selling_stockholders"]):
            before, offered, after = (
                holder["shares_owned_before"],
                holder["shares_offered"],
                holder["shares_owned_after"],
            )
            if before is not None and after is not None and after != before - offered:
                self.fail(f"$.selling_stockholders[{i}].shares_owned_after", "is not owned before less offered")
        offered = sum(h["shares_offered"] for h in self.data["selling_stockholders"])
        registered = sum(r["amount"] or 0 for r in self.data["registration_statement"]["registered"])
        if offered > registered:
            self.fail("$.selling_stockholders", f"{offered:,} offered but {registered:,} registered")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_is_consistent(name):
    assert Consistency(example(name)).check() == []


def test_the_consistency_check_finds_a_holder_row_that_does_not_add_up():
    document = example("holder-table-amendment.json")
    row = document["supplements"][0]["holder_tables"][0]["rows"][2]
    row["owned_after"] = 300000
    problems = Consistency(document).check()
    assert any("owned_after" in p for p in problems) and any("percent_after" in p for p in problems)


def test_the_combined_prospectus_covers_the_earlier_registration_of_the_same_issuer():
    combined, earlier = example("general-update.json"), example("rule-429-earlier-registration.json")
    assert {earlier["registration_statement"]["file_number"]} == {
        number for prospectus in combined["prospectuses"] for number in prospectus["also_covers"]
    }
    assert combined["issuer"] == earlier["issuer"]
    # Shared records must agree exactly, or importing the second dossier would be refused.
    shared = {s["key"] for s in combined["securities"]} & {s["key"] for s in earlier["securities"]}
    for key in shared:
        assert [s for s in combined["securities"] if s["key"] == key] == [
            s for s in earlier["securities"] if s["key"] == key
        ]
    assert combined["periodic_reports"] == earlier["periodic_reports"]


def test_no_example_uses_a_pattern_python_reads_differently_from_json_schema():
    """Python's $ also matches before a final newline; no example value may end in one where a pattern applies."""
    for name in EXAMPLE_NAMES:
        for path, value in walk(example(name)):
            if isinstance(value, str) and not path.endswith((".body", ".text", ".postal_address")):
                assert not re.search(r"\s$", value), f"{name} {path}"
