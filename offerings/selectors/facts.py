"""The offering records as the rules' plain facts (``offerings.domain.facts``), loaded once per issuer.

The compliance check and the drafting of incorporation supplements both read these, so both apply a rule
to the same facts. Each loader takes many records at once (``issuers_facts``, ``registrations_facts``,
``registration_bundles``: one query per kind of record, however many there are); the one-record functions
(``issuer_facts``, ``registration_facts``, ``registration_bundle``) are those loaders given one record, so
there is one way the facts are read.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TypeVar

from django.db.models import Model, Prefetch, prefetch_related_objects

from ..domain import facts
from ..models import (
    Amendment,
    Condition,
    HolderTable,
    Issuer,
    Offering,
    PeriodicReport,
    Prospectus,
    RegisteredAmount,
    RegistrationStatement,
    Security,
    Supplement,
    SupplementEvent,
)
from .records import current_prospectuses

_Record = TypeVar("_Record", bound=Model)


def _decimal(value) -> Decimal | None:
    return Decimal(value) if value is not None else None


def report_fact(report: PeriodicReport) -> facts.ReportFacts:
    return facts.ReportFacts(
        id=report.pk,
        form=report.form,
        description=report.describe(),
        period_end=report.period_end,
        filed_on=report.filed_on,
    )


def security_fact(security: Security, *, with_terms_changes: bool = False) -> facts.SecurityFacts:
    """The security's terms; with ``with_terms_changes`` its history of changes too (prefetch ``terms_changes``)."""
    changes = ()
    if with_terms_changes:
        changes = tuple(
            facts.TermsChangeFacts(
                kind=c.kind, effective_on=c.effective_on, ends_on=c.ends_on, price_after=_decimal(c.price_after)
            )
            for c in security.terms_changes.all()
        )
    return facts.SecurityFacts(
        id=security.pk,
        title=security.title,
        kind=security.kind,
        converts_into_id=security.converts_into_id,
        shares_per_security=_decimal(security.shares_per_security),
        price_per_share=_decimal(security.price_per_share),
        expires_on=security.expires_on,
        conversion_rate_per_1000=_decimal(security.conversion_rate_per_1000),
        terms_changes=changes,
    )


def holder_table_fact(table: HolderTable) -> facts.HolderTableFacts:
    """One holder table as filed (``table.rows`` prefetched saves a query)."""
    return facts.HolderTableFacts(
        id=table.pk,
        mode=table.mode,
        security_id=table.security_id,
        shares_outstanding=table.shares_outstanding,
        rows=tuple(
            facts.HolderRowFacts(
                name=r.name,
                change=r.change,
                owned_before=r.owned_before,
                offered=r.offered,
                owned_after=r.owned_after,
                percent_after=_decimal(r.percent_after),
                principal_owned=_decimal(r.principal_owned),
                principal_offered=_decimal(r.principal_offered),
            )
            for r in table.rows.all()
        ),
    )


def event_fact(event: SupplementEvent) -> facts.EventFacts:
    return facts.EventFacts(
        id=event.pk,
        kind=event.kind,
        occurred_on=event.occurred_on,
        security_id=event.security_id,
        shares=event.shares,
        holder=event.holder,
        transferee=event.transferee,
    )


def registered_amount_fact(amount: RegisteredAmount) -> facts.RegisteredAmountFacts:
    """One registered amount with its parts (``amount.components`` prefetched saves a query)."""
    return facts.RegisteredAmountFacts(
        id=amount.pk,
        security_id=amount.security_id,
        amount=amount.amount,
        components=tuple(
            facts.ComponentFacts(
                id=c.pk,
                source=c.source,
                amount=c.amount,
                from_security_id=c.from_security_id,
                from_offering_id=c.from_offering_id,
            )
            for c in amount.components.all()
        ),
    )


def _by(records: Iterable[_Record], key: str) -> dict[int, list[_Record]]:
    """The records grouped by the id in ``key`` (a foreign key's attname), each group in query order."""
    grouped: dict[int, list[_Record]] = defaultdict(list)
    for record in records:
        grouped[getattr(record, key)].append(record)
    return grouped


def _issuer_fact(issuer: Issuer, reports, securities, offerings, conditions) -> facts.IssuerFacts:
    return facts.IssuerFacts(
        id=issuer.pk,
        name=issuer.name,
        fiscal_year_end=issuer.fiscal_year_end,
        filer_category=issuer.filer_category,
        reports=tuple(report_fact(r) for r in reports),
        securities={s.pk: security_fact(s, with_terms_changes=True) for s in securities},
        offerings={
            o.pk: facts.OfferingFacts(
                id=o.pk,
                title=o.title,
                units_sold=o.units_sold,
                unit_quantities={c.security_id: Decimal(c.quantity) for c in o.unit_components.all()},
            )
            for o in offerings
        },
        conditions=tuple(
            facts.ConditionFacts(
                id=c.pk,
                description=c.description,
                restricts=tuple(s.pk for s in c.restricts.all()),
                satisfied_on=c.satisfied_on,
            )
            for c in conditions
        ),
        foreign_private_issuer=issuer.foreign_private_issuer,
    )


def issuers_facts(issuers: Iterable[Issuer]) -> dict[int, facts.IssuerFacts]:
    """``issuer_facts`` of each issuer, keyed by its id: seven queries however many issuers there are (reports,
    securities with their terms changes, offerings with their units, conditions with what they restrict)."""
    by_id = {i.pk: i for i in issuers}
    reports = _by(PeriodicReport.objects.filter(issuer__in=by_id), "issuer_id")
    securities = _by(Security.objects.filter(issuer__in=by_id).prefetch_related("terms_changes"), "issuer_id")
    offerings = _by(Offering.objects.filter(issuer__in=by_id).prefetch_related("unit_components"), "issuer_id")
    conditions = _by(Condition.objects.filter(issuer__in=by_id).prefetch_related("restricts"), "issuer_id")
    return {
        pk: _issuer_fact(issuer, reports[pk], securities[pk], offerings[pk], conditions[pk])
        for pk, issuer in by_id.items()
    }


