"""The cover and the offering: what the prospectus offers, the registration, the securities, the proceeds.

Built from the bundle's records only (no query). The proceeds follow the rule the compliance check verifies
stated proceeds with (``offerings.domain.reconciliation.exercise_proceeds``); where a price is unknown the
registration's stated figure is given as the registration statement's own.
"""

import datetime
from dataclasses import dataclass

from offerings.domain.reconciliation import exercise_proceeds
from offerings.models import ComponentSource, PeriodicReport, RegisteredAmount, Security, SecurityKind
from offerings.selectors.facts import registered_amount_fact, security_fact

from . import formatting as fmt
from .attachments import filed_verb
from .phrases import (
    DEBT_KINDS,
    SHARE_KINDS,
    Nouns,
    component_phrase,
    conversion_terms,
    exercise_events,
    offering_label,
    offering_phrase,
    registered_item,
    short_title,
    underlying_phrase,
    value_statement,
)
from .references import (
    ANNUAL_RISK_KEY,
    DESCRIPTION_KEY,
    DISTRIBUTION_KEY,
    INCORPORATION_KEY,
    RISK_KEY,
    HolderWords,
    cited,
    page_refs,
)
from .selectors import CoveredRegistration, SupplementBundle

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
UNDERLYING = (ComponentSource.ISSUABLE_ON_EXERCISE, ComponentSource.ISSUABLE_ON_CONVERSION)


@dataclass(frozen=True)
class SellingTerms:
    """How the selling holders sell: what is offered, where the prospectus names them, on which market."""

    offered: str  # "shares of our common stock", or "securities" when several are registered
    where: str  # 'the "Selling Stockholders" section beginning on page 31 of the prospectus'
    market: str  # "on the Nasdaq Capital Market"
    holders: str  # "selling stockholders"
    distribution: str = ""  # '"Plan of Distribution" beginning on page 21 of the prospectus'


@dataclass(frozen=True)
class Incorporation:
    """What an incorporation update incorporates, and where the prospectus lists such documents."""

    reports: str  # the reports, named and with their filing dates
    listed: str  # "That report is added to the documents listed under the heading ...", or ""
    filed: str  # "We filed that report with the SEC after ...", or ""


# -- the cover -----------------------------------------------------------------------------------------------


def offered_amounts(bundle: SupplementBundle) -> list[tuple[Security, int | None]]:
    """What the prospectus offers, per security: this registration's amounts plus those of the registrations a
    Rule 429 combined prospectus also covers; None where any of them states no total."""
    totals: dict[int, tuple[Security, int | None]] = {}
    for amount in [*bundle.amounts, *(a for c in bundle.also_covers for a in c.amounts)]:
        security, known = totals.get(amount.security_id, (amount.security, 0))
        totals[amount.security_id] = (
            security,
            None if known is None or amount.amount is None else known + amount.amount,
        )
    return list(totals.values())


def cover_lines(bundle: SupplementBundle, nouns: Nouns) -> list[str]:
    """One "UP TO ..." line per security offered; without a stated total, the securities without a number."""
    lines = []
    for security, total in offered_amounts(bundle):
        lines.append(
            nouns.plural(security).upper() if total is None else f"UP TO {nouns.counted(total, security).upper()}"
        )
    return lines


def investing_in(amounts: list[RegisteredAmount]) -> str:
    """What an investor buys: the registered common stock or ordinary shares, else "securities"."""
    for kind in (SecurityKind.COMMON, SecurityKind.ORDINARY):
        found = next((a.security for a in amounts if a.security.kind == kind), None)
        if found:
            return short_title(found)
    return "securities"


def _unique(securities: list[Security]) -> list[Security]:
    seen: dict[int, Security] = {}
    for security in securities:
        seen.setdefault(security.pk, security)
    return list(seen.values())


def market_sentence(bundle: SupplementBundle, nouns: Nouns) -> str:
    """Item 501(b)(4): where each mentioned security trades and its symbol."""
    clauses = []
    for security in _unique(bundle.securities):
        if not security.trading_symbol:
            continue
        if security.kind in SHARE_KINDS:
            name, verb = f"our {short_title(security)}", "trades"
        else:
            name, verb = f"our {nouns.plural(security)}", "trade"
        where = f" {fmt.market_phrase(security.market)}" if security.market else ""
        clauses.append(f'{name} {verb}{where} under the symbol "{security.trading_symbol}"')
    if not clauses:
        return ""
    text = fmt.join_and(clauses, separator=", ") if len(clauses) < 3 else fmt.join_and(clauses, separator="; ")
    return text[0].upper() + text[1:] + "."


