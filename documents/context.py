"""The facts of a supplement, read from the records and phrased as a filing states them.

Every sentence fragment here is built from a record: nothing is copied from a seed filing. The three
renditions (PDF, EDGAR HTML, EDGAR text) all render this one context, so they say the same things.
Strings are plain ``str`` (never marked safe): the templates autoescape every one of them.

``build_context`` reads the records once (``documents.selectors.supplement_bundle``) and assembles the
document: the cover page (title, rule, prospectus date, every registration number the prospectus covers, the
issuer, what the prospectus offers, the reading instruction, staff's summary, where the securities trade, the
risk legend, the Item 501(b)(7) legend, the date line), then the body part by part (``documents.body``). A
supplement whose date is not recorded cannot be rendered: ``RenderError``.
"""

from dataclasses import dataclass, field

from offerings.models import Supplement, SupplementPurpose

from . import formatting as fmt
from . import offering
from .blocks import Part
from .body import body_parts
from .errors import RenderError
from .offering import Incorporation, SellingTerms
from .phrases import Nouns, condition_sentence
from .references import holder_words
from .selectors import SupplementBundle, supplement_bundle

__all__ = ["DocumentMetadata", "Incorporation", "SellingTerms", "SupplementContext", "assemble_context"]

LEGEND = (
    "Neither the Securities and Exchange Commission nor any state securities commission has approved or "
    "disapproved of these securities or passed upon the accuracy or adequacy of this prospectus. Any "
    "representation to the contrary is a criminal offense."
)


@dataclass(frozen=True)
class DocumentMetadata:
    """The PDF's (and HTML's) title, author, subject and keywords."""

    title: str
    author: str
    subject: str
    keywords: str


@dataclass(frozen=True)
class SupplementContext:
    """What one supplement says; the templates only arrange it."""

    supplement_id: int | None
    title: str
    rule: str
    purpose: str
    issuer: str
    file_number: str
    file_numbers: list[str]  # this registration's, then every one a Rule 429 combined prospectus also covers
    registration_label: str  # "Registration No. 333-105026", "Registration Nos. 333-920400 and 333-911234"
    prospectus_date: str
    dated: str
    dated_iso: str
    cover_lines: list[str]
    cover_paragraphs: list[str]
    investing_in: str
    selling: SellingTerms | None
    proceeds_sentence: str
    incorporation: Incorporation | None
    metadata: DocumentMetadata
    parts: list[Part] = field(default_factory=list)
    appended_pdfs: list[bytes] = field(default_factory=list)  # attached reports' pages, after the PDF's own
    legend: str = LEGEND

    @property
    def is_holder_update(self) -> bool:
        return self.purpose == SupplementPurpose.SELLING_STOCKHOLDER_UPDATE

    @property
    def row_count(self) -> int:
        """Table rows in the body: what makes a layout big (``rendering.ISOLATE_ROWS``)."""
        return sum(part.row_count for part in self.parts)

    @property
    def dateline(self) -> str:
        return f"This prospectus supplement is dated {self.dated}."


def document_title(bundle: SupplementBundle) -> str:
    return bundle.supplement.document_title


def file_numbers(bundle: SupplementBundle) -> list[str]:
    return [bundle.registration.file_number, *(c.registration.file_number for c in bundle.also_covers)]


def registration_label(numbers: list[str]) -> str:
    return f"Registration No. {numbers[0]}" if len(numbers) == 1 else f"Registration Nos. {fmt.join_and(numbers)}"


def metadata(bundle: SupplementBundle, label: str) -> DocumentMetadata:
    supplement, issuer = bundle.supplement, bundle.issuer.name
    return DocumentMetadata(
        title=f"{document_title(bundle)} dated {fmt.long_date(supplement.dated_on)} - {issuer} ({label})",
        author=issuer,
        subject=f"Filed pursuant to Rule {supplement.rule}; supplements the prospectus dated "
        f"{fmt.long_date(bundle.prospectus.dated_on)}.",
        keywords=", ".join(["prospectus supplement", f"Rule {supplement.rule}", *file_numbers(bundle), issuer]),
    )


# Staff write summaries as "Attaches the ...": such a summary reads as the supplement's sentence.
_SUMMARY_VERBS = {
    "adds", "amends", "announces", "attaches", "corrects", "describes", "discloses", "includes", "incorporates",
    "prints", "removes", "replaces", "reports", "restates", "supplements", "updates",
}  # fmt: skip