def issuer_facts(issuer: Issuer) -> facts.IssuerFacts:
    """The issuer's periodic reports, securities, offerings and conditions."""
    return issuers_facts([issuer])[issuer.pk]


def _supplement_fact(s: Supplement) -> facts.SupplementFacts:
    return facts.SupplementFacts(
        id=s.pk,
        label=str(s),
        rule=s.rule,
        status=s.status,
        first_used_on=s.first_used_on,
        filed_on=s.filed_on,
        incorporates=tuple(i.report_id for i in s.incorporations.all()),
        attaches=tuple(a.report_id for a in s.attachments.all()),
        number=s.number,
        dated_on=s.dated_on,
        prospectus_id=s.prospectus_id,
        holder_tables=tuple(holder_table_fact(t) for t in s.holder_tables.all()),
        events=tuple(event_fact(e) for e in s.events.all()),
    )


def _prospectus_fact(prospectus: Prospectus | None) -> facts.ProspectusFacts | None:
    if prospectus is None:
        return None
    return facts.ProspectusFacts(
        id=prospectus.pk,
        dated_on=prospectus.dated_on,
        information_as_of=prospectus.information_as_of,
        holder_tables=tuple(holder_table_fact(t) for t in prospectus.holder_tables.all()),
    )


def _registration_fact(
    registration: RegistrationStatement, prospectus, amendments, supplements, issuer: facts.IssuerFacts
) -> facts.RegistrationFacts:
    return facts.RegistrationFacts(
        id=registration.pk,
        file_number=registration.file_number,
        effective_on=registration.effective_on,
        last_amended_on=registration.last_amended_on,
        forward_incorporation=registration.forward_incorporation,
        prospectus=_prospectus_fact(prospectus),
        amendments=tuple(
            facts.AmendmentFacts(
                id=a.pk,
                kind=a.kind,
                filed_on=a.filed_on,
                effective_on=a.effective_on,
                annual_report_id=a.annual_report_id,
            )
            for a in amendments
        ),
        supplements=tuple(_supplement_fact(s) for s in supplements),
        reports=issuer.reports,
        form=registration.form,
        filed_on=registration.filed_on,
    )


def _tables() -> Prefetch:
    return Prefetch("holder_tables", queryset=HolderTable.objects.prefetch_related("rows"))


def registrations_facts(
    registrations: Iterable[RegistrationStatement], issuers: Mapping[int, facts.IssuerFacts]
) -> dict[int, facts.RegistrationFacts]:
    """``registration_facts`` of each registration, keyed by its id, with ``issuers`` keyed by issuer id: a fixed
    number of queries (one per kind of record) however many registrations there are."""
    registrations = list(registrations)
    ids = [r.pk for r in registrations]
    prospectuses = current_prospectuses(registrations=registrations)
    prefetch_related_objects([p for p in prospectuses.values() if p is not None], _tables())
    amendments = _by(Amendment.objects.filter(registration_statement__in=ids), "registration_statement_id")
    supplements = (
        Supplement.objects.filter(prospectus__registration_statement__in=ids)
        .select_related("prospectus__registration_statement")
        .prefetch_related("incorporations", "attachments", "events", _tables())
    )
    by_registration: dict[int, list[Supplement]] = defaultdict(list)
    for supplement in supplements:
        by_registration[supplement.prospectus.registration_statement_id].append(supplement)
    return {
        r.pk: _registration_fact(r, prospectuses[r.pk], amendments[r.pk], by_registration[r.pk], issuers[r.issuer_id])
        for r in registrations
    }


def registration_facts(registration: RegistrationStatement, issuer: facts.IssuerFacts) -> facts.RegistrationFacts:
    """The registration's prospectus, amendments and supplements, with the issuer's reports."""
    return registrations_facts([registration], {registration.issuer_id: issuer})[registration.pk]


def _amounts_by_registration(ids: list[int]) -> dict[int, list[RegisteredAmount]]:
    amounts = RegisteredAmount.objects.filter(registration_statement__in=ids).prefetch_related("components")
    return _by(amounts, "registration_statement_id")


def registered_amount_facts(registration: RegistrationStatement) -> tuple[facts.RegisteredAmountFacts, ...]:
    """What the registration registers, each amount with its described parts."""
    return tuple(registered_amount_fact(a) for a in _amounts_by_registration([registration.pk])[registration.pk])


def registration_bundles(
    registrations: Iterable[RegistrationStatement], issuers: Mapping[int, facts.IssuerFacts]
) -> dict[int, facts.RegistrationBundle]:
    """``registration_bundle`` of each registration, keyed by its id (``issuers`` keyed by issuer id), in a fixed
    number of queries: what the compliance check and the calendar read for every registration at once."""
    registrations = list(registrations)
    registration_facts_by_id = registrations_facts(registrations, issuers)
    amounts = _amounts_by_registration([r.pk for r in registrations])
    return {
        r.pk: facts.RegistrationBundle(
            registration=registration_facts_by_id[r.pk],
            amounts=tuple(registered_amount_fact(a) for a in amounts[r.pk]),
            stated_proceeds=_decimal(r.stated_proceeds_if_exercised),
        )
        for r in registrations
    }


def registration_bundle(registration: RegistrationStatement, issuer: facts.IssuerFacts) -> facts.RegistrationBundle:
    return registration_bundles([registration], {registration.issuer_id: issuer})[registration.pk]
