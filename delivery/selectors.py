"""Reads for delivery: what a package holds, who receives it, and what the evidence shows."""

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Now
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from offerings.domain.dates import long_date
from offerings.models import (
    Investor,
    PeriodicReport,
    Prospectus,
    RegistrationStatement,
    SellingStockholder,
    Supplement,
    SupplementStatus,
)
from offerings.selectors.records import current_prospectus, current_prospectuses

from . import tokens
from .models import (
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    DocumentKind,
    EventKind,
    PackageDocument,
    PackageVersion,
)
from .prepared import CompiledLookup

DELIVERED_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.OPENED, DeliveryStatus.ACKNOWLEDGED)


# -- packages -------------------------------------------------------------------------------------------
def current_package(*, registration: RegistrationStatement) -> PackageVersion | None:
    """The latest published package version; earlier versions keep their deliveries and evidence."""
    return registration.package_versions.order_by("-number").first()


def current_packages(
    *, registrations: Sequence[RegistrationStatement], as_of: datetime.date | None = None
) -> dict[int, PackageVersion | None]:
    """``current_package`` of each registration, keyed by its id, in one query; with ``as_of``, the latest
    published on or before that day (UTC), as ``coverage`` counts it."""
    by_id = {r.pk: r for r in registrations}
    versions = PackageVersion.objects.all()
    if as_of is not None:
        versions = versions.filter(published_at__date__lte=as_of)
    latest = versions.filter(registration_statement=OuterRef("registration_statement")).order_by("-number")
    current: dict[int, PackageVersion | None] = dict.fromkeys(by_id)
    for version in versions.filter(registration_statement__in=by_id, number=Subquery(latest.values("number")[:1])):
        version.registration_statement = by_id[version.registration_statement_id]
        current[version.registration_statement_id] = version
    return current


def package_documents(*, package_version: PackageVersion) -> list[PackageDocument]:
    """Every manifest line, the combined PDF last."""
    return list(package_version.documents.order_by("position"))


def split_combined(documents: list[PackageDocument]) -> tuple[list[PackageDocument], PackageDocument | None]:
    parts = [d for d in documents if d.kind != DocumentKind.COMBINED]
    combined = next((d for d in documents if d.kind == DocumentKind.COMBINED), None)
    return parts, combined


@dataclass(frozen=True)
class PlannedDocument:
    """A document the next package version will hold, read from the offering records."""

    kind: str
    title: str
    dated_on: datetime.date | None
    prospectus: Prospectus | None = None
    supplement: Supplement | None = None
    report: PeriodicReport | None = None


@dataclass(frozen=True)
class PackagePlan:
    registration: RegistrationStatement
    prospectus: Prospectus | None
    documents: list[PlannedDocument]
    problems: list[str]


def supplement_title(supplement: Supplement) -> str:
    dated = f"dated {long_date(supplement.dated_on)}" if supplement.dated_on else "of unknown date"
    return f"{supplement.document_title} {dated}"


def prospectus_title(prospectus: Prospectus) -> str:
    return f"Prospectus dated {long_date(prospectus.dated_on)}"


def package_plan(*, registration: RegistrationStatement) -> PackagePlan:
    """What publishing now would deliver, and what stands in the way.

    The package is the latest prospectus, then every supplement to it in date order, each followed by the
    reports delivered with it (a report delivered with several supplements appears once, after the first).
    SEC staff: a supplement delivered without the prospectus does not count, so the prospectus file is
    required, and every supplement must be approved or filed (its frozen PDF is what investors get).
    """
    prospectus = current_prospectus(registration=registration)
    if prospectus is None:
        return _plan(registration, None, [])
    supplements = prospectus.supplements.order_by(*_PLAN_ORDER).prefetch_related("enclosures__report")
    return _plan(registration, prospectus, supplements)


_PLAN_ORDER = ("dated_on", "number", "id")


def package_plans(*, registrations: Sequence[RegistrationStatement]) -> dict[int, PackagePlan]:
    """``package_plan`` of each registration, keyed by its id, in a fixed number of queries."""
    prospectuses = current_prospectuses(registrations=registrations)
    current = {p.pk: p for p in prospectuses.values() if p is not None}
    supplements: dict[int, list[Supplement]] = defaultdict(list)
    for supplement in (
        Supplement.objects.filter(prospectus__in=current).order_by(*_PLAN_ORDER).prefetch_related("enclosures__report")
    ):
        supplement.prospectus = current[supplement.prospectus_id]  # as ``prospectus.supplements`` sets it
        supplements[supplement.prospectus_id].append(supplement)
    return {
        r.pk: _plan(r, prospectuses[r.pk], supplements[prospectuses[r.pk].pk] if prospectuses[r.pk] else [])
        for r in registrations
    }


