"""Reads for the documents: every record a supplement's document states, and the frozen renditions.

``supplement_bundle`` loads what ``documents.context`` phrases, with a fixed number of queries whatever the
number of registered amounts, offerings, reports or holders. Approved and filed supplements serve exactly the
bytes stored at approval: ``frozen_rendition`` finds them, ``rendition_bytes`` reads them back checked
against their recorded SHA-256 and size (``offerings.files``).
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from offerings.files import read_verified
from offerings.models import (
    Condition,
    Issuer,
    Offering,
    PeriodicReport,
    Prospectus,
    RegisteredAmount,
    RegisteredComponent,
    RegistrationStatement,
    Security,
    SellingStockholder,
    Supplement,
    SupplementPurpose,
    SupplementSection,
    SupplementStatus,
    UnitComponent,
)

from .models import RenditionFormat, SupplementRendition

FROZEN_STATUSES = (SupplementStatus.APPROVED, SupplementStatus.FILED)


@dataclass(frozen=True)
class SupplementBundle:
    """One supplement with every record its document reads, loaded once.

    ``amounts`` carry their components (with ``from_security`` and ``from_offering``), ``offerings`` their
    unit components (with ``security``), ``conditions`` the securities they restrict: reading those relations
    costs no query.
    """

    supplement: Supplement
    prospectus: Prospectus
    registration: RegistrationStatement
    issuer: Issuer
    amounts: list[RegisteredAmount]
    offerings: list[Offering]  # the offerings the registered amounts come from, in order of first mention
    reports: list[PeriodicReport]  # all of the issuer's periodic reports
    conditions: list[Condition]  # pending conditions that restrict a security the document mentions
    holders: list[SellingStockholder]  # the Item 507 table; loaded for selling-stockholder updates only
    incorporated: list[PeriodicReport]
    delivered: list[PeriodicReport]
    sections: list[SupplementSection]

    @property
    def components(self) -> list[RegisteredComponent]:
        return [c for a in self.amounts for c in a.components.all()]

    @property
    def securities(self) -> list[Security]:
        """Every security the document mentions: registered, the sources of their shares, what a unit holds."""
        return _mentioned_securities(self.amounts, self.offerings)


def _mentioned_securities(amounts: list[RegisteredAmount], offerings: list[Offering]) -> list[Security]:
    mentioned = [a.security for a in amounts]
    mentioned += [c.from_security for a in amounts for c in a.components.all() if c.from_security is not None]
    mentioned += [uc.security for o in offerings for uc in o.unit_components.all()]
    return mentioned


def _registered_amounts(registration: RegistrationStatement) -> list[RegisteredAmount]:
    """The registered amounts with their components, the components' offerings and what a unit of those holds."""
    components = RegisteredComponent.objects.select_related("from_security__converts_into", "from_offering")
    unit_components = UnitComponent.objects.select_related("security__converts_into")
    return list(
        registration.registered_amounts.select_related("security__converts_into").prefetch_related(
            Prefetch("components", queryset=components),
            Prefetch("components__from_offering__unit_components", queryset=unit_components),
        )
    )


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


def supplement_bundle(supplement: Supplement) -> SupplementBundle:
    """Everything the supplement's document states, read fresh from the database.

    At most ten queries, eleven for a selling-stockholder update, however many rows there are: the supplement
    with its prospectus, registration and issuer; the registered amounts; their components (with their
    securities and offerings); the unit components of those offerings; the issuer's reports; the pending
    conditions; the securities they restrict; the incorporated reports; the delivered reports; the staff's
    sections; the holders. A prefetch with nothing to follow runs no query.
    """
    if supplement.pk:
        supplement = Supplement.objects.select_related("prospectus__registration_statement__issuer").get(
            pk=supplement.pk
        )
    prospectus = supplement.prospectus
    registration = prospectus.registration_statement
    amounts = _registered_amounts(registration)
    offerings = _offerings_of(amounts)
    holders = []
    if supplement.purpose == SupplementPurpose.SELLING_STOCKHOLDER_UPDATE:
        holders = list(registration.selling_stockholders.order_by("id"))
    return SupplementBundle(
        supplement=supplement,
        prospectus=prospectus,
        registration=registration,
        issuer=registration.issuer,
        amounts=amounts,
        offerings=offerings,
        reports=list(registration.issuer.periodic_reports.all()),
        conditions=_pending_conditions(registration.issuer, _mentioned_securities(amounts, offerings)),
        holders=holders,
        incorporated=[i.report for i in supplement.incorporations.select_related("report")],
        delivered=[e.report for e in supplement.enclosures.select_related("report")],
        sections=list(supplement.sections.order_by("position", "id")),
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
