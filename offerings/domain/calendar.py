"""SEC business days: Monday to Friday except federal holidays and days the Commission is closed.

17 CFR 201.104 keeps the Commission's business hours on weekdays "excepting Saturdays, Sundays and Federal
holidays". The federal holidays are those of 5 U.S.C. 6103(a), with Juneteenth from 2021; a holiday on a
Saturday is observed the Friday before and one on a Sunday the Monday after (5 U.S.C. 6103(b), Executive
Order 11582). Closures by executive order (national days of mourning) are data staff record; this module
receives them as plain dates and knows nothing of the database.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

FIRST_YEAR = 1990
LAST_YEAR = 2100
JUNETEENTH_FIRST_YEAR = 2021
# The dates a check may be run as of: the checks and the calendar look back a year and ahead up to four (the
# next 10-K/10-Q periods, their due dates moved off closed days and Rule 12b-25 extensions), and every day they
# reach must lie within FIRST_YEAR to LAST_YEAR. The dashboard, the calendar, its feed and `compliance_check
# --as-of` all take their range from here.
AS_OF_FIRST = datetime.date(FIRST_YEAR + 1, 1, 1)
AS_OF_LAST = datetime.date(LAST_YEAR - 4, 12, 31)

MONDAY, THURSDAY, SATURDAY, SUNDAY = 0, 3, 5, 6
ONE_DAY = datetime.timedelta(days=1)


class OutOfRangeError(ValueError):
    """A date outside the years whose holidays the calendar knows (1990 to 2100)."""


@dataclass(frozen=True)
class Holiday:
    name: str
    on: datetime.date  # the legal date, e.g. July 4
    observed_on: datetime.date  # the weekday federal offices close


def nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    """The ``n``-th ``weekday`` (Monday is 0) of the month, e.g. the third Monday of January."""
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + datetime.timedelta(days=offset + 7 * (n - 1))


def last_weekday(year: int, month: int, weekday: int) -> datetime.date:
    """The last ``weekday`` of the month, e.g. the last Monday of May (Memorial Day)."""
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = next_month - ONE_DAY
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def observed(day: datetime.date) -> datetime.date:
    """5 U.S.C. 6103(b): a Saturday holiday is observed on Friday, a Sunday holiday on Monday."""
    if day.weekday() == SATURDAY:
        return day - ONE_DAY
    if day.weekday() == SUNDAY:
        return day + ONE_DAY
    return day


def federal_holidays(year: int) -> list[Holiday]:
    """The legal public holidays of ``year`` (5 U.S.C. 6103(a)) with the day each is observed.

    New Year's Day on a Saturday is observed on December 31 of the year before (e.g. 2021-12-31 for 2022).
    """
    fixed = [
        ("New Year's Day", datetime.date(year, 1, 1)),
        ("Independence Day", datetime.date(year, 7, 4)),
        ("Veterans Day", datetime.date(year, 11, 11)),
        ("Christmas Day", datetime.date(year, 12, 25)),
    ]
    if year >= JUNETEENTH_FIRST_YEAR:
        fixed.append(("Juneteenth National Independence Day", datetime.date(year, 6, 19)))
    floating = [
        ("Martin Luther King Jr. Day", nth_weekday(year, 1, MONDAY, 3)),
        ("Washington's Birthday", nth_weekday(year, 2, MONDAY, 3)),
        ("Memorial Day", last_weekday(year, 5, MONDAY)),
        ("Labor Day", nth_weekday(year, 9, MONDAY, 1)),
        ("Columbus Day", nth_weekday(year, 10, MONDAY, 2)),
        ("Thanksgiving Day", nth_weekday(year, 11, THURSDAY, 4)),
    ]
    holidays = [Holiday(name, day, observed(day)) for name, day in fixed + floating]
    return sorted(holidays, key=lambda h: h.on)


@cache
def observed_federal_holidays(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> Mapping[datetime.date, str]:
    """Every observed federal holiday falling in ``first_year``..``last_year``, date -> name."""
    result: dict[datetime.date, str] = {}
    for year in range(first_year, last_year + 2):  # next year's New Year's Day may be observed on Dec 31
        for holiday in federal_holidays(year):
            if first_year <= holiday.observed_on.year <= last_year:
                result[holiday.observed_on] = holiday.name
    return dict(sorted(result.items()))


@dataclass(frozen=True)
class BusinessCalendar:
    """SEC business days between 1990 and 2100: weekdays that are neither a holiday nor a recorded closure.

    ``holidays`` and ``closures`` are date -> reason; build one with ``BusinessCalendar.standard(closures=...)``.
    """

    holidays: Mapping[datetime.date, str]
    closures: Mapping[datetime.date, str] = field(default_factory=dict)
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR

    @classmethod
    def standard(cls, *, closures: Mapping[datetime.date, str] | Iterable[datetime.date] = ()) -> "BusinessCalendar":
        if not isinstance(closures, Mapping):
            closures = {day: "Federal government closed" for day in closures}
        return cls(holidays=observed_federal_holidays(), closures=dict(closures))

    def _check(self, day: datetime.date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise OutOfRangeError(
                f"{day.isoformat()} is outside the business-day calendar ({self.first_year} to {self.last_year})."
            )

    def closed_because(self, day: datetime.date) -> str | None:
        """Why the SEC is closed on ``day`` ("Saturday", a holiday's name, a closure's reason), or None."""
        self._check(day)
        if day.weekday() == SATURDAY:
            return "Saturday"
        if day.weekday() == SUNDAY:
            return "Sunday"
        return self.holidays.get(day) or self.closures.get(day)

    def is_business_day(self, day: datetime.date) -> bool:
        return self.closed_because(day) is None

    def on_or_after(self, day: datetime.date) -> datetime.date:
        """Exchange Act Rule 0-3: a due date on a weekend or holiday moves to the next business day."""
        while not self.is_business_day(day):
            day += ONE_DAY
        return day

    def add_business_days(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th business day after ``day`` (``day`` itself is not counted)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        while count:
            day += ONE_DAY
            if self.is_business_day(day):
                count -= 1
        return day

    def business_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Business days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
        if end < start:
            return -self.business_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_business_day(day):
                count += 1
        return count


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    return datetime.date(year, month, min(day.day, (next_month - ONE_DAY).day))


def is_more_than_months_after(later: datetime.date, earlier: datetime.date, months: int) -> bool:
    """Whether ``later`` falls more than ``months`` calendar months after ``earlier``.

    Counted back from the later date: 2004-02-20 is more than 9 months after 2003-05-19 (2004-02-20 less 9
    months is 2003-05-20), while 2004-02-19 is not. Month ends run to month ends: June 30, 2004 less 16
    months is February 28, 2003 (there is no February 30), so information as of that day is not yet too old.
    """
    return add_months(later, -months) > earlier


def first_day_more_than_months_after(earlier: datetime.date, months: int) -> datetime.date:
    day = add_months(earlier, months)
    while not is_more_than_months_after(day, earlier, months):
        day += ONE_DAY
    return day