def _plan(
    registration: RegistrationStatement, prospectus: Prospectus | None, supplements: Iterable[Supplement]
) -> PackagePlan:
    """The plan of ``package_plan`` from the current prospectus and its supplements in date order (each with
    its enclosures and their reports loaded)."""
    problems: list[str] = []
    if prospectus is None:
        return PackagePlan(registration, None, [], [f"{registration} has no prospectus."])
    documents = [
        PlannedDocument(DocumentKind.PROSPECTUS, prospectus_title(prospectus), prospectus.dated_on, prospectus)
    ]
    if not prospectus.document:
        problems.append(
            f"prospectus: {prospectus} has no file. Upload the prospectus (PDF, HTML or text) before publishing."
        )
    seen_reports: set[int] = set()
    for supplement in supplements:
        if supplement.status not in (SupplementStatus.APPROVED, SupplementStatus.FILED):
            problems.append(
                f"supplement: {supplement} is {supplement.get_status_display().lower()}; approve it (or delete it) "
                "before publishing. Investors may only receive approved supplements."
            )
        documents.append(
            PlannedDocument(
                DocumentKind.SUPPLEMENT, supplement_title(supplement), supplement.dated_on, supplement=supplement
            )
        )
        for enclosure in supplement.enclosures.all():
            report = enclosure.report
            if report.pk in seen_reports:
                continue
            seen_reports.add(report.pk)
            if not report.document:
                problems.append(
                    f"report {report.key}: {report.describe()} is delivered with {supplement} but has no uploaded "
                    "copy. Upload it before publishing."
                )
            documents.append(
                PlannedDocument(DocumentKind.REPORT, report.describe(), report.filed_on, None, None, report)
            )
    return PackagePlan(registration, prospectus, documents, problems)


# -- recipients -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    """An investor, or a selling stockholder with an email address who is not also an investor."""

    name: str
    email: str
    postal_address: str
    investor: Investor | None = None
    selling_stockholder: SellingStockholder | None = None

    @property
    def key(self) -> tuple[str, int]:
        if self.investor is not None:
            return ("investor", self.investor.pk)
        return ("selling_stockholder", self.selling_stockholder.pk)


def recipients(*, registration: RegistrationStatement) -> list[Recipient]:
    """Who receives the package: every investor, then each selling stockholder with an email address.

    A selling stockholder whose email matches an investor of the same registration is that investor and
    receives one delivery, the investor's.
    """
    investors = Investor.objects.filter(registration_statement=registration).order_by("id")
    holders = _holders_with_email().filter(registration_statement=registration).order_by("id")
    return _recipients(investors, holders)


def _holders_with_email() -> QuerySet[SellingStockholder]:
    return SellingStockholder.objects.filter(email__isnull=False).exclude(email="")


def recipients_by_registration(*, registrations: Sequence[RegistrationStatement]) -> dict[int, list[Recipient]]:
    """``recipients`` of each registration, keyed by its id, in two queries."""
    ids = [r.pk for r in registrations]
    investors: dict[int, list[Investor]] = defaultdict(list)
    for investor in Investor.objects.filter(registration_statement__in=ids).order_by("id"):
        investors[investor.registration_statement_id].append(investor)
    holders: dict[int, list[SellingStockholder]] = defaultdict(list)
    for holder in _holders_with_email().filter(registration_statement__in=ids).order_by("id"):
        holders[holder.registration_statement_id].append(holder)
    return {pk: _recipients(investors[pk], holders[pk]) for pk in ids}


def _recipients(investors: Iterable[Investor], holders: Iterable[SellingStockholder]) -> list[Recipient]:
    """The recipients from a registration's investors and its selling stockholders with email, each by id."""
    result = [Recipient(i.name, i.email or "", i.postal_address, investor=i) for i in investors]
    investor_emails = {r.email.lower() for r in result if r.email}
    for holder in holders:
        if holder.email.lower() in investor_emails:
            continue
        investor_emails.add(holder.email.lower())
        result.append(Recipient(holder.name, holder.email, "", selling_stockholder=holder))
    return result


