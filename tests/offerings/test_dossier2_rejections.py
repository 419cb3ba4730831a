"""Hostile or wrong offering-dossier/2 files: each refused naming the JSON path, and the database unchanged."""

import copy
import json
from collections.abc import Callable

import pytest
from django.apps import apps

from offerings.dossier.importer import import_dossier, import_dossier_bytes
from offerings.dossier.schema import DossierError
from offerings.dossier.upgrade import upgrade_v1
from tests.actors import TEST_ACTOR
from tests.conftest import BESTNET_DOSSIER

NOTE = {
    "key": "note",
    "title": "8% Senior Secured Convertible Notes due 2005",
    "kind": "note",
    "par_value": None,
    "stated_value": None,
    "authorized": None,
    "outstanding": None,
    "trading_symbol": None,
    "market": None,
    "placement_agent": False,
    "converts": {
        "into": "common",
        "shares_per_security": None,
        "price_per_share": None,
        "conversion_rate_per_1000": "2500",
        "conversion_price": None,
        "term": None,
        "expires_on": None,
    },
    "note": {"principal_amount": "1000000.00", "interest_rate": "8", "maturity_on": "2005-06-30"},
    "terms_changes": [
        {
            "kind": "temporary_repricing",
            "effective_on": "2003-08-01",
            "ends_on": "2003-08-31",
            "price_before": "0.40",
            "price_after": "0.25",
            "expires_before": None,
            "expires_after": None,
            "after_window": "The price returns to $0.40.",
            "description": None,
            "supplement": "supplement-1",
        }
    ],
}
TABLE = {
    "mode": "amend",
    "security": "common",
    "beneficial_ownership_as_of": "2003-07-01",
    "shares_outstanding": 40000000,
    "shares_outstanding_as_of": "2003-07-01",
    "notes_principal_outstanding": None,
    "footnotes": [
        {"marker": "(1)", "kind": "natural_persons", "text": "Jane Roe has voting and dispositive power."},
        {"marker": "(2)", "kind": "blocker", "text": "Excludes shares above the 4.99% blocker."},
    ],
    "rows": [
        {
            "name": "Alder Fund LP",
            "change": "listed",
            "owned_before": 1000000,
            "offered": 600000,
            "owned_after": 400000,
            "percent_after": "1.0",
            "principal_owned": None,
            "principal_offered": None,
            "percent_of_notes": None,
            "natural_persons": "Jane Roe",
            "broker_dealer": None,
            "relationship": None,
            "footnotes": ["(1)"],
        }
    ],
}
EVENT = {
    "kind": "exercise",
    "occurred_on": "2003-07-10",
    "security": "warrant",
    "holder": "Alder Fund LP",
    "transferee": None,
    "shares": 100000,
    "principal_amount": None,
    "price_per_share": "0.30",
    "proceeds": "30000.00",
    "description": None,
}
AMENDMENT = {
    "kind": "post_effective",
    "number": 1,
    "filed_on": "2003-12-01",
    "effective_on": "2003-12-10",
    "accession_number": None,
    "annual_report": "annual_2002",
}


def base() -> dict:
    """BestNet as /2, with a note, a change of terms, a holder table, an event and an amendment."""
    document = upgrade_v1(json.loads(BESTNET_DOSSIER.read_text()))
    document["securities"].append(copy.deepcopy(NOTE))
    supplement = document["supplements"][0]
    supplement["holder_tables"] = [copy.deepcopy(TABLE)]
    supplement["events"] = [copy.deepcopy(EVENT)]
    document["registration_statement"]["amendments"] = [copy.deepcopy(AMENDMENT)]
    return document


def setter(path: list, value) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


NOTE_PATH = "$.securities[4]"
ARABIC_INDIC_FILE_NUMBER = "333-\u0661\u0660\u0665\u0660\u0662\u0666"  # 333-105026 in Arabic-Indic digits
FULL_WIDTH_CIK = "\uff17\uff19\uff19\uff16\uff19\uff14"  # 799694 in full-width digits
ROW = ["supplements", 0, "holder_tables", 0, "rows", 0]
ROW_PATH = "$.supplements[0].holder_tables[0].rows[0]"


def _removed_stranger(document: dict) -> None:
    rows = document["supplements"][0]["holder_tables"][0]["rows"]
    rows.append({**copy.deepcopy(rows[0]), "name": "Nobody Listed LLC", "change": "removed", "footnotes": []})


def _second_supplement_same_key(document: dict) -> None:
    document["supplements"].append({**copy.deepcopy(document["supplements"][0]), "accession_number": None})


def _two_prospectuses_same_date(document: dict) -> None:
    document["prospectuses"].append(copy.deepcopy(document["prospectuses"][0]))


def _duplicate_marker(document: dict) -> None:
    footnotes = document["supplements"][0]["holder_tables"][0]["footnotes"]
    footnotes[1]["marker"] = "(1)"


