"""The BestNet supplement rendered from the imported dossier says every fact of the filed seed text."""

import pytest

from tests.conftest import SEED_TEXT

from .conftest import normalize

# Each fact is worded as both the seed filing and the rendition state it; the test checks both, so a fact
# can only pass if the filed document says it too.
FACTS = [
    ("cover title", "Prospectus Supplement"),
    ("rule paragraph", "Filed Pursuant to Rule 424(b)(3)"),
    ("prospectus date on cover", "(To Prospectus Dated May 19, 2003)"),
    ("registration number", "Registration No. 333-105026"),
    ("issuer", "BESTNET COMMUNICATIONS CORP."),
    ("units offered", "UP TO 3,563,593 UNITS"),
    ("preferred offered", "UP TO 3,563,593 SHARES OF OUR SERIES A CONVERTIBLE PREFERRED STOCK"),
    ("warrants offered", "UP TO 3,563,593 WARRANTS"),
    ("common offered", "UP TO 21,439,058 SHARES OF OUR COMMON STOCK"),
    ("reading instruction", "read this prospectus supplement and the related prospectus dated May 19, 2003"),
    ("risk legend", "involves a high degree of risk"),
    ("prospectus risk page", '"Risk Factors" beginning on page 7 of our prospectus dated May 19, 2003'),
    ("annual report risk page", '"Additional Factors that Could Affect our Future Results" beginning on page 16'),
    ("annual report", "Annual Report on Form 10-KSB for the fiscal year ended August 31, 2002"),
    ("registration filed", "filed with the SEC on May 6, 2003"),
    ("offering closed", "completed in March 2003"),
    ("unit: common", "three shares of our common stock, par value $.001 per share"),
    ("unit: warrant", "three-year warrant to purchase one share of common stock"),
    ("warrant exercise price", "$0.30"),
    ("unit: preferred conversion", "convertible into two shares of common stock at a conversion price of $0.10"),
    ("conversion price unit", "$0.10 per share of common stock"),
    ("registered units", "(a) 3,563,593 units"),
    ("registered preferred", "(b) 3,563,593 shares of our Series A Convertible Preferred Stock"),
    ("registered warrants", "(c) 3,563,593 warrants"),
    ("registered common", "(d) 21,439,058 shares of"),
    ("common issued in units", "10,690,779 of which were issued in the unit offering"),
    ("common issuable", "10,690,779 of which are issuable upon exercise of the warrants and"),
    ("selling stockholders page", '"Selling Stockholders" section beginning on page 23 of the prospectus'),
    ("how holders sell", "at the prevailing market price or in negotiated transactions"),
    ("deemed underwriters", "The selling stockholders may be deemed to be underwriters"),
    ("holders keep sale proceeds", "less any brokerage commissions or other expenses incurred by them"),
    ("issuer gets no sale proceeds", "We will not receive any proceeds from the sale of the"),
    (
        "computed exercise proceeds",
        "We will receive up to an aggregate of $1,781,796.50 if all warrants are exercised and all shares of the "
        "Series A Convertible Preferred Stock are converted",
    ),
    ("pending stockholder vote", "increase in the number of authorized"),
    ("incorporated report", "Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003"),
    ("incorporation", "hereby incorporated by reference into the prospectus and this prospectus supplement"),
    ("latest date controls", "you should rely on the information contained in the document with the latest date"),
    (
        "documents delivered",
        "This prospectus supplement, the prospectus, our Annual Report on Form 10-KSB for the fiscal year ended "
        "August 31, 2002, and our Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003, "
        "are being delivered to you in connection with your proposed investment in our common stock",
    ),
    (
        "reliance legend",
        "You should rely only on the information provided or incorporated by reference in this prospectus "
        "supplement and the related prospectus. We have not authorized anyone else to provide you with "
        "different information.",
    ),
    (
        "Item 501(b)(7) legend",
        "Neither the Securities and Exchange Commission nor any state securities commission has approved or "
        "disapproved of these securities or passed upon the accuracy or adequacy of this prospectus. Any "
        "representation to the contrary is a criminal offense.",
    ),
    ("date line", "The date of this prospectus supplement is July 16, 2003."),
]


def test_the_fact_table_is_big_enough():
    assert len(FACTS) >= 30


@pytest.mark.parametrize(("label", "fact"), FACTS, ids=[label for label, _ in FACTS])
def test_the_seed_filing_states_the_fact(label, fact):
    assert fact in normalize(SEED_TEXT.read_text())


@pytest.mark.parametrize("rendition", ["txt", "pdf_text"])
@pytest.mark.parametrize(("label", "fact"), FACTS, ids=[label for label, _ in FACTS])
def test_the_bestnet_rendition_states_the_fact(bestnet_renditions, rendition, label, fact):
    text = bestnet_renditions[rendition]
    if isinstance(text, bytes):
        text = text.decode("ascii")
    assert fact in normalize(text)


@pytest.mark.parametrize(("label", "fact"), FACTS, ids=[label for label, _ in FACTS])
def test_the_bestnet_html_states_the_fact(bestnet_renditions, label, fact):
    import html
    import re

    visible = html.unescape(re.sub(r"<[^>]+>", " ", bestnet_renditions["html"].decode("utf-8")))
    assert fact in normalize(visible)
