"""The compliance check: load each registration's facts once, apply every rule of ``offerings.domain`` to them.

Across many registrations (``all_findings``, the dashboard) the facts of all of them are loaded together, in a
fixed number of queries (``checked_registrations``); the rules then run on each registration's facts alone.

The facts come from ``offerings.selectors.facts`` (the same facts the drafting of incorporation supplements
reads); this module adds what only compliance keeps (closure days, Rule 12b-25 notices) and the findings that
other apps contribute through ``compliance.signals.registration_checked``.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps

from offerings.domain import (
    chain,
    holders,
    incorporation,
    periodic_reports,
    reconciliation,
    rule_424b,
    section_10a3,
    terms,
)
from offerings.domain.calendar import BusinessCalendar
from offerings.domain.facts import IssuerFacts, RegistrationBundle
from offerings.domain.findings import Finding
from offerings.models import Issuer, RegistrationStatement
from offerings.selectors.facts import issuers_facts, registration_bundle, registration_bundles
from offerings.selectors.records import registrations_in_order

from . import conf, signals
from .models import ClosureDay, LateFilingNotice, LateFilingNoticeForm


def business_calendar() -> BusinessCalendar:
    """SEC business days: computed federal holidays (1990-2100) plus the closure days staff recorded."""
    closures = dict(ClosureDay.objects.values_list("closed_on", "reason"))
    return BusinessCalendar.standard(closures=closures)


@dataclass(frozen=True)
class CheckedIssuer:
    """An issuer's facts and the Rule 12b-25 notices on record for it."""

    facts: IssuerFacts
    notices: tuple[periodic_reports.LateFilingNotice, ...]


def _notice(n: LateFilingNotice) -> periodic_reports.LateFilingNotice:
    return periodic_reports.LateFilingNotice(
        kind=periodic_reports.ReportKind.ANNUAL
        if n.form == LateFilingNoticeForm.NT_10K
        else periodic_reports.ReportKind.QUARTERLY,
        period_end=n.period_end,
        filed_on=n.filed_on,
        id=n.pk,
    )


def checked_issuers(issuers: Iterable[Issuer]) -> dict[int, CheckedIssuer]:
    """``checked_issuer`` of each issuer, keyed by its id, in a fixed number of queries."""
    issuers = list({i.pk: i for i in issuers}.values())
    notices: dict[int, list] = {i.pk: [] for i in issuers}
    for n in LateFilingNotice.objects.filter(issuer__in=notices):
        notices[n.issuer_id].append(_notice(n))
    facts = issuers_facts(issuers)
    return {i.pk: CheckedIssuer(facts=facts[i.pk], notices=tuple(notices[i.pk])) for i in issuers}


def checked_issuer(issuer: Issuer) -> CheckedIssuer:
    return checked_issuers([issuer])[issuer.pk]


@dataclass(frozen=True)
class CheckedRegistrations:
    """What the check and the calendar read for many registrations, loaded together: each registration's
    bundle and its issuer's facts and notices, keyed by registration id."""

    registrations: tuple[RegistrationStatement, ...]
    bundles: dict[int, RegistrationBundle]
    issuers: dict[int, CheckedIssuer]  # by registration id

    def __iter__(self):
        for registration in self.registrations:
            yield registration, self.bundles[registration.pk], self.issuers[registration.pk]


def checked_registrations(registrations: Iterable[RegistrationStatement]) -> CheckedRegistrations:
    """The facts of every registration given, in a fixed number of queries however many there are: one per
    kind of record (``offerings.selectors.facts.registration_bundles``, ``issuers_facts``) and one for the
    issuers and their Rule 12b-25 notices."""
    registrations = tuple(registrations)
    issuer_ids = {r.issuer_id for r in registrations}
    by_issuer = checked_issuers(Issuer.objects.filter(pk__in=issuer_ids)) if issuer_ids else {}
    bundles = registration_bundles(registrations, {pk: issuer.facts for pk, issuer in by_issuer.items()})
    return CheckedRegistrations(
        registrations=registrations,
        bundles=bundles,
        issuers={r.pk: by_issuer[r.issuer_id] for r in registrations},
    )


def _reconciliation_findings(bundle: RegistrationBundle, issuer: IssuerFacts, as_of: datetime.date) -> list[Finding]:
    return [
        *reconciliation.unreconciled_amounts(amounts=bundle.amounts, securities=issuer.securities),
        *reconciliation.derivation_mismatches(
            amounts=bundle.amounts, securities=issuer.securities, offerings=issuer.offerings
        ),
        *reconciliation.proceeds_findings(
            registration_id=bundle.registration.id,
            stated_proceeds=bundle.stated_proceeds,
            amounts=bundle.amounts,
            securities=issuer.securities,
        ),
        *reconciliation.pending_conditions(
            conditions=issuer.conditions,
            securities=issuer.securities,
            involved_security_ids=bundle.involved_security_ids(),
            as_of=as_of,
        ),
        *holders.holder_findings(
            registration=bundle.registration, amounts=bundle.amounts, securities=issuer.securities
        ),
        *terms.terms_findings(
            registration=bundle.registration, amounts=bundle.amounts, securities=issuer.securities, as_of=as_of
        ),
        *terms.transfer_findings(bundle.registration),
    ]


