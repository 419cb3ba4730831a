"""Query parameters parsed and range-checked in one place: a bad value is a ``ParameterError`` naming it.

Rule: every value a URL's query string brings in is checked for its form and its range before anything uses it
(a date within the business-day calendar, a number of days, a page number, a search of bounded length and
terms), and a refusal says which parameter is wrong and what is allowed. The views turn the error into a 400.
Plain Python: the callers pass in the raw string (``request.GET.get(name)``, None when absent).
"""

import datetime
import re

# Digits only (ASCII), optionally signed, at most 18 of them: int() of a longer string is never attempted.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}\Z")
# How Django's admin splits a search into terms (django.utils.text.smart_split): quoted phrases stay whole.
_SEARCH_TERM = re.compile(
    r"""((?:[^\s'"]*(?:(?:"(?:[^"\\]|\\.)*" | '(?:[^'\\]|\\.)*')[^\s'"]*)+) | \S+)""",
    re.VERBOSE,
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SHOWN_CHARS = 40  # of a refused value, in the message


class ParameterError(ValueError):
    """A query parameter of the wrong form or out of range; ``str()`` is the message for the client."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def shown(value: str) -> str:
    """A refused value as the message quotes it: its first characters, as a Python literal."""
    return repr(value[:SHOWN_CHARS] + ("..." if len(value) > SHOWN_CHARS else ""))


def whole_number(value: str | None, *, name: str, minimum: int, maximum: int, default: int | None = None) -> int | None:
    """``value`` as an int in ``minimum``..``maximum``; ``default`` when absent or empty."""
    if value is None or value == "":
        return default
    if not _WHOLE_NUMBER.match(value) or not minimum <= int(value) <= maximum:
        raise ParameterError(name, f"{name} must be a whole number from {minimum} to {maximum}; got {shown(value)}.")
    return int(value)


def iso_date(
    value: str | None,
    *,
    name: str,
    first: datetime.date,
    last: datetime.date,
    default: datetime.date | None = None,
) -> datetime.date | None:
    """``value`` as a YYYY-MM-DD date in ``first``..``last``; ``default`` when absent or empty."""
    if value is None or value == "":
        return default
    message = f"{name} must be a date between {first.isoformat()} and {last.isoformat()} (YYYY-MM-DD)"
    try:
        day = datetime.date.fromisoformat(value) if _ISO_DATE.match(value) else None
    except ValueError:
        day = None
    if day is None:
        raise ParameterError(name, f"{message}; got {shown(value)}, which is not a date.")
    if not first <= day <= last:
        raise ParameterError(name, f"{message}; got {value}.")
    return day


def bounded_text(value: str | None, *, name: str, max_chars: int, default: str = "") -> str:
    """``value`` as text of at most ``max_chars`` characters without control characters; ``default`` if absent."""
    if value is None:
        return default
    if len(value) > max_chars:
        raise ParameterError(name, f"{name} must be at most {max_chars} characters; got {len(value):,}.")
    if _CONTROL.search(value):
        raise ParameterError(name, f"{name} must not contain control characters.")
    return value


def search_terms(value: str | None, *, name: str, max_chars: int, max_terms: int) -> list[str]:
    """The terms of a search (split as Django's admin splits them), at most ``max_chars`` and ``max_terms``."""
    text = bounded_text(value, name=name, max_chars=max_chars)
    terms = _SEARCH_TERM.findall(text)
    if len(terms) > max_terms:
        raise ParameterError(
            name, f"{name}: a search may have at most {max_terms} terms (words or quoted phrases); got {len(terms)}."
        )
    return terms
