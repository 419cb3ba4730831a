"""What a dossier's schema cannot state: keys defined once and used only where defined, dates in order.

Checked on the ``offering-dossier/2`` form. Facts that merely disagree with each other (a holder offering more
than they own, parts that do not add up) are not refused here: they are imported as filed and the compliance
check reports them. What is refused is what cannot be recorded at all: a reference to nothing, a window that
ends before it starts, a holder removed from a table that never listed them.
"""

from decimal import Decimal
from typing import Any

from .schema import Problem

HUNDRED = Decimal(100)


class References:
    """Collects every problem of one document, each at its JSON path."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.problems: list[Problem] = []
        self.accessions: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def defined(self, section: str, field: str = "key") -> set[str]:
        keys: set[str] = set()
        for index, item in enumerate(self.data.get(section) or []):
            key = item[field]
            if key in keys:
                self.add(f"$.{section}[{index}].{field}", f"{field} {key!r} is defined twice")
            keys.add(key)
        return keys

    def use(self, path: str, key: str | None, keys: set[str], what: str) -> None:
        if key is not None and key not in keys:
            self.add(path, f"{what} {key!r} is not defined in this dossier")

    def accession(self, path: str, number: str | None) -> None:
        if not number:
            return
        if number in self.accessions:
            self.add(f"{path}.accession_number", f"{number} is also {self.accessions[number]}")
        self.accessions[number] = path

    def percent(self, path: str, value: str | None) -> None:
        if value is not None and Decimal(value) > HUNDRED:
            self.add(path, f"{value} is more than 100 percent")


def _securities(check: References, securities: set[str], supplements: set[str]) -> None:
    for i, security in enumerate(check.data.get("securities") or []):
        path = f"$.securities[{i}]"
        converts = security.get("converts")
        if converts:
            check.use(f"{path}.converts.into", converts["into"], securities, "security")
            if converts["into"] == security["key"]:
                check.add(f"{path}.converts.into", "a security cannot convert into itself")
        for j, change in enumerate(security.get("terms_changes") or []):
            where = f"{path}.terms_changes[{j}]"
            check.use(f"{where}.supplement", change.get("supplement"), supplements, "supplement")
            if change.get("effective_on") and change.get("ends_on") and change["ends_on"] < change["effective_on"]:
                check.add(f"{where}.ends_on", "the window ends before it starts")


def _offerings_and_conditions(check: References, securities: set[str]) -> None:
    for i, offering in enumerate(check.data.get("offerings") or []):
        for j, component in enumerate(offering.get("unit_components") or []):
            path = f"$.offerings[{i}].unit_components[{j}]"
            check.use(f"{path}.security", component["security"], securities, "security")
            if isinstance(component["quantity"], str) and Decimal(component["quantity"]) == 0:
                check.add(f"{path}.quantity", "must be more than 0")
        closed_on, closed_in = offering.get("closed_on"), offering.get("closed_in")
        if closed_on and closed_in and closed_on[:7] != closed_in:
            check.add(f"$.offerings[{i}].closed_in", "does not match the month of closed_on")
    for i, condition in enumerate(check.data.get("conditions") or []):
        for j, key in enumerate(condition["restricts"]):
            check.use(f"$.conditions[{i}].restricts[{j}]", key, securities, "security")


def _registration(check: References, securities: set[str], offerings: set[str], reports: set[str]) -> None:
    registration = check.data["registration_statement"]
    registered_seen: set[str] = set()
    for i, registered in enumerate(registration["registered"]):
        path = f"$.registration_statement.registered[{i}]"
        check.use(f"{path}.security", registered["security"], securities, "security")
        if registered["security"] in registered_seen:
            check.add(f"{path}.security", f"security {registered['security']!r} is registered twice")
        registered_seen.add(registered["security"])
        for j, component in enumerate(registered.get("components") or []):
            where = f"{path}.components[{j}]"
            check.use(f"{where}.from_security", component.get("from_security"), securities, "security")
            check.use(f"{where}.from_offering", component.get("from_offering"), offerings, "offering")
    filed, effective = registration.get("filed_on"), registration.get("effective_on")
    if filed and effective and effective < filed:
        check.add("$.registration_statement.effective_on", "is before the filing date")
    for i, amendment in enumerate(registration.get("amendments") or []):
        path = f"$.registration_statement.amendments[{i}]"
        check.use(f"{path}.annual_report", amendment.get("annual_report"), reports, "periodic report")
        check.accession(path, amendment.get("accession_number"))
        if amendment.get("effective_on") and amendment["effective_on"] < amendment["filed_on"]:
            check.add(f"{path}.effective_on", "is before the amendment's filing date")


def _reports(check: References) -> None:
    for i, report in enumerate(check.data.get("periodic_reports") or []):
        check.accession(f"$.periodic_reports[{i}]", report.get("accession_number"))
        if report.get("filed_on") and report.get("period_end") and report["filed_on"] < report["period_end"]:
            check.add(f"$.periodic_reports[{i}].filed_on", "is before the end of the period covered")


def _holder_table(check: References, path: str, table: dict[str, Any], securities: set[str], listed: set[str]):
    """One table's references; returns the names it lists afterwards (for the tables after it)."""
    check.use(f"{path}.security", table.get("security"), securities, "security")
    markers: set[str] = set()
    for i, footnote in enumerate(table.get("footnotes") or []):
        if footnote["marker"] in markers:
            check.add(f"{path}.footnotes[{i}].marker", f"footnote {footnote['marker']!r} is defined twice")
        markers.add(footnote["marker"])
    names = set(listed) if table["mode"] == "amend" else set()
    for i, row in enumerate(table.get("rows") or []):
        where = f"{path}.rows[{i}]"
        for j, marker in enumerate(row.get("footnotes") or []):
            check.use(f"{where}.footnotes[{j}]", marker, markers, "footnote")
        check.percent(f"{where}.percent_after", row.get("percent_after"))
        check.percent(f"{where}.percent_of_notes", row.get("percent_of_notes"))
        if row["change"] == "removed":
            if row["name"] not in listed:
                check.add(f"{where}.name", f"{row['name']!r} is removed but no earlier table lists them")
            names.discard(row["name"])
        else:
            names.add(row["name"])
    return names


