"""The BestNet supplement rendered from the imported dossier says every fact of the filed seed text."""

import html
import re

import pytest

from tests.conftest import SEED_TEXT

from .conftest import normalize

# Each row is (label, seed_phrase, rendition_phrase). The seed phrase proves the fact is in the filed document;
# the rendition phrase is how our document states the same fact. Pure data (numbers, dates, titles, page
# references, report descriptions) is stated identically; concepts are stated in our own words, with the
# figures pinned wherever the fact has figures.
FACTS = [
    ("cover title", "Prospectus Supplement", "Prospectus Supplement"),
    ("rule paragraph", "Filed Pursuant to Rule 424(b)(3)", "Filed Pursuant to Rule 424(b)(3)"),
    ("prospectus date on cover", "(To Prospectus Dated May 19, 2003)", "(To Prospectus Dated May 19, 2003)"),
    ("registration number", "Registration No. 333-105026", "Registration No. 333-105026"),
    ("issuer", "BESTNET COMMUNICATIONS CORP.", "BESTNET COMMUNICATIONS CORP."),
    ("units offered", "UP TO 3,563,593 UNITS", "UP TO 3,563,593 UNITS"),
    (
        "preferred offered",
        "UP TO 3,563,593 SHARES OF OUR SERIES A CONVERTIBLE PREFERRED STOCK",
        "UP TO 3,563,593 SHARES OF OUR SERIES A CONVERTIBLE PREFERRED STOCK",
    ),
    ("warrants offered", "UP TO 3,563,593 WARRANTS", "UP TO 3,563,593 WARRANTS"),
    ("common offered", "UP TO 21,439,058 SHARES OF OUR COMMON STOCK", "UP TO 21,439,058 SHARES OF OUR COMMON STOCK"),
    (
        "reading instruction",
        "read this prospectus supplement and the related prospectus dated May 19, 2003",
        "adds to and updates the information in our prospectus dated May 19, 2003 and should be read together "
        "with that prospectus",
    ),
    ("risk legend", "involves a high degree of risk", "carries a high degree of risk"),
    (
        "prospectus risk page",
        '"Risk Factors" beginning on page 7 of our prospectus dated May 19, 2003',
        '"Risk Factors" beginning on page 7 of our prospectus dated May 19, 2003',
    ),
    (
        "annual report risk page",
        '"Additional Factors that Could Affect our Future Results" beginning on page 16',
        '"Additional Factors that Could Affect our Future Results" beginning on page 16',
    ),
    (
        "annual report",
        "Annual Report on Form 10-KSB for the fiscal year ended August 31, 2002",
        "Annual Report on Form 10-KSB for the fiscal year ended August 31, 2002",
    ),
    (
        "registration filed",
        "registration statement that we filed with the SEC on May 6, 2003",
        "On May 6, 2003, we filed with the SEC a registration statement, of which this prospectus supplement "
        "forms a part",
    ),
    ("offering closed", "units that we completed in March 2003", "unit offering, completed in March 2003,"),
    (
        "unit: common",
        "three shares of our common stock, par value $.001 per share",
        "three shares of our common stock, par value $.001 per share",
    ),
    (
        "unit: warrant",
        "three-year warrant to purchase one share of common stock",
        "three-year warrant to purchase one share of common stock",
    ),
    ("warrant exercise price", "exercise price of $0.30", "exercise price of $0.30"),
    (
        "unit: preferred conversion",
        "convertible into two shares of common stock at a conversion price of $0.10",
        "convertible into two shares of common stock at a conversion price of $0.10",
    ),
    ("conversion price unit", "$0.10 per share of common stock", "$0.10 per share of common stock"),
    ("registered units", "(a) 3,563,593 units", "(a) 3,563,593 units"),
    (
        "registered preferred",
        "(b) 3,563,593 shares of our Series A Convertible Preferred Stock",
        "(b) 3,563,593 shares of our Series A Convertible Preferred Stock",
    ),
    ("registered warrants", "(c) 3,563,593 warrants", "(c) 3,563,593 warrants"),
    ("registered common", "(d) 21,439,058 shares of", "(d) 21,439,058 shares of"),
    (
        "common issued in units",
        "10,690,779 of which were issued in the unit offering",
        "10,690,779 shares issued in the unit offering",
    ),
    (
        "common issuable",
        "10,690,779 of which are issuable upon exercise of the warrants and",
        "10,690,779 shares issuable upon exercise of the warrants and",
    ),
    (
        "selling stockholders page",
        '"Selling Stockholders" section beginning on page 23 of the prospectus',
        '"Selling Stockholders" section beginning on page 23 of the prospectus',
    ),
    (
        "how holders sell",
        "from time to time in the principal market on which the stock is traded at the prevailing market price or "
        "in negotiated transactions",
        "from time to time, either in the principal trading market for our common stock at the then-prevailing "
        "market price or through negotiated transactions",
    ),
    (
        "deemed underwriters",
        "The selling stockholders may be deemed to be underwriters",
        'Under the Securities Act of 1933, the selling stockholders may be deemed "underwriters"',
    ),
    (
        "holders keep sale proceeds",
        "less any brokerage commissions or other expenses incurred by them",
        "The selling stockholders are entitled to the full proceeds of their sales of the securities, net of any "
        "brokerage commissions or other expenses they bear",
    ),
    (
        "issuer gets no sale proceeds",
        "We will not receive any proceeds from the sale of the",
        "we will receive none of those proceeds",
    ),
    (
        "computed exercise proceeds",
        "We will receive up to an aggregate of $1,781,796.50 if all warrants are exercised and all shares of the "
        "Series A Convertible Preferred Stock are converted",
        "We would receive up to $1,781,796.50 in total upon the exercise of all of the warrants and the "
        "conversion of all shares of the Series A Convertible Preferred Stock",
    ),
    (
        "pending stockholder vote",
        "until an increase in the number of authorized common shares is approved by stockholder vote",
        "has not yet been met, and until it is, the warrants may not be exercised and the Series A Convertible "
        "Preferred Stock may not be converted: Stockholders must vote to approve an increase in the number of "
        "authorized shares of common stock",
    ),
    (
        "incorporated report",
        "Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003",
        "Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003",
    ),
    (
        "incorporation",
        "hereby incorporated by reference into the prospectus and this prospectus supplement",
        "we incorporate by reference into the prospectus, and into this prospectus supplement, our Quarterly "
        "Report on Form 10-QSB for the quarterly period ended May 31, 2003",
    ),
    (
        "latest date controls",
        "you should rely on the information contained in the document with the latest date",
        "the statement in the most recently dated document controls, and you should rely on that statement",
    ),
    (
        "documents delivered",
        "This prospectus supplement, the prospectus, our Annual Report on Form 10-KSB for the fiscal year ended "
        "August 31, 2002, and our Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003, "
        "are being delivered to you in connection with your proposed investment in our common stock",
        "With this prospectus supplement we are delivering to you the prospectus, our Annual Report on Form "
        "10-KSB for the fiscal year ended August 31, 2002, and our Quarterly Report on Form 10-QSB for the "
        "quarterly period ended May 31, 2003, for your use in evaluating an investment in our common stock",
    ),
    (
        "reliance legend",
        "You should rely only on the information provided or incorporated by reference in this prospectus "
        "supplement and the related prospectus. We have not authorized anyone else to provide you with "
        "different information. You should not assume that the information in this prospectus supplement is "
        "accurate as of any date other than the date on the front of these documents.",
        "you should rely only on the information contained in, or incorporated by reference into, this "
        "prospectus supplement and the prospectus. We have authorized no one to give you different information. "
        "Information in this prospectus supplement or the prospectus speaks only as of the date on that "
        "document's cover, and you should not assume that it is accurate as of any other date.",
    ),
    (
        "Item 501(b)(7) legend",
        "Neither the Securities and Exchange Commission nor any state securities commission has approved or "
        "disapproved of these securities or passed upon the accuracy or adequacy of this prospectus. Any "
        "representation to the contrary is a criminal offense.",
        "Neither the Securities and Exchange Commission nor any state securities commission has approved or "
        "disapproved of these securities or passed upon the accuracy or adequacy of this prospectus. Any "
        "representation to the contrary is a criminal offense.",
    ),
    (
        "date line",
        "The date of this prospectus supplement is July 16, 2003.",
        "This prospectus supplement is dated July 16, 2003.",
    ),
]
IDS = [label for label, _, _ in FACTS]


