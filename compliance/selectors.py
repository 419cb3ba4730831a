"""Reads for the compliance check: load the records, hand plain facts to the rule code in ``offerings.domain``."""

import datetime
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from offerings.domain import currency, deadlines, reconciliation
from offerings.domain.calendar import BusinessCalendar
from offerings.domain.findings import Finding
from offerings.models import (
    ANNUAL_FORMS,
    QUARTERLY_FORMS,
    Issuer,
    RegistrationStatement,
    Security,
    Supplement,
)
from offerings.selectors import edgar_today  # noqa: F401 - re-exported for the compliance views and command

from . import registry
from .models import ClosureDay, LateFilingNotice, LateFilingNoticeForm

# Amendments (/A) restate a period already reported; they do not satisfy the next report.
ORIGINAL_PERIODIC_FORMS = frozenset(f for f in ANNUAL_FORMS | QUARTERLY_FORMS if not f.endswith("/A"))


# -- counsel's settings ------------------------------------------------------------------------------------


def rule_424b_business_days() -> Mapping[str, int]:
    """COMPLIANCE_RULE_424B_BUSINESS_DAYS overrides the days per Rule 424(b) paragraph, e.g. {"424(b)(2)": 2}."""
    return {**deadlines.RULE_424B_BUSINESS_DAYS_DEFAULT, **getattr(settings, "COMPLIANCE_RULE_424B_BUSINESS_DAYS", {})}


def periodic_deadline_rules() -> tuple[deadlines.DeadlineRule, ...]:
    """COMPLIANCE_PERIODIC_DEADLINES replaces the table: a list of {"filer_category", "kind" (annual/quarterly),
    "days", "from_fiscal_year_end" (ISO date, optional)}."""
    custom = getattr(settings, "COMPLIANCE_PERIODIC_DEADLINES", None)
    if not custom:
        return deadlines.PERIODIC_DEADLINES_DEFAULT
    return tuple(
        deadlines.DeadlineRule(
            filer_category=row["filer_category"],
            kind=deadlines.ReportKind(row["kind"]),
            days=int(row["days"]),
            from_fiscal_year_end=datetime.date.fromisoformat(row["from_fiscal_year_end"])
            if row.get("from_fiscal_year_end")
            else datetime.date.min,
        )
        for row in custom
    )


def rule_12b25_extension_days() -> Mapping[deadlines.ReportKind, int]:
    custom = getattr(settings, "COMPLIANCE_RULE_12B25_EXTENSION_DAYS", {})
    return {
        **deadlines.RULE_12B25_EXTENSION_DAYS_DEFAULT,
        **{deadlines.ReportKind(k): int(v) for k, v in custom.items()},
    }


def stale_warning_days() -> int:
    return int(getattr(settings, "COMPLIANCE_10A3_WARNING_DAYS", 30))


def periodic_warning_business_days() -> int:
    return int(getattr(settings, "COMPLIANCE_PERIODIC_WARNING_BUSINESS_DAYS", 10))


# -- calendar ----------------------------------------------------------------------------------------------


def business_calendar() -> BusinessCalendar:
    """SEC business days: computed federal holidays (1990-2100) plus the closure days staff recorded."""
    closures = dict(ClosureDay.objects.values_list("closed_on", "reason"))
    return BusinessCalendar.standard(closures=closures)


# -- facts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerFacts:
    id: int
    name: str
    fiscal_year_end: str
    filer_category: str
    reports: tuple[currency.ReportFacts, ...]
    notices: tuple[deadlines.LateFilingNotice, ...]
    securities: Mapping[int, reconciliation.SecurityFacts]
    offerings: Mapping[int, reconciliation.OfferingFacts]
    conditions: tuple[reconciliation.ConditionFacts, ...]

    def reported_period_ends(self, as_of: datetime.date) -> list[datetime.date]:
        """Periods whose 10-K/10-Q is on record as of the date (a report without a filing date counts)."""
        return [
            r.period_end
            for r in self.reports
            if r.form in ORIGINAL_PERIODIC_FORMS and r.period_end and (r.filed_on is None or r.filed_on <= as_of)
        ]


def _decimal(value) -> Decimal | None:
    return Decimal(value) if value is not None else None


