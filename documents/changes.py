"""Changes of terms and events a supplement reports, one paragraph each, from the records' own fields.

A change of terms states the old and new price (or expiry), the window it applies in and what applies once
the window ends; an event states who did what, when, with how many shares and for what proceeds, and a
transfer names the transferee. Staff's description of each follows it word for word. Nothing is computed
that the records do not state: proceeds are printed as recorded, never as shares x price.
"""

from offerings.models import EventKind, Security, SecurityKind, SecurityTermsChange, SupplementEvent, TermsChangeKind

from . import formatting as fmt
from .blocks import Paragraph
from .phrases import DEBT_KINDS, Nouns, share_nouns


def _price_word(security: Security) -> str:
    return "exercise price" if security.kind == SecurityKind.WARRANT else "conversion price"


def _verb(change: SecurityTermsChange) -> str:
    before, after = change.price_before, change.price_after
    if before is None or after is None or before == after:
        return "changed" if change.kind != TermsChangeKind.ANTI_DILUTION_RESET else "adjusted"
    return "reduced" if after < before else "increased"


def _window(change: SecurityTermsChange) -> str:
    start, end = change.effective_on, change.ends_on
    if start and end:
        return f"From {fmt.long_date(start)} through {fmt.long_date(end)}, "
    if start:
        return f"Effective {fmt.long_date(start)}, "
    if end:
        return f"Through {fmt.long_date(end)}, "
    return ""


def _sentence_start(prefix: str, rest: str) -> str:
    return prefix + rest if prefix else rest[0].upper() + rest[1:]


def _price_sentence(change: SecurityTermsChange, nouns: Nouns) -> str:
    if change.price_after is None:
        return ""
    subject = f"the {_price_word(change.security)} of {nouns.holders_of(change.security)}"
    temporarily = " temporarily" if change.kind == TermsChangeKind.TEMPORARY_REPRICING and not change.ends_on else ""
    prices = f" to {fmt.price(change.price_after)} per share"
    if change.price_before is not None:
        prices = f" from {fmt.price(change.price_before)}{prices}"
    reset = ""
    if change.kind == TermsChangeKind.ANTI_DILUTION_RESET:
        reset = f" under the anti-dilution provisions of {nouns.holders_of(change.security)}"
    return _sentence_start(_window(change), f"{subject} is{temporarily} {_verb(change)}{prices}{reset}.")


def _expiry_sentence(change: SecurityTermsChange, nouns: Nouns) -> str:
    if change.expires_after is None:
        return ""
    before = f" from {fmt.long_date(change.expires_before)}" if change.expires_before else ""
    verb = "extended" if not change.expires_before or change.expires_after > change.expires_before else "changed"
    start = f"Effective {fmt.long_date(change.effective_on)}, " if change.effective_on else ""
    subject = f"the expiration date of {nouns.holders_of(change.security)}"
    return _sentence_start(start, f"{subject} is {verb}{before} to {fmt.long_date(change.expires_after)}.")


def _after_window(change: SecurityTermsChange) -> str:
    """What applies once a window ends: as recorded, or (a temporary repricing) the price it returns to."""
    if change.after_window.strip():
        return " ".join(change.after_window.split())
    if change.kind == TermsChangeKind.TEMPORARY_REPRICING and change.ends_on and change.price_before is not None:
        word = _price_word(change.security)
        return (
            f"After {fmt.long_date(change.ends_on)}, the {word} returns to {fmt.price(change.price_before)} per share."
        )
    return ""


def terms_paragraphs(changes: list[SecurityTermsChange], nouns: Nouns) -> list[Paragraph]:
    """One paragraph per change of terms: the change, what applies after its window, staff's description."""
    paragraphs = []
    for change in changes:
        sentences = [_price_sentence(change, nouns), _after_window(change), _expiry_sentence(change, nouns)]
        description = " ".join(change.description.split())
        if description:
            sentences.append(description)
        text = " ".join(s for s in sentences if s)
        if text:
            paragraphs.append(Paragraph(text))
    return paragraphs


def terms_lead(changes: list[SecurityTermsChange], nouns: Nouns) -> str:
    securities: dict[int, Security] = {}
    for change in changes:
        securities.setdefault(change.security.pk, change.security)
    names = fmt.join_and([nouns.holders_of(s) for s in securities.values()])
    what = "a change" if len(changes) == 1 else "changes"
    return f"This prospectus supplement announces {what} to the terms of {names}."


def terms_heading(changes: list[SecurityTermsChange]) -> str:
    if changes and all(c.security.kind == SecurityKind.WARRANT for c in changes):
        return "CHANGES TO THE TERMS OF OUR WARRANTS"
    return "CHANGES TO THE TERMS OF OUR SECURITIES"


# -- events ----------------------------------------------------------------------------------------------------


def _on(event: SupplementEvent) -> str:
    return f"On {fmt.long_date(event.occurred_on)}, " if event.occurred_on else ""


