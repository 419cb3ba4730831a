"""Spreadsheet formulas neutralised in every CSV cell the portal writes (OWASP CSV injection).

Rule: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is one a spreadsheet may run
as a formula; it gets a leading ``'`` so that the spreadsheet shows it as text. Every other cell is unchanged.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """``value`` as a CSV cell a spreadsheet will not run (None is an empty cell)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row(values) -> list[str]:
    """Every value of a CSV row through ``cell``."""
    return [cell(value) for value in values]