def issuer_facts(issuer: Issuer) -> IssuerFacts:
    reports = tuple(
        currency.ReportFacts(
            id=r.pk, form=r.form, description=r.describe(), period_end=r.period_end, filed_on=r.filed_on
        )
        for r in issuer.periodic_reports.all()
    )
    notices = tuple(
        deadlines.LateFilingNotice(
            kind=deadlines.ReportKind.ANNUAL
            if n.form == LateFilingNoticeForm.NT_10K
            else deadlines.ReportKind.QUARTERLY,
            period_end=n.period_end,
            filed_on=n.filed_on,
            id=n.pk,
        )
        for n in LateFilingNotice.objects.filter(issuer=issuer)
    )
    securities = {
        s.pk: reconciliation.SecurityFacts(
            id=s.pk,
            title=s.title,
            kind=s.kind,
            converts_into_id=s.converts_into_id,
            shares_per_security=_decimal(s.shares_per_security),
            price_per_share=_decimal(s.price_per_share),
            expires_on=s.expires_on,
        )
        for s in Security.objects.filter(issuer=issuer)
    }
    offerings = {
        o.pk: reconciliation.OfferingFacts(
            id=o.pk,
            title=o.title,
            units_sold=o.units_sold,
            unit_quantities={c.security_id: Decimal(c.quantity) for c in o.unit_components.all()},
        )
        for o in issuer.offerings.prefetch_related("unit_components")
    }
    conditions = tuple(
        reconciliation.ConditionFacts(
            id=c.pk,
            description=c.description,
            restricts=tuple(s.pk for s in c.restricts.all()),
            satisfied_on=c.satisfied_on,
        )
        for c in issuer.conditions.prefetch_related("restricts")
    )
    return IssuerFacts(
        id=issuer.pk,
        name=issuer.name,
        fiscal_year_end=issuer.fiscal_year_end,
        filer_category=issuer.filer_category,
        reports=reports,
        notices=notices,
        securities=securities,
        offerings=offerings,
        conditions=conditions,
    )


@dataclass(frozen=True)
class RegistrationBundle:
    registration: currency.RegistrationFacts
    amounts: tuple[reconciliation.RegisteredAmountFacts, ...]
    stated_proceeds: Decimal | None


def registration_bundle(registration: RegistrationStatement, issuer: IssuerFacts) -> RegistrationBundle:
    prospectus = registration.prospectuses.order_by("-dated_on").first()
    supplements = (
        Supplement.objects.filter(prospectus__registration_statement=registration)
        .select_related("prospectus__registration_statement")
        .prefetch_related("incorporations")
    )
    facts = currency.RegistrationFacts(
        id=registration.pk,
        file_number=registration.file_number,
        effective_on=registration.effective_on,
        last_amended_on=registration.last_amended_on,
        forward_incorporation=registration.forward_incorporation,
        prospectus=currency.ProspectusFacts(
            id=prospectus.pk, dated_on=prospectus.dated_on, information_as_of=prospectus.information_as_of
        )
        if prospectus
        else None,
        amendments=tuple(
            currency.AmendmentFacts(
                id=a.pk,
                kind=a.kind,
                filed_on=a.filed_on,
                effective_on=a.effective_on,
                annual_report_id=a.annual_report_id,
            )
            for a in registration.amendments.all()
        ),
        supplements=tuple(
            currency.SupplementFacts(
                id=s.pk,
                label=str(s),
                rule=s.rule,
                status=s.status,
                first_used_on=s.first_used_on,
                filed_on=s.filed_on,
                incorporates=tuple(i.report_id for i in s.incorporations.all()),
            )
            for s in supplements
        ),
        reports=issuer.reports,
    )
    amounts = tuple(
        reconciliation.RegisteredAmountFacts(
            id=a.pk,
            security_id=a.security_id,
            amount=a.amount,
            components=tuple(
                reconciliation.ComponentFacts(
                    id=c.pk,
                    source=c.source,
                    amount=c.amount,
                    from_security_id=c.from_security_id,
                    from_offering_id=c.from_offering_id,
                )
                for c in a.components.all()
            ),
        )
        for a in registration.registered_amounts.prefetch_related("components")
    )
    return RegistrationBundle(
        registration=facts, amounts=amounts, stated_proceeds=_decimal(registration.stated_proceeds_if_exercised)
    )


def involved_security_ids(amounts: Iterable[reconciliation.RegisteredAmountFacts]) -> set[int]:
    """The registered securities and those their shares come from (warrants, convertibles)."""
    ids = set()
    for amount in amounts:
        ids.add(amount.security_id)
        ids.update(c.from_security_id for c in amount.components if c.from_security_id)
    return ids


