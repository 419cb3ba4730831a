"""Exchange Act periodic report deadlines: 10-K and 10-Q by filer category, Rule 0-3 and Rule 12b-25.

The day counts marked "verify" in docs/reference/sec-rules.md are data here (the ``*_DEFAULT`` tables);
``compliance.conf`` passes counsel's overrides from settings.
"""

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .calendar import ONE_DAY, BusinessCalendar, add_months
from .dates import long_date
from .findings import Finding, Severity


class ReportKind(StrEnum):
    ANNUAL = "annual"
    QUARTERLY = "quarterly"


@dataclass(frozen=True)
class DeadlineRule:
    """Days after period end for a filer category, from the fiscal years ending on or after ``from_fiscal_year_end``."""

    filer_category: str
    kind: ReportKind
    days: int
    from_fiscal_year_end: datetime.date = datetime.date.min


# Exchange Act Rules 13a-1/13a-13 with the accelerated filer phase-in (Releases 33-8128, 33-8507, 33-8644):
# accelerated 10-K 90 -> 75 days for fiscal years ending on or after 2003-12-15; 10-Q 45 -> 40 days for
# quarters of fiscal years ending on or after 2004-12-15; large accelerated 10-K 60 days for fiscal years
# ending on or after 2006-12-15 (the 35-day 10-Q step never took effect). Regulation S-B 10-KSB/10-QSB: 90/45.
PERIODIC_DEADLINES_DEFAULT: tuple[DeadlineRule, ...] = (
    DeadlineRule("small_business_issuer", ReportKind.ANNUAL, 90),
    DeadlineRule("small_business_issuer", ReportKind.QUARTERLY, 45),
    DeadlineRule("smaller_reporting_company", ReportKind.ANNUAL, 90),
    DeadlineRule("smaller_reporting_company", ReportKind.QUARTERLY, 45),
    DeadlineRule("non_accelerated_filer", ReportKind.ANNUAL, 90),
    DeadlineRule("non_accelerated_filer", ReportKind.QUARTERLY, 45),
    DeadlineRule("accelerated_filer", ReportKind.ANNUAL, 90),
    DeadlineRule("accelerated_filer", ReportKind.ANNUAL, 75, datetime.date(2003, 12, 15)),
    DeadlineRule("accelerated_filer", ReportKind.QUARTERLY, 45),
    DeadlineRule("accelerated_filer", ReportKind.QUARTERLY, 40, datetime.date(2004, 12, 15)),
    DeadlineRule("large_accelerated_filer", ReportKind.ANNUAL, 90),
    DeadlineRule("large_accelerated_filer", ReportKind.ANNUAL, 75, datetime.date(2003, 12, 15)),
    DeadlineRule("large_accelerated_filer", ReportKind.ANNUAL, 60, datetime.date(2006, 12, 15)),
    DeadlineRule("large_accelerated_filer", ReportKind.QUARTERLY, 45),
    DeadlineRule("large_accelerated_filer", ReportKind.QUARTERLY, 40, datetime.date(2004, 12, 15)),
    DeadlineRule("well_known_seasoned_issuer", ReportKind.ANNUAL, 90),
    DeadlineRule("well_known_seasoned_issuer", ReportKind.ANNUAL, 75, datetime.date(2003, 12, 15)),
    DeadlineRule("well_known_seasoned_issuer", ReportKind.ANNUAL, 60, datetime.date(2006, 12, 15)),
    DeadlineRule("well_known_seasoned_issuer", ReportKind.QUARTERLY, 45),
    DeadlineRule("well_known_seasoned_issuer", ReportKind.QUARTERLY, 40, datetime.date(2004, 12, 15)),
)
# Filers with no recorded category are held to the non-accelerated deadlines.
DEFAULT_FILER_CATEGORY = "non_accelerated_filer"

# Rule 12b-25(b): calendar days of extension after the prescribed due date.
RULE_12B25_EXTENSION_DAYS_DEFAULT: Mapping[ReportKind, int] = {ReportKind.ANNUAL: 15, ReportKind.QUARTERLY: 5}
# Release 33-8876 phased out Forms 10-QSB and 10-KSB (verify): the last period end (quarterly) and the last
# due date (annual) for which a small business issuer still files on the SB form.
LAST_10QSB_PERIOD_END = datetime.date(2008, 10, 31)
LAST_10KSB_DUE_ON = datetime.date(2009, 3, 15)