def recipients_without_delivery(*, package_version: PackageVersion) -> list[Recipient]:
    existing_investors = set(
        package_version.deliveries.filter(investor__isnull=False).values_list("investor_id", flat=True)
    )
    existing_holders = set(
        package_version.deliveries.filter(selling_stockholder__isnull=False).values_list(
            "selling_stockholder_id", flat=True
        )
    )
    return [
        r
        for r in recipients(registration=package_version.registration_statement)
        if (r.investor is not None and r.investor.pk not in existing_investors)
        or (r.selling_stockholder is not None and r.selling_stockholder.pk not in existing_holders)
    ]


# -- personal links -------------------------------------------------------------------------------------
def live_link_queryset(token_hash: str) -> QuerySet[Delivery]:
    """The delivery whose live link has this hash: not revoked, not expired by the database's clock (``Now()``)."""
    return (
        Delivery.objects.select_related("package_version")
        .filter(token_hash=token_hash, revoked_at__isnull=True, token_expires_at__gt=Now())
        .order_by()[:1]  # token_hash is unique; no ordering means no joins beyond the package version
    )


# Every page view and download starts here: compiled once per process (delivery.prepared).
_live_link = CompiledLookup(live_link_queryset)


def delivery_for_token(*, token: str) -> Delivery | None:
    """The delivery a live personal link opens, in one query; None for unknown, expired, revoked or malformed."""
    if not tokens.is_well_formed(token):
        return None
    return _live_link.first(tokens.token_hash(token))


@dataclass(frozen=True)
class PackageView:
    """What every page of one package version shows: its registration, issuer and manifest."""

    registration: RegistrationStatement
    documents: list[PackageDocument]
    parts: list[PackageDocument]
    combined: PackageDocument | None
    loaded_at: float
    documents_html: str  # the download list, with links relative to the personal page
    latest_number: int  # the registration's newest package version when this was loaded


# A published version's manifest never changes, so it is kept per process, keyed by the version's id and
# publication time; the registration and issuer names are re-read after PACKAGE_VIEW_SECONDS.
_package_views: dict[tuple[int, datetime.datetime], PackageView] = {}
PACKAGE_VIEW_SECONDS = 60.0
PACKAGE_VIEW_LIMIT = 256


def package_view(*, package_version: PackageVersion) -> PackageView:
    """The package's manifest and names for the personal page: no query while the per-process copy is fresh."""
    key = (package_version.pk, package_version.published_at)
    now = time.monotonic()
    cached = _package_views.get(key)
    if cached is not None and now - cached.loaded_at < PACKAGE_VIEW_SECONDS:
        return cached
    registration = (
        RegistrationStatement.objects.select_related("issuer")
        .annotate(latest_number=Max("package_versions__number"))
        .get(pk=package_version.registration_statement_id)
    )
    documents = cached.documents if cached is not None else package_documents(package_version=package_version)
    parts, combined = split_combined(documents)
    documents_html = render_to_string("delivery/_personal_documents.html", {"documents": parts, "combined": combined})
    safe_html = mark_safe(documents_html)  # noqa: S308 - rendered by the autoescaping template above
    latest = registration.latest_number or package_version.number
    view = PackageView(registration, documents, parts, combined, now, safe_html, latest)
    if len(_package_views) >= PACKAGE_VIEW_LIMIT:
        _package_views.clear()
    _package_views[key] = view
    return view


def package_document_for_delivery(*, delivery: Delivery, document_id: int) -> PackageDocument | None:
    """A document of the delivery's own package version; any other document id is not found."""
    for document in package_view(package_version=delivery.package_version).documents:
        if document.pk == document_id:
            return document
    return None


# -- evidence -------------------------------------------------------------------------------------------
def deliveries_for_registration(*, registration: RegistrationStatement) -> QuerySet[Delivery]:
    return Delivery.objects.filter(package_version__registration_statement=registration).select_related(
        "package_version"
    )


