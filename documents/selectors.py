"""Reads for the documents: every record a supplement's document states, and the frozen renditions.

``supplement_bundle`` loads what ``documents.context`` phrases, with a fixed number of queries whatever the
number of registered amounts, offerings, reports, holders, events or other rows. Approved and filed
supplements serve exactly the bytes stored at approval: ``frozen_rendition`` finds them, ``rendition_bytes``
reads them back checked against their recorded SHA-256 and size (``offerings.files``).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from offerings.files import read_verified
from offerings.models import (
    Amendment,
    Condition,
    FinancialStatement,
    HolderFootnote,
    HolderRow,
    HolderTable,
    Issuer,
    Offering,
    PeriodicReport,
    Prospectus,
    RegisteredAmount,
    RegisteredComponent,
    RegistrationStatement,
    Security,
    SecurityTermsChange,
    SellingStockholder,
    Supplement,
    SupplementEvent,
    SupplementPurpose,
    SupplementSection,
    SupplementStatus,
    UnitComponent,
)

from .errors import RenderError
from .models import RenditionFormat, SupplementRendition

FROZEN_STATUSES = (SupplementStatus.APPROVED, SupplementStatus.FILED)


@dataclass(frozen=True)
class AttachedReport:
    """A report that is part of the supplement, with the uploaded copy's bytes (None when none is uploaded)."""

    report: PeriodicReport
    data: bytes | None
    name: str


@dataclass(frozen=True)
class CoveredRegistration:
    """An earlier registration a Rule 429 combined prospectus also covers, with what it registers."""

    registration: RegistrationStatement
    amounts: list[RegisteredAmount]


@dataclass(frozen=True)
class SupplementBundle:
    """One supplement with every record its document reads, loaded once.

    ``amounts`` carry their components (with ``from_security`` and ``from_offering``), ``offerings`` their
    unit components (with ``security``), ``conditions`` the securities they restrict, ``holder_tables`` their
    rows (with the rows' footnotes) and footnotes: reading those relations costs no query.
    """

    supplement: Supplement
    prospectus: Prospectus
    registration: RegistrationStatement
    issuer: Issuer
    amounts: list[RegisteredAmount]
    offerings: list[Offering]  # the offerings the registered amounts come from, in order of first mention
    reports: list[PeriodicReport]  # all of the issuer's periodic reports
    conditions: list[Condition]  # pending conditions that restrict a security the document mentions
    holders: list[SellingStockholder]  # a selling-stockholder update without holder tables: the holders on record
    incorporated: list[PeriodicReport]
    delivered: list[PeriodicReport]
    sections: list[SupplementSection]
    attachments: list[AttachedReport] = ()
    holder_tables: list[HolderTable] = ()
    terms_changes: list[SecurityTermsChange] = ()
    events: list[SupplementEvent] = ()
    financial_statements: list[FinancialStatement] = ()
    also_covers: list[CoveredRegistration] = ()
    amendments: list[Amendment] = ()

    @property
    def components(self) -> list[RegisteredComponent]:
        return [c for a in self.amounts for c in a.components.all()]

    @property
    def securities(self) -> list[Security]:
        """Every security the document mentions: registered, the sources of their shares, what a unit holds,
        what earlier registrations of a combined prospectus register, what changes of terms and events name."""
        mentioned = _mentioned_securities(self.amounts, self.offerings)
        mentioned += _mentioned_securities([a for c in self.also_covers for a in c.amounts], [])
        mentioned += [c.security for c in self.terms_changes]
        mentioned += [e.security for e in self.events if e.security is not None]
        return mentioned


def _mentioned_securities(amounts: list[RegisteredAmount], offerings: list[Offering]) -> list[Security]:
    mentioned = [a.security for a in amounts]
    mentioned += [c.from_security for a in amounts for c in a.components.all() if c.from_security is not None]
    mentioned += [uc.security for o in offerings for uc in o.unit_components.all()]
    return mentioned


def _amounts(queryset) -> list[RegisteredAmount]:
    """Registered amounts with their components, the components' offerings and what a unit of those holds."""
    components = RegisteredComponent.objects.select_related("from_security__converts_into", "from_offering")
    unit_components = UnitComponent.objects.select_related("security__converts_into")
    return list(
        queryset.select_related("security__converts_into").prefetch_related(
            Prefetch("components", queryset=components),
            Prefetch("components__from_offering__unit_components", queryset=unit_components),
        )
    )


def _registered_amounts(registration: RegistrationStatement) -> list[RegisteredAmount]:
    return _amounts(registration.registered_amounts.all())


def _offerings_of(amounts: list[RegisteredAmount]) -> list[Offering]:
    offerings: dict[int, Offering] = {}
    for amount in amounts:
        for component in amount.components.all():
            if component.from_offering is not None:
                offerings.setdefault(component.from_offering.pk, component.from_offering)
    return list(offerings.values())


def _pending_conditions(issuer: Issuer, securities: list[Security]) -> list[Condition]:
    return list(
        Condition.objects.filter(issuer=issuer, satisfied_on__isnull=True, restricts__in={s.pk for s in securities})
        .distinct()
        .prefetch_related(Prefetch("restricts", queryset=Security.objects.select_related("converts_into")))
    )