# -- findings ----------------------------------------------------------------------------------------------


def _findings(
    *,
    registration: RegistrationStatement,
    issuer: IssuerFacts,
    as_of: datetime.date,
    calendar: BusinessCalendar,
) -> list[Finding]:
    bundle = registration_bundle(registration, issuer)
    facts = bundle.registration
    findings: list[Finding] = []
    findings += reconciliation.unreconciled_amounts(amounts=bundle.amounts, securities=issuer.securities)
    findings += reconciliation.derivation_mismatches(
        amounts=bundle.amounts, securities=issuer.securities, offerings=issuer.offerings
    )
    findings += reconciliation.proceeds_findings(
        registration_id=registration.pk,
        stated_proceeds=bundle.stated_proceeds,
        amounts=bundle.amounts,
        securities=issuer.securities,
    )
    findings += reconciliation.pending_conditions(
        conditions=issuer.conditions,
        securities=issuer.securities,
        involved_security_ids=involved_security_ids(bundle.amounts),
        as_of=as_of,
    )
    findings += currency.incorporation_gaps(registration=facts, as_of=as_of)
    findings += currency.supplement_filing_findings(
        registration=facts, as_of=as_of, calendar=calendar, business_days=rule_424b_business_days()
    )
    findings += currency.staleness_findings(registration=facts, as_of=as_of, warn_days=stale_warning_days())[0]
    if issuer.fiscal_year_end:
        findings.append(
            deadlines.periodic_report_finding(
                issuer_id=issuer.id,
                issuer_name=issuer.name,
                fiscal_year_end=issuer.fiscal_year_end,
                filer_category=issuer.filer_category,
                reported_period_ends=issuer.reported_period_ends(as_of),
                notices=issuer.notices,
                as_of=as_of,
                calendar=calendar,
                rules=periodic_deadline_rules(),
                extension_days=rule_12b25_extension_days(),
                warn_business_days=periodic_warning_business_days(),
            )
        )
    for check in registry.extra_checks:
        findings += check(registration, as_of)
    return sorted(findings, key=Finding.sort_key)


def findings_for_registration(
    *, registration: RegistrationStatement, as_of: datetime.date, calendar: BusinessCalendar | None = None
) -> list[Finding]:
    """Every finding for one registration as of a date: errors first, then by due date."""
    return _findings(
        registration=registration,
        issuer=issuer_facts(registration.issuer),
        as_of=as_of,
        calendar=calendar or business_calendar(),
    )


def all_findings(
    *, as_of: datetime.date, registrations: Iterable[RegistrationStatement] | None = None
) -> list[tuple[RegistrationStatement, list[Finding]]]:
    """Findings for every registration (or those given), in file number order."""
    calendar = business_calendar()
    if registrations is None:
        registrations = RegistrationStatement.objects.select_related("issuer").order_by("file_number")
    issuers: dict[int, IssuerFacts] = {}
    result = []
    for registration in registrations:
        if registration.issuer_id not in issuers:
            issuers[registration.issuer_id] = issuer_facts(registration.issuer)
        result.append(
            (
                registration,
                _findings(
                    registration=registration, issuer=issuers[registration.issuer_id], as_of=as_of, calendar=calendar
                ),
            )
        )
    return result


@dataclass(frozen=True)
class DashboardRow:
    finding: Finding
    registrations: tuple[RegistrationStatement, ...]


def dashboard_rows(*, as_of: datetime.date) -> list[DashboardRow]:
    """Every finding across registrations, errors first, then by due date; one row for a finding that several
    registrations share (an issuer's periodic report, a condition on a common security)."""
    rows: dict[tuple, list] = {}
    for registration, findings in all_findings(as_of=as_of):
        for finding in findings:
            key = (finding.code, finding.subject, finding.subject_id, finding.due_on, finding.message)
            rows.setdefault(key, [finding, []])[1].append(registration)
    ordered = sorted(rows.values(), key=lambda row: (row[0].sort_key(), row[1][0].file_number))
    return [DashboardRow(finding=f, registrations=tuple(regs)) for f, regs in ordered]


# -- the 90-day calendar -----------------------------------------------------------------------------------


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


