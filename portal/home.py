"""The admin home: what needs attention today, each item linking to its record.

Four lists, each shown only to a user who may see its records: open compliance findings (errors and warnings,
``compliance.view_findings`` and the view permission of the finding's record), supplements in draft or in
review (``offerings.view_supplement``), approved supplements not yet filed with their Rule 424(b) deadline
(``offerings.view_supplement``), and registrations whose current package is out of date
(``delivery.view_packageversion``). The portal layer may read every app; the reads are the apps' selectors,
each of which loads its records for every registration at once, so the page's queries do not grow with the
number of registrations.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from compliance import conf
from compliance.selectors import business_calendar, dashboard_rows, subject_label, subject_labels, subject_model
from compliance.views import FINDINGS_PERMISSION
from delivery.selectors import out_of_date_packages
from offerings.domain.calendar import OutOfRangeError
from offerings.domain.dates import long_date
from offerings.domain.findings import Severity
from offerings.domain.rule_424b import rule_424b_due_on
from offerings.models import Supplement, SupplementStatus
from offerings.selectors.records import edgar_today, registrations_in_order, supplements_in_status

# Items listed per kind; the count and the "see all" link cover the rest.
SHOWN_PER_KIND = 10
OPEN_SEVERITIES = (Severity.ERROR, Severity.WARNING)


@dataclass(frozen=True)
class Item:
    """One thing to attend to: its record by name, a link to that record, and what is wrong or due."""

    label: str
    url: str | None
    detail: str
    severity: str = ""


@dataclass
class Attention:
    """One kind of item: how many there are, the first ``SHOWN_PER_KIND``, and where to see them all."""

    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    count: int = 0
    all_url: str | None = None
    note: str = ""


def _change_url(app_label: str, model: str, pk: int | None) -> str | None:
    if pk is None:
        return None
    try:
        return reverse(f"admin:{app_label}_{model}_change", args=[pk])
    except NoReverseMatch:
        return None


def _may_view(user, app_label: str, model: str) -> bool:
    return user.has_perm(f"{app_label}.view_{model}") or user.has_perm(f"{app_label}.change_{model}")


def _kept(group: Attention, items: list[Item]) -> Attention:
    group.count = len(items)
    group.items = items[:SHOWN_PER_KIND]
    return group


def open_findings(user, as_of: datetime.date) -> Attention | None:
    """Errors and warnings across registrations, errors first, each naming and linking its record; a finding
    whose record the user may not view is left out."""
    if not user.has_perm(FINDINGS_PERMISSION):
        return None
    group = Attention("findings", "Open compliance findings", all_url=reverse("compliance:dashboard"))
    try:
        rows = [r for r in dashboard_rows(as_of=as_of) if r.finding.severity in OPEN_SEVERITIES]
    except OutOfRangeError as error:
        group.note = f"The check could not run as of {long_date(as_of)}: {error}"
        return group
    labels = subject_labels(r.finding for r in rows)
    items = []
    for row in rows:
        finding = row.finding
        app_label, model = subject_model(finding.subject)
        if not _may_view(user, app_label, model):
            continue
        due = f" Due {long_date(finding.due_on)}." if finding.due_on else ""
        items.append(
            Item(
                label=subject_label(finding, labels),
                url=_change_url(app_label, model, finding.subject_id),
                detail=f"{finding.message}{due}",
                severity=str(finding.severity),
            )
        )
    return _kept(group, items)


def _supplement_list_url(*statuses: str) -> str:
    return reverse("admin:offerings_supplement_changelist") + "?status__in=" + ",".join(statuses)


def drafts_awaiting_review(user) -> Attention | None:
    """Supplements in review (awaiting a Reviewer) and in draft (awaiting submission)."""
    if not _may_view(user, "offerings", "supplement"):
        return None
    statuses = (SupplementStatus.REVIEW, SupplementStatus.DRAFT)
    group = Attention("drafts", "Supplements awaiting review", all_url=_supplement_list_url(*statuses))
    found = sorted(supplements_in_status(*statuses), key=lambda s: s.status != SupplementStatus.REVIEW)
    items = [
        Item(str(s), _change_url("offerings", "supplement", s.pk), s.get_status_display(), severity=s.status)
        for s in found
    ]
    return _kept(group, items)


def _filing_detail(supplement: Supplement, calendar, business_days) -> tuple[str, datetime.date | None]:
    """Rule 424(b): the deadline counts business days from first use; before first use there is none yet."""
    if supplement.first_used_on is None:
        days = business_days.get(supplement.rule)
        within = f" within {days} business days of first use" if days else ""
        return f"Approved, not yet used: file under Rule {supplement.rule}{within}.", None
    try:
        due = rule_424b_due_on(
            rule=supplement.rule,
            first_used_on=supplement.first_used_on,
            calendar=calendar,
            business_days=business_days,
        )
    except OutOfRangeError:
        due = None
    if due is None:
        return f"First used {long_date(supplement.first_used_on)}: file as soon as practicable.", None
    return f"First used {long_date(supplement.first_used_on)}: file by {long_date(due)} (Rule {supplement.rule}).", due


def filings_due(user) -> Attention | None:
    """Approved supplements not yet filed on EDGAR, the earliest Rule 424(b) deadline first."""
    if not _may_view(user, "offerings", "supplement"):
        return None
    group = Attention("filings", "Filings due", all_url=_supplement_list_url(SupplementStatus.APPROVED))
    calendar, business_days = business_calendar(), conf.rule_424b_business_days()
    found = []
    for supplement in supplements_in_status(SupplementStatus.APPROVED).filter(filed_on__isnull=True):
        detail, due = _filing_detail(supplement, calendar, business_days)
        item = Item(str(supplement), _change_url("offerings", "supplement", supplement.pk), detail, "warning")
        found.append((due or datetime.date.max, item))
    return _kept(group, [item for _, item in sorted(found, key=lambda pair: pair[0])])


def packages_out_of_date(user) -> Attention | None:
    """Registrations whose current package version lacks a document the records now hold
    (``delivery.selectors.package_out_of_date``, read for every registration at once by
    ``out_of_date_packages``), linking to the registration's package versions."""
    if not _may_view(user, "delivery", "packageversion"):
        return None
    changelist = reverse("admin:delivery_packageversion_changelist")
    group = Attention("packages", "Packages out of date", all_url=changelist)
    items = []
    registrations = registrations_in_order()
    out_of_date = out_of_date_packages(registrations=registrations)
    for registration in registrations:
        if registration.pk in out_of_date:
            url = f"{changelist}?registration_statement__id__exact={registration.pk}"
            reason = out_of_date[registration.pk].reason
            items.append(Item(f"{registration} ({registration.issuer})", url, reason, "warning"))
    return _kept(group, items)


def attention_today(*, user, as_of: datetime.date | None = None) -> list[Attention]:
    """What needs attention today (EDGAR's clock unless ``as_of``), only the kinds the user may see."""
    as_of = as_of or edgar_today()
    groups = [open_findings(user, as_of), drafts_awaiting_review(user), filings_due(user), packages_out_of_date(user)]
    return [group for group in groups if group is not None]
