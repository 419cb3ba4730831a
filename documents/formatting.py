"""How filings write numbers, money, dates and quantities. Pure functions; no ORM, no Django.

Filings write share counts with thousands separators (3,563,593), money with a dollar sign and cents
($1,781,796.50; per-share prices keep their stated precision, $0.30 or $0.125), dates as "July 16, 2003"
(``long_date`` and ``month_year`` come from ``offerings.domain.dates``, their one home), and the contents
of a unit in words ("three shares", "one three-year warrant", "one-quarter of a warrant").
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from offerings.domain import dates
from offerings.domain.dates import long_date  # noqa: F401 - re-exported; defined once, there

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))

# Denominator -> (singular, plural) as filings write fractions of a security.
_FRACTION_NAMES = {
    2: ("half", "halves"),
    3: ("third", "thirds"),
    4: ("quarter", "quarters"),
    5: ("fifth", "fifths"),
    6: ("sixth", "sixths"),
    8: ("eighth", "eighths"),
    10: ("tenth", "tenths"),
}


def integer_words(n: int) -> str:
    """3 -> "three", 21 -> "twenty-one", 1250 -> "one thousand two hundred fifty"."""
    if n < 0:
        return "minus " + integer_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {integer_words(rest)}" if rest else "")
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return f"{integer_words(high)} {name}" + (f" {integer_words(rest)}" if rest else "")
    raise AssertionError("unreachable")


def fraction_words(fraction: Fraction) -> str | None:
    """Fraction(1, 4) -> "one-quarter", Fraction(3, 4) -> "three-quarters"; None if filings would not use words."""
    names = _FRACTION_NAMES.get(fraction.denominator)
    if names is None or not 0 < fraction < 1:
        return None
    singular, plural = names
    return f"{integer_words(fraction.numerator)}-{singular if fraction.numerator == 1 else plural}"


def _as_fraction(quantity: Decimal) -> Fraction:
    exact = Fraction(quantity)
    close = exact.limit_denominator(10)
    # Six-place decimals of thirds and sixths (0.333333) are meant as the fraction.
    return close if abs(close - exact) < Fraction(1, 10**5) else exact


def quantity_phrase(quantity: Decimal, singular: str, plural: str) -> str:
    """A quantity of a security in words, as a unit description writes it.

    3 shares -> "three shares"; 1 warrant -> "one warrant"; 0.25 warrant -> "one-quarter of a warrant";
    1.5 warrants -> "one and one-half warrants". Quantities that have no common word form fall back to digits.
    """
    fraction = _as_fraction(quantity)
    whole, part = divmod(fraction, 1)
    whole = int(whole)
    if part == 0:
        return f"{integer_words(whole)} {singular if whole == 1 else plural}"
    part_words = fraction_words(part)
    if part_words is None:
        return f"{decimal_text(quantity)} {plural}"
    if whole == 0:
        return f"{part_words} of {indefinite_article(singular)} {singular}"
    return f"{integer_words(whole)} and {part_words} {plural}"


def indefinite_article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def decimal_text(value: Decimal) -> str:
    """2 -> "2", 0.250000 -> "0.25": a Decimal without trailing zeros, never in exponent form."""
    text = format(value.normalize(), "f")
    return text


def count(n: int) -> str:
    """3563593 -> "3,563,593"."""
    return f"{n:,}"


def money(amount: Decimal) -> str:
    """An aggregate in dollars and cents: 1781796.5 -> "$1,781,796.50"."""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"${cents:,.2f}"


def price(amount: Decimal) -> str:
    """A per-share price: at least two places, more only where stated: 0.3 -> "$0.30", 0.125 -> "$0.125"."""
    normal = amount.normalize()
    places = max(2, -normal.as_tuple().exponent) if normal.as_tuple().exponent < 0 else 2
    return f"${amount:,.{places}f}"


def par_value(amount: Decimal) -> str:
    """Par value as charters write it: 0.001 -> "$.001", 1 -> "$1.00"."""
    text = price(amount)
    return text.replace("$0.", "$.") if amount < 1 else text


def month_year(year_month: str) -> str:
    """ "2003-03" (an offering's ``closed_in``) -> "March 2003"."""
    year, month = (int(part) for part in year_month.split("-"))
    return dates.month_year(datetime.date(year, month, 1))


def percent(value: Decimal) -> str:
    """Item 507 percentages: one decimal place, e.g. "4.2%"."""
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


_TERM = re.compile(r"^\s*(\d+)[\s-]*(year|month|day)s?\s*$", re.IGNORECASE)


def term_adjective(term: str) -> str | None:
    """ "3 years" -> "three-year", "18 months" -> "eighteen-month"; None where the term is not that simple."""
    match = _TERM.match(term or "")
    if not match:
        return None
    return f"{integer_words(int(match[1]))}-{match[2].lower()}"


def join_and(items: list[str], *, separator: str = ", ") -> str:
    """["a"] -> "a"; ["a", "b"] -> "a and b"; ["a", "b", "c"] -> "a, b and c" (or with "; " between)."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2 and separator == ", ":
        return f"{items[0]} and {items[1]}"
    return separator.join(items[:-1]) + f"{separator}and {items[-1]}"


def lower_first(text: str) -> str:
    """Lower-case the first letter of a running title ("Unit offering" -> "unit offering"), not of a name."""
    first, _, rest = text.partition(" ")
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return first[0].lower() + first[1:] + (f" {rest}" if rest else "")
    return text


def plain_ascii(text: str) -> str:
    """Replace typographic characters with the ASCII that EDGAR text filings use."""
    return text.translate(_ASCII_MAP).encode("ascii", "replace").decode("ascii")


_ASCII_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "--",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "*",
        "\u00a7": "Section ",
        "\u00ae": "(R)",
        "\u00a9": "(C)",
        "\u2122": "(TM)",
        "\t": " ",
    }
)


def number(value: Decimal | int) -> str:
    """A ratio or quantity with thousands separators and no trailing zeros: 2500 -> "2,500", 0.5 -> "0.5"."""
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}"
    whole, _, fraction = format(value, "f").partition(".")
    return f"{int(whole):,}.{fraction}"


def counted(n: int, singular: str, plural: str) -> str:
    """ "1 unit", "3,563,593 units": a count with the noun that agrees with it."""
    return f"{count(n)} {singular if n == 1 else plural}"


def is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def small_count(n: int) -> str:
    """Counts under ten in words, as filings write them ("three"); larger ones in figures ("50")."""
    return integer_words(n) if 0 <= n < 10 else count(n)


def for_each(n: int, singular: str, plural: str) -> str:
    """ "for the selling stockholder" (one), "for each of the three selling stockholders", "... of the 50 ..."."""
    return f"for the {singular}" if n == 1 else f"for each of the {small_count(n)} {plural}"


def table_money(amount: Decimal) -> str:
    """Dollars in a table column: whole dollars without cents ("$3,000,000"), otherwise to the cent."""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"${cents:,.0f}" if cents == cents.to_integral_value() else f"${cents:,.2f}"


def percent_cell(value: Decimal | None) -> str:
    """An Item 507 percentage column: "-" when none is printed, "*" under 1%, else "4.2%"."""
    if value is None:
        return "-"
    if value < 1:
        return "*"
    return percent(value)


def market_phrase(market: str) -> str:
    """ "on the OTCQB Venture Market"; a name that carries its own article keeps it ("on The Nasdaq Global Market")."""
    market = " ".join(market.split())
    return f"on {market}" if market.lower().startswith("the ") else f"on the {market}"