def not_opened_after(
    *, days: int, registration: RegistrationStatement | None = None, now: datetime.datetime | None = None
) -> QuerySet[Delivery]:
    """Email deliveries sent at least ``days`` days ago whose personal page was never opened."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    queryset = Delivery.objects.filter(first_opened_at__isnull=True, sent_at__lte=cutoff, revoked_at__isnull=True)
    if registration is not None:
        queryset = queryset.filter(package_version__registration_statement=registration)
    return queryset


@dataclass(frozen=True)
class ReportRow:
    package_version: int
    recipient: str
    email: str
    method: str
    status: str
    sent_at: datetime.datetime | None
    first_opened_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None
    views: int
    downloads: int
    last_activity_at: datetime.datetime | None
    last_ip: str


def report_rows(*, registration: RegistrationStatement) -> Iterator[ReportRow]:
    """One row per delivery of every package version, newest version first, with counts of the evidence."""
    queryset = (
        deliveries_for_registration(registration=registration)
        .annotate(
            views=Count("events", filter=Q(events__kind=EventKind.PAGE_VIEW)),
            downloads=Count("events", filter=Q(events__kind=EventKind.DOWNLOAD)),
            last_activity_at=Max(
                "events__occurred_at",
                filter=Q(events__kind__in=[EventKind.PAGE_VIEW, EventKind.DOWNLOAD, EventKind.ACKNOWLEDGED]),
            ),
        )
        .order_by("-package_version__number", "recipient_name", "id")
    )
    last_ips = dict(
        DeliveryEvent.objects.filter(
            delivery__package_version__registration_statement=registration, ip_address__isnull=False
        )
        .order_by("delivery_id", "occurred_at", "id")
        .values_list("delivery_id", "ip_address")
    )
    for d in queryset.iterator(chunk_size=2000):
        yield ReportRow(
            package_version=d.package_version.number,
            recipient=d.recipient_name,
            email=d.recipient_email,
            method=d.get_method_display(),
            status=d.get_status_display(),
            sent_at=d.sent_at,
            first_opened_at=d.first_opened_at,
            acknowledged_at=d.acknowledged_at,
            views=d.views,
            downloads=d.downloads,
            last_activity_at=d.last_activity_at,
            last_ip=last_ips.get(d.pk, "") or "",
        )


@dataclass(frozen=True)
class Coverage:
    package_version: PackageVersion | None
    recipients: int
    without_delivery: list[str]
    not_delivered: list[str]


def coverage(*, registration: RegistrationStatement, as_of: datetime.date | None = None) -> Coverage:
    """Who has and has not been delivered the current package version (sent, opened or acknowledged).

    With ``as_of``, the current version is the latest published on or before that day (UTC).
    """
    versions = registration.package_versions.order_by("-number")
    if as_of is not None:
        versions = versions.filter(published_at__date__lte=as_of)
    version = versions.first()
    everyone = recipients(registration=registration)
    if version is None:
        return _coverage(None, everyone, [])
    return _coverage(
        version, everyone, version.deliveries.values_list("investor_id", "selling_stockholder_id", "status")
    )


def coverages(
    *, registrations: Sequence[RegistrationStatement], as_of: datetime.date | None = None
) -> dict[int, Coverage]:
    """``coverage`` of each registration, keyed by its id, in four queries however many there are."""
    versions = current_packages(registrations=registrations, as_of=as_of)
    everyone = recipients_by_registration(registrations=registrations)
    rows: dict[int, list[tuple]] = defaultdict(list)
    published = [v.pk for v in versions.values() if v is not None]
    for version_id, *row in (
        Delivery.objects.filter(package_version__in=published)
        .order_by("package_version_id", "id")
        .values_list("package_version_id", "investor_id", "selling_stockholder_id", "status")
    ):
        rows[version_id].append(row)
    return {
        r.pk: _coverage(versions[r.pk], everyone[r.pk], rows[versions[r.pk].pk] if versions[r.pk] else [])
        for r in registrations
    }


def _coverage(version: PackageVersion | None, everyone: list[Recipient], rows: Iterable) -> Coverage:
    """Rule: a recipient is delivered once the version's delivery to them is sent, opened or acknowledged;
    ``rows`` are the version's deliveries (investor id, selling stockholder id, status) in id order."""
    if version is None:
        return Coverage(None, len(everyone), [r.name for r in everyone], [])
    statuses: dict[tuple[str, int], str] = {}
    for investor_id, holder_id, status in rows:
        key = ("investor", investor_id) if investor_id else ("selling_stockholder", holder_id)
        statuses[key] = status
    without, undelivered = [], []
    for recipient in everyone:
        status = statuses.get(recipient.key)
        if status is None:
            without.append(recipient.name)
        elif status not in DELIVERED_STATUSES:
            undelivered.append(recipient.name)
    return Coverage(version, len(everyone), without, undelivered)


