"""The offering records as plain facts: what the rule modules read. ``offerings.selectors.facts`` builds them."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .forms import ANNUAL_FORMS, ORIGINAL_PERIODIC_FORMS


@dataclass(frozen=True)
class ReportFacts:
    id: int
    form: str
    description: str  # "Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003"
    period_end: datetime.date | None
    filed_on: datetime.date | None

    @property
    def is_annual(self) -> bool:
        return self.form in ANNUAL_FORMS


@dataclass(frozen=True)
class HolderRowFacts:
    name: str
    change: str  # listed, added, amended, removed
    owned_before: int | None = None
    offered: int | None = None
    owned_after: int | None = None
    percent_after: Decimal | None = None
    principal_owned: Decimal | None = None
    principal_offered: Decimal | None = None


@dataclass(frozen=True)
class HolderTableFacts:
    id: int
    mode: str  # restate, amend
    security_id: int | None
    shares_outstanding: int | None
    rows: Sequence[HolderRowFacts] = ()


@dataclass(frozen=True)
class EventFacts:
    id: int
    kind: str  # exercise, conversion, redemption, transfer, refinancing, financing, other
    occurred_on: datetime.date | None
    security_id: int | None
    shares: int | None = None
    holder: str = ""
    transferee: str = ""


@dataclass(frozen=True)
class SupplementFacts:
    id: int
    label: str  # "Prospectus supplement dated July 16, 2003 (333-105026)"
    rule: str
    status: str
    first_used_on: datetime.date | None = None
    filed_on: datetime.date | None = None
    incorporates: Sequence[int] = ()  # report ids
    attaches: Sequence[int] = ()  # report ids whose content is part of the supplement
    number: int | None = None
    dated_on: datetime.date | None = None
    prospectus_id: int | None = None
    holder_tables: Sequence[HolderTableFacts] = ()
    events: Sequence[EventFacts] = ()

    @property
    def brings_in(self) -> frozenset[int]:
        """The reports this supplement adds to the prospectus: incorporated by reference or attached."""
        return frozenset(self.incorporates) | frozenset(self.attaches)

    @property
    def is_filed(self) -> bool:
        return self.status == "filed" or self.filed_on is not None


@dataclass(frozen=True)
class AmendmentFacts:
    id: int
    kind: str  # "pre_effective" / "post_effective"
    filed_on: datetime.date
    effective_on: datetime.date | None = None
    annual_report_id: int | None = None


@dataclass(frozen=True)
class ProspectusFacts:
    id: int
    dated_on: datetime.date
    information_as_of: datetime.date | None = None
    holder_tables: Sequence[HolderTableFacts] = ()


@dataclass(frozen=True)
class RegistrationFacts:
    id: int
    file_number: str
    effective_on: datetime.date | None
    last_amended_on: datetime.date | None
    forward_incorporation: bool | None
    prospectus: ProspectusFacts | None
    amendments: Sequence[AmendmentFacts] = ()
    supplements: Sequence[SupplementFacts] = ()
    reports: Sequence[ReportFacts] = field(default_factory=tuple)  # the issuer's periodic reports
    form: str = ""  # S-1, SB-2, F-3...
    filed_on: datetime.date | None = None

    def baseline_on(self) -> datetime.date | None:
        """The date up to which the prospectus already speaks: its own date or the latest amendment's filing."""
        if self.prospectus is None:
            return None
        dates = [self.prospectus.dated_on, self.last_amended_on, *(a.filed_on for a in self.amendments)]
        return max(d for d in dates if d is not None)


@dataclass(frozen=True)
class SecurityFacts:
    id: int
    title: str
    kind: str
    converts_into_id: int | None = None
    shares_per_security: Decimal | None = None
    price_per_share: Decimal | None = None
    expires_on: datetime.date | None = None
    conversion_rate_per_1000: Decimal | None = None
    terms_changes: Sequence["TermsChangeFacts"] = ()


@dataclass(frozen=True)
class TermsChangeFacts:
    kind: str  # repricing, temporary_repricing, extension, anti_dilution_reset, other
    effective_on: datetime.date | None
    ends_on: datetime.date | None
    price_after: Decimal | None


@dataclass(frozen=True)
class OfferingFacts:
    id: int
    title: str
    units_sold: int | None
    unit_quantities: Mapping[int, Decimal] = field(default_factory=dict)  # security id -> quantity per unit


@dataclass(frozen=True)
class ComponentFacts:
    id: int
    source: str
    amount: int
    from_security_id: int | None = None
    from_offering_id: int | None = None


@dataclass(frozen=True)
class RegisteredAmountFacts:
    id: int
    security_id: int
    amount: int
    components: Sequence[ComponentFacts] = ()


@dataclass(frozen=True)
class ConditionFacts:
    id: int
    description: str
    restricts: Sequence[int]  # security ids
    satisfied_on: datetime.date | None = None


@dataclass(frozen=True)
class IssuerFacts:
    id: int
    name: str
    fiscal_year_end: str
    filer_category: str
    reports: tuple[ReportFacts, ...]
    securities: Mapping[int, SecurityFacts]
    offerings: Mapping[int, OfferingFacts]
    conditions: tuple[ConditionFacts, ...]
    foreign_private_issuer: bool = False

    def reported_period_ends(self, as_of: datetime.date) -> list[datetime.date]:
        """Periods whose 10-K/10-Q is on record as of the date (a report without a filing date counts)."""
        return [
            r.period_end
            for r in self.reports
            if r.form in ORIGINAL_PERIODIC_FORMS and r.period_end and (r.filed_on is None or r.filed_on <= as_of)
        ]


@dataclass(frozen=True)
class RegistrationBundle:
    """One registration's facts with the figures reconciliation reads."""

    registration: RegistrationFacts
    amounts: tuple[RegisteredAmountFacts, ...]
    stated_proceeds: Decimal | None

    def involved_security_ids(self) -> set[int]:
        """The registered securities and those their shares come from (warrants, convertibles)."""
        ids = set()
        for amount in self.amounts:
            ids.add(amount.security_id)
            ids.update(c.from_security_id for c in amount.components if c.from_security_id)
        return ids