def _latest_annual_report(reports: list[PeriodicReport], dated_on: datetime.date) -> PeriodicReport | None:
    annual = [
        r
        for r in reports
        if r.is_annual and r.period_end and r.period_end <= dated_on and (r.filed_on is None or r.filed_on <= dated_on)
    ]
    return max(annual, key=lambda r: r.period_end, default=None)


def risk_sentence(bundle: SupplementBundle, investing: str) -> str:
    """The risk legend with the risk sections of the prospectus and of the latest annual report before the date."""
    prospectus_date = fmt.long_date(bundle.prospectus.dated_on)
    references = [
        f'"{section}" beginning on page {page} of our prospectus dated {prospectus_date}'
        for section, page in page_refs(bundle.prospectus.page_references, RISK_KEY)
    ]
    annual = _latest_annual_report(bundle.reports, bundle.supplement.dated_on)
    if annual is not None:
        references += [
            f'"{section}" beginning on page {page} of our {annual.describe()}'
            for section, page in page_refs(annual.page_references, ANNUAL_RISK_KEY)
        ]
    if not references:
        return ""
    return (
        f"Buying our {investing} carries a high degree of risk. You should consider carefully the risks described "
        f"under {fmt.join_and(references)}."
    )


# -- the registration and the securities ---------------------------------------------------------------------


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
    amended = amendment_sentence(bundle)
    if amended:
        sentence += f" {amended}"
    if bundle.offerings:
        phrases = [offering_phrase(o) for o in bundle.offerings]
        sentence += f" The registration statement relates to {fmt.join_and(phrases)}."
    return sentence


def _amendment_name(amendment) -> str:
    kind = "Pre-Effective" if amendment.kind == "pre_effective" else "Post-Effective"
    number = f" No. {amendment.number}" if amendment.number else ""
    text = f"{kind} Amendment{number}, filed on {fmt.long_date(amendment.filed_on)}"
    if amendment.effective_on:
        text += f" and declared effective on {fmt.long_date(amendment.effective_on)}"
    if amendment.annual_report is not None:
        text += f", which updated the prospectus for our {amendment.annual_report.describe()}"
    return text


def amendment_sentence(bundle: SupplementBundle) -> str:
    """ "We amended the registration statement by Pre-Effective Amendment No. 1, filed on March 30, 2022, ..."."""
    amendments = list(bundle.amendments)
    if amendments:
        names = fmt.join_and([_amendment_name(a) for a in amendments], separator="; ")
        return f"We amended the registration statement by {names}."
    if bundle.registration.last_amended_on:
        return f"We last amended the registration statement on {fmt.long_date(bundle.registration.last_amended_on)}."
    return ""


def description_sentence(bundle: SupplementBundle) -> str:
    refs = page_refs(bundle.prospectus.page_references, DESCRIPTION_KEY)
    return f"The terms of the securities are described under {cited(refs)}." if refs else ""


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


def _warrant_terms(security: Security, nouns: Nouns) -> str:
    clauses = []
    if security.shares_per_security is not None:
        price = (
            f" at an exercise price of {fmt.price(security.price_per_share)} per share"
            if security.price_per_share is not None
            else ""
        )
        clauses.append(f"entitles its holder to purchase {underlying_phrase(security)}{price}")
    if security.term:
        clauses.append(f"is exercisable for {security.term}")
    if security.expires_on:
        clauses.append(f"expires on {fmt.long_date(security.expires_on)}")
    sentence = f"Each {nouns.singular(security)} {fmt.join_and(clauses)}." if clauses else ""
    if security.placement_agent:
        sentence += f" We issued the {nouns.plural(security)} to the placement agent as compensation."
    return sentence.strip()


def _note_terms(security: Security, nouns: Nouns) -> str:
    clauses = []
    if security.principal_amount is not None:
        clauses.append(f"were issued in an aggregate principal amount of {fmt.money(security.principal_amount)}")
    if security.interest_rate is not None:
        clauses.append(f"bear interest at {fmt.number(security.interest_rate)}% per year")
    if security.maturity_on:
        clauses.append(f"mature on {fmt.long_date(security.maturity_on)}")
    sentence = f"The {nouns.plural(security)} {fmt.join_and(clauses)}." if clauses else ""
    if security.converts_into_id:
        sentence += f" They are {conversion_terms(security).removeprefix(', ')}."
    return sentence.strip()