def _also_covers(prospectus: Prospectus) -> list[CoveredRegistration]:
    """Rule 429: the earlier registrations, each with its amounts (three queries for all of them, one if none)."""
    covered = list(prospectus.also_covers.order_by("file_number"))
    if not covered:
        return []
    amounts = _amounts(RegisteredAmount.objects.filter(registration_statement__in=covered).order_by("id"))
    return [
        CoveredRegistration(registration=r, amounts=[a for a in amounts if a.registration_statement_id == r.pk])
        for r in covered
    ]


def _holder_tables(supplement: Supplement) -> list[HolderTable]:
    rows = HolderRow.objects.order_by("position", "id").prefetch_related(
        Prefetch("footnotes", queryset=HolderFootnote.objects.order_by("id"))
    )
    return list(
        supplement.holder_tables.select_related("security")
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("rows", queryset=rows), Prefetch("footnotes", queryset=HolderFootnote.objects.order_by("id"))
        )
    )


def _read_copy(report: PeriodicReport) -> bytes | None:
    if not report.document:
        return None
    try:
        with report.document.open("rb") as handle:
            return handle.read()
    except OSError as exc:
        raise RenderError(
            f"The uploaded copy of the {report.describe()} ({report.document.name}) could not be read: {exc}"
        ) from exc


def _attachments(supplement: Supplement) -> list[AttachedReport]:
    attachments = supplement.attachments.select_related("report").order_by("position", "id")
    return [AttachedReport(a.report, _read_copy(a.report), a.report.document.name or "") for a in attachments]


def _by_date(records: list, attribute: str) -> list:
    """Oldest first, undated last, then as recorded: the same order on every database."""
    return sorted(records, key=lambda r: (getattr(r, attribute) is None, getattr(r, attribute) or datetime.date.min))


def supplement_bundle(supplement: Supplement) -> SupplementBundle:
    """Everything the supplement's document states, read fresh from the database.

    A fixed number of queries however many rows there are: the supplement with its prospectus, registration
    and issuer; the registered amounts; their components (with their securities and offerings); the unit
    components of those offerings; the issuer's reports; the pending conditions and the securities they
    restrict; the incorporated, delivered and attached reports; the staff's sections; the holder tables with
    their rows, the rows' footnotes and the tables' footnotes; the changes of terms; the events; the financial
    statements; the registration's amendments; the registrations a Rule 429 prospectus also covers, with their
    amounts, components and unit components; the holders of a selling-stockholder update without tables. A
    prefetch with nothing to follow runs no query.
    """
    if supplement.pk:
        supplement = Supplement.objects.select_related("prospectus__registration_statement__issuer").get(
            pk=supplement.pk
        )
    prospectus = supplement.prospectus
    registration = prospectus.registration_statement
    amounts = _registered_amounts(registration)
    offerings = _offerings_of(amounts)
    also_covers = _also_covers(prospectus)
    holder_tables = _holder_tables(supplement)
    holders = []
    if supplement.purpose == SupplementPurpose.SELLING_STOCKHOLDER_UPDATE and not holder_tables:
        holders = list(registration.selling_stockholders.order_by("id"))
    mentioned = _mentioned_securities(amounts + [a for c in also_covers for a in c.amounts], offerings)
    return SupplementBundle(
        supplement=supplement,
        prospectus=prospectus,
        registration=registration,
        issuer=registration.issuer,
        amounts=amounts,
        offerings=offerings,
        reports=list(registration.issuer.periodic_reports.all()),
        conditions=_pending_conditions(registration.issuer, mentioned),
        holders=holders,
        incorporated=[i.report for i in supplement.incorporations.select_related("report")],
        delivered=[e.report for e in supplement.enclosures.select_related("report")],
        sections=list(supplement.sections.order_by("position", "id")),
        attachments=_attachments(supplement),
        holder_tables=holder_tables,
        terms_changes=_by_date(
            list(supplement.terms_changes.select_related("security__converts_into").order_by("id")), "effective_on"
        ),
        events=list(supplement.events.select_related("security__converts_into").order_by("position", "id")),
        financial_statements=list(supplement.financial_statements.order_by("position", "id")),
        also_covers=also_covers,
        amendments=list(registration.amendments.select_related("annual_report").order_by("filed_on", "id")),
    )


# -- frozen renditions ---------------------------------------------------------------------------------------


def frozen_rendition(*, supplement: Supplement, format: str) -> SupplementRendition | None:
    """The frozen rendition of an approved or filed supplement, or None if it is not frozen (yet).

    The status is read from the database, so a stale instance cannot mislead. A draft never has a frozen
    rendition, even if it was approved before and returned to draft.
    A supplement that arrived filed from a dossier is frozen on first use: call
    ``documents.services.ensure_frozen`` before reading one that may not have been rendered yet.
    """
    if format not in RenditionFormat.values:
        raise ValueError(f"format: {format!r} is not one of {', '.join(RenditionFormat.values)}.")
    return (
        SupplementRendition.objects.filter(supplement=supplement, format=format, supplement__status__in=FROZEN_STATUSES)
        .select_related("supplement")
        .first()
    )


def rendition_bytes(*, rendition: SupplementRendition) -> bytes:
    """The stored bytes, checked against the recorded SHA-256 and size.

    Raises ``offerings.files.StoredFileIntegrityError`` when the file no longer matches its record.
    """
    return read_verified(
        storage=rendition.file.storage, name=rendition.file.name, sha256=rendition.sha256, size=rendition.size
    )
