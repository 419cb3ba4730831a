import copy
import datetime

import pytest

from offerings.dossier.importer import import_dossier
from tests.actors import TEST_ACTOR

D = datetime.date


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def only(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, f"expected one {code}, got {codes(findings)}"
    return found[0]


@pytest.fixture
def bestnet_without_supplement(db, bestnet_data):
    """The BestNet dossier with its July 16, 2003 supplement removed and the 10-QSB filed on July 15, 2003."""
    data = copy.deepcopy(bestnet_data)
    data["supplements"] = []
    for report in data["periodic_reports"]:
        if report["key"] == "quarter_2003_05":
            report["filed_on"] = "2003-07-15"
    return import_dossier(actor=TEST_ACTOR, data=data).registration


@pytest.fixture
def bestnet_before_10qsb(db, bestnet_data):
    """The BestNet dossier as it stood before the 10-QSB for May 31, 2003 was recorded (no supplement either)."""
    data = copy.deepcopy(bestnet_data)
    data["supplements"] = []
    data["periodic_reports"] = [r for r in data["periodic_reports"] if r["key"] != "quarter_2003_05"]
    return import_dossier(actor=TEST_ACTOR, data=data).registration
