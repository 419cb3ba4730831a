"""The offering dossier format (``offering-dossier/1``): loading, schema validation, reference checks.

The schema file beside this module is a verbatim copy of the shared format; tests keep it identical.
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

FORMAT = "offering-dossier/1"
SCHEMA_PATH = Path(__file__).with_name("offering-dossier-1.schema.json")
MAX_NESTING = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DossierError(Exception):
    """A dossier that cannot be imported; ``problems`` name each JSON path and what is wrong there."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"member {key!r} appears twice in one object")
        result[key] = value
    return result


def _depth(value: Any, limit: int) -> int:
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def parse(raw: bytes | str, *, max_bytes: int | None = None) -> dict[str, Any]:
    """Parse dossier JSON. Non-integral numbers stay Decimal, so 3.0 is not mistaken for a count."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise DossierError([Problem("$", f"the file is {len(raw):,} bytes; the limit is {max_bytes:,}")])
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DossierError([Problem("$", f"not UTF-8 text (byte {exc.start})")]) from None
    # A document nested deeper than any dossier needs is refused before json recurses into it.
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", raw)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_NESTING:
            raise DossierError([Problem("$", f"nested more than {MAX_NESTING} levels deep")])
    try:
        data = json.loads(raw, parse_float=Decimal, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise DossierError(
            [Problem("$", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")]
        ) from None
    except ValueError as exc:
        raise DossierError([Problem("$", f"malformed JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise DossierError([Problem("$", "a dossier must be a JSON object")])
    return data


def _schema_message(error) -> str:
    if error.validator == "type" and isinstance(error.instance, Decimal):
        expected = error.validator_value
        if expected == "string" or "string" in expected:
            return f'{error.instance} is a JSON number; write decimals as strings, e.g. "{error.instance}"'
        return f"{error.instance} is not a whole number"
    if error.validator == "oneOf" and isinstance(error.instance, Decimal):
        return f'{error.instance} is a JSON number; write decimals as strings, e.g. "{error.instance}"'
    if error.validator == "format":
        return f"{error.instance!r} is not a valid {error.validator_value}"
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field")
    if error.validator == "maxLength":
        return f"text of {len(error.instance):,} characters is longer than the limit of {error.validator_value:,}"
    if error.validator == "pattern":
        return f"{short(error.instance)} does not have the expected form ({error.validator_value})"
    return error.message if len(error.message) < 300 else error.message[:300] + "..."


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def validate_schema(data: dict[str, Any]) -> list[Problem]:
    # A oneOf/anyOf failure (e.g. a value that may be a decimal string or null) says little by itself:
    # best_match descends to the alternative that came closest, which names the field and the problem.
    errors = sorted(
        (best_match([e]) if e.context else e for e in validator().iter_errors(data)),
        key=lambda e: (list(e.absolute_path), e.validator),
    )
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in errors:
        problem = Problem(error.json_path, _schema_message(error))
        if str(problem) not in seen:
            seen.add(str(problem))
            problems.append(problem)
    return problems


class _References:
    """Checks across a dossier's sections that the schema cannot express, collecting every problem."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.problems: list[Problem] = []
        self.accessions: dict[str, str] = {}

    def defined(self, section: str) -> set[str]:
        keys: set[str] = set()
        for index, item in enumerate(self.data.get(section) or []):
            key = item["key"]
            if key in keys:
                self.problems.append(Problem(f"$.{section}[{index}].key", f"key {key!r} is defined twice"))
            keys.add(key)
        return keys

    def use(self, path: str, key: str | None, keys: set[str], what: str) -> None:
        if key is not None and key not in keys:
            self.problems.append(Problem(path, f"{what} {key!r} is not defined in this dossier"))

    def accession(self, path: str, number: str | None) -> None:
        if not number:
            return
        if number in self.accessions:
            self.problems.append(Problem(f"{path}.accession_number", f"{number} is also {self.accessions[number]}"))
        self.accessions[number] = path

    def securities_and_offerings(self, securities: set[str]) -> None:
        for i, security in enumerate(self.data.get("securities") or []):
            if security.get("converts"):
                self.use(f"$.securities[{i}].converts.into", security["converts"]["into"], securities, "security")
                if security["converts"]["into"] == security["key"]:
                    self.problems.append(
                        Problem(f"$.securities[{i}].converts.into", "a security cannot convert into itself")
                    )
        for i, offering in enumerate(self.data.get("offerings") or []):
            for j, component in enumerate(offering.get("unit_components") or []):
                path = f"$.offerings[{i}].unit_components[{j}]"
                self.use(f"{path}.security", component["security"], securities, "security")
                if isinstance(component["quantity"], str) and Decimal(component["quantity"]) == 0:
                    self.problems.append(Problem(f"{path}.quantity", "must be more than 0"))
            closed_on, closed_in = offering.get("closed_on"), offering.get("closed_in")
            if closed_on and closed_in and closed_on[:7] != closed_in:
                self.problems.append(Problem(f"$.offerings[{i}].closed_in", "does not match the month of closed_on"))
        for i, condition in enumerate(self.data.get("conditions") or []):
            for j, key in enumerate(condition["restricts"]):
                self.use(f"$.conditions[{i}].restricts[{j}]", key, securities, "security")

    def registration(self, securities: set[str], offerings: set[str]) -> None:
        registration = self.data["registration_statement"]
        registered_seen: set[str] = set()
        for i, registered in enumerate(registration["registered"]):
            path = f"$.registration_statement.registered[{i}]"
            self.use(f"{path}.security", registered["security"], securities, "security")
            if registered["security"] in registered_seen:
                self.problems.append(
                    Problem(f"{path}.security", f"security {registered['security']!r} is registered twice")
                )
            registered_seen.add(registered["security"])
            for j, component in enumerate(registered.get("components") or []):
                where = f"{path}.components[{j}]"
                self.use(f"{where}.from_security", component.get("from_security"), securities, "security")
                self.use(f"{where}.from_offering", component.get("from_offering"), offerings, "offering")
        filed, effective = registration.get("filed_on"), registration.get("effective_on")
        if filed and effective and effective < filed:
            self.problems.append(Problem("$.registration_statement.effective_on", "is before the filing date"))

    def reports(self) -> None:
        for i, report in enumerate(self.data.get("periodic_reports") or []):
            self.accession(f"$.periodic_reports[{i}]", report.get("accession_number"))
            if report.get("filed_on") and report.get("period_end") and report["filed_on"] < report["period_end"]:
                self.problems.append(
                    Problem(f"$.periodic_reports[{i}].filed_on", "is before the end of the period covered")
                )

    def supplements(self, reports: set[str]) -> None:
        numbers: set[int] = set()
        for i, supplement in enumerate(self.data.get("supplements") or []):
            path = f"$.supplements[{i}]"
            for field in ("incorporates", "delivered_with"):
                keys = supplement.get(field) or []
                for j, key in enumerate(keys):
                    self.use(f"{path}.{field}[{j}]", key, reports, "periodic report")
                if len(set(keys)) != len(keys):
                    self.problems.append(Problem(f"{path}.{field}", "lists a report twice"))
            number = supplement.get("number")
            if number is not None:
                if number in numbers:
                    self.problems.append(Problem(f"{path}.number", f"supplement number {number} is used twice"))
                numbers.add(number)
            self.accession(path, supplement.get("accession_number"))
            if supplement.get("accession_number") and not supplement.get("filed_on"):
                self.problems.append(Problem(f"{path}.filed_on", "an accession number is given but no filing date"))
            if supplement.get("filed_on") and supplement["filed_on"] < self.data["prospectus"]["date"]:
                self.problems.append(Problem(f"{path}.filed_on", "is before the date of the prospectus it supplements"))

    def investors(self) -> None:
        emails: set[str] = set()
        for i, investor in enumerate(self.data.get("investors") or []):
            email = (investor.get("email") or "").lower()
            if email:
                if email in emails:
                    self.problems.append(Problem(f"$.investors[{i}].email", f"{investor['email']} is listed twice"))
                emails.add(email)


def check_references(data: dict[str, Any]) -> list[Problem]:
    """Every key used is defined once; numbers and dates that the schema cannot relate make sense together."""
    check = _References(data)
    securities, offerings = check.defined("securities"), check.defined("offerings")
    check.defined("conditions")  # duplicates are reported; nothing refers to conditions by key
    reports = check.defined("periodic_reports")
    check.securities_and_offerings(securities)
    check.registration(securities, offerings)
    check.reports()
    check.supplements(reports)
    check.investors()
    return check.problems


def validate(data: dict[str, Any]) -> None:
    problems = validate_schema(data)
    if not problems:
        problems = check_references(data)
    if problems:
        raise DossierError(problems)
