"""The facts of a supplement, read from the records and phrased as a filing states them.

Every sentence fragment here is built from a record: nothing is copied from a seed filing. The three
renditions (PDF, EDGAR HTML, EDGAR text) all render this one context, so they say the same things.
Strings are plain ``str`` (never marked safe): the templates autoescape every one of them.

``build_context`` reads the records once (``documents.selectors.supplement_bundle``) and assembles the
document part by part, in the order it reads: cover, risk legend, registration, selling stockholders,
proceeds and conditions, incorporation, holders table, delivered documents, metadata. The phrases the
parts are made of live in ``documents.phrases``.
"""

import datetime
import re
from dataclasses import dataclass, field

from offerings.domain.reconciliation import exercise_proceeds
from offerings.models import (
    PeriodicReport,
    RegisteredAmount,
    SecurityKind,
    SellingStockholder,
    Supplement,
    SupplementPurpose,
)
from offerings.selectors.facts import registered_amount_fact, security_fact

from . import formatting as fmt
from .phrases import (
    Nouns,
    component_phrase,
    condition_sentence,
    exercise_events,
    offering_label,
    offering_phrase,
    registered_item,
    short_title,
)
from .selectors import SupplementBundle, supplement_bundle

_RISK_KEY = re.compile(r"risk", re.IGNORECASE)
_ANNUAL_RISK_KEY = re.compile(r"risk|factors", re.IGNORECASE)
_SELLING_KEY = re.compile(r"selling\s+(stock|share|security|unit)holders", re.IGNORECASE)
_INCORPORATION_KEY = re.compile(r"incorporat", re.IGNORECASE)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class PageReference:
    section: str
    page: int
    document: str


@dataclass(frozen=True)
class HolderRow:
    name: str
    owned_before: str
    offered: str
    owned_after: str
    percent_after: str
    relationship: str


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]


@dataclass(frozen=True)
class SellingTerms:
    """How the selling stockholders sell: what is offered, where the prospectus names them, on which market."""

    offered: str  # "shares of our common stock", or "securities" when several are registered
    where: str  # 'the "Selling Stockholders" section beginning on page 31 of the prospectus'
    market: str  # "on the Nasdaq Capital Market"


@dataclass(frozen=True)
class Incorporation:
    """What an incorporation update incorporates, and where the prospectus lists such documents."""

    reports: str  # the reports, named and with their filing dates
    listed: str  # "That report is added to the documents listed under the heading ...", or ""
    filed: str  # "We filed that report with the SEC after ...", or ""


@dataclass(frozen=True)
class DocumentMetadata:
    """The PDF's (and HTML's) title, author, subject and keywords."""

    title: str
    author: str
    subject: str
    keywords: str


@dataclass(frozen=True)
class HolderTable:
    """The Item 507 table of a selling-stockholder update."""

    intro: str
    rows: list[HolderRow]
    totals: HolderRow
    footnote: str  # "* Less than 1%." when a row shows "*"

    @property
    def relationships(self) -> list[HolderRow]:
        """The holders with a material relationship to the issuer."""
        return [row for row in self.rows if row.relationship]


@dataclass(frozen=True)
class SupplementContext:
    """What one supplement says; the templates only arrange it."""

    supplement_id: int | None
    title: str
    rule: str
    purpose: str
    issuer: str
    file_number: str
    prospectus_date: str
    dated: str
    dated_iso: str
    cover_lines: list[str]
    investing_in: str
    risk_references: list[PageReference]
    registration_sentence: str
    unit_sentences: list[str]
    registered_items: list[str]
    selling: SellingTerms | None
    proceeds_sentence: str
    condition_sentences: list[str]
    incorporation: Incorporation | None
    metadata: DocumentMetadata
    holder_table: HolderTable | None = None  # selling-stockholder updates only
    sections: list[Section] = field(default_factory=list)
    delivered_sentence: str = ""

    @property
    def is_holder_update(self) -> bool:
        return self.purpose == SupplementPurpose.SELLING_STOCKHOLDER_UPDATE

    @property
    def row_count(self) -> int:
        return len(self.holder_table.rows) if self.holder_table else 0


def _page_refs(page_references: dict, pattern: re.Pattern) -> list[tuple[str, int]]:
    return [(section, int(page)) for section, page in (page_references or {}).items() if pattern.search(section)]


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text or "") if block.strip()]