CASES = [
    (
        "conversion-rate-as-a-float",
        setter(["securities", 4, "converts", "conversion_rate_per_1000"], 2500.5),
        f"{NOTE_PATH}.converts.conversion_rate_per_1000",
    ),
    (
        "negative-principal",
        setter(["securities", 4, "note", "principal_amount"], "-1000.00"),
        f"{NOTE_PATH}.note.principal_amount",
    ),
    (
        "interest-rate-as-a-number",
        setter(["securities", 4, "note", "interest_rate"], 8),
        f"{NOTE_PATH}.note.interest_rate",
    ),
    ("percent-over-100", setter([*ROW, "percent_after"], "100.5"), f"{ROW_PATH}.percent_after"),
    ("percent-of-notes-over-100", setter([*ROW, "percent_of_notes"], "250"), f"{ROW_PATH}.percent_of_notes"),
    (
        "window-ends-before-it-starts",
        setter(["securities", 4, "terms_changes", 0, "ends_on"], "2003-07-01"),
        f"{NOTE_PATH}.terms_changes[0].ends_on",
    ),
    ("removed-holder-no-earlier-table-lists", _removed_stranger, "$.supplements[0].holder_tables[0].rows[1].name"),
    (
        "unknown-prior-supplement",
        setter(["securities", 4, "terms_changes", 0, "supplement"], "supplement-9"),
        f"{NOTE_PATH}.terms_changes[0].supplement",
    ),
    (
        "arabic-indic-digit-in-file-number",
        setter(["registration_statement", "file_number"], ARABIC_INDIC_FILE_NUMBER),
        "$.registration_statement.file_number",
    ),
    ("full-width-digit-in-cik", setter(["issuer", "cik"], FULL_WIDTH_CIK), "$.issuer.cik"),
    (
        "exchange-act-number-not-edgar-form",
        setter(["issuer", "exchange_act_file_number"], "01-12345"),
        "$.issuer.exchange_act_file_number",
    ),
    ("unknown-prospectus-date", setter(["supplements", 0, "prospectus"], "2003-06-01"), "$.supplements[0].prospectus"),
    (
        "attaches-an-unknown-report",
        setter(["supplements", 0, "attaches"], ["annual_2099"]),
        "$.supplements[0].attaches[0]",
    ),
    (
        "attaches-a-report-twice",
        setter(["supplements", 0, "attaches"], ["annual_2002", "annual_2002"]),
        "$.supplements[0].attaches",
    ),
    ("row-names-an-unknown-footnote", setter([*ROW, "footnotes"], ["(9)"]), f"{ROW_PATH}.footnotes[0]"),
    ("footnote-marker-twice", _duplicate_marker, "$.supplements[0].holder_tables[0].footnotes[1].marker"),
    (
        "event-of-an-unknown-security",
        setter(["supplements", 0, "events", 0, "security"], "bonds"),
        "$.supplements[0].events[0].security",
    ),
    ("unknown-event-kind", setter(["supplements", 0, "events", 0, "kind"], "gift"), "$.supplements[0].events[0].kind"),
    ("unknown-field-in-event", setter(["supplements", 0, "events", 0, "color"], "red"), "$.supplements[0].events[0]"),
    (
        "amendment-of-an-unknown-annual-report",
        setter(["registration_statement", "amendments", 0, "annual_report"], "annual_1999"),
        "$.registration_statement.amendments[0].annual_report",
    ),
    (
        "amendment-effective-before-filed",
        setter(["registration_statement", "amendments", 0, "effective_on"], "2003-11-01"),
        "$.registration_statement.amendments[0].effective_on",
    ),
    (
        "unknown-table-mode",
        setter(["supplements", 0, "holder_tables", 0, "mode"], "merge"),
        "$.supplements[0].holder_tables[0].mode",
    ),
    ("shares-as-a-string", setter([*ROW, "offered"], "600000"), f"{ROW_PATH}.offered"),
    (
        "lower-case-trading-symbol",
        setter(["securities", 0, "trading_symbol"], "bntc"),
        "$.securities[0].trading_symbol",
    ),
    ("supplement-key-twice", _second_supplement_same_key, "$.supplements[1].key"),
    ("no-prospectus", setter(["prospectuses"], []), "$.prospectuses"),
    ("two-prospectuses-of-one-date", _two_prospectuses_same_date, "$.prospectuses[1].date"),
    (
        "trailing-newline-in-a-rate",
        setter(["securities", 4, "converts", "conversion_rate_per_1000"], "2500\n"),
        f"{NOTE_PATH}.converts.conversion_rate_per_1000",
    ),
    ("draft-with-an-accession-number", setter(["supplements", 0, "filed"], False), "$.supplements[0]"),
]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_base_document_imports(db):
    """The cases below each break one thing of a document that imports."""
    import_dossier(actor=TEST_ACTOR, data=base())


@pytest.mark.parametrize(("change", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_wrong_v2_dossier_is_refused_naming_the_path_and_writes_nothing(db, change, path):
    document = base()
    change(document)
    before = row_counts()
    with pytest.raises(DossierError) as caught:
        import_dossier_bytes(actor=TEST_ACTOR, raw=json.dumps(document, ensure_ascii=False).encode())
    assert [p for p in caught.value.problems if p.path.startswith(path)], caught.value.problems
    assert row_counts() == before