def days_after_period_end(
    *,
    filer_category: str,
    kind: ReportKind,
    fiscal_year_end: datetime.date,
    rules: Sequence[DeadlineRule] = PERIODIC_DEADLINES_DEFAULT,
) -> int:
    """Days from period end to the due date for the report of a period in the fiscal year ending ``fiscal_year_end``."""
    category = filer_category or DEFAULT_FILER_CATEGORY
    applicable = [
        r
        for r in rules
        if r.filer_category == category and r.kind == kind and r.from_fiscal_year_end <= fiscal_year_end
    ]
    if not applicable:
        applicable = [
            r
            for r in rules
            if r.filer_category == DEFAULT_FILER_CATEGORY
            and r.kind == kind
            and r.from_fiscal_year_end <= fiscal_year_end
        ]
    if not applicable:
        raise ValueError(f"No periodic report deadline for {category} {kind} reports.")
    return max(applicable, key=lambda r: r.from_fiscal_year_end).days


@dataclass(frozen=True)
class FiscalPeriod:
    period_end: datetime.date
    kind: ReportKind
    fiscal_year_end: datetime.date  # the end of the fiscal year the period belongs to


def parse_fiscal_year_end(value: str) -> tuple[int, int]:
    """ "MM-DD" -> (month, day)."""
    month, day = (int(part) for part in value.split("-"))
    datetime.date(2001, month, day)  # raises ValueError for 02-30 and the like
    return month, day


def _month_end(year: int, month: int) -> datetime.date:
    return add_months(datetime.date(year, month, 1), 1) - ONE_DAY


def fiscal_periods(fiscal_year_end: str, *, from_year: int, to_year: int) -> Iterator[FiscalPeriod]:
    """The fiscal quarters ending in fiscal years ``from_year``..``to_year`` (named by the calendar year they end).

    A fiscal year ending on a month end (08-31, 02-28) has quarters ending on month ends; otherwise the
    quarters end on the same day of the month three, six and nine months before the year end.
    """
    month, day = parse_fiscal_year_end(fiscal_year_end)
    month_end_year = day == _month_end(2001, month).day
    for year in range(from_year, to_year + 1):
        year_end = _month_end(year, month) if month_end_year else datetime.date(year, month, day)
        for back in (9, 6, 3, 0):
            if month_end_year:
                shifted = add_months(datetime.date(year, month, 1), -back)
                period_end = _month_end(shifted.year, shifted.month)
            else:
                period_end = add_months(year_end, -back)
            kind = ReportKind.ANNUAL if back == 0 else ReportKind.QUARTERLY
            yield FiscalPeriod(period_end=period_end, kind=kind, fiscal_year_end=year_end)


# A foreign private issuer (Exchange Act Rule 3b-4) files an annual report on Form 20-F and no quarterly
# report (its Form 6-K reports have no fixed due date). The 20-F is due four months after the fiscal year
# end for fiscal years ending on or after December 15, 2011, six months before (Release 33-8959).
FOREIGN_PRIVATE_ISSUER = "foreign_private_issuer"
FORM_20F_MONTHS: tuple[tuple[datetime.date, int], ...] = ((datetime.date(2011, 12, 15), 4), (datetime.date.min, 6))


def deadline_category(*, filer_category: str, foreign_private_issuer: bool) -> str:
    """The deadline rules an issuer files under: a foreign private issuer's 20-F rules whatever its size."""
    return FOREIGN_PRIVATE_ISSUER if foreign_private_issuer else filer_category


def form_20f_months(fiscal_year_end: datetime.date) -> int:
    """Months from the fiscal year end to the Form 20-F due date (General Instruction A.(b) of Form 20-F)."""
    return next(months for start, months in FORM_20F_MONTHS if fiscal_year_end >= start)


def report_form(*, filer_category: str, kind: ReportKind, period_end: datetime.date, due_on: datetime.date) -> str:
    """10-K or 10-Q; 10-KSB or 10-QSB for a small business issuer while Regulation S-B forms were in use; 20-F
    for a foreign private issuer."""
    if filer_category == FOREIGN_PRIVATE_ISSUER:
        return "20-F"
    if filer_category == "small_business_issuer":
        if kind == ReportKind.QUARTERLY and period_end <= LAST_10QSB_PERIOD_END:
            return "10-QSB"
        if kind == ReportKind.ANNUAL and due_on <= LAST_10KSB_DUE_ON:
            return "10-KSB"
    return "10-K" if kind == ReportKind.ANNUAL else "10-Q"


@dataclass(frozen=True)
class LateFilingNotice:
    """A Form NT 10-K or NT 10-Q (Rule 12b-25) recorded for a period."""

    kind: ReportKind
    period_end: datetime.date
    filed_on: datetime.date
    id: int | None = None


