"""How the document names securities, offerings and what a registration holds: phrases built from records.

Each function turns offering records into a fragment of a sentence ("one-quarter of a four-year warrant to
purchase one share of common stock at an exercise price of $4.75 per share"); ``documents.context`` puts the
fragments together. Strings are plain ``str``: the templates autoescape them. Every noun agrees with its count
("1 share", "one-quarter of a Class A warrant", "ordinary shares" never "shares of our ordinary shares").
"""

import re
from decimal import Decimal

from offerings.models import (
    ComponentSource,
    Condition,
    Offering,
    RegisteredAmount,
    RegisteredComponent,
    Security,
    SecurityKind,
)

from . import formatting as fmt

_VALUE_SUFFIX = re.compile(r",?\s*(par|nominal|stated) value\b.*$", re.IGNORECASE)
_EACH_SUFFIX = re.compile(r",\s*each\b.*$", re.IGNORECASE)
_VALUE_STATEMENT = re.compile(r"\b(par|nominal|stated) value (?:of )?(?P<value>.+?) per share\b", re.IGNORECASE)
# Plural -> singular of the nouns security titles are made of; the first one found is the title's noun.
_NOUNS = [("warrants", "warrant"), ("notes", "note"), ("debentures", "debenture"), ("shares", "share")]
_NOUNS += [("units", "unit"), ("rights", "right")]
SHARE_KINDS = (SecurityKind.COMMON, SecurityKind.PREFERRED)
UNDERLYING = (ComponentSource.ISSUABLE_ON_EXERCISE, ComponentSource.ISSUABLE_ON_CONVERSION)
DEBT_KINDS = (SecurityKind.NOTE, SecurityKind.DEBT)


def short_title(security: Security) -> str:
    """ "common stock, par value $.001 per share" -> "common stock"; an ADS title loses its ", each ..." too."""
    title = _VALUE_SUFFIX.sub("", security.title).strip()
    if security.kind == SecurityKind.ADS:
        title = _EACH_SUFFIX.sub("", title).strip()
    return title or security.title


def value_statement(security: Security) -> tuple[str, str] | None:
    """ "ordinary shares, nominal value NOK 0.10 per share" -> ("nominal", "NOK 0.10"); None if the title has none."""
    match = _VALUE_STATEMENT.search(security.title)
    return (match[1].lower(), match["value"]) if match else None


def _swap_noun(title: str, *, to_singular: bool) -> str:
    for plural, singular in _NOUNS:
        old, new = (plural, singular) if to_singular else (singular, plural)
        match = re.search(rf"\b{old}\b", title, re.IGNORECASE)
        if match:
            replacement = new.capitalize() if match[0][0].isupper() else new
            return title[: match.start()] + replacement + title[match.end() :]
        if re.search(rf"\b{new}\b", title, re.IGNORECASE):
            return title  # already in the wanted number
    return title


def singular_title(title: str) -> str:
    """ "Series B warrants to purchase common stock" -> "Series B warrant to purchase common stock"."""
    return _swap_noun(title, to_singular=True)


def plural_title(title: str) -> str:
    """ "Class A Warrant" -> "Class A Warrants"; a title already plural stays as it is."""
    return _swap_noun(title, to_singular=False)


_TO_PURCHASE = re.compile(r"\s+to purchase\s+(?:[\w-]+\s+){0,3}?(?:stock|shares|ADSs)\b", re.IGNORECASE)


def _warrant_names(warrants: list[Security]) -> dict[int, str]:
    """Several warrants are named by title, without "to purchase common stock" where the names stay distinct:
    "Series A warrants", "placement agent warrants", "warrants issued in March 2022"."""
    short = {s.pk: _EACH_SUFFIX.sub("", _TO_PURCHASE.sub("", s.title)).strip() or s.title for s in warrants}
    if len(set(short.values())) == len(short):
        return short
    return {s.pk: s.title for s in warrants}