def _supplements(check: References, securities: set[str], reports: set[str]) -> None:
    prospectus_dates = {p["date"] for p in check.data.get("prospectuses") or []}
    listed: set[str] = set()
    for i, prospectus in enumerate(check.data.get("prospectuses") or []):
        for j, table in enumerate(prospectus.get("holder_tables") or []):
            listed |= _holder_table(check, f"$.prospectuses[{i}].holder_tables[{j}]", table, securities, set())
    numbers: set[tuple[str, int]] = set()  # supplement numbers run per prospectus
    for i, supplement in enumerate(check.data.get("supplements") or []):
        path = f"$.supplements[{i}]"
        if supplement["prospectus"] not in prospectus_dates:
            check.add(f"{path}.prospectus", f"no prospectus dated {supplement['prospectus']} in this dossier")
        for field in ("incorporates", "delivered_with", "attaches"):
            keys = supplement.get(field) or []
            for j, key in enumerate(keys):
                check.use(f"{path}.{field}[{j}]", key, reports, "periodic report")
            if len(set(keys)) != len(keys):
                check.add(f"{path}.{field}", "lists a report twice")
        for j, event in enumerate(supplement.get("events") or []):
            check.use(f"{path}.events[{j}].security", event.get("security"), securities, "security")
        for j, table in enumerate(supplement.get("holder_tables") or []):
            listed = _holder_table(check, f"{path}.holder_tables[{j}]", table, securities, listed)
        number = supplement.get("number")
        if number is not None:
            if (supplement["prospectus"], number) in numbers:
                check.add(f"{path}.number", f"supplement number {number} is used twice for one prospectus")
            numbers.add((supplement["prospectus"], number))
        check.accession(path, supplement.get("accession_number"))
        if supplement.get("filed_on") and supplement["filed_on"] < supplement["prospectus"]:
            check.add(f"{path}.filed_on", "is before the date of the prospectus it supplements")


def _investors(check: References) -> None:
    emails: set[str] = set()
    for i, investor in enumerate(check.data.get("investors") or []):
        email = (investor.get("email") or "").lower()
        if email:
            if email in emails:
                check.add(f"$.investors[{i}].email", f"{investor['email']} is listed twice")
            emails.add(email)


def check_references(data: dict[str, Any]) -> list[Problem]:
    """Every key used is defined once; numbers and dates that the schema cannot relate make sense together."""
    check = References(data)
    securities, offerings = check.defined("securities"), check.defined("offerings")
    check.defined("conditions")  # duplicates are reported; nothing refers to conditions by key
    reports = check.defined("periodic_reports")
    supplements = check.defined("supplements")
    check.defined("prospectuses", "date")
    _securities(check, securities, supplements)
    _offerings_and_conditions(check, securities)
    _registration(check, securities, offerings, reports)
    _reports(check)
    _supplements(check, securities, reports)
    _investors(check)
    return check.problems