def _long(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def calendar_events(*, start: datetime.date, days: int = 90) -> list[CalendarEvent]:
    """What falls due from ``start`` through ``days`` later: supplement filings, periodic reports, Section 10(a)(3)
    cut-offs (the last day a prospectus may be used) and expiries of registered warrants and convertibles."""
    end = start + datetime.timedelta(days=days)
    calendar = business_calendar()
    events: dict[tuple, CalendarEvent] = {}

    def add(event: CalendarEvent) -> None:
        key = (event.kind, event.subject, event.subject_id, event.on)
        if key in events:
            merged = tuple(sorted(set(events[key].file_numbers) | set(event.file_numbers)))
            event = CalendarEvent(**{**event.__dict__, "file_numbers": merged})
        events[key] = event

    registrations = RegistrationStatement.objects.select_related("issuer").order_by("file_number")
    issuers: dict[int, IssuerFacts] = {}
    business_days = rule_424b_business_days()
    for registration in registrations:
        if registration.issuer_id not in issuers:
            issuers[registration.issuer_id] = issuer_facts(registration.issuer)
        issuer = issuers[registration.issuer_id]
        bundle = registration_bundle(registration, issuer)
        facts = bundle.registration
        numbers = (registration.file_number,)
        for supplement in facts.supplements:
            if supplement.is_filed or supplement.first_used_on is None:
                continue
            due = deadlines.rule_424b_due_on(
                rule=supplement.rule,
                first_used_on=supplement.first_used_on,
                calendar=calendar,
                business_days=business_days,
            )
            if due and start <= due <= end:
                add(
                    CalendarEvent(
                        on=due,
                        kind="supplement_filing",
                        title=f"File {supplement.label} under Rule {supplement.rule}",
                        description=f"First used {_long(supplement.first_used_on)}; Rule {supplement.rule} requires "
                        f"filing by {_long(due)}.",
                        subject="supplement",
                        subject_id=supplement.id,
                        file_numbers=numbers,
                    )
                )
        _, status = currency.staleness_findings(registration=facts, as_of=start, warn_days=stale_warning_days())
        if status is not None and start <= status.last_usable_on <= end:
            add(
                CalendarEvent(
                    on=status.last_usable_on,
                    kind="section_10a3",
                    title=f"Last day to use the prospectus for {registration.file_number} (Section 10(a)(3))",
                    description=f"From {_long(status.stale_from)} the prospectus is more than 9 months past its "
                    f"{status.clock_basis} with information as of {_long(status.information_as_of)} more than 16 "
                    f"months old.",
                    subject="prospectus",
                    subject_id=facts.prospectus.id,
                    file_numbers=numbers,
                )
            )
        for security_id in involved_security_ids(bundle.amounts):
            security = issuer.securities.get(security_id)
            if security and security.expires_on and start <= security.expires_on <= end:
                add(
                    CalendarEvent(
                        on=security.expires_on,
                        kind="expiry",
                        title=f"{security.title} ({issuer.name}) expire",
                        description=f"The {security.title} registered under {registration.file_number} expire on "
                        f"{_long(security.expires_on)}.",
                        subject="security",
                        subject_id=security.id,
                        file_numbers=numbers,
                    )
                )
        if issuer.fiscal_year_end:
            for due in deadlines.periodic_dues_between(
                fiscal_year_end=issuer.fiscal_year_end,
                filer_category=issuer.filer_category,
                reported_period_ends=issuer.reported_period_ends(start),
                notices=issuer.notices,
                start=start,
                end=end,
                calendar=calendar,
                rules=periodic_deadline_rules(),
                extension_days=rule_12b25_extension_days(),
            ):
                add(
                    CalendarEvent(
                        on=due.due_on,
                        kind="periodic_report",
                        title=f"{issuer.name}: Form {due.form} due",
                        description=f"Form {due.form} for the period ended {_long(due.period.period_end)}, due "
                        f"{due.days} days after period end"
                        + (" (extended under Rule 12b-25)" if due.extended else "")
                        + ".",
                        subject="issuer",
                        subject_id=issuer.id,
                        file_numbers=numbers,
                    )
                )
    return sorted(events.values(), key=lambda e: (e.on, e.kind, e.title))


def registrations_by_file_number(file_numbers: Sequence[str]) -> tuple[list[RegistrationStatement], list[str]]:
    """The registrations named, in the order given, and the file numbers not found."""
    found = {
        r.file_number: r
        for r in RegistrationStatement.objects.select_related("issuer").filter(file_number__in=file_numbers)
    }
    return [found[n] for n in file_numbers if n in found], [n for n in file_numbers if n not in found]