class Nouns:
    """How the document names each security, singular and plural, given which securities it mentions."""

    def __init__(self, securities: list[Security]):
        warrants = {s.pk: s for s in securities if s.kind == SecurityKind.WARRANT}
        self.several_warrants = len(warrants) > 1
        self._warrant_names = _warrant_names(list(warrants.values()))

    def _warrant_title(self, security: Security) -> str:
        return self._warrant_names.get(security.pk, security.title)

    def plural(self, security: Security, *, our: bool = True) -> str:
        """ "shares of our common stock", "ordinary shares", "American Depositary Shares", "warrants", "units"."""
        kind = security.kind
        if kind in SHARE_KINDS:
            return f"shares of {'our ' if our else ''}{short_title(security)}"
        if kind == SecurityKind.WARRANT:
            return plural_title(self._warrant_title(security)) if self.several_warrants else "warrants"
        if kind == SecurityKind.UNIT:
            return "units"
        if kind in (SecurityKind.ORDINARY, SecurityKind.ADS, *DEBT_KINDS):
            return plural_title(short_title(security))
        return security.title

    def singular(self, security: Security, *, our: bool = True) -> str:
        kind = security.kind
        if kind in SHARE_KINDS:
            return f"share of {'our ' if our else ''}{short_title(security)}"
        if kind == SecurityKind.WARRANT:
            if self.several_warrants:
                return singular_title(self._warrant_title(security))
            adjective = fmt.term_adjective(security.term)
            return f"{adjective} warrant" if adjective else "warrant"
        if kind == SecurityKind.UNIT:
            return "unit"
        if kind in (SecurityKind.ORDINARY, SecurityKind.ADS, *DEBT_KINDS):
            return singular_title(short_title(security))
        return security.title

    def counted(self, n: int, security: Security, *, our: bool = True) -> str:
        """ "1 share of our common stock", "2,500,000 ordinary shares"."""
        noun = self.singular(security, our=our) if n == 1 else self.plural(security, our=our)
        return f"{fmt.count(n)} {noun}"

    def holders_of(self, security: Security) -> str:
        """The securities as a holder converts or exercises them: "the warrants", "the Series A ... Stock"."""
        if security.kind == SecurityKind.WARRANT:
            return f"the {self.plural(security)}"
        if security.kind in (SecurityKind.ADS, *DEBT_KINDS):
            return f"the {self.plural(security)}"
        return f"the {short_title(security)}"


def share_nouns(security: Security | None) -> tuple[str, str]:
    """(singular, plural) for underlying shares: ("share of common stock", ...), ("ordinary share", ...)."""
    if security is None:
        return "share of the underlying security", "shares of the underlying security"
    if security.kind in (SecurityKind.ORDINARY, SecurityKind.ADS):
        name = short_title(security)
        return singular_title(name), plural_title(name)
    name = short_title(security)
    return f"share of {name}", f"shares of {name}"


def underlying_phrase(security: Security) -> str:
    """ "one share of common stock", "two shares of common stock", "ten ordinary shares"."""
    singular, plural = share_nouns(security.converts_into)
    return fmt.quantity_phrase(security.shares_per_security, singular, plural)


def _warrant_phrase(quantity: Decimal, security: Security, nouns: Nouns) -> str:
    phrase = fmt.quantity_phrase(quantity, nouns.singular(security), nouns.plural(security))
    if security.shares_per_security is not None:
        each = " (each for {})" if " to purchase " in nouns.singular(security) else " to purchase {}"
        phrase += each.format(underlying_phrase(security))
    if security.price_per_share is not None:
        phrase += f" at an exercise price of {fmt.price(security.price_per_share)} per share"
    if (nouns.several_warrants or not fmt.term_adjective(security.term)) and security.term:
        phrase += f", exercisable for {security.term}"
    if security.expires_on:
        phrase += f", expiring {fmt.long_date(security.expires_on)}"
    return phrase


