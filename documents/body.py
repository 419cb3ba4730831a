"""The body of a supplement, part by part, each under its heading, in the order a reader needs them.

The offering comes first (what the prospectus offers and on what terms), then what this supplement does:
the general update, changes of terms, transactions in the securities, the selling holder table, documents
incorporated by reference and financial statements printed in it; then the statements that close every
supplement (the latest-dated document controls, the documents delivered, reliance); an attached report
follows last, as it follows the supplement in the filing. Staff's sections of a part (``SupplementSection.part``)
go under that part, after its opening paragraph and before its table, statements or report.
"""

import re

from offerings.models import SupplementPartKind, SupplementPurpose, SupplementSection

from . import changes, holders, offering, statements
from . import formatting as fmt
from .attachments import ReportContent, filed_verb, identification, report_content, report_name
from .blocks import Block, Paragraph, Part, paragraphs
from .phrases import Nouns
from .references import HolderWords
from .selectors import SupplementBundle

CONTROLS = (
    "If this prospectus supplement, the prospectus and the documents incorporated by reference into them differ or "
    "conflict, the statement in the most recently dated document controls, and you should rely on that statement."
)
RELIANCE = (
    "In deciding whether to invest, you should rely only on the information contained in, or incorporated by "
    "reference into, this prospectus supplement and the prospectus. We have authorized no one to give you different "
    "information. Information in this prospectus supplement or the prospectus speaks only as of the date on that "
    "document's cover, and you should not assume that it is accurate as of any other date."
)


def _blank_lines_split(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text or "") if block.strip()]


def staff_blocks(sections: list[SupplementSection]) -> list[Block]:
    """Staff's paragraphs under their own headings; blank lines separate paragraphs."""
    blocks: list[Block] = []
    for section in sections:
        if section.heading.strip():
            blocks.append(Paragraph(" ".join(section.heading.split()), "subheading"))
        blocks += paragraphs(_blank_lines_split(section.body))
    return blocks


def _offering_blocks(bundle: SupplementBundle, nouns: Nouns, facts: dict) -> list[Block]:
    first = [offering.registration_sentence(bundle)]
    first += [*offering.unit_sentences(bundle, nouns), *offering.security_sentences(bundle, nouns)]
    first.append(offering.description_sentence(bundle))
    first.append(offering.registered_sentence(offering.registered_items(bundle.amounts, nouns)))
    selling, proceeds = facts["selling"], facts["proceeds"]
    if selling:
        first.append(offering.selling_sentences(selling))
    second = []
    if selling:
        second.append(
            f"The {selling.holders} are entitled to the full proceeds of their sales of the {selling.offered}, net of "
            "any brokerage commissions or other expenses they bear; we will receive none of those proceeds."
        )
    second += [proceeds, *facts["conditions"]]
    texts = [" ".join(s for s in first if s), " ".join(s for s in second if s)]
    texts += [offering.covered_paragraph(c, nouns) for c in bundle.also_covers]
    return paragraphs(texts)


def _holders(bundle: SupplementBundle, nouns: Nouns, words: HolderWords, what: str) -> tuple[list, list]:
    """The first table's opening paragraph as the part's lead; later tables follow with their own."""
    if bundle.holder_tables:
        tables = [holders.table_blocks(t, nouns, words, bundle.securities) for t in bundle.holder_tables]
        lead, body = tables[0]
        for later_lead, later_body in tables[1:]:
            body = [*body, *later_lead, *later_body]
        return lead, body
    if bundle.supplement.purpose == SupplementPurpose.SELLING_STOCKHOLDER_UPDATE:
        return holders.stockholder_blocks(bundle.holders, words, what)
    return [], []


def _attached(bundle: SupplementBundle) -> tuple[list[Block], list[Block], list[bytes]]:
    """What the attached reports update, then each report: its name, what is recorded of it, its content."""
    if not bundle.attachments:
        return [], [], []
    described = []
    for attached in bundle.attachments:
        report = attached.report
        when = f" on {fmt.long_date(report.filed_on)}" if report.filed_on else ""
        described.append(f"our {report_name(report)}, which we {filed_verb(report)} the SEC{when}")
    one = len(bundle.attachments) == 1
    lead = (
        f"This prospectus supplement updates the prospectus dated {fmt.long_date(bundle.prospectus.dated_on)} with "
        f"the information in {fmt.join_and(described, separator='; ')}. "
        f"{'That report is' if one else 'Those reports are'} attached to, and form{'s' if one else ''} part of, this "
        "prospectus supplement."
    )
    body: list[Block] = []
    pdfs = []
    for attached in bundle.attachments:
        content: ReportContent = report_content(attached)
        body.append(Paragraph(report_name(attached.report), "subheading"))
        body.append(Paragraph(identification(attached.report), "note"))
        body += content.blocks
        if content.pdf:
            pdfs.append(content.pdf)
    return [Paragraph(lead)], body, pdfs


def _part(key: str, heading: str, lead: list[Block], body: list[Block], sections: list) -> Part | None:
    staff = staff_blocks([s for s in sections if s.part == key])
    blocks = [*lead, *staff, *body]
    return Part(key=key, heading=heading, blocks=blocks) if blocks else None


def body_parts(
    bundle: SupplementBundle, nouns: Nouns, words: HolderWords, facts: dict
) -> tuple[list[Part], list[bytes]]:
    """The parts of the body in order, and the PDF copies of attached reports whose pages follow the PDF."""
    sections = bundle.sections
    kinds = SupplementPartKind
    holder_lead, holder_body = _holders(bundle, nouns, words, facts["what"])
    terms = bundle.terms_changes
    events = bundle.events
    found = facts["incorporation"]
    fs = bundle.financial_statements
    attached_lead, attached_body, pdfs = _attached(bundle)
    closing = [CONTROLS, facts["delivered"], RELIANCE]
    candidates = [
        ("offering", "THE OFFERING", _offering_blocks(bundle, nouns, facts), []),
        (kinds.GENERAL, "RECENT DEVELOPMENTS", [], []),
        (kinds.TERMS, changes.terms_heading(terms), paragraphs([changes.terms_lead(terms, nouns)] if terms else []),
         changes.terms_paragraphs(terms, nouns)),
        (kinds.EVENTS, "TRANSACTIONS IN OUR SECURITIES", paragraphs([changes.events_lead(events)] if events else []),
         changes.event_paragraphs(events, nouns)),
        (kinds.HOLDERS, words.plural.upper(), holder_lead, holder_body),
        (kinds.INCORPORATION, "INCORPORATION OF CERTAIN INFORMATION BY REFERENCE",
         paragraphs([offering.incorporation_paragraph(found)] if found else []), []),
        (kinds.FINANCIAL_STATEMENTS, "FINANCIAL STATEMENTS", paragraphs([statements.statements_lead(fs)] if fs else []),
         statements.statement_blocks(fs)),
        ("closing", "", paragraphs(closing), []),
        (kinds.ATTACHED_REPORT, "ATTACHED REPORT" if len(bundle.attachments) < 2 else "ATTACHED REPORTS",
         attached_lead, attached_body),
    ]  # fmt: skip
    parts = [_part(str(key), heading, lead, body, sections) for key, heading, lead, body in candidates]
    return [p for p in parts if p is not None], pdfs