def _value_terms(security: Security, nouns: Nouns) -> str:
    if security.kind == SecurityKind.ADS and security.shares_per_security is not None:
        return f"Each {nouns.singular(security)} represents {underlying_phrase(security)}."
    if security.kind == SecurityKind.PREFERRED:
        clauses = []
        if security.stated_value is not None:
            clauses.append(f"has a stated value of {fmt.price(security.stated_value)}")
        if security.converts_into_id:
            clauses.append(f"is {conversion_terms(security).removeprefix(', ')}")
        return f"Each share of our {short_title(security)} {fmt.join_and(clauses)}." if clauses else ""
    if security.kind == SecurityKind.COMMON and security.par_value is not None:
        return f"Our {short_title(security)} has a par value of {fmt.par_value(security.par_value)} per share."
    stated = value_statement(security)
    if stated and security.kind in (SecurityKind.ORDINARY, SecurityKind.COMMON):
        verb = "has" if security.kind == SecurityKind.COMMON else "have"
        return f"Our {short_title(security)} {verb} a {stated[0]} value of {stated[1]} per share."
    return ""


def security_sentences(bundle: SupplementBundle, nouns: Nouns) -> list[str]:
    """The terms of each registered or source security that no unit sentence describes."""
    in_units = {uc.security_id for o in bundle.offerings for uc in o.unit_components.all()}
    mentioned = [a.security for a in bundle.amounts] + [c.from_security for c in bundle.components if c.from_security]
    sentences = []
    for security in _unique(mentioned):
        if security.pk in in_units or security.kind == SecurityKind.UNIT:
            continue
        if security.kind == SecurityKind.WARRANT:
            sentences.append(_warrant_terms(security, nouns))
        elif security.kind in DEBT_KINDS:
            sentences.append(_note_terms(security, nouns))
        else:
            sentences.append(_value_terms(security, nouns))
    return [s for s in sentences if s]


def registered_items(amounts: list[RegisteredAmount], nouns: Nouns) -> list[str]:
    """Each registered amount with its breakdown, lettered "(a)", "(b)" ... when there are several."""
    items = [registered_item(a, nouns) for a in amounts]
    if len(items) <= 1:
        return items
    return [f"({_LETTERS[i % 26]}) {item}" for i, item in enumerate(items)]