def conversion_terms(security: Security) -> str:
    """ ", convertible into two shares of common stock at a conversion price of $0.10 per share of common stock"."""
    underlying = security.converts_into
    if security.kind == SecurityKind.ADS:
        return f", representing {underlying_phrase(security)}" if security.shares_per_security else ""
    singular, plural = share_nouns(underlying)
    if security.shares_per_security is not None:
        phrase = f", convertible into {underlying_phrase(security)}"
    elif security.conversion_rate_per_1000 is not None:
        rate = fmt.number(security.conversion_rate_per_1000)
        phrase = f", convertible into {plural} at {rate} shares per $1,000 of principal amount"
    else:
        phrase = f", convertible into {plural}"
    if security.price_per_share:
        phrase += f" at a conversion price of {fmt.price(security.price_per_share)} per {singular}"
    elif security.price_per_share == 0:
        phrase += " without further payment"
    if security.conversion_price is not None:
        basis = "principal amount" if security.kind in DEBT_KINDS else "stated value"
        phrase += f" (a conversion price of {fmt.price(security.conversion_price)} of {basis} per share)"
    return phrase


def component_phrase(quantity: Decimal, security: Security, nouns: Nouns) -> str:
    """One line of what a unit holds, with the terms of anything exercisable or convertible."""
    if security.kind == SecurityKind.WARRANT and security.converts_into_id:
        return _warrant_phrase(quantity, security, nouns)
    phrase = fmt.quantity_phrase(quantity, nouns.singular(security), nouns.plural(security))
    if security.kind == SecurityKind.COMMON and security.par_value is not None and "par value" not in phrase:
        phrase += f", par value {fmt.par_value(security.par_value)} per share"
    if security.stated_value is not None:
        phrase += f", stated value {fmt.price(security.stated_value)} per share"
    if security.converts_into_id:
        phrase += conversion_terms(security)
    return phrase


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
        sold = fmt.counted(offering.units_sold, "unit", "units") if offering.units_sold else "units"
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


def counted_noun(security: Security, nouns: Nouns, n: int | None = None) -> str:
    """What a count of part of a registered amount counts: "shares", "warrants", "units" (singular for 1)."""
    if security.kind in (*SHARE_KINDS, SecurityKind.ORDINARY):
        return "share" if n == 1 else "shares"
    return nouns.singular(security) if n == 1 else nouns.plural(security)


def amount_text(n: int | None, security: Security, nouns: Nouns) -> str:
    """ "21,439,058 shares of our common stock"; "an unstated number of shares ..." where no total is recorded."""
    if n is None:
        return f"an unstated number of {nouns.plural(security)}"
    return nouns.counted(n, security)


def _part_count(component: RegisteredComponent, noun_one: str, noun_many: str) -> str:
    if component.amount is None:
        return f"an unstated number of {noun_many}"
    return f"{fmt.count(component.amount)} {noun_one if component.amount == 1 else noun_many}"


def _issuable_parts(issuable: list[RegisteredComponent], nouns: Nouns, one: str, many: str) -> str:
    if len(issuable) == 1:
        return f"{_part_count(issuable[0], one, many)} {_issuable_phrase(issuable[0], nouns)}"
    kinds: list[str] = []
    for component in issuable:
        if _upon(component, nouns) not in kinds:
            kinds.append(_upon(component, nouns))
    detail = fmt.join_and(
        [
            f"{'an unstated number' if c.amount is None else fmt.count(c.amount)} "
            f"{_issuable_phrase(c, nouns).removeprefix('issuable ')}"
            for c in issuable
        ]
    )
    amounts = [c.amount for c in issuable]
    if any(a is None for a in amounts):
        return f"{many} issuable {fmt.join_and(kinds)} ({detail})"
    total = sum(amounts)
    return f"{fmt.count(total)} {one if total == 1 else many} issuable {fmt.join_and(kinds)} ({detail})"


def _other_part(component: RegisteredComponent, nouns: Nouns, one: str, many: str) -> str:
    """ "1,200,000 other shares relating to the 8% ... Notes due 2025" (a part neither issued nor issuable)."""
    counted = _part_count(component, f"other {one}", f"other {many}")
    source = component.from_security
    return f"{counted} relating to {nouns.holders_of(source)}" if source else f"{counted} from other sources"


def _gap(amount: RegisteredAmount, components: list[RegisteredComponent], many: str) -> tuple[str, str]:
    """What the stated parts leave out: ("57,500 shares whose source is not stated", "") or an excess clause."""
    parts = [c.amount for c in components]
    if amount.amount is None or any(p is None for p in parts):
        return "", ""
    gap = amount.amount - sum(parts)
    if gap > 0:
        return f"{fmt.count(gap)} {many} whose source is not stated", ""
    if gap < 0:
        return "", f", although the parts listed add up to {fmt.count(sum(parts))} {many}"
    return "", ""