# -- out of date ----------------------------------------------------------------------------------------
DELIVERABLE_STATUSES = (SupplementStatus.APPROVED, SupplementStatus.FILED)


def _planned_key(planned: PlannedDocument) -> tuple[str, int]:
    record = planned.prospectus or planned.supplement or planned.report
    return (planned.kind, record.pk)


def _document_key(document: PackageDocument) -> tuple[str, int | None]:
    return (document.kind, document.prospectus_id or document.supplement_id or document.report_id)


def deliverable_plan(plan: PackagePlan) -> list[PlannedDocument]:
    """The planned documents that could be published now: a supplement only once approved or filed, and a
    report only when the supplement it is first delivered with is."""
    result: list[PlannedDocument] = []
    ready = True
    for planned in plan.documents:
        if planned.supplement is not None:
            ready = planned.supplement.status in DELIVERABLE_STATUSES
        if ready or planned.kind == DocumentKind.PROSPECTUS:
            result.append(planned)
    return result


def missing_documents(planned: list[PlannedDocument], documents: list[PackageDocument]) -> list[PlannedDocument]:
    """Rule: a package is out of date when its plan holds a document the package version lacks."""
    held = {_document_key(d) for d in documents}
    return [p for p in planned if _planned_key(p) not in held]


def _described(planned: PlannedDocument) -> str:
    if planned.supplement is not None:
        return f"{planned.title} was {planned.supplement.get_status_display().lower()}"
    if planned.kind == DocumentKind.PROSPECTUS:
        return f"{planned.title} became the current prospectus"
    return f"{planned.title} was added to a supplement"


def package_out_of_date(*, registration: RegistrationStatement) -> str | None:
    """Why the current package version is out of date, or None when it is up to date (or none is published).

    It is out of date once the records hold a deliverable document (a new prospectus, an approved or filed
    supplement, a report delivered with one) that the current version lacks; drafts do not count.
    """
    version = current_package(registration=registration)
    if version is None:
        return None
    return _out_of_date_reason(
        version, package_plan(registration=registration), package_documents(package_version=version)
    )


@dataclass(frozen=True)
class OutOfDate:
    package_version: PackageVersion
    reason: str  # what ``package_out_of_date`` says


def out_of_date_packages(*, registrations: Sequence[RegistrationStatement]) -> dict[int, OutOfDate]:
    """The registrations given whose current package is out of date (``package_out_of_date``), keyed by id,
    with that version and the reason: a fixed number of queries however many registrations there are."""
    versions = {pk: v for pk, v in current_packages(registrations=registrations).items() if v is not None}
    plans = package_plans(registrations=[r for r in registrations if r.pk in versions])
    documents: dict[int, list[PackageDocument]] = defaultdict(list)
    for document in PackageDocument.objects.filter(package_version__in=versions.values()).order_by(
        "package_version_id", "position"
    ):
        documents[document.package_version_id].append(document)
    result = {}
    for pk, version in versions.items():
        reason = _out_of_date_reason(version, plans[pk], documents[version.pk])
        if reason is not None:
            result[pk] = OutOfDate(version, reason)
    return result


def _out_of_date_reason(version: PackageVersion, plan: PackagePlan, documents: list[PackageDocument]) -> str | None:
    missing = missing_documents(deliverable_plan(plan), documents)
    if not missing:
        return None
    reason = f"{_described(missing[0])} after package v{version.number} was published"
    reason += f" ({long_date(version.published_at)})"
    if len(missing) > 1:
        reason += f"; {len(missing) - 1} more document(s) are also not in it"
    return reason + "."


def unsaved_delivery(*, package_version: PackageVersion, recipient: Recipient, method: str, **link) -> Delivery:
    """The delivery a recipient gets of a package version (not saved: ``services.links.create_deliveries``
    stores it; the email preview shows it)."""
    return Delivery(
        package_version=package_version,
        investor=recipient.investor,
        selling_stockholder=recipient.selling_stockholder,
        recipient_name=recipient.name[:300],
        recipient_email=recipient.email,
        postal_address=recipient.postal_address,
        method=method,
        status=DeliveryStatus.PENDING,
        **link,
    )