# -- cover and risk legend -----------------------------------------------------------------------------------


def cover_lines(amounts: list[RegisteredAmount], nouns: Nouns) -> list[str]:
    """One "UP TO ..." line per registered amount."""
    return [f"UP TO {fmt.count(a.amount)} {nouns.plural(a.security).upper()}" for a in amounts]


def investing_in(amounts: list[RegisteredAmount]) -> str:
    """What an investor buys: the registered common stock ("common stock"), else "securities"."""
    common = next((a.security for a in amounts if a.security.kind == SecurityKind.COMMON), None)
    return short_title(common) if common else "securities"


def _latest_annual_report(reports: list[PeriodicReport], dated_on: datetime.date) -> PeriodicReport | None:
    annual = [
        r
        for r in reports
        if r.is_annual and r.period_end and r.period_end <= dated_on and (r.filed_on is None or r.filed_on <= dated_on)
    ]
    return max(annual, key=lambda r: r.period_end, default=None)


def risk_references(bundle: SupplementBundle) -> list[PageReference]:
    """The risk sections of the prospectus and of the latest annual report dated before the supplement."""
    prospectus_date = fmt.long_date(bundle.prospectus.dated_on)
    references = [
        PageReference(section, page, f"prospectus dated {prospectus_date}")
        for section, page in _page_refs(bundle.prospectus.page_references, _RISK_KEY)
    ]
    annual = _latest_annual_report(bundle.reports, bundle.supplement.dated_on)
    if annual is not None:
        references += [
            PageReference(section, page, annual.describe())
            for section, page in _page_refs(annual.page_references, _ANNUAL_RISK_KEY)
        ]
    return references


# -- the registration and the offering it resells ------------------------------------------------------------


def registration_sentence(bundle: SupplementBundle) -> str:
    """When the registration statement was filed and declared effective, and which offerings it relates to."""
    registration = bundle.registration
    form = f" on Form {registration.form}" if registration.form and registration.form != "other" else ""
    sentence = f"we filed with the SEC a registration statement{form}, of which this prospectus supplement forms a part"
    sentence = (
        f"On {fmt.long_date(registration.filed_on)}, {sentence}"
        if registration.filed_on
        else sentence[0].upper() + sentence[1:]
    )
    if registration.effective_on:
        sentence += f"; the SEC declared it effective on {fmt.long_date(registration.effective_on)}"
    sentence += "."
    if bundle.offerings:
        phrases = [offering_phrase(o) for o in bundle.offerings]
        sentence += f" The registration statement relates to {fmt.join_and(phrases)}."
    return sentence


def unit_sentences(bundle: SupplementBundle, nouns: Nouns) -> list[str]:
    """What a unit of each unit offering holds: "Each unit comprises three shares ...; and one ... warrant"."""
    sentences = []
    for offering in bundle.offerings:
        unit_components = list(offering.unit_components.all())
        if not unit_components:
            continue
        phrases = [component_phrase(uc.quantity, uc.security, nouns) for uc in unit_components]
        lead = (
            "Each unit comprises"
            if len(bundle.offerings) == 1
            else f"Each unit sold in {offering_label(offering)} comprises"
        )
        sentences.append(f"{lead} {fmt.join_and(phrases, separator='; ')}.")
    return sentences


def registered_items(amounts: list[RegisteredAmount], nouns: Nouns) -> list[str]:
    """Each registered amount with its breakdown, lettered "(a)", "(b)" ... when there are several."""
    items = [registered_item(a, nouns) for a in amounts]
    if len(items) <= 1:
        return items
    return [f"({_LETTERS[i % 26]}) {item}" for i, item in enumerate(items)]


# -- selling stockholders, proceeds and conditions -----------------------------------------------------------


def selling_terms(bundle: SupplementBundle, nouns: Nouns, investing: str) -> SellingTerms | None:
    """How the selling stockholders of a resale registration sell; None for a primary registration."""
    if not bundle.registration.resale:
        return None
    amounts = bundle.amounts
    offered = nouns.plural(amounts[0].security) if len(amounts) == 1 else "securities"
    selling_refs = _page_refs(bundle.prospectus.page_references, _SELLING_KEY)
    where = (
        f'the "{selling_refs[0][0]}" section beginning on page {selling_refs[0][1]} of the prospectus'
        if selling_refs
        else "the prospectus"
    )
    market = (
        f"on the {bundle.issuer.principal_market}"
        if bundle.issuer.principal_market
        else f"in the principal trading market for our {investing}"
    )
    return SellingTerms(offered=offered, where=where, market=market)