@dataclass(frozen=True)
class PeriodicDue:
    period: FiscalPeriod
    form: str
    days: int
    due_on: datetime.date  # after Rule 0-3 and any Rule 12b-25 extension
    prescribed_due_on: datetime.date  # period end + days, before moving off a weekend or holiday
    unextended_due_on: datetime.date  # the Rule 0-3 due date without the 12b-25 extension
    notice: LateFilingNotice | None = None
    notice_timely: bool | None = None  # None without a notice

    @property
    def extended(self) -> bool:
        return self.due_on != self.unextended_due_on


def periodic_due(
    *,
    period: FiscalPeriod,
    filer_category: str,
    calendar: BusinessCalendar,
    notices: Iterable[LateFilingNotice] = (),
    rules: Sequence[DeadlineRule] = PERIODIC_DEADLINES_DEFAULT,
    extension_days: Mapping[ReportKind, int] = RULE_12B25_EXTENSION_DAYS_DEFAULT,
) -> PeriodicDue:
    """Due date of the 10-K/10-Q (or a foreign private issuer's 20-F) for ``period``.

    Rules 13a-1/13a-13: ``days`` after period end; Form 20-F: four (before 2011-12-15, six) months after the
    fiscal year end; Rule 0-3: a weekend or holiday due date moves to the next business day. Rule 12b-25(b):
    an NT filed no later than one business day after the due date extends it to the 15th (10-K, 20-F) or 5th
    (10-Q) calendar day after the prescribed due date, again moved off a closed day.
    """
    if filer_category == FOREIGN_PRIVATE_ISSUER:
        prescribed = add_months(period.period_end, form_20f_months(period.fiscal_year_end))
        days = (prescribed - period.period_end).days
    else:
        days = days_after_period_end(
            filer_category=filer_category, kind=period.kind, fiscal_year_end=period.fiscal_year_end, rules=rules
        )
        prescribed = period.period_end + datetime.timedelta(days=days)
    due = calendar.on_or_after(prescribed)
    notice = next((n for n in notices if n.kind == period.kind and n.period_end == period.period_end), None)
    timely = None
    extended = due
    if notice is not None:
        timely = notice.filed_on <= calendar.add_business_days(due, 1)
        if timely:
            extended = calendar.on_or_after(prescribed + datetime.timedelta(days=extension_days[period.kind]))
    form = report_form(filer_category=filer_category, kind=period.kind, period_end=period.period_end, due_on=due)
    return PeriodicDue(
        period=period,
        form=form,
        days=days,
        due_on=extended,
        prescribed_due_on=prescribed,
        unextended_due_on=due,
        notice=notice,
        notice_timely=timely,
    )


def periods_after(
    fiscal_year_end: str, after: datetime.date, *, count: int, filer_category: str = ""
) -> list[FiscalPeriod]:
    """The ``count`` fiscal periods ending after ``after``, in order (only fiscal years for a foreign private
    issuer, which files no quarterly report)."""
    years = count if filer_category == FOREIGN_PRIVATE_ISSUER else count // 4
    periods = fiscal_periods(fiscal_year_end, from_year=after.year, to_year=after.year + years + 2)
    wanted = [p for p in periods if p.period_end > after]
    if filer_category == FOREIGN_PRIVATE_ISSUER:
        wanted = [p for p in wanted if p.kind == ReportKind.ANNUAL]
    return wanted[:count]


def next_unreported_period(
    *,
    fiscal_year_end: str,
    filer_category: str,
    reported_period_ends: Iterable[datetime.date],
    as_of: datetime.date,
    calendar: BusinessCalendar,
    rules: Sequence[DeadlineRule] = PERIODIC_DEADLINES_DEFAULT,
) -> FiscalPeriod:
    """The next 10-K/10-Q to file: the first fiscal period after the latest one reported.

    With no report on record, the earliest period whose report falls due on or after ``as_of``.
    """
    reported = [d for d in reported_period_ends if d is not None]
    if reported:
        return periods_after(fiscal_year_end, max(reported), count=1, filer_category=filer_category)[0]
    for period in periods_after(fiscal_year_end, add_months(as_of, -6), count=8, filer_category=filer_category):
        due = periodic_due(period=period, filer_category=filer_category, calendar=calendar, rules=rules)
        if due.due_on >= as_of:
            return period
    raise AssertionError("a due date within two years always exists")  # pragma: no cover


