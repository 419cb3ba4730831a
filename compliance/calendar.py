"""The compliance calendar: what falls due in the coming days, one function per kind of event.

Supplement filings (Rule 424(b)), the last day each prospectus may be used (Section 10(a)(3)), expiries of
registered warrants and convertibles, and periodic reports due (10-K/10-Q with Rule 12b-25).
"""

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

from offerings.domain import periodic_reports, rule_424b, section_10a3
from offerings.domain.calendar import BusinessCalendar
from offerings.domain.dates import long_date
from offerings.domain.facts import RegistrationBundle
from offerings.selectors.records import registrations_in_order

from . import conf
from .selectors import CheckedIssuer, business_calendar, checked_registrations


@dataclass(frozen=True)
class CalendarEvent:
    on: datetime.date
    kind: str  # supplement_filing, periodic_report, section_10a3, expiry
    title: str
    description: str
    subject: str
    subject_id: int
    file_numbers: tuple[str, ...]

    @property
    def uid(self) -> str:
        digest = hashlib.sha256(f"{self.kind}|{self.subject}|{self.subject_id}|{self.on}".encode()).hexdigest()
        return f"{digest[:32]}@prospectus-portal"


@dataclass(frozen=True)
class Window:
    start: datetime.date
    end: datetime.date
    calendar: BusinessCalendar

    def __contains__(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def supplement_filing_events(bundle: RegistrationBundle, window: Window) -> Iterator[CalendarEvent]:
    """Rule 424(b): the filing deadline of each supplement used but not yet filed."""
    business_days = conf.rule_424b_business_days()
    for supplement in bundle.registration.supplements:
        if supplement.is_filed or supplement.first_used_on is None:
            continue
        due = rule_424b.rule_424b_due_on(
            rule=supplement.rule,
            first_used_on=supplement.first_used_on,
            calendar=window.calendar,
            business_days=business_days,
        )
        if due in window:
            yield CalendarEvent(
                on=due,
                kind="supplement_filing",
                title=f"File {supplement.label} under Rule {supplement.rule}",
                description=f"First used {long_date(supplement.first_used_on)}; Rule {supplement.rule} requires "
                f"filing by {long_date(due)}.",
                subject="supplement",
                subject_id=supplement.id,
                file_numbers=(bundle.registration.file_number,),
            )


def section_10a3_events(bundle: RegistrationBundle, window: Window) -> Iterator[CalendarEvent]:
    """Section 10(a)(3): the last day the current prospectus may be used."""
    facts = bundle.registration
    status = section_10a3.prospectus_status(registration=facts, as_of=window.start)
    if status is not None and status.last_usable_on in window:
        yield CalendarEvent(
            on=status.last_usable_on,
            kind="section_10a3",
            title=f"Last day to use the prospectus for {facts.file_number} (Section 10(a)(3))",
            description=f"From {long_date(status.stale_from)} the prospectus is more than 9 months past its "
            f"{status.clock_basis} with information as of {long_date(status.information_as_of)} more than 16 "
            f"months old.",
            subject="prospectus",
            subject_id=facts.prospectus.id,
            file_numbers=(facts.file_number,),
        )


def expiry_events(bundle: RegistrationBundle, issuer: CheckedIssuer, window: Window) -> Iterator[CalendarEvent]:
    """The expiry of each registered warrant or convertible, and of the securities registered shares come from."""
    file_number = bundle.registration.file_number
    for security_id in sorted(bundle.involved_security_ids()):
        security = issuer.facts.securities.get(security_id)
        if security is not None and security.expires_on in window:
            yield CalendarEvent(
                on=security.expires_on,
                kind="expiry",
                title=f"{security.title} ({issuer.facts.name}) expire",
                description=f"The {security.title} registered under {file_number} expire on "
                f"{long_date(security.expires_on)}.",
                subject="security",
                subject_id=security.id,
                file_numbers=(file_number,),
            )


def periodic_report_events(
    bundle: RegistrationBundle, issuer: CheckedIssuer, window: Window
) -> Iterator[CalendarEvent]:
    """Rules 13a-1/13a-13 with Rule 0-3 and 12b-25: each 10-K/10-Q not on record that falls due in the window."""
    facts = issuer.facts
    if not facts.fiscal_year_end:
        return
    for due in periodic_reports.periodic_dues_between(
        fiscal_year_end=facts.fiscal_year_end,
        filer_category=periodic_reports.deadline_category(
            filer_category=facts.filer_category, foreign_private_issuer=facts.foreign_private_issuer
        ),
        reported_period_ends=facts.reported_period_ends(window.start),
        notices=issuer.notices,
        start=window.start,
        end=window.end,
        calendar=window.calendar,
        rules=conf.periodic_deadline_rules(),
        extension_days=conf.rule_12b25_extension_days(),
    ):
        extended = " (extended under Rule 12b-25)" if due.extended else ""
        yield CalendarEvent(
            on=due.due_on,
            kind="periodic_report",
            title=f"{facts.name}: Form {due.form} due",
            description=f"Form {due.form} for the period ended {long_date(due.period.period_end)}, due "
            f"{due.days} days after period end{extended}.",
            subject="issuer",
            subject_id=facts.id,
            file_numbers=(bundle.registration.file_number,),
        )


def calendar_events(*, start: datetime.date, days: int = 90) -> list[CalendarEvent]:
    """What falls due from ``start`` through ``days`` later, across registrations; an event that several
    registrations share (an issuer's 10-Q) appears once with all their file numbers. The facts of every
    registration are loaded together (``checked_registrations``), in a fixed number of queries."""
    window = Window(start=start, end=start + datetime.timedelta(days=days), calendar=business_calendar())
    events: dict[tuple, CalendarEvent] = {}
    for _, bundle, issuer in checked_registrations(registrations_in_order()):
        for event in (
            *supplement_filing_events(bundle, window),
            *section_10a3_events(bundle, window),
            *expiry_events(bundle, issuer, window),
            *periodic_report_events(bundle, issuer, window),
        ):
            key = (event.kind, event.subject, event.subject_id, event.on)
            if key in events:
                merged = tuple(sorted({*events[key].file_numbers, *event.file_numbers}))
                event = replace(event, file_numbers=merged)
            events[key] = event
    return sorted(events.values(), key=lambda e: (e.on, e.kind, e.title))