def summary_sentence(summary: str) -> str:
    """Staff's summary as written; one that opens with a verb ("Attaches the ...") becomes "This prospectus
    supplement attaches the ..."."""
    text = " ".join(summary.split())
    first = text.split(" ", 1)[0]
    if first.lower() in _SUMMARY_VERBS and first[:1].isupper():
        return f"This prospectus supplement {first.lower()}{text[len(first) :]}"
    return text


def cover_paragraphs(bundle: SupplementBundle, nouns: Nouns, investing: str) -> list[str]:
    """The reading instruction, staff's summary, where the securities trade and the risk legend."""
    prospectus_date = fmt.long_date(bundle.prospectus.dated_on)
    reading = (
        f"This prospectus supplement adds to and updates the information in our prospectus dated {prospectus_date} "
        "and should be read together with that prospectus. Please read both documents in full before you invest; "
        "each contains information that bears on your investment decision."
    )
    summary = summary_sentence(bundle.supplement.summary)
    texts = [reading, summary, offering.market_sentence(bundle, nouns), offering.risk_sentence(bundle, investing)]
    return [t for t in texts if t]


def _held(bundle: SupplementBundle, nouns: Nouns) -> str:
    """What a holder table counts: "shares of our common stock", "ordinary shares"."""
    for kind in ("common", "ordinary"):
        found = next((a.security for a in bundle.amounts if a.security.kind == kind), None)
        if found:
            return nouns.plural(found)
    return nouns.plural(bundle.amounts[0].security) if bundle.amounts else "securities"


def _undated(bundle: SupplementBundle) -> RenderError:
    supplement = bundle.supplement
    label = document_title(bundle)
    accession = f", accession number {supplement.accession_number}" if supplement.accession_number else ""
    return RenderError(
        f"{label} to the prospectus dated {fmt.long_date(bundle.prospectus.dated_on)} (Registration No. "
        f"{bundle.registration.file_number}{accession}) has no date on record, so its date line and cover cannot "
        "be rendered from the records. Record the supplement's date, then render it again."
    )


def assemble_context(bundle: SupplementBundle) -> SupplementContext:
    """The document of an already loaded supplement; runs no query. ``RenderError`` if it has no date."""
    supplement = bundle.supplement
    if supplement.dated_on is None:
        raise _undated(bundle)
    nouns = Nouns(bundle.securities)
    investing = offering.investing_in(bundle.amounts)
    words = holder_words(bundle.prospectus.page_references)
    selling = offering.selling_terms(bundle, nouns, investing, words)
    price_changes = any(c.price_after is not None for c in bundle.terms_changes)
    proceeds = offering.proceeds_sentence(
        bundle.amounts, bundle.registration.stated_proceeds_if_exercised, nouns, at_registered_prices=price_changes
    )
    found = offering.incorporation(bundle)
    facts = {
        "selling": selling,
        "proceeds": proceeds,
        "conditions": [condition_sentence(c, nouns) for c in bundle.conditions],
        "incorporation": found,
        "delivered": offering.delivered_sentence(bundle.delivered, investing),
        "what": _held(bundle, nouns),
    }
    parts, pdfs = body_parts(bundle, nouns, words, facts)
    numbers = file_numbers(bundle)
    label = registration_label(numbers)
    return SupplementContext(
        supplement_id=supplement.pk,
        title=document_title(bundle),
        rule=supplement.rule,
        purpose=supplement.purpose,
        issuer=bundle.issuer.name,
        file_number=bundle.registration.file_number,
        file_numbers=numbers,
        registration_label=label,
        prospectus_date=fmt.long_date(bundle.prospectus.dated_on),
        dated=fmt.long_date(supplement.dated_on),
        dated_iso=supplement.dated_on.isoformat(),
        cover_lines=offering.cover_lines(bundle, nouns),
        cover_paragraphs=cover_paragraphs(bundle, nouns, investing),
        investing_in=investing,
        selling=selling,
        proceeds_sentence=proceeds,
        incorporation=found,
        metadata=metadata(bundle, label),
        parts=parts,
        appended_pdfs=pdfs,
    )


def build_context(*, supplement: Supplement) -> SupplementContext:
    """Read every fact the supplement's document states (a fixed number of queries) and phrase it."""
    return assemble_context(supplement_bundle(supplement))