def periodic_report_finding(
    *,
    issuer_id: int,
    issuer_name: str,
    fiscal_year_end: str,
    filer_category: str,
    reported_period_ends: Iterable[datetime.date],
    notices: Sequence[LateFilingNotice],
    as_of: datetime.date,
    calendar: BusinessCalendar,
    rules: Sequence[DeadlineRule] = PERIODIC_DEADLINES_DEFAULT,
    extension_days: Mapping[ReportKind, int] = RULE_12B25_EXTENSION_DAYS_DEFAULT,
    warn_business_days: int = 10,
) -> Finding:
    """PERIODIC_REPORT_DUE: the next 10-K/10-Q (10-KSB/10-QSB) after the latest on record; info, a warning within
    ``warn_business_days`` business days of the due date, an error once late (Rules 13a-1, 13a-13, 0-3, 12b-25)."""
    period = next_unreported_period(
        fiscal_year_end=fiscal_year_end,
        filer_category=filer_category,
        reported_period_ends=reported_period_ends,
        as_of=as_of,
        calendar=calendar,
        rules=rules,
    )
    due = periodic_due(
        period=period,
        filer_category=filer_category,
        calendar=calendar,
        notices=notices,
        rules=rules,
        extension_days=extension_days,
    )
    what = f"{issuer_name}'s Form {due.form} for the {'fiscal year' if period.kind == ReportKind.ANNUAL else 'quarter'}"
    basis = f"{due.days} days after period end"
    if due.prescribed_due_on != due.unextended_due_on:
        closed = calendar.closed_because(due.prescribed_due_on)
        basis += (
            f", {long_date(due.prescribed_due_on)} being a {closed}"
            if closed in ("Saturday", "Sunday")
            else (f", {long_date(due.prescribed_due_on)} being {closed}")
        )
        basis += ", moved to the next business day"
    if due.notice is not None and due.notice_timely:
        basis += f", extended under Rule 12b-25 by the NT filing of {long_date(due.notice.filed_on)}"
    elif due.notice is not None:
        basis += f"; the NT filing of {long_date(due.notice.filed_on)} came too late to extend it under Rule 12b-25"
    left = calendar.business_days_between(as_of, due.due_on)
    if as_of > due.due_on:
        severity = Severity.ERROR
        message = (
            f"{what} ended {long_date(period.period_end)} was due {long_date(due.due_on)} ({basis}) and is not on "
            f"record."
        )
    else:
        severity = Severity.WARNING if left <= warn_business_days else Severity.INFO
        message = (
            f"{what} ended {long_date(period.period_end)} is due {long_date(due.due_on)} ({basis}); {left} business "
            f"days left."
        )
    return Finding(
        code="PERIODIC_REPORT_DUE",
        severity=severity,
        message=message,
        subject="issuer",
        subject_id=issuer_id,
        due_on=due.due_on,
        data={
            "form": due.form,
            "kind": str(period.kind),
            "period_end": period.period_end.isoformat(),
            "days_after_period_end": due.days,
            "due_on": due.due_on.isoformat(),
            "unextended_due_on": due.unextended_due_on.isoformat(),
            "rule_12b25_notice_id": due.notice.id if due.notice else None,
            "rule_12b25_extended": due.extended,
            "business_days_left": left,
            "filer_category": filer_category or DEFAULT_FILER_CATEGORY,
        },
    )


def periodic_dues_between(
    *,
    fiscal_year_end: str,
    filer_category: str,
    reported_period_ends: Iterable[datetime.date],
    notices: Sequence[LateFilingNotice],
    start: datetime.date,
    end: datetime.date,
    calendar: BusinessCalendar,
    rules: Sequence[DeadlineRule] = PERIODIC_DEADLINES_DEFAULT,
    extension_days: Mapping[ReportKind, int] = RULE_12B25_EXTENSION_DAYS_DEFAULT,
) -> list[PeriodicDue]:
    """Unreported 10-K/10-Q due dates falling in ``start``..``end``, for the compliance calendar."""
    reported = set(reported_period_ends)
    result = []
    count = 4 * ((end.year - start.year) + 3)
    for period in periods_after(fiscal_year_end, add_months(start, -12), count=count, filer_category=filer_category):
        if period.period_end in reported:
            continue
        due = periodic_due(
            period=period,
            filer_category=filer_category,
            calendar=calendar,
            notices=notices,
            rules=rules,
            extension_days=extension_days,
        )
        if start <= due.due_on <= end and (not reported or period.period_end > max(reported)):
            result.append(due)
    return result