def _underlying(event: SupplementEvent) -> str:
    """ "400,000 shares of common stock": the shares an exercise or conversion issued."""
    singular, plural = share_nouns(event.security.converts_into if event.security else None)
    if event.security is None or event.security.converts_into_id is None:
        singular, plural = "share", "shares"
    return fmt.counted(event.shares, singular, plural)


def _security(event: SupplementEvent, nouns: Nouns, fallback: str) -> str:
    """The securities involved, counted where a count is recorded: "150,000 warrants", "200 shares of our ..."."""
    security = event.security
    if security is None:
        return fmt.counted(event.shares, "security", "securities") if event.shares is not None else fallback
    if security.kind in DEBT_KINDS and event.principal_amount is not None:
        return f"{fmt.money(event.principal_amount)} principal amount of {nouns.holders_of(security)}"
    if event.shares is not None:
        return nouns.counted(event.shares, security)
    return nouns.holders_of(security)


def _proceeds(event: SupplementEvent, lead: str) -> str:
    return f"{lead}{fmt.money(event.proceeds)}" if event.proceeds is not None else ""


def _exercise(event: SupplementEvent, nouns: Nouns) -> str:
    what = nouns.plural(event.security) if event.security else "warrants"
    shares = f" for {_underlying(event)}" if event.shares is not None else ""
    price = f" at {fmt.price(event.price_per_share)} per share" if event.price_per_share is not None else ""
    return f"{event.holder or 'a holder'} exercised {what}{shares}{price}{_proceeds(event, ', and we received ')}"


def _conversion(event: SupplementEvent, nouns: Nouns) -> str:
    security = event.security
    if security is None:
        what = "convertible securities"
    elif security.kind in DEBT_KINDS and event.principal_amount is not None:
        what = f"{fmt.money(event.principal_amount)} principal amount of {nouns.holders_of(security)}"
    elif security.kind == SecurityKind.PREFERRED:
        what = f"shares of {nouns.holders_of(security)}"
    else:
        what = nouns.holders_of(security)
    into = f" into {_underlying(event)}" if event.shares is not None else ""
    price = f" at {fmt.price(event.price_per_share)} per share" if event.price_per_share is not None else ""
    return f"{event.holder or 'a holder'} converted {what}{into}{price}{_proceeds(event, ', and we received ')}"


def _redemption(event: SupplementEvent, nouns: Nouns) -> str:
    held = f" held by {event.holder}" if event.holder else ""
    return f"we redeemed {_security(event, nouns, 'securities')}{held}{_proceeds(event, ' for ')}"


def _transfer(event: SupplementEvent, nouns: Nouns) -> str:
    to = f" to {event.transferee}" if event.transferee else ""
    return f"{event.holder or 'a holder'} transferred {_security(event, nouns, 'securities')}{to}"


def _refinancing(event: SupplementEvent, nouns: Nouns) -> str:
    held = f" held by {event.holder}" if event.holder else ""
    return f"we refinanced {_security(event, nouns, 'indebtedness')}{held}{_proceeds(event, ', receiving ')}"


def _financing(event: SupplementEvent, nouns: Nouns) -> str:
    if event.security is None and event.shares is None:
        sold = "we completed a financing"
    else:
        sold = f"we sold {_security(event, nouns, 'securities')}"
    to = f" to {event.holder}" if event.holder else ""
    price = f" at {fmt.price(event.price_per_share)} per share" if event.price_per_share is not None else ""
    return f"{sold}{to}{price}{_proceeds(event, ', for proceeds of ')}"


def _other(event: SupplementEvent, nouns: Nouns) -> str:
    parts = [p for p in (event.holder, _security(event, nouns, "") if event.security or event.shares else "") if p]
    if not parts and not event.occurred_on:
        return ""
    involving = f" involving {fmt.join_and(parts)}" if parts else ""
    return f"the following occurred{involving}{_proceeds(event, ', with proceeds to us of ')}"


_EVENT_CLAUSES = {
    EventKind.EXERCISE: _exercise,
    EventKind.CONVERSION: _conversion,
    EventKind.REDEMPTION: _redemption,
    EventKind.TRANSFER: _transfer,
    EventKind.REFINANCING: _refinancing,
    EventKind.FINANCING: _financing,
    EventKind.OTHER: _other,
}


def event_paragraphs(events: list[SupplementEvent], nouns: Nouns) -> list[Paragraph]:
    """One paragraph per event: what happened, then staff's description of it."""
    paragraphs = []
    for event in events:
        clause = _EVENT_CLAUSES[event.kind](event, nouns)
        description = " ".join(event.description.split())
        sentence = _sentence_start(_on(event), clause) if clause else ""
        if sentence:
            end = ":" if event.kind == EventKind.OTHER and description else "."
            sentence = sentence if sentence.endswith(".") and end == "." else sentence + end
        text = " ".join(s for s in (sentence, description) if s)
        if text:
            paragraphs.append(Paragraph(text))
    return paragraphs


def events_lead(events: list[SupplementEvent]) -> str:
    if len(events) == 1:
        return "This prospectus supplement reports the following transaction in our securities."
    count = fmt.integer_words(len(events))
    return f"This prospectus supplement reports the following {count} transactions in our securities."
