"""The offering records as the rules' plain facts (``offerings.domain.facts``), loaded once per issuer.

The compliance check and the drafting of incorporation supplements both read these, so both apply a rule
to the same facts.
"""

from decimal import Decimal

from django.db.models import Prefetch

from ..domain import facts
from ..models import (
    HolderTable,
    Issuer,
    PeriodicReport,
    RegisteredAmount,
    RegistrationStatement,
    Security,
    Supplement,
    SupplementEvent,
)
from .records import current_prospectus


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


def issuer_facts(issuer: Issuer) -> facts.IssuerFacts:
    """The issuer's periodic reports, securities, offerings and conditions."""
    reports = tuple(report_fact(r) for r in issuer.periodic_reports.all())
    securities = {
        s.pk: security_fact(s, with_terms_changes=True) for s in issuer.securities.prefetch_related("terms_changes")
    }
    offerings = {
        o.pk: facts.OfferingFacts(
            id=o.pk,
            title=o.title,
            units_sold=o.units_sold,
            unit_quantities={c.security_id: Decimal(c.quantity) for c in o.unit_components.all()},
        )
        for o in issuer.offerings.prefetch_related("unit_components")
    }
    conditions = tuple(
        facts.ConditionFacts(
            id=c.pk,
            description=c.description,
            restricts=tuple(s.pk for s in c.restricts.all()),
            satisfied_on=c.satisfied_on,
        )
        for c in issuer.conditions.prefetch_related("restricts")
    )
    return facts.IssuerFacts(
        id=issuer.pk,
        name=issuer.name,
        fiscal_year_end=issuer.fiscal_year_end,
        filer_category=issuer.filer_category,
        reports=reports,
        securities=securities,
        offerings=offerings,
        conditions=conditions,
        foreign_private_issuer=issuer.foreign_private_issuer,
    )


def registration_facts(registration: RegistrationStatement, issuer: facts.IssuerFacts) -> facts.RegistrationFacts:
    """The registration's prospectus, amendments and supplements, with the issuer's reports."""
    prospectus = current_prospectus(registration=registration)
    tables = Prefetch("holder_tables", queryset=HolderTable.objects.prefetch_related("rows"))
    supplements = (
        Supplement.objects.filter(prospectus__registration_statement=registration)
        .select_related("prospectus__registration_statement")
        .prefetch_related("incorporations", "attachments", "events", tables)
    )
    prospectus_tables = (
        tuple(holder_table_fact(t) for t in prospectus.holder_tables.prefetch_related("rows")) if prospectus else ()
    )
    return facts.RegistrationFacts(
        id=registration.pk,
        file_number=registration.file_number,
        effective_on=registration.effective_on,
        last_amended_on=registration.last_amended_on,
        forward_incorporation=registration.forward_incorporation,
        prospectus=facts.ProspectusFacts(
            id=prospectus.pk,
            dated_on=prospectus.dated_on,
            information_as_of=prospectus.information_as_of,
            holder_tables=prospectus_tables,
        )
        if prospectus
        else None,
        amendments=tuple(
            facts.AmendmentFacts(
                id=a.pk,
                kind=a.kind,
                filed_on=a.filed_on,
                effective_on=a.effective_on,
                annual_report_id=a.annual_report_id,
            )
            for a in registration.amendments.all()
        ),
        supplements=tuple(
            facts.SupplementFacts(
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
            for s in supplements
        ),
        reports=issuer.reports,
        form=registration.form,
        filed_on=registration.filed_on,
    )


def registered_amount_facts(registration: RegistrationStatement) -> tuple[facts.RegisteredAmountFacts, ...]:
    """What the registration registers, each amount with its described parts."""
    return tuple(registered_amount_fact(a) for a in registration.registered_amounts.prefetch_related("components"))


def registration_bundle(registration: RegistrationStatement, issuer: facts.IssuerFacts) -> facts.RegistrationBundle:
    return facts.RegistrationBundle(
        registration=registration_facts(registration, issuer),
        amounts=registered_amount_facts(registration),
        stated_proceeds=_decimal(registration.stated_proceeds_if_exercised),
    )
