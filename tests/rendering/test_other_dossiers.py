"""Dossiers other than BestNet: their documents carry their own facts and nothing of BestNet's."""

import pytest

from . import dossiers
from .conftest import normalize

pytestmark = pytest.mark.django_db  # the module-scoped renders need the test database even when run alone

CASES = {
    "warrant shares at several prices": (
        1,
        dossiers.warrant_shares_dossier,
        [
            "Prospectus Supplement No. 1",
            "(To Prospectus Dated September 14, 2021)",
            "Registration No. 333-258114",
            "QUILLFEATHER ROBOTICS, INC.",
            "UP TO 2,750,000 SHARES OF OUR COMMON STOCK",
            "On July 9, 2021, we filed with the SEC a registration statement on Form S-1",
            "the SEC declared it effective on August 27, 2021",
            "relates to our private placement of common stock and warrants, completed on June 2, 2021.",
            "registers for resale 2,750,000 shares of our common stock, consisting of 1,000,000 shares issued in our "
            "private placement of common stock and warrants and 1,750,000 shares issuable",
            "1,000,000 upon exercise of the Class A warrants at $1.25 per share",
            "750,000 upon exercise of the Class B warrants at $2.40 per share",
            "We would receive up to $3,050,000.00 in total upon the exercise of all of the Class A warrants and "
            "Class B warrants.",
            '"Risk Factors" beginning on page 9 of our prospectus dated September 14, 2021',
            '"Item 1A. Risk Factors" beginning on page 12 of our Annual Report on Form 10-K for the fiscal year '
            "ended December 31, 2020",
            '"Selling Stockholders" section beginning on page 31',
            "from time to time, either on the Nasdaq Capital Market at the then-prevailing market price",
            "we incorporate by reference into the prospectus, and into this prospectus supplement, our Quarterly "
            "Report on Form 10-Q for the quarterly period ended September 30, 2021 (filed on November 12, 2021).",
            "We filed that report with the SEC after the date of the prospectus, September 14, 2021.",
            "delivering to you the prospectus, our Annual Report on Form 10-K for the fiscal year ended December 31, "
            "2020 (filed on March 26, 2021), and our Quarterly Report on Form 10-Q for the quarterly period ended "
            "September 30, 2021 (filed on November 12, 2021),",
            "This prospectus supplement is dated November 15, 2021.",
        ],
    ),
    "units holding a quarter warrant": (
        2,
        dossiers.quarter_warrant_units_dossier,
        [
            "HARBORLINE THERAPEUTICS CORP.",
            "UP TO 1,500,000 SHARES OF OUR COMMON STOCK",
            "UP TO 300,000 WARRANTS",
            "a unit offering, completed in January 2019, in which we sold 1,200,000 units at $4.10 per unit",
            "one share of our common stock, par value $.01 per share; and one-quarter of a four-year warrant to "
            "purchase one share of common stock at an exercise price of $4.75 per share",
            "(a) 1,500,000 shares of our common stock, consisting of 1,200,000 shares issued in the unit offering and "
            "300,000 shares issuable upon exercise of the warrants at $4.75 per share; and (b) 300,000 warrants",
            '"Selling Securityholders" section beginning on page 18',
            "We would receive up to $1,425,000.00 in total upon the exercise of all of the warrants.",
            "The following condition has not yet been met, and until it is, the warrants may not be exercised: The "
            "common stock must be approved for listing on a national securities exchange.",
            "Quarterly Report on Form 10-Q for the quarterly period ended March 31, 2019",
            "This prospectus supplement is dated May 14, 2019.",
        ],
    ),
    "selling-stockholder update with 50 holders": (
        3,
        dossiers.holders_update_dossier,
        [
            "Prospectus Supplement No. 4",
            "CORVANE MINERALS HOLDINGS INC.",
            "UP TO 856,250 SHARES OF OUR COMMON STOCK",
            "SELLING STOCKHOLDERS",
            'updates the table under "Selling Stockholders" beginning on page 14 of the prospectus',
            "for each of the 50 selling stockholders",
            "Tamsin Okonkwo-Reyes Family Trust 00 16,000 11,000 5,000 1.2%",
            "Tamsin Okonkwo-Reyes Family Trust 10 18,500 13,500 5,000 *",
            "Tamsin Okonkwo-Reyes Family Trust 49 23,250 23,250 0 -",
            "Total 881,250 856,250 25,000",
            "* Less than 1%.",
            "Tamsin Okonkwo-Reyes Family Trust 07: Director since 2015.",
            "registers for resale 856,250 shares of our common stock.",
            "This prospectus supplement is dated February 6, 2018.",
        ],
    ),
}


def _texts(renditions: dict) -> dict[str, str]:
    import html
    import re

    visible_html = html.unescape(re.sub(r"<[^>]+>", " ", renditions["html"].decode("utf-8")))
    return {
        "txt": normalize(renditions["txt"].decode("ascii")),
        "html": normalize(visible_html),
        "pdf": normalize(renditions["pdf_text"]),
    }


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def case(request, render_module_dossier):
    key, make, facts = CASES[request.param]
    return _texts(render_module_dossier(key, make())), facts


@pytest.mark.parametrize("format", ["txt", "html", "pdf"])
def test_each_rendition_states_the_dossiers_own_facts(case, format):
    texts, facts = case
    missing = [fact for fact in facts if fact not in texts[format]]
    assert missing == []


@pytest.mark.parametrize("format", ["txt", "html", "pdf"])
def test_no_rendition_mentions_bestnet(case, format):
    texts, _ = case
    leaked = [token for token in dossiers.BESTNET_TOKENS if token in texts[format]]
    assert leaked == []


def test_every_one_of_the_fifty_holders_is_listed(render_module_dossier):
    texts = _texts(render_module_dossier(3, dossiers.holders_update_dossier()))
    for i in range(dossiers.HOLDER_COUNT):
        assert dossiers.holder_name(i) in texts["txt"]
        assert dossiers.holder_name(i) in texts["pdf"]