def proceeds_sentence(bundle: SupplementBundle, nouns: Nouns) -> str:
    """The issuer's proceeds if every registered warrant share is bought and every conversion paid
    (``offerings.domain.reconciliation.exercise_proceeds``); stated only when every price is recorded."""
    securities = {s.pk: s for s in bundle.securities}
    proceeds = exercise_proceeds(
        amounts=[registered_amount_fact(a) for a in bundle.amounts],
        securities={pk: security_fact(s) for pk, s in securities.items()},
    )
    total = proceeds.total
    sources = [securities[s.id] for s in proceeds.sources()]
    if total is None or not sources:
        return ""
    if total > 0:
        return f"We would receive up to {fmt.money(total)} in total upon {exercise_events(sources, nouns)}."
    return f"We would receive no payment upon {exercise_events(sources, nouns, every=False)}."


# -- what this supplement does -------------------------------------------------------------------------------


def _incorporated_after(bundle: SupplementBundle) -> str:
    """Since when the incorporated reports are news: the last amendment, or the prospectus's date."""
    if bundle.registration.last_amended_on:
        return f"we last amended the registration statement on {fmt.long_date(bundle.registration.last_amended_on)}"
    dated_on = bundle.prospectus.dated_on
    if all((r.filed_on or r.period_end or datetime.date.min) >= dated_on for r in bundle.incorporated):
        return f"the date of the prospectus, {fmt.long_date(dated_on)}"
    return ""


def incorporation(bundle: SupplementBundle) -> Incorporation | None:
    """The reports an incorporation update incorporates; None when it incorporates none."""
    incorporated = bundle.incorporated
    if not incorporated:
        return None
    heading_refs = _page_refs(bundle.prospectus.page_references, _INCORPORATION_KEY)
    heading = f'"{heading_refs[0][0]}" beginning on page {heading_refs[0][1]} of the prospectus' if heading_refs else ""
    listed = []
    for report in incorporated:
        text = report.describe()
        if report.filed_on:
            text += f" (filed on {fmt.long_date(report.filed_on)})"
        listed.append(text)
    one = len(incorporated) == 1
    after = _incorporated_after(bundle)
    return Incorporation(
        reports=fmt.join_and(listed, separator="; " if len(listed) > 2 else ", "),
        listed=f"{'That report is' if one else 'Those reports are'} added to the documents listed under the "
        f"heading {heading}."
        if heading
        else "",
        filed=f"We filed {'that report' if one else 'those reports'} with the SEC after {after}." if after else "",
    )


def delivered_sentence(delivered: list[PeriodicReport], investing: str) -> str:
    """The documents delivered with the supplement; "" when none is."""
    if not delivered:
        return ""
    documents = ["the prospectus"] + [f"our {report.describe()}" for report in delivered]
    return (
        f"With this prospectus supplement we are delivering to you {fmt.join_and(documents)}, for your use in "
        f"evaluating an investment in our {investing}."
    )


def sections(bundle: SupplementBundle) -> list[Section]:
    """The staff's free-text sections; blank lines separate paragraphs."""
    return [Section(heading=s.heading, paragraphs=_paragraphs(s.body)) for s in bundle.sections]


# -- the Item 507 table --------------------------------------------------------------------------------------


def _holder_row(holder: SellingStockholder) -> HolderRow:
    if holder.percent_after is None:
        percent = "-"
    elif holder.percent_after < 1:
        percent = "*"
    else:
        percent = fmt.percent(holder.percent_after)
    return HolderRow(
        name=holder.name,
        owned_before="-" if holder.shares_owned_before is None else fmt.count(holder.shares_owned_before),
        offered=fmt.count(holder.shares_offered),
        owned_after="-" if holder.shares_owned_after is None else fmt.count(holder.shares_owned_after),
        percent_after=percent,
        relationship=" ".join(holder.relationship.split()),
    )