def registered_sentence(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return f"The registration statement registers for resale {items[0]}."
    listed = "; ".join(items[:-1]) + f"; and {items[-1]}"
    return f"In total, the registration statement registers the following securities for resale: {listed}."


# -- how the holders sell, the proceeds, the conditions --------------------------------------------------------


def selling_terms(bundle: SupplementBundle, nouns: Nouns, investing: str, words: HolderWords) -> SellingTerms | None:
    """How the selling holders of a resale registration sell; None for a primary registration."""
    if not bundle.registration.resale or not bundle.amounts:
        return None
    securities = _unique([a.security for a in bundle.amounts])
    offered = nouns.plural(securities[0]) if len(securities) == 1 else "securities"
    market = (
        fmt.market_phrase(bundle.issuer.principal_market)
        if bundle.issuer.principal_market
        else f"in the principal trading market for our {investing}"
    )
    distribution = cited(page_refs(bundle.prospectus.page_references, DISTRIBUTION_KEY))
    return SellingTerms(
        offered=offered, where=words.section_reference(), market=market, holders=words.plural, distribution=distribution
    )


def selling_sentences(selling: SellingTerms) -> str:
    holders = selling.holders
    distribution = f", as described under {selling.distribution}" if selling.distribution else ""
    return (
        f"The {selling.offered} are offered for the accounts of the {holders} named in {selling.where}. Sales by "
        f"the {holders} may be made from time to time, either {selling.market} at the then-prevailing market price "
        f"or through negotiated transactions{distribution}"
        f'. Under the Securities Act of 1933, the {holders} may be deemed "underwriters" of the {selling.offered} '
        "they sell."
    )


def _sources(amounts: list[RegisteredAmount]) -> list[Security]:
    return _unique(
        [c.from_security for a in amounts for c in a.components.all() if c.source in UNDERLYING and c.from_security]
    )


def proceeds_sentence(
    amounts: list[RegisteredAmount], stated, nouns: Nouns, *, at_registered_prices: bool = False
) -> str:
    """The issuer's proceeds if every registered warrant share is bought and every conversion paid.

    Computed by ``exercise_proceeds`` when every price and part is recorded; otherwise the registration's
    stated figure, as the registration statement's; nothing when neither is known.
    """
    components = [c for a in amounts for c in a.components.all() if c.source in UNDERLYING]
    sources = _sources(amounts)
    total = None
    if components and all(c.amount is not None for c in components):
        securities = {c.from_security.pk: c.from_security for c in components if c.from_security}
        total = exercise_proceeds(
            amounts=[registered_amount_fact(a) for a in amounts],
            securities={pk: security_fact(s) for pk, s in securities.items()},
        ).total
    events = exercise_events(sources, nouns) or "the exercise and conversion of the securities it registers"
    prices = ", at the prices stated in the prospectus" if at_registered_prices else ""
    if total is not None and sources:
        if total == 0:
            return f"We would receive no payment upon {exercise_events(sources, nouns, every=False)}."
        sentence = f"We would receive up to {fmt.money(total)} in total upon {events}{prices}."
        if stated is not None and fmt.money(stated) != fmt.money(total):
            sentence += f" The registration statement states these proceeds as {fmt.money(stated)}."
        return sentence
    if stated is not None:
        return (
            f"The registration statement states that we would receive up to {fmt.money(stated)} in total upon "
            f"{events}{prices}."
        )
    return ""


def covered_paragraph(covered: CoveredRegistration, nouns: Nouns) -> str:
    """Rule 429: the earlier registration the combined prospectus also relates to, and what it registers."""
    registration = covered.registration
    form = (
        f"registration statement on Form {registration.form}"
        if registration.form not in ("", "other")
        else "registration statement"
    )
    dates = []
    if registration.filed_on:
        dates.append(f"filed with the SEC on {fmt.long_date(registration.filed_on)}")
    if registration.effective_on:
        dates.append(f"declared effective on {fmt.long_date(registration.effective_on)}")
    when = f", {fmt.join_and(dates)}," if dates else ""
    items = [registered_item(a, nouns, labelled=True) for a in covered.amounts]
    registers = (
        f" That registration statement registers for resale {fmt.join_and(items, separator='; ')}." if items else ""
    )
    proceeds = proceeds_sentence(covered.amounts, registration.stated_proceeds_if_exercised, nouns)
    if proceeds:
        proceeds = " Under that registration statement, " + proceeds[0].lower() + proceeds[1:]
    return (
        "The prospectus is a combined prospectus under Rule 429 under the Securities Act of 1933. It also relates to "
        f"our {form} (Registration No. {registration.file_number}){when} and to the securities registered by it."
        f"{registers}{proceeds}"
    )


# -- incorporation and delivery --------------------------------------------------------------------------------


def filed_parenthesis(report: PeriodicReport) -> str:
    return f" ({filed_verb(report).split()[0]} on {fmt.long_date(report.filed_on)})" if report.filed_on else ""


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
    heading_refs = page_refs(bundle.prospectus.page_references, INCORPORATION_KEY)
    heading = f'"{heading_refs[0][0]}" beginning on page {heading_refs[0][1]} of the prospectus' if heading_refs else ""
    listed = [report.describe() + filed_parenthesis(report) for report in incorporated]
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


def incorporation_paragraph(found: Incorporation) -> str:
    text = (
        "With this prospectus supplement, we incorporate by reference into the prospectus, and into this prospectus "
        f"supplement, our {found.reports}."
    )
    for sentence in (found.listed, found.filed):
        if sentence:
            text += f" {sentence}"
    return (
        text + " Please read this prospectus supplement and the prospectus carefully, together with the information "
        "incorporated by reference into them."
    )


def delivered_sentence(delivered: list[PeriodicReport], investing: str) -> str:
    """The documents delivered with the supplement, each with its form, period and filing date; "" when none."""
    if not delivered:
        return ""
    documents = ["the prospectus"] + [f"our {report.describe()}{filed_parenthesis(report)}" for report in delivered]
    return (
        f"With this prospectus supplement we are delivering to you {fmt.join_and(documents)}, for your use in "
        f"evaluating an investment in our {investing}."
    )
