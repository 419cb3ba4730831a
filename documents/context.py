"""The facts of a supplement, read from the records and phrased as a filing states them.

Every sentence fragment here is built from a record: nothing is copied from a seed filing. The three
renditions (PDF, EDGAR HTML, EDGAR text) all render this one context, so they say the same things.
Strings are plain ``str`` (never marked safe): the templates autoescape every one of them.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from offerings.models import (
    ComponentSource,
    Condition,
    Offering,
    PeriodicReport,
    RegisteredAmount,
    RegisteredComponent,
    Security,
    SecurityKind,
    SellingStockholder,
    Supplement,
    SupplementPurpose,
)

from . import formatting as fmt

_PAR_SUFFIX = re.compile(r",?\s*par value\b.*$", re.IGNORECASE)
_RISK_KEY = re.compile(r"risk", re.IGNORECASE)
_ANNUAL_RISK_KEY = re.compile(r"risk|factors", re.IGNORECASE)
_SELLING_KEY = re.compile(r"selling\s+(stock|share|security|unit)holders", re.IGNORECASE)
_INCORPORATION_KEY = re.compile(r"incorporat", re.IGNORECASE)


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


@dataclass
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
    selling: dict[str, str] | None
    proceeds_sentence: str
    condition_sentences: list[str]
    incorporation: dict[str, str] | None
    holders_intro: str = ""
    holders: list[HolderRow] = field(default_factory=list)
    holder_totals: HolderRow | None = None
    holders_footnote: str = ""
    relationships: list[HolderRow] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    delivered_sentence: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def is_holder_update(self) -> bool:
        return self.purpose == SupplementPurpose.SELLING_STOCKHOLDER_UPDATE

    @property
    def row_count(self) -> int:
        return len(self.holders)


# -- nouns ---------------------------------------------------------------------------------------------------


def short_title(security: Security) -> str:
    """ "common stock, par value $.001 per share" -> "common stock"."""
    return _PAR_SUFFIX.sub("", security.title).strip() or security.title


class Nouns:
    """How the document names each security, singular and plural, given which securities it mentions."""

    def __init__(self, securities: list[Security]):
        warrants = {s.pk for s in securities if s.kind == SecurityKind.WARRANT}
        self.several_warrants = len(warrants) > 1

    def plural(self, security: Security, *, our: bool = True) -> str:
        """ "shares of our common stock", "warrants", "units"."""
        if security.kind in (SecurityKind.COMMON, SecurityKind.PREFERRED):
            return f"shares of {'our ' if our else ''}{short_title(security)}"
        if security.kind == SecurityKind.WARRANT:
            return security.title if self.several_warrants else "warrants"
        if security.kind == SecurityKind.UNIT:
            return "units"
        return security.title

    def singular(self, security: Security, *, our: bool = True) -> str:
        if security.kind in (SecurityKind.COMMON, SecurityKind.PREFERRED):
            return f"share of {'our ' if our else ''}{short_title(security)}"
        if security.kind == SecurityKind.WARRANT:
            if self.several_warrants:
                return security.title
            adjective = fmt.term_adjective(security.term)
            return f"{adjective} warrant" if adjective else "warrant"
        if security.kind == SecurityKind.UNIT:
            return "unit"
        return security.title

    def holders_of(self, security: Security) -> str:
        """The securities as a holder converts or exercises them: "the warrants", "the Series A ... Stock"."""
        if security.kind == SecurityKind.WARRANT:
            return f"the {self.plural(security)}"
        return f"the {short_title(security)}"


def underlying_phrase(security: Security) -> str:
    """ "one share of common stock", "two shares of common stock", "one-half of a share of common stock"."""
    underlying = security.converts_into
    name = short_title(underlying) if underlying is not None else "the underlying security"
    return fmt.quantity_phrase(security.shares_per_security, f"share of {name}", f"shares of {name}")


def component_phrase(quantity: Decimal, security: Security, nouns: Nouns) -> str:
    """One line of what a unit holds, with the terms of anything exercisable or convertible."""
    if security.kind == SecurityKind.WARRANT and security.converts_into_id:
        phrase = fmt.quantity_phrase(quantity, nouns.singular(security), nouns.plural(security))
        phrase += f" to purchase {underlying_phrase(security)}"
        if security.price_per_share is not None:
            phrase += f" at an exercise price of {fmt.price(security.price_per_share)} per share"
        if (nouns.several_warrants or not fmt.term_adjective(security.term)) and security.term:
            phrase += f", exercisable for {security.term}"
        if security.expires_on:
            phrase += f", expiring {fmt.long_date(security.expires_on)}"
        return phrase
    phrase = fmt.quantity_phrase(quantity, nouns.singular(security), nouns.plural(security))
    if security.kind in (SecurityKind.COMMON,) and security.par_value is not None and "par value" not in phrase:
        phrase += f", par value {fmt.par_value(security.par_value)} per share"
    if security.converts_into_id:
        phrase += f", convertible into {underlying_phrase(security)}"
        if security.price_per_share:
            name = short_title(security.converts_into)
            phrase += f" at a conversion price of {fmt.price(security.price_per_share)} per share of {name}"
        elif security.price_per_share == 0:
            phrase += " without further payment"
    return phrase


# -- the sentences -------------------------------------------------------------------------------------------


def _closing(offering: Offering) -> str:
    if offering.closed_on:
        return f"on {fmt.long_date(offering.closed_on)}"
    if offering.closed_in:
        return f"in {fmt.month_year(offering.closed_in)}"
    return ""


def offering_phrase(offering: Offering) -> str:
    """ "a unit offering, completed in March 2003, in which we sold 3,563,593 units at $0.30 per unit"."""
    if offering.unit_components.all():
        phrase = "a unit offering"
        closing = _closing(offering)
        if closing:
            phrase += f", completed {closing},"
        sold = f"{fmt.count(offering.units_sold)} units" if offering.units_sold else "units"
        if offering.units_sold or offering.price_per_unit is not None:
            phrase += f" in which we sold {sold}"
            if offering.price_per_unit is not None:
                phrase += f" at {fmt.price(offering.price_per_unit)} per unit"
        return phrase.removesuffix(",")
    phrase = f"our {fmt.lower_first(offering.title)}"
    closing = _closing(offering)
    if closing and "complet" not in offering.title.lower() and "closed" not in offering.title.lower():
        phrase += f", completed {closing}"
    return phrase


def offering_label(offering: Offering) -> str:
    """ "the unit offering completed in March 2003": names one of several offerings without restating its terms."""
    if offering.unit_components.all():
        closing = _closing(offering)
        return f"the unit offering completed {closing}" if closing else "the unit offering"
    return f"our {fmt.lower_first(offering.title)}"


def offering_reference(offering: Offering | None) -> str:
    if offering is None:
        return "in a private placement"
    if offering.unit_components.all():
        return "in the unit offering"
    return f"in our {fmt.lower_first(offering.title)}"


def counted_noun(security: Security, nouns: Nouns) -> str:
    """What a count of part of a registered amount counts: "shares", "warrants", "units"."""
    if security.kind in (SecurityKind.COMMON, SecurityKind.PREFERRED):
        return "shares"
    return nouns.plural(security)


def registered_item(amount: RegisteredAmount, nouns: Nouns) -> str:
    """ "21,439,058 shares of our common stock, consisting of 10,690,779 shares issued in the unit offering ..."."""
    text = f"{fmt.count(amount.amount)} {nouns.plural(amount.security)}"
    noun = counted_noun(amount.security, nouns)
    components = list(amount.components.all())
    if not components or (len(components) == 1 and components[0].source == ComponentSource.ISSUED):
        return text
    issued = [c for c in components if c.source == ComponentSource.ISSUED]
    issuable = [c for c in components if c.source != ComponentSource.ISSUED]
    parts = []
    for component in issued:
        parts.append(f"{fmt.count(component.amount)} {noun} issued {offering_reference(component.from_offering)}")
    if issuable:
        total = sum(c.amount for c in issuable)
        if len(issuable) == 1:
            parts.append(f"{fmt.count(total)} {noun} {_issuable_phrase(issuable[0], nouns)}")
        else:
            kinds: list[str] = []
            for component in issuable:
                if _upon(component, nouns) not in kinds:
                    kinds.append(_upon(component, nouns))
            detail = fmt.join_and(
                [f"{fmt.count(c.amount)} {_issuable_phrase(c, nouns).removeprefix('issuable ')}" for c in issuable]
            )
            parts.append(f"{fmt.count(total)} {noun} issuable {fmt.join_and(kinds)} ({detail})")
    if len(components) == len(issuable) == 1:
        return f"{text}, all of them {_issuable_phrase(issuable[0], nouns)}"
    return f"{text}, consisting of " + fmt.join_and(parts)


def _upon(component: RegisteredComponent, nouns: Nouns) -> str:
    security = component.from_security
    if component.source == ComponentSource.ISSUABLE_ON_EXERCISE:
        return f"upon exercise of {nouns.holders_of(security)}" if security else "upon exercise"
    if component.source == ComponentSource.ISSUABLE_ON_CONVERSION:
        return f"upon conversion of {nouns.holders_of(security)}" if security else "upon conversion"
    return f"from {nouns.holders_of(security)}" if security else "from other sources"


def _issuable_phrase(component: RegisteredComponent, nouns: Nouns) -> str:
    phrase = f"issuable {_upon(component, nouns)}"
    security = component.from_security
    if security is not None and security.price_per_share:
        phrase += f" at {fmt.price(security.price_per_share)} per share"
    return phrase


def proceeds(components: list[RegisteredComponent]) -> tuple[Decimal | None, list[Security]]:
    """The issuer's proceeds if every registered warrant share is bought and every conversion paid.

    Sum over the registered exercise and conversion shares of shares x the security's price per share;
    None when any price is not stated (the document then states no figure).
    """
    total = Decimal("0")
    sources: list[Security] = []
    for component in components:
        if component.source not in (ComponentSource.ISSUABLE_ON_EXERCISE, ComponentSource.ISSUABLE_ON_CONVERSION):
            continue
        security = component.from_security
        if security is None or security.price_per_share is None:
            return None, []
        total += Decimal(component.amount) * security.price_per_share
        if security not in sources:
            sources.append(security)
    return total, sources


def _exercise_events(sources: list[Security], nouns: Nouns, *, every: bool = True) -> str:
    """ "the exercise of all of the warrants and the conversion of all shares of the Series A ... Stock"."""
    warrants = fmt.join_and([nouns.plural(s) for s in sources if s.kind == SecurityKind.WARRANT])
    convertibles = fmt.join_and([short_title(s) for s in sources if s.kind != SecurityKind.WARRANT])
    clauses = []
    if warrants:
        clauses.append(f"the exercise of {'all of the' if every else 'the'} {warrants}")
    if convertibles:
        clauses.append(f"the conversion of {'all' if every else 'the'} shares of the {convertibles}")
    return fmt.join_and(clauses)


def condition_sentence(condition: Condition, nouns: Nouns) -> str:
    restricted = list(condition.restricts.all())
    waits = []
    warrants = [s for s in restricted if s.kind == SecurityKind.WARRANT]
    others = [s for s in restricted if s.kind != SecurityKind.WARRANT]
    if warrants:
        waits.append(f"{fmt.join_and([nouns.holders_of(s) for s in warrants])} may not be exercised")
    if others:
        waits.append(f"{fmt.join_and([nouns.holders_of(s) for s in others])} may not be converted")
    description = " ".join(condition.description.split())
    if not waits:
        return f"The following condition has not yet been met: {description}"
    return f"The following condition has not yet been met, and until it is, {fmt.join_and(waits)}: {description}"


def report_phrase(report: PeriodicReport) -> str:
    return report.describe()


def _page_refs(page_references: dict, pattern: re.Pattern) -> list[tuple[str, int]]:
    return [(section, int(page)) for section, page in (page_references or {}).items() if pattern.search(section)]


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text or "") if block.strip()]


def _holder_rows(holders: list[SellingStockholder]) -> tuple[list[HolderRow], HolderRow, bool]:
    rows = []
    below_one = False
    for holder in holders:
        if holder.percent_after is None:
            percent = "-"
        elif holder.percent_after < 1:
            percent, below_one = "*", True
        else:
            percent = fmt.percent(holder.percent_after)
        rows.append(
            HolderRow(
                name=holder.name,
                owned_before="-" if holder.shares_owned_before is None else fmt.count(holder.shares_owned_before),
                offered=fmt.count(holder.shares_offered),
                owned_after="-" if holder.shares_owned_after is None else fmt.count(holder.shares_owned_after),
                percent_after=percent,
                relationship=" ".join(holder.relationship.split()),
            )
        )

    def total(values: list[int | None]) -> str:
        return "-" if any(v is None for v in values) else fmt.count(sum(values))

    totals = HolderRow(
        name="Total",
        owned_before=total([h.shares_owned_before for h in holders]),
        offered=fmt.count(sum(h.shares_offered for h in holders)),
        owned_after=total([h.shares_owned_after for h in holders]),
        percent_after="",
        relationship="",
    )
    return rows, totals, below_one


# -- the builder ---------------------------------------------------------------------------------------------


def load_supplement(supplement_id: int) -> Supplement:
    return Supplement.objects.select_related("prospectus__registration_statement__issuer").get(pk=supplement_id)


def build_context(*, supplement: Supplement) -> SupplementContext:
    """Read every fact the supplement's document states, with a fixed number of queries."""
    supplement = load_supplement(supplement.pk) if supplement.pk else supplement
    prospectus = supplement.prospectus
    registration = prospectus.registration_statement
    issuer = registration.issuer
    security_qs = Security.objects.select_related("converts_into")
    amounts = list(
        registration.registered_amounts.select_related("security__converts_into").prefetch_related(
            Prefetch(
                "components",
                queryset=RegisteredComponent.objects.select_related("from_security__converts_into", "from_offering"),
            ),
            Prefetch("components__from_offering__unit_components"),
        )
    )
    components = [c for a in amounts for c in a.components.all()]
    offerings: list[Offering] = []
    for component in components:
        if component.from_offering is not None and component.from_offering not in offerings:
            offerings.append(component.from_offering)
    offering_ids = [o.pk for o in offerings]
    offerings = list(
        Offering.objects.filter(pk__in=offering_ids).prefetch_related(
            Prefetch("unit_components__security", queryset=security_qs)
        )
    )
    offerings.sort(key=lambda o: offering_ids.index(o.pk))

    mentioned: list[Security] = [a.security for a in amounts]
    mentioned += [c.from_security for c in components if c.from_security is not None]
    mentioned += [uc.security for o in offerings for uc in o.unit_components.all()]
    nouns = Nouns(mentioned)

    # Cover and legends.
    cover_lines = [f"UP TO {fmt.count(a.amount)} {nouns.plural(a.security).upper()}" for a in amounts]
    common = next((a.security for a in amounts if a.security.kind == SecurityKind.COMMON), None)
    investing_in = short_title(common) if common else "securities"
    prospectus_date = fmt.long_date(prospectus.dated_on)
    risk_references = [
        PageReference(section, page, f"prospectus dated {prospectus_date}")
        for section, page in _page_refs(prospectus.page_references, _RISK_KEY)
    ]
    reports = list(issuer.periodic_reports.all())
    annual = [
        r
        for r in reports
        if r.is_annual
        and r.period_end
        and r.period_end <= supplement.dated_on
        and (r.filed_on is None or r.filed_on <= supplement.dated_on)
    ]
    latest_annual = max(annual, key=lambda r: r.period_end, default=None)
    if latest_annual is not None:
        risk_references += [
            PageReference(section, page, latest_annual.describe())
            for section, page in _page_refs(latest_annual.page_references, _ANNUAL_RISK_KEY)
        ]

    # The registration and the offering it resells.
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
    if offerings:
        sentence += f" The registration statement relates to {fmt.join_and([offering_phrase(o) for o in offerings])}."
    unit_sentences = []
    for offering in offerings:
        unit_components = list(offering.unit_components.all())
        if not unit_components:
            continue
        phrases = [component_phrase(uc.quantity, uc.security, nouns) for uc in unit_components]
        lead = (
            "Each unit comprises" if len(offerings) == 1 else f"Each unit sold in {offering_label(offering)} comprises"
        )
        unit_sentences.append(f"{lead} {fmt.join_and(phrases, separator='; ')}.")
    letters = "abcdefghijklmnopqrstuvwxyz"
    items = [registered_item(a, nouns) for a in amounts]
    registered_items = [f"({letters[i % 26]}) {item}" for i, item in enumerate(items)] if len(items) > 1 else items

    # Selling stockholders, proceeds and conditions.
    selling = None
    offered = (nouns.plural(amounts[0].security) if len(amounts) == 1 else "securities") if amounts else "securities"
    if registration.resale:
        selling_refs = _page_refs(prospectus.page_references, _SELLING_KEY)
        where = (
            f'the "{selling_refs[0][0]}" section beginning on page {selling_refs[0][1]} of the prospectus'
            if selling_refs
            else "the prospectus"
        )
        market = (
            f"on the {issuer.principal_market}"
            if issuer.principal_market
            else f"in the principal trading market for our {investing_in}"
        )
        selling = {"offered": offered, "where": where, "market": market}
    total, sources = proceeds(components)
    proceeds_sentence = ""
    if total is not None and sources:
        proceeds_sentence = (
            f"We would receive up to {fmt.money(total)} in total upon {_exercise_events(sources, nouns)}."
            if total > 0
            else f"We would receive no payment upon {_exercise_events(sources, nouns, every=False)}."
        )
    registered_ids = {s.pk for s in mentioned}
    conditions = (
        Condition.objects.filter(issuer=issuer, satisfied_on__isnull=True, restricts__in=registered_ids)
        .distinct()
        .prefetch_related(Prefetch("restricts", queryset=security_qs))
    )
    condition_sentences = [condition_sentence(c, nouns) for c in conditions]

    # What this supplement does.
    incorporated = [i.report for i in supplement.incorporations.select_related("report")]
    incorporation = None
    if incorporated:
        heading_refs = _page_refs(prospectus.page_references, _INCORPORATION_KEY)
        heading = (
            f'"{heading_refs[0][0]}" beginning on page {heading_refs[0][1]} of the prospectus' if heading_refs else ""
        )
        listed = []
        for report in incorporated:
            text = report.describe()
            if report.filed_on:
                text += f" (filed on {fmt.long_date(report.filed_on)})"
            listed.append(text)
        these = "that report" if len(incorporated) == 1 else "those reports"
        if registration.last_amended_on:
            after = f"we last amended the registration statement on {fmt.long_date(registration.last_amended_on)}"
        elif all((r.filed_on or r.period_end or datetime.date.min) >= prospectus.dated_on for r in incorporated):
            after = f"the date of the prospectus, {prospectus_date}"
        else:
            after = ""
        incorporation = {
            "reports": fmt.join_and(listed, separator="; " if len(listed) > 2 else ", "),
            "listed": f"{'That report is' if len(incorporated) == 1 else 'Those reports are'} added to the documents "
            f"listed under the heading {heading}."
            if heading
            else "",
            "filed": f"We filed {these} with the SEC after {after}." if after else "",
        }
    delivered = [e.report.describe() for e in supplement.enclosures.select_related("report")]
    delivered_sentence = ""
    if delivered:
        documents = ["the prospectus"] + [f"our {d}" for d in delivered]
        delivered_sentence = (
            f"With this prospectus supplement we are delivering to you {fmt.join_and(documents)}, for your use in "
            f"evaluating an investment in our {investing_in}."
        )
    sections = [
        Section(heading=s.heading, paragraphs=_paragraphs(s.body))
        for s in supplement.sections.order_by("position", "id")
    ]

    title = f"Prospectus Supplement No. {supplement.number}" if supplement.number else "Prospectus Supplement"
    dated = fmt.long_date(supplement.dated_on)
    context = SupplementContext(
        supplement_id=supplement.pk,
        title=title,
        rule=supplement.rule,
        purpose=supplement.purpose,
        issuer=issuer.name,
        file_number=registration.file_number,
        prospectus_date=prospectus_date,
        dated=dated,
        dated_iso=supplement.dated_on.isoformat(),
        cover_lines=cover_lines,
        investing_in=investing_in,
        risk_references=risk_references,
        registration_sentence=sentence,
        unit_sentences=unit_sentences,
        registered_items=registered_items,
        selling=selling,
        proceeds_sentence=proceeds_sentence,
        condition_sentences=condition_sentences,
        incorporation=incorporation,
        sections=sections,
        delivered_sentence=delivered_sentence,
    )
    if supplement.purpose == SupplementPurpose.SELLING_STOCKHOLDER_UPDATE:
        holders = list(registration.selling_stockholders.order_by("id"))
        rows, totals, below_one = _holder_rows(holders)
        selling_refs = _page_refs(prospectus.page_references, _SELLING_KEY)
        where = (
            f'the table under "{selling_refs[0][0]}" beginning on page {selling_refs[0][1]} of the prospectus'
            if selling_refs
            else "the selling stockholder table in the prospectus"
        )
        context.holders_intro = (
            f"This prospectus supplement updates {where}. The table below lists, for each of the "
            f"{fmt.count(len(rows))} selling stockholders, the shares of our {investing_in} owned before the "
            f"offering, the shares offered under the prospectus, and the shares and percentage of the class "
            f"owned after the offering, assuming all shares offered are sold."
        )
        context.holders, context.holder_totals = rows, totals
        context.holders_footnote = "* Less than 1%." if below_one else ""
        context.relationships = [r for r in rows if r.relationship]
    context.metadata = {
        "title": f"{title} dated {dated} - {issuer.name} (Registration No. {registration.file_number})",
        "author": issuer.name,
        "subject": f"Filed pursuant to Rule {supplement.rule}; supplements the prospectus dated {prospectus_date}.",
        "keywords": ", ".join(
            ["prospectus supplement", f"Rule {supplement.rule}", registration.file_number, issuer.name]
        ),
    }
    return context
