"""How the document names securities, offerings and what a registration holds: phrases built from records.

Each function turns offering records into a fragment of a sentence ("one-quarter of a four-year warrant to
purchase one share of common stock at an exercise price of $4.75 per share"); ``documents.context`` puts the
fragments together. Strings are plain ``str``: the templates autoescape them.
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

_PAR_SUFFIX = re.compile(r",?\s*par value\b.*$", re.IGNORECASE)


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


def exercise_events(sources: list[Security], nouns: Nouns, *, every: bool = True) -> str:
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
