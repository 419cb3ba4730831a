"""The offering dossier formats: loading and schema validation.

``offering-dossier/2`` is the project's own format (``offering-dossier-2.schema.json``, documented in
docs/dossier.md); ``offering-dossier/1`` (``offering-dossier-1.schema.json``, a verbatim copy of the first
shared format) still imports, upgraded in memory (``upgrade.py``).
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

FORMAT = "offering-dossier/2"
SCHEMA_PATHS = {
    "offering-dossier/1": Path(__file__).with_name("offering-dossier-1.schema.json"),
    "offering-dossier/2": Path(__file__).with_name("offering-dossier-2.schema.json"),
}
SCHEMA_PATH = SCHEMA_PATHS[FORMAT]
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
def schema(version: str = FORMAT) -> dict[str, Any]:
    return json.loads(SCHEMA_PATHS[version].read_text())


@cache
def validator(version: str = FORMAT) -> Draft202012Validator:
    return Draft202012Validator(schema(version), format_checker=Draft202012Validator.FORMAT_CHECKER)


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


def validate_schema(data: dict[str, Any], *, version: str = FORMAT) -> list[Problem]:
    # A oneOf/anyOf failure (e.g. a value that may be a decimal string or null) says little by itself:
    # best_match descends to the alternative that came closest, which names the field and the problem.
    errors = sorted(
        (best_match([e]) if e.context else e for e in validator(version).iter_errors(data)),
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


def validate(data: dict[str, Any]) -> dict[str, Any]:
    """Check a parsed dossier of either format and return it as ``offering-dossier/2``.

    The schema of the file's own format first, then (on the /2 form) the references and relations the schema
    cannot state; problems in a /1 file are reported at the /1 file's paths.
    """
    from .references import check_references  # the reference checks read /2 documents built here
    from .upgrade import FORMAT_1, upgrade_v1, v1_path

    version = data.get("format")
    if version not in SCHEMA_PATHS:
        raise DossierError([Problem("$.format", f"{short(version)} is not one of {', '.join(SCHEMA_PATHS)}")])
    problems = validate_schema(data, version=version)
    if problems:
        raise DossierError(problems)
    document = upgrade_v1(data) if version == FORMAT_1 else data
    problems = check_references(document)
    if version == FORMAT_1:
        problems = [Problem(v1_path(p.path), p.message) for p in problems]
    if problems:
        raise DossierError(problems)
    return document