def _complete(amount: RegisteredAmount, components: list[RegisteredComponent]) -> bool:
    parts = [c.amount for c in components]
    return amount.amount is not None and None not in parts and sum(parts) == amount.amount


def _issued_part(component: RegisteredComponent, nouns: Nouns, one: str, many: str, labelled: bool) -> str:
    """ "10,690,779 shares issued in the unit offering"; shares held as ADSs say so."""
    where = offering_label(component.from_offering) if labelled and component.from_offering else None
    where = f"in {where}" if where else offering_reference(component.from_offering)
    source = component.from_security
    if source is not None and source.kind == SecurityKind.ADS:
        return f"{_part_count(component, one, many)} represented by {nouns.plural(source)} issued {where}"
    return f"{_part_count(component, one, many)} issued {where}"


def registered_item(amount: RegisteredAmount, nouns: Nouns, *, labelled: bool = False) -> str:
    """ "21,439,058 shares of our common stock, consisting of 10,690,779 shares issued in the unit offering ...".

    "consisting of" and "all of them" only when the parts add up to the total; otherwise "including", with
    what the stated parts leave unexplained. ``labelled`` names each offering by its closing (an earlier
    registration's offering is not "the unit offering" of this one).
    """
    text = amount_text(amount.amount, amount.security, nouns)
    one, many = counted_noun(amount.security, nouns, 1), counted_noun(amount.security, nouns)
    components = list(amount.components.all())
    complete = _complete(amount, components)
    if not components or (complete and len(components) == 1 and components[0].source == ComponentSource.ISSUED):
        return text
    issued = [c for c in components if c.source == ComponentSource.ISSUED]
    issuable = [c for c in components if c.source in UNDERLYING]
    others = [c for c in components if c.source not in UNDERLYING and c.source != ComponentSource.ISSUED]
    if complete and len(components) == len(issuable) == 1:
        return f"{text}, all of them {_issuable_phrase(issuable[0], nouns)}"
    parts = [_issued_part(c, nouns, one, many, labelled) for c in issued]
    if issuable:
        parts.append(_issuable_parts(issuable, nouns, one, many))
    parts += [_other_part(c, nouns, one, many) for c in others]
    if complete:
        return f"{text}, consisting of " + fmt.join_and(parts)
    missing, excess = _gap(amount, components, many)
    return f"{text}, including " + fmt.join_and([*parts, missing]) + excess


def _upon(component: RegisteredComponent, nouns: Nouns) -> str:
    security = component.from_security
    if component.source == ComponentSource.ISSUABLE_ON_EXERCISE:
        return f"upon exercise of {nouns.holders_of(security)}" if security else "upon exercise"
    return f"upon conversion of {nouns.holders_of(security)}" if security else "upon conversion"


def _issuable_phrase(component: RegisteredComponent, nouns: Nouns) -> str:
    phrase = f"issuable {_upon(component, nouns)}"
    security = component.from_security
    if security is not None and security.price_per_share:
        phrase += f" at {fmt.price(security.price_per_share)} per share"
    if component.principal_amount is not None:
        phrase += f" (from {fmt.money(component.principal_amount)} principal amount)"
    return phrase


def exercise_events(sources: list[Security], nouns: Nouns, *, every: bool = True) -> str:
    """ "the exercise of all of the warrants and the conversion of all shares of the Series A ... Stock"."""
    warrants = fmt.join_and([nouns.plural(s) for s in sources if s.kind == SecurityKind.WARRANT])
    shares = fmt.join_and([short_title(s) for s in sources if s.kind in SHARE_KINDS])
    others = fmt.join_and([nouns.plural(s) for s in sources if s.kind not in (SecurityKind.WARRANT, *SHARE_KINDS)])
    clauses = []
    if warrants:
        clauses.append(f"the exercise of {'all of the' if every else 'the'} {warrants}")
    if shares:
        clauses.append(f"the conversion of {'all' if every else 'the'} shares of the {shares}")
    if others:
        clauses.append(f"the conversion of {'all of the' if every else 'the'} {others}")
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
