"""The shape of the code: short functions, and one home for each rule that several apps use.

The import direction between the apps is checked by import-linter (``make lint``, contracts in pyproject.toml).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["portal", "audit", "offerings", "documents", "compliance", "delivery"]
MAX_FUNCTION_LINES = 80
# A longer function says why in its docstring with these words.
WHY_LONG = "cannot be split"


def _sources() -> list[Path]:
    return sorted(p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def _functions(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_no_function_is_longer_than_a_screen():
    long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in _sources()
        for node in _functions(path)
        if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES and WHY_LONG not in (ast.get_docstring(node) or "")
    ]
    assert long == []


def _definitions(pattern: str) -> list[str]:
    regex = re.compile(pattern, re.MULTILINE)
    return [str(path.relative_to(ROOT)) for path in _sources() if regex.search(path.read_text())]


@pytest.mark.parametrize(
    ("pattern", "home"),
    [
        (r"^def registration_by_file_number\b", "offerings/selectors/records.py"),
        (r"^def registrations_by_file_number\b", "offerings/selectors/records.py"),
        (r"^def current_prospectus\b", "offerings/selectors/records.py"),
        (r"^def edgar_today\b", "offerings/selectors/records.py"),
        (r"^def long_date\b", "offerings/domain/dates.py"),
        (r"^def exercise_proceeds\b", "offerings/domain/reconciliation.py"),
        (r"^def needs_incorporation\b", "offerings/domain/incorporation.py"),
        (r"RegexValidator\(r\"\^\[0-9a-f\]\{64\}", "offerings/validators.py"),
        (r"^def (read|open)_verified\b", "offerings/files.py"),
        (r"^ANNUAL_FORMS\b", "offerings/domain/forms.py"),
    ],
)
def test_each_shared_rule_has_one_home(pattern, home):
    assert _definitions(pattern) == [home]


def test_long_dates_are_written_by_one_function():
    """ "July 16, 2003" comes from ``offerings.domain.dates.long_date``; no module formats %B itself."""
    inline = [p for p in _definitions(r"%B") if p != "offerings/domain/dates.py"]
    assert inline == []
