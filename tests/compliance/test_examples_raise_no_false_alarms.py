"""The example dossiers are consistent filings: checked as of their latest supplement, none raises an error.

Attached reports count as brought into the prospectus, a supplement filed with its date unknown is not
unfiled, and the foreign private issuer is held to the Form 20-F deadline, not to 10-Q deadlines.
"""

import copy
import datetime
import json

import pytest

from compliance.selectors import findings_for_registration
from offerings.domain.findings import Severity
from offerings.dossier.importer import import_dossier
from tests.actors import TEST_ACTOR
from tests.conftest import EXAMPLES

EARLIER = "rule-429-earlier-registration.json"
NAMES = sorted(p.name for p in EXAMPLES.glob("*.json") if p.name not in (EARLIER, "bestnet-333-105026.json"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_an_example_checks_clean_as_of_its_latest_supplement(name):
    import_dossier(actor=TEST_ACTOR, data=json.loads((EXAMPLES / EARLIER).read_text()))
    data = json.loads((EXAMPLES / name).read_text())
    registration = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(data)).registration
    as_of = max(datetime.date.fromisoformat(s["date"]) for s in data["supplements"] if s["date"])
    findings = findings_for_registration(registration=registration, as_of=as_of)
    assert [f.code for f in findings if f.severity == Severity.ERROR] == []
    assert "INCORPORATION_MISSING" not in {f.code for f in findings}
    assert all(f.as_of == as_of and f.rule for f in findings)
    if data["issuer"]["foreign_private_issuer"]:
        [due] = [f for f in findings if f.code == "PERIODIC_REPORT_DUE"]
        assert due.data["form"] == "20-F"