def _holder_totals(holders: list[SellingStockholder]) -> HolderRow:
    def total(values: list[int | None]) -> str:
        return "-" if any(v is None for v in values) else fmt.count(sum(values))

    return HolderRow(
        name="Total",
        owned_before=total([h.shares_owned_before for h in holders]),
        offered=fmt.count(sum(h.shares_offered for h in holders)),
        owned_after=total([h.shares_owned_after for h in holders]),
        percent_after="",
        relationship="",
    )


def holder_table(bundle: SupplementBundle, investing: str) -> HolderTable:
    """The selling stockholders, one row each, with totals; "*" marks holdings under 1% after the offering."""
    rows = [_holder_row(h) for h in bundle.holders]
    selling_refs = _page_refs(bundle.prospectus.page_references, _SELLING_KEY)
    where = (
        f'the table under "{selling_refs[0][0]}" beginning on page {selling_refs[0][1]} of the prospectus'
        if selling_refs
        else "the selling stockholder table in the prospectus"
    )
    intro = (
        f"This prospectus supplement updates {where}. The table below lists, for each of the "
        f"{fmt.count(len(rows))} selling stockholders, the shares of our {investing} owned before the "
        f"offering, the shares offered under the prospectus, and the shares and percentage of the class "
        f"owned after the offering, assuming all shares offered are sold."
    )
    below_one = any(row.percent_after == "*" for row in rows)
    return HolderTable(
        intro=intro, rows=rows, totals=_holder_totals(bundle.holders), footnote="* Less than 1%." if below_one else ""
    )


# -- the document --------------------------------------------------------------------------------------------


def document_title(bundle: SupplementBundle) -> str:
    number = bundle.supplement.number
    return f"Prospectus Supplement No. {number}" if number else "Prospectus Supplement"


def metadata(bundle: SupplementBundle) -> DocumentMetadata:
    supplement, issuer, file_number = bundle.supplement, bundle.issuer.name, bundle.registration.file_number
    return DocumentMetadata(
        title=f"{document_title(bundle)} dated {fmt.long_date(supplement.dated_on)} - {issuer} "
        f"(Registration No. {file_number})",
        author=issuer,
        subject=f"Filed pursuant to Rule {supplement.rule}; supplements the prospectus dated "
        f"{fmt.long_date(bundle.prospectus.dated_on)}.",
        keywords=", ".join(["prospectus supplement", f"Rule {supplement.rule}", file_number, issuer]),
    )


def assemble_context(bundle: SupplementBundle) -> SupplementContext:
    """The document of an already loaded supplement; runs no query."""
    supplement = bundle.supplement
    nouns = Nouns(bundle.securities)
    investing = investing_in(bundle.amounts)
    is_holder_update = supplement.purpose == SupplementPurpose.SELLING_STOCKHOLDER_UPDATE
    return SupplementContext(
        supplement_id=supplement.pk,
        title=document_title(bundle),
        rule=supplement.rule,
        purpose=supplement.purpose,
        issuer=bundle.issuer.name,
        file_number=bundle.registration.file_number,
        prospectus_date=fmt.long_date(bundle.prospectus.dated_on),
        dated=fmt.long_date(supplement.dated_on),
        dated_iso=supplement.dated_on.isoformat(),
        cover_lines=cover_lines(bundle.amounts, nouns),
        investing_in=investing,
        risk_references=risk_references(bundle),
        registration_sentence=registration_sentence(bundle),
        unit_sentences=unit_sentences(bundle, nouns),
        registered_items=registered_items(bundle.amounts, nouns),
        selling=selling_terms(bundle, nouns, investing),
        proceeds_sentence=proceeds_sentence(bundle, nouns),
        condition_sentences=[condition_sentence(c, nouns) for c in bundle.conditions],
        incorporation=incorporation(bundle),
        sections=sections(bundle),
        delivered_sentence=delivered_sentence(bundle.delivered, investing),
        metadata=metadata(bundle),
        holder_table=holder_table(bundle, investing) if is_holder_update else None,
    )


def build_context(*, supplement: Supplement) -> SupplementContext:
    """Read every fact the supplement's document states (a fixed number of queries) and phrase it."""
    return assemble_context(supplement_bundle(supplement))
