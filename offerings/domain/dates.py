"""How filings and findings write dates. Pure functions; no ORM."""

import datetime


def long_date(value: datetime.date) -> str:
    """2003-07-16 -> "July 16, 2003", as filings and findings write a date."""
    return f"{value:%B} {value.day}, {value.year}"


def month_year(value: datetime.date) -> str:
    """2003-03-01 -> "March 2003", where only the month is known."""
    return f"{value:%B} {value.year}"
