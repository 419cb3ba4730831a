"""Exchange Act periodic report due dates, Rule 0-3 and Rule 12b-25; expected dates counted by hand."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offerings.domain.calendar import BusinessCalendar
from offerings.domain.findings import Severity
from offerings.domain.periodic_reports import (
    FiscalPeriod,
    LateFilingNotice,
    ReportKind,
    fiscal_periods,
    next_unreported_period,
    periodic_due,
    periodic_report_finding,
)

D = datetime.date
CALENDAR = BusinessCalendar.standard(closures=[D(2004, 6, 11), D(2007, 1, 2), D(2018, 12, 5), D(2025, 1, 9)])
A, Q = ReportKind.ANNUAL, ReportKind.QUARTERLY

# (filer category, kind, period end, fiscal year end, form, due): days counted month by month on a calendar.
PERIODIC = [
    ("small_business_issuer", A, D(2003, 8, 31), D(2003, 8, 31), "10-KSB", D(2003, 12, 1)),  # 90th day Sat Nov 29
    ("small_business_issuer", Q, D(2003, 5, 31), D(2003, 8, 31), "10-QSB", D(2003, 7, 15)),  # 45th day Tue
    ("small_business_issuer", Q, D(2003, 11, 30), D(2004, 8, 31), "10-QSB", D(2004, 1, 14)),
    ("small_business_issuer", Q, D(2004, 2, 29), D(2004, 8, 31), "10-QSB", D(2004, 4, 14)),
    ("small_business_issuer", A, D(2008, 12, 31), D(2008, 12, 31), "10-K", D(2009, 3, 31)),  # 10-KSB gone by then
    ("small_business_issuer", Q, D(2008, 9, 30), D(2008, 12, 31), "10-QSB", D(2008, 11, 14)),
    ("non_accelerated_filer", A, D(2019, 12, 31), D(2019, 12, 31), "10-K", D(2020, 3, 30)),  # leap February
    ("non_accelerated_filer", A, D(2021, 12, 31), D(2021, 12, 31), "10-K", D(2022, 3, 31)),
    ("non_accelerated_filer", Q, D(2022, 6, 30), D(2022, 12, 31), "10-Q", D(2022, 8, 15)),  # 45th day Sun Aug 14
    ("smaller_reporting_company", Q, D(2026, 3, 31), D(2026, 12, 31), "10-Q", D(2026, 5, 15)),
    ("large_accelerated_filer", A, D(2022, 12, 31), D(2022, 12, 31), "10-K", D(2023, 3, 1)),  # 60 days
    ("large_accelerated_filer", A, D(2023, 12, 31), D(2023, 12, 31), "10-K", D(2024, 2, 29)),  # 60 days, leap
    ("large_accelerated_filer", A, D(2006, 12, 31), D(2006, 12, 31), "10-K", D(2007, 3, 1)),  # first 60-day year
    ("large_accelerated_filer", A, D(2005, 12, 31), D(2005, 12, 31), "10-K", D(2006, 3, 16)),  # still 75 days
    ("accelerated_filer", A, D(2024, 12, 31), D(2024, 12, 31), "10-K", D(2025, 3, 17)),  # 75th day Sun Mar 16
    ("accelerated_filer", Q, D(2025, 3, 31), D(2025, 12, 31), "10-Q", D(2025, 5, 12)),  # 40th day Sat May 10
    ("accelerated_filer", A, D(2002, 12, 31), D(2002, 12, 31), "10-K", D(2003, 3, 31)),  # before the phase-in: 90
    ("accelerated_filer", A, D(2003, 12, 31), D(2003, 12, 31), "10-K", D(2004, 3, 15)),  # 75 days
    ("accelerated_filer", Q, D(2003, 9, 30), D(2003, 12, 31), "10-Q", D(2003, 11, 14)),  # still 45 days
    ("accelerated_filer", Q, D(2004, 3, 31), D(2004, 12, 31), "10-Q", D(2004, 5, 10)),  # 40 days
    ("accelerated_filer", Q, D(2004, 9, 30), D(2004, 12, 31), "10-Q", D(2004, 11, 9)),
    ("", A, D(2010, 12, 31), D(2010, 12, 31), "10-K", D(2011, 3, 31)),  # no category: non-accelerated
]


@pytest.mark.parametrize(("category", "kind", "period_end", "year_end", "form", "due_on"), PERIODIC)
def test_periodic_report_due_date_matches_the_calendar(category, kind, period_end, year_end, form, due_on):
    period = FiscalPeriod(period_end=period_end, kind=kind, fiscal_year_end=year_end)
    due = periodic_due(period=period, filer_category=category, calendar=CALENDAR)
    assert (due.form, due.due_on) == (form, due_on)


def _due(category, kind, period_end, year_end, notices):
    period = FiscalPeriod(period_end=period_end, kind=kind, fiscal_year_end=year_end)
    return periodic_due(period=period, filer_category=category, calendar=CALENDAR, notices=notices)


def test_nt_10k_filed_the_next_business_day_extends_by_15_calendar_days():
    notice = LateFilingNotice(kind=A, period_end=D(2022, 12, 31), filed_on=D(2023, 4, 3))
    due = _due("non_accelerated_filer", A, D(2022, 12, 31), D(2022, 12, 31), [notice])
    # due Fri Mar 31, 2023; + 15 days = Sat Apr 15 -> Mon Apr 17
    assert (due.unextended_due_on, due.due_on, due.notice_timely) == (D(2023, 3, 31), D(2023, 4, 17), True)


def test_nt_10q_extends_by_5_calendar_days():
    notice = LateFilingNotice(kind=Q, period_end=D(2023, 3, 31), filed_on=D(2023, 5, 16))
    due = _due("non_accelerated_filer", Q, D(2023, 3, 31), D(2023, 12, 31), [notice])
    assert (due.unextended_due_on, due.due_on) == (D(2023, 5, 15), D(2023, 5, 22))  # Sat May 20 -> Mon May 22


def test_extension_counts_from_the_prescribed_day_not_the_moved_one():
    notice = LateFilingNotice(kind=Q, period_end=D(2022, 6, 30), filed_on=D(2022, 8, 16))
    due = _due("non_accelerated_filer", Q, D(2022, 6, 30), D(2022, 12, 31), [notice])
    # prescribed Sun Aug 14 (moved to Mon Aug 15); extended to Aug 14 + 5 = Fri Aug 19
    assert due.due_on == D(2022, 8, 19)


def test_nt_filed_too_late_does_not_extend():
    notice = LateFilingNotice(kind=Q, period_end=D(2023, 3, 31), filed_on=D(2023, 5, 17))
    due = _due("non_accelerated_filer", Q, D(2023, 3, 31), D(2023, 12, 31), [notice])
    assert (due.due_on, due.notice_timely) == (D(2023, 5, 15), False)


def test_nt_for_another_period_is_ignored():
    notice = LateFilingNotice(kind=Q, period_end=D(2022, 12, 31), filed_on=D(2023, 2, 15))
    due = _due("non_accelerated_filer", Q, D(2023, 3, 31), D(2023, 12, 31), [notice])
    assert due.notice is None and due.due_on == D(2023, 5, 15)


def test_fiscal_periods_of_an_august_year_end_are_month_ends():
    periods = list(fiscal_periods("08-31", from_year=2004, to_year=2004))
    assert [(p.period_end, p.kind) for p in periods] == [
        (D(2003, 11, 30), Q),
        (D(2004, 2, 29), Q),
        (D(2004, 5, 31), Q),
        (D(2004, 8, 31), A),
    ]
    assert {p.fiscal_year_end for p in periods} == {D(2004, 8, 31)}


def test_next_period_follows_the_latest_report_on_record():
    period = next_unreported_period(
        fiscal_year_end="08-31",
        filer_category="small_business_issuer",
        reported_period_ends=[D(2002, 8, 31), D(2003, 5, 31)],
        as_of=D(2003, 7, 16),
        calendar=CALENDAR,
    )
    assert (period.period_end, period.kind) == (D(2003, 8, 31), A)


def test_without_reports_the_next_period_is_the_one_falling_due_next():
    period = next_unreported_period(
        fiscal_year_end="12-31",
        filer_category="non_accelerated_filer",
        reported_period_ends=[],
        as_of=D(2024, 2, 1),
        calendar=CALENDAR,
    )
    assert period.period_end == D(2023, 12, 31)  # due Apr 1, 2024 (Mar 30 is a Saturday)


BESTNET_REPORTED = (D(2002, 8, 31), D(2003, 5, 31))


def _finding(as_of, reported=BESTNET_REPORTED, notices=()):
    return periodic_report_finding(
        issuer_id=7,
        issuer_name="BestNet Communications Corp.",
        fiscal_year_end="08-31",
        filer_category="small_business_issuer",
        reported_period_ends=list(reported),
        notices=list(notices),
        as_of=as_of,
        calendar=CALENDAR,
    )


def test_periodic_report_due_is_info_then_warning_within_10_business_days_then_error():
    assert _finding(D(2003, 7, 16)).severity == Severity.INFO
    # Nov 14 to Dec 1: 17-21, 24-26, 28, Dec 1 = 10 business days (Thanksgiving Nov 27 skipped)
    assert _finding(D(2003, 11, 13)).severity == Severity.INFO  # 11 business days left
    assert _finding(D(2003, 11, 14)).severity == Severity.WARNING  # 10 business days left
    assert _finding(D(2003, 12, 1)).severity == Severity.WARNING  # the due date itself
    late = _finding(D(2003, 12, 2))
    assert late.severity == Severity.ERROR
    assert late.due_on == D(2003, 12, 1)
    assert "10-KSB" in late.message and "December 1, 2003" in late.message


def test_recorded_nt_10k_moves_the_finding_due_date():
    notice = LateFilingNotice(kind=A, period_end=D(2003, 8, 31), filed_on=D(2003, 12, 2))
    finding = _finding(D(2003, 12, 2), notices=[notice])
    # prescribed Sat Nov 29 + 15 = Sun Dec 14 -> Mon Dec 15
    assert finding.due_on == D(2003, 12, 15)
    assert finding.severity == Severity.WARNING
    assert finding.data["rule_12b25_extended"] is True
    assert "Rule 12b-25" in finding.message


categories = st.sampled_from(
    ["small_business_issuer", "non_accelerated_filer", "accelerated_filer", "large_accelerated_filer"]
)


@settings(max_examples=200, deadline=None)
@given(
    year=st.integers(min_value=1991, max_value=2098),
    fye=st.sampled_from(["12-31", "08-31", "06-30", "09-30", "03-31", "02-28", "09-27"]),
    category=categories,
)
def test_periodic_due_dates_are_business_days_after_period_end(year, fye, category):
    for period in fiscal_periods(fye, from_year=year, to_year=year):
        due = periodic_due(period=period, filer_category=category, calendar=CALENDAR)
        assert CALENDAR.is_business_day(due.due_on)
        assert due.due_on >= due.prescribed_due_on > period.period_end
        assert (due.due_on - due.prescribed_due_on).days <= 4