def _currency_findings(bundle: RegistrationBundle, as_of: datetime.date, calendar: BusinessCalendar) -> list[Finding]:
    facts = bundle.registration
    return [
        *incorporation.incorporation_gaps(registration=facts, as_of=as_of),
        *incorporation.form_findings(facts),
        *chain.chain_findings(facts),
        *rule_424b.supplement_filing_findings(
            registration=facts, as_of=as_of, calendar=calendar, business_days=conf.rule_424b_business_days()
        ),
        *section_10a3.staleness_findings(registration=facts, as_of=as_of, warn_days=conf.stale_warning_days()),
    ]


def _periodic_findings(issuer: CheckedIssuer, as_of: datetime.date, calendar: BusinessCalendar) -> list[Finding]:
    facts = issuer.facts
    if not facts.fiscal_year_end:
        return []
    return [
        periodic_reports.periodic_report_finding(
            issuer_id=facts.id,
            issuer_name=facts.name,
            fiscal_year_end=facts.fiscal_year_end,
            filer_category=periodic_reports.deadline_category(
                filer_category=facts.filer_category, foreign_private_issuer=facts.foreign_private_issuer
            ),
            reported_period_ends=facts.reported_period_ends(as_of),
            notices=issuer.notices,
            as_of=as_of,
            calendar=calendar,
            rules=conf.periodic_deadline_rules(),
            extension_days=conf.rule_12b25_extension_days(),
            warn_business_days=conf.periodic_warning_business_days(),
        )
    ]


def _findings(
    *,
    registration: RegistrationStatement,
    bundle: RegistrationBundle,
    issuer: CheckedIssuer,
    as_of: datetime.date,
    calendar: BusinessCalendar,
    batch: signals.CheckBatch | None = None,
) -> list[Finding]:
    findings = [
        *_reconciliation_findings(bundle, issuer.facts, as_of),
        *_currency_findings(bundle, as_of, calendar),
        *_periodic_findings(issuer, as_of, calendar),
    ]
    extra = {"batch": batch} if batch is not None else {}
    for _, contributed in signals.registration_checked.send(
        RegistrationStatement, registration=registration, as_of=as_of, **extra
    ):
        findings += contributed
    return sorted((f.checked(as_of) for f in findings), key=Finding.sort_key)


def findings_for_registration(
    *, registration: RegistrationStatement, as_of: datetime.date, calendar: BusinessCalendar | None = None
) -> list[Finding]:
    """Every finding for one registration as of a date: errors first, then by due date."""
    issuer = checked_issuer(registration.issuer)
    return _findings(
        registration=registration,
        bundle=registration_bundle(registration, issuer.facts),
        issuer=issuer,
        as_of=as_of,
        calendar=calendar or business_calendar(),
    )


def all_findings(
    *, as_of: datetime.date, registrations: Iterable[RegistrationStatement] | None = None
) -> list[tuple[RegistrationStatement, list[Finding]]]:
    """Findings for every registration (or those given), in file number order (or the order given).

    The same findings as ``findings_for_registration`` for each, in a fixed number of queries however many
    registrations there are: the facts are loaded together (``checked_registrations``) and the receivers of
    ``registration_checked`` get a ``CheckBatch`` to load theirs together too."""
    calendar = business_calendar()
    checked = checked_registrations(registrations_in_order() if registrations is None else registrations)
    batch = signals.CheckBatch(checked.registrations)
    return [
        (
            registration,
            _findings(
                registration=registration, bundle=bundle, issuer=issuer, as_of=as_of, calendar=calendar, batch=batch
            ),
        )
        for registration, bundle, issuer in checked
    ]


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


# Finding subject -> (app label, model name) of its record; other subjects are offerings models of that name.
SUBJECT_MODELS = {
    "registration": ("offerings", "registrationstatement"),
    "registered_amount": ("offerings", "registeredamount"),
    "periodic_report": ("offerings", "periodicreport"),
    "selling_stockholder": ("offerings", "sellingstockholder"),
    "late_filing_notice": ("compliance", "latefilingnotice"),
    "closure_day": ("compliance", "closureday"),
}
# What a record's name reads through, loaded with it.
_LABEL_RELATED = {
    "prospectus": ["registration_statement"],
    "supplement": ["prospectus__registration_statement"],
    "security": ["issuer"],
    "registered_amount": ["security"],
}


def subject_model(subject: str) -> tuple[str, str]:
    """The (app label, model name) of a finding's subject."""
    return SUBJECT_MODELS.get(subject, ("offerings", subject.replace("_", "")))


def subject_labels(findings: Iterable[Finding]) -> dict[tuple[str, int], str]:
    """The name of each finding's record as staff know it ("Prospectus dated July 16, 2003", the issuer's name,
    "Quarterly Report on Form 10-Q for the quarterly period ended ..."): the record's own name, never "#1".
    One query per kind of record; a record no longer on file is left out (see ``subject_label``)."""
    wanted: dict[str, set[int]] = {}
    for finding in findings:
        if finding.subject_id is not None:
            wanted.setdefault(finding.subject, set()).add(finding.subject_id)
    labels: dict[tuple[str, int], str] = {}
    for subject, ids in wanted.items():
        try:
            model = apps.get_model(*subject_model(subject))
        except LookupError:
            continue
        records = model._default_manager.select_related(*_LABEL_RELATED.get(subject, [])).in_bulk(ids)
        labels.update({(subject, pk): str(record) for pk, record in records.items()})
    return labels


def subject_label(finding: Finding, labels: dict[tuple[str, int], str]) -> str:
    """A finding's record by name, or its kind ("Periodic report") when the record cannot be found."""
    kind = finding.subject.replace("_", " ").capitalize()
    if finding.subject_id is None:
        return kind
    return labels.get((finding.subject, finding.subject_id), f"{kind} (no longer on file)")
