"""SEC business days and Rule 424(b) deadlines; expected dates worked out by hand from a printed calendar."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offerings.domain.calendar import (
    BusinessCalendar,
    OutOfRangeError,
    add_months,
    federal_holidays,
    first_day_more_than_months_after,
    observed_federal_holidays,
)
from offerings.domain.rule_424b import rule_424b_due_on

D = datetime.date
MOURNING = {D(2004, 6, 11): "Reagan", D(2007, 1, 2): "Ford", D(2018, 12, 5): "Bush", D(2025, 1, 9): "Carter"}
CALENDAR = BusinessCalendar.standard(closures=MOURNING)

# (rule, first use, due): each row counted on a calendar, naming the closed day it skips.
DEADLINES = [
    ("424(b)(3)", D(2003, 7, 3), D(2003, 7, 11)),  # Fri July 4
    ("424(b)(3)", D(2003, 7, 16), D(2003, 7, 23)),  # plain week
    ("424(b)(3)", D(2003, 11, 25), D(2003, 12, 3)),  # Thanksgiving Nov 27
    ("424(b)(3)", D(2003, 12, 22), D(2003, 12, 30)),  # Christmas Thu Dec 25
    ("424(b)(3)", D(2004, 6, 7), D(2004, 6, 15)),  # Reagan mourning Fri June 11
    ("424(b)(3)", D(2006, 12, 27), D(2007, 1, 5)),  # New Year Mon Jan 1 and Ford mourning Tue Jan 2
    ("424(b)(3)", D(2018, 11, 30), D(2018, 12, 10)),  # Bush mourning Wed Dec 5
    ("424(b)(3)", D(2025, 1, 6), D(2025, 1, 14)),  # Carter mourning Thu Jan 9
    ("424(b)(3)", D(2021, 12, 27), D(2022, 1, 4)),  # New Year's Day 2022 observed Fri Dec 31, 2021
    ("424(b)(3)", D(2021, 6, 14), D(2021, 6, 22)),  # Juneteenth (Sat) observed Fri June 18, 2021
    ("424(b)(3)", D(2020, 6, 15), D(2020, 6, 22)),  # no Juneteenth before 2021: Fri June 19, 2020 counts
    ("424(b)(3)", D(2024, 1, 12), D(2024, 1, 22)),  # Martin Luther King Jr. Day Mon Jan 15
    ("424(b)(3)", D(2023, 2, 17), D(2023, 2, 27)),  # Washington's Birthday Mon Feb 20
    ("424(b)(3)", D(2010, 5, 28), D(2010, 6, 7)),  # Memorial Day Mon May 31
    ("424(b)(3)", D(2015, 9, 4), D(2015, 9, 14)),  # Labor Day Mon Sep 7
    ("424(b)(3)", D(2012, 10, 5), D(2012, 10, 15)),  # Columbus Day Mon Oct 8
    ("424(b)(3)", D(2017, 11, 9), D(2017, 11, 17)),  # Veterans Day (Sat) observed Fri Nov 10
    ("424(b)(3)", D(2026, 7, 1), D(2026, 7, 9)),  # Independence Day (Sat) observed Fri July 3, 2026
    ("424(b)(3)", D(2015, 7, 2), D(2015, 7, 10)),  # Independence Day (Sat) observed Fri July 3, 2015
    ("424(b)(3)", D(2009, 12, 23), D(2009, 12, 31)),  # Christmas Fri Dec 25
    ("424(b)(3)", D(2010, 12, 28), D(2011, 1, 5)),  # New Year's Day 2011 (Sat) observed Fri Dec 31, 2010
    ("424(b)(3)", D(2016, 12, 22), D(2016, 12, 30)),  # Christmas (Sun) observed Mon Dec 26
    ("424(b)(3)", D(2022, 12, 22), D(2022, 12, 30)),  # Christmas (Sun) observed Mon Dec 26
    ("424(b)(3)", D(2022, 12, 27), D(2023, 1, 4)),  # New Year's Day 2023 (Sun) observed Mon Jan 2
    ("424(b)(2)", D(2003, 7, 3), D(2003, 7, 8)),  # second business day, July 4 skipped
    ("424(b)(1)", D(2004, 6, 10), D(2004, 6, 15)),  # Reagan mourning
    ("424(b)(7)", D(2023, 11, 22), D(2023, 11, 27)),  # Thanksgiving Nov 23
    ("424(b)(5)", D(2019, 12, 31), D(2020, 1, 3)),  # New Year's Day
    ("424(b)(4)", D(2024, 5, 24), D(2024, 5, 29)),  # Memorial Day May 27
    ("424(b)(3)", D(2003, 7, 5), D(2003, 7, 11)),  # first used on a Saturday: Mon July 7 is day one
]


@pytest.mark.parametrize(("rule", "first_used_on", "due_on"), DEADLINES, ids=[f"{r}-{u}" for r, u, _ in DEADLINES])
def test_rule_424b_due_date_matches_the_calendar(rule, first_used_on, due_on):
    assert rule_424b_due_on(rule=rule, first_used_on=first_used_on, calendar=CALENDAR) == due_on


def test_rule_424b8_has_no_fixed_due_date():
    assert rule_424b_due_on(rule="424(b)(8)", first_used_on=D(2003, 7, 3), calendar=CALENDAR) is None


def test_deadline_table_spans_2003_to_2026_with_at_least_30_rows():
    assert len(DEADLINES) >= 30
    years = {used.year for _, used, _ in DEADLINES}
    assert min(years) == 2003 and max(years) == 2026


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2021, 12, 31), "New Year's Day"),
        (D(2010, 12, 31), "New Year's Day"),
        (D(2021, 6, 18), "Juneteenth National Independence Day"),
        (D(2022, 6, 20), "Juneteenth National Independence Day"),  # Sunday June 19 observed Monday
        (D(2003, 7, 4), "Independence Day"),
        (D(2020, 7, 3), "Independence Day"),  # Saturday July 4 observed Friday
        (D(2021, 7, 5), "Independence Day"),  # Sunday July 4 observed Monday
        (D(2003, 11, 27), "Thanksgiving Day"),
        (D(2025, 1, 20), "Martin Luther King Jr. Day"),
        (D(2004, 6, 11), "Reagan"),
        (D(2003, 7, 5), "Saturday"),
        (D(2003, 7, 6), "Sunday"),
    ],
)
def test_closed_days_name_their_reason(day, reason):
    assert CALENDAR.closed_because(day) == reason
    assert not CALENDAR.is_business_day(day)


@pytest.mark.parametrize("day", [D(2020, 6, 19), D(2004, 6, 10), D(2003, 12, 26), D(2022, 1, 3), D(2021, 12, 30)])
def test_ordinary_weekdays_are_business_days(day):
    # 2020-06-19: Juneteenth is a holiday only from 2021
    assert CALENDAR.is_business_day(day)


def test_federal_holidays_of_2026_as_printed_by_opm():
    observed = sorted(h.observed_on for h in federal_holidays(2026))
    assert observed == [
        D(2026, 1, 1),
        D(2026, 1, 19),
        D(2026, 2, 16),
        D(2026, 5, 25),
        D(2026, 6, 19),
        D(2026, 7, 3),
        D(2026, 9, 7),
        D(2026, 10, 12),
        D(2026, 11, 11),
        D(2026, 11, 26),
        D(2026, 12, 25),
    ]


def test_a_closure_day_recorded_moves_the_deadline():
    without = BusinessCalendar.standard()
    assert rule_424b_due_on(rule="424(b)(3)", first_used_on=D(2004, 6, 7), calendar=without) == D(2004, 6, 14)
    assert rule_424b_due_on(rule="424(b)(3)", first_used_on=D(2004, 6, 7), calendar=CALENDAR) == D(2004, 6, 15)


def test_calendar_refuses_dates_outside_1990_to_2100():
    with pytest.raises(OutOfRangeError, match="1989-12-29"):
        CALENDAR.is_business_day(D(1989, 12, 29))
    assert CALENDAR.is_business_day(D(2100, 12, 30))


def test_add_months_clamps_to_month_end():
    assert add_months(D(2003, 5, 19), 9) == D(2004, 2, 19)
    assert add_months(D(2003, 5, 31), 9) == D(2004, 2, 29)
    assert add_months(D(2002, 8, 31), 16) == D(2003, 12, 31)
    assert add_months(D(2004, 2, 29), -12) == D(2003, 2, 28)


def test_more_than_months_is_counted_back_from_the_later_day():
    assert first_day_more_than_months_after(D(2003, 5, 19), 9) == D(2004, 2, 20)
    assert first_day_more_than_months_after(D(2002, 8, 31), 16) == D(2004, 1, 1)
    assert first_day_more_than_months_after(D(2003, 5, 31), 9) == D(2004, 3, 1)
    # a month end runs to the month end: February 28, 2003 is 16 months before June 30, 2004
    assert first_day_more_than_months_after(D(2003, 2, 28), 16) == D(2004, 7, 1)
    assert first_day_more_than_months_after(D(2002, 6, 30), 16) == D(2003, 11, 1)


# -- properties ------------------------------------------------------------------------------------------

days = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 11, 30))
rules = st.sampled_from(["424(b)(1)", "424(b)(2)", "424(b)(3)", "424(b)(4)", "424(b)(5)", "424(b)(7)"])


@settings(max_examples=300, deadline=None)
@given(first_used_on=days, rule=rules)
def test_due_date_is_a_business_day_after_first_use(first_used_on, rule):
    due = rule_424b_due_on(rule=rule, first_used_on=first_used_on, calendar=CALENDAR)
    assert due > first_used_on
    assert CALENDAR.is_business_day(due)
    expected = 5 if rule == "424(b)(3)" else 2
    assert CALENDAR.business_days_between(first_used_on, due) == expected


@settings(max_examples=300, deadline=None)
@given(first=days, gap=st.integers(min_value=0, max_value=60), rule=rules)
def test_a_later_first_use_never_has_an_earlier_due_date(first, gap, rule):
    later = first + datetime.timedelta(days=gap)
    if later.year > 2100 or later > D(2100, 11, 30):
        return
    assert rule_424b_due_on(rule=rule, first_used_on=later, calendar=CALENDAR) >= rule_424b_due_on(
        rule=rule, first_used_on=first, calendar=CALENDAR
    )


@settings(max_examples=100, deadline=None)
@given(year=st.integers(min_value=1990, max_value=2100))
def test_every_observed_holiday_is_a_weekday(year):
    for holiday in federal_holidays(year):
        assert holiday.observed_on.weekday() < 5
        assert abs((holiday.observed_on - holiday.on).days) <= 1


def test_observed_holidays_cover_1990_to_2100():
    holidays = observed_federal_holidays()
    assert min(holidays).year == 1990 and max(holidays).year == 2100
    assert all(day.weekday() < 5 for day in holidays)
    # ten holidays a year, eleven from 2021; a New Year's Day observed on Dec 31 moves a year's count by one
    assert sum(1 for day in holidays if day.year == 2003) == 10
    assert sum(1 for day in holidays if day.year == 2021) == 12  # includes Dec 31, 2021 for 2022
    assert sum(1 for day in holidays if day.year == 2022) == 10  # its New Year's Day was in 2021
