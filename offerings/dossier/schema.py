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

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match

FORMAT = "offering-dossier/2"
SCHEMA_PATHS = {
    "offering-dossier/1": Path(__file__).with_name("offering-dossier-1.schema.json"),
    "offering-dossier/2": Path(__file__).with_name("offering-dossier-2.schema.json"),
}
SCHEMA_PATH = SCHEMA_PATHS[FORMAT]
MAX_NESTING = 32
# Objects and arrays in one dossier (some 40,000 holders' worth): millions of tiny objects would cost json
# many times the file's size in memory.
MAX_CONTAINERS = 250_000
# Values (members of objects and items of arrays) in one dossier: millions of short strings cost json some 60
# bytes each; half a million is room for 20,000 investors and 40,000 holders.
MAX_VALUES = 500_000
# The nesting scan (``nested_deeper_than``) works on UTF-8 bytes, where no byte of a multi-byte character is a
# quote, a comma or a bracket: brackets are kept as ( and ), commas as commas, every other byte dropped.
_BRACKET_BYTES = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKET_BYTES = bytes(b for b in range(256) if b not in b"[]{},")
_SCAN_WINDOW = 256 * 1024


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


def _ascii_pattern(validator, pattern, instance, schema):
    """``pattern`` as JSON Schema means it (ECMA-262, where ``\\d`` is ``[0-9]``): matched with ``re.ASCII``, so
    the /1 format's ``\\d`` takes no Arabic-Indic or full-width digit."""
    if validator.is_type(instance, "string") and not re.search(pattern, instance, re.ASCII):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# Draft 2020-12 with ASCII patterns (identifiers, dates and decimals are ASCII digits only).
_Validator = validators.extend(Draft202012Validator, {"pattern": _ascii_pattern})


@cache
def validator(version: str = FORMAT) -> Draft202012Validator:
    return _Validator(schema(version), format_checker=Draft202012Validator.FORMAT_CHECKER)


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


def _brackets_outside_strings(data: bytes) -> bytearray:
    """The brackets of ``data`` outside JSON strings, as ``(`` and ``)`` (none after an unterminated string).

    Escaped backslashes, then escaped quotes, are removed first, so every quote left opens or closes a string;
    the text is then split at its quotes one window at a time (so no list grows with the file) and the pieces
    outside strings are kept.
    """
    data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = bytearray()
    inside = False
    for start in range(0, len(data), _SCAN_WINDOW):
        pieces = data[start : start + _SCAN_WINDOW].split(b'"')
        kept += b"".join(pieces[1 if inside else 0 :: 2]).translate(_BRACKET_BYTES, _NOT_BRACKET_BYTES)
        inside ^= (len(pieces) - 1) % 2 == 1
    return kept


def nested_deeper_than(raw: bytes | str, limit: int) -> bool:
    """Rule: a dossier nests at most ``MAX_NESTING`` levels; checked before ``json`` recurses into the text.

    Linear time and memory a small multiple of the text, whatever it holds (no per-character state, no list as
    long as the file): each pass over the brackets outside strings deletes the innermost pairs, so the number of
    passes is the nesting depth; brackets left open count as levels too.
    """
    return _deeper_than(_brackets_outside_strings(_utf8(raw)).replace(b",", b""), limit)


def _utf8(raw: bytes | str) -> bytes:
    return raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw


def _deeper_than(brackets: bytearray, limit: int) -> bool:
    depth = 0
    while b"()" in brackets:
        depth += 1
        if depth > limit:
            return True
        brackets = brackets.replace(b"()", b"")
    return depth + brackets.count(b"(") > limit


def _refuse_too_many(*, containers: int, values: int) -> None:
    """Rule: at most ``MAX_CONTAINERS`` objects and arrays and about ``MAX_VALUES`` values (commas and
    containers outside strings count them), refused before json builds any of them."""
    if containers > MAX_CONTAINERS:
        raise DossierError(
            [Problem("$", f"holds {containers:,} objects and arrays; a dossier may hold at most {MAX_CONTAINERS:,}")]
        )
    if values > MAX_VALUES:
        raise DossierError([Problem("$", f"holds about {values:,} values; a dossier may hold at most {MAX_VALUES:,}")])


def parse(raw: bytes | str, *, max_bytes: int | None = None) -> dict[str, Any]:
    """Parse dossier JSON. Non-integral numbers stay Decimal, so 3.0 is not mistaken for a count."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise DossierError([Problem("$", f"the file is {len(raw):,} bytes; the limit is {max_bytes:,}")])
    encoded = raw
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DossierError([Problem("$", f"not UTF-8 text (byte {exc.start})")]) from None
    # A document nested deeper, or holding more objects and arrays, than any dossier needs is refused before
    # json recurses into it or builds them.
    brackets = _brackets_outside_strings(_utf8(encoded))
    del encoded
    _refuse_too_many(containers=brackets.count(b"("), values=brackets.count(b",") + brackets.count(b"(") + 1)
    brackets = brackets.replace(b",", b"")
    if _deeper_than(brackets, MAX_NESTING):
        raise DossierError([Problem("$", f"nested more than {MAX_NESTING} levels deep")])
    del brackets
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