def test_the_fact_table_is_big_enough():
    assert len(FACTS) >= 30
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize(("label", "seed_phrase", "rendition_phrase"), FACTS, ids=IDS)
def test_the_seed_filing_states_the_fact(label, seed_phrase, rendition_phrase):
    assert seed_phrase in normalize(SEED_TEXT.read_text())


@pytest.mark.parametrize("rendition", ["txt", "pdf_text"])
@pytest.mark.parametrize(("label", "seed_phrase", "rendition_phrase"), FACTS, ids=IDS)
def test_the_bestnet_rendition_states_the_fact(bestnet_renditions, rendition, label, seed_phrase, rendition_phrase):
    text = bestnet_renditions[rendition]
    if isinstance(text, bytes):
        text = text.decode("ascii")
    assert rendition_phrase in normalize(text)


@pytest.mark.parametrize(("label", "seed_phrase", "rendition_phrase"), FACTS, ids=IDS)
def test_the_bestnet_html_states_the_fact(bestnet_renditions, label, seed_phrase, rendition_phrase):
    assert rendition_phrase in normalize(_visible_html(bestnet_renditions["html"]))


def _visible_html(data: bytes) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", data.decode("utf-8")))


ITEM_501_B_7_LEGEND = (
    "Neither the Securities and Exchange Commission nor any state securities commission has approved or "
    "disapproved of these securities or passed upon the accuracy or adequacy of this prospectus. Any "
    "representation to the contrary is a criminal offense."
)
LONG_SENTENCE_WORDS = 12
# A sentence ends at . ! or ? (possibly inside a closing quote) followed by a capital or an opening quote, so
# "No. 333-105026" and "$.001" do not end one.
_SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=["(A-Z])|(?<=[.!?]")\s+(?=["(A-Z])')


def seed_sentences() -> list[str]:
    """The sentences of the seed filing's paragraphs; cover blocks (which end without a full stop) are not prose."""
    sentences = []
    for block in re.split(r"\n\s*\n", SEED_TEXT.read_text()):
        paragraph = normalize(block)
        if re.search(r'[.!?]"?$', paragraph):
            sentences += _SENTENCE_END.split(paragraph)
    return sentences


def test_the_seed_splits_into_its_sentences():
    sentences = seed_sentences()
    assert ITEM_501_B_7_LEGEND.split(". ")[0] + "." in sentences
    assert "We have not authorized anyone else to provide you with different information." in sentences
    assert not any(s.startswith("UP TO") or "Registration No." in s for s in sentences)
    assert len([s for s in sentences if len(s.split()) >= LONG_SENTENCE_WORDS]) >= 20


@pytest.mark.parametrize("rendition", ["txt", "pdf_text", "html"])
def test_no_long_sentence_of_the_seed_is_copied(bestnet_renditions, rendition):
    """Our sentences are our own: only the prescribed Item 501(b)(7) legend may repeat the seed verbatim."""
    text = bestnet_renditions[rendition]
    if rendition == "html":
        text = _visible_html(text)
    elif isinstance(text, bytes):
        text = text.decode("ascii")
    ours = normalize(text)
    copied = [
        sentence
        for sentence in seed_sentences()
        if len(sentence.split()) >= LONG_SENTENCE_WORDS and sentence not in ITEM_501_B_7_LEGEND and sentence in ours
    ]
    assert copied == []
