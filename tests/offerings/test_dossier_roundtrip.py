"""Import then export returns the same document; re-import changes nothing; issuers and reports are shared."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from offerings.dossier.exporter import export_registration
from offerings.dossier.importer import import_dossier
from offerings.dossier.schema import SCHEMA_PATHS, validate
from offerings.dossier.upgrade import FORMAT_1, upgrade_v1
from offerings.models import Issuer, PeriodicReport, RegistrationStatement, Supplement, SupplementStatus
from tests.actors import TEST_ACTOR
from tests.conftest import EXAMPLES, ROOT

SHARED = ROOT.parent / "shared" / "dossier"


def warrant_shares_dossier() -> dict:
    """A common-stock-only registration of warrant shares at several exercise prices, issuer without CIK."""
    return {
        "format": "offering-dossier/1",
        "issuer": {
            "name": "Harbor Lantern Therapeutics, Inc.",
            "cik": None,
            "state_of_incorporation": "Delaware",
            "fiscal_year_end": "12-31",
            "filer_category": "smaller_reporting_company",
            "exchange_act_file_number": "1-38811",
            "principal_market": "Nasdaq Capital Market",
        },
        "securities": [
            {
                "key": "common",
                "title": "common stock, par value $0.0001 per share",
                "kind": "common",
                "par_value": "0.0001",
                "authorized": 200000000,
                "outstanding": 41250000,
                "converts": None,
            },
            {
                "key": "series_1_warrant",
                "title": "Series 1 warrants",
                "kind": "warrant",
                "par_value": None,
                "authorized": None,
                "outstanding": 1200000,
                "converts": {
                    "into": "common",
                    "shares_per_security": "1",
                    "price_per_share": "2.15",
                    "term": "5 years",
                    "expires_on": "2026-02-14",
                },
            },
            {
                "key": "series_2_warrant",
                "title": "Series 2 warrants",
                "kind": "warrant",
                "par_value": None,
                "authorized": None,
                "outstanding": 800000,
                "converts": {
                    "into": "common",
                    "shares_per_security": "1",
                    "price_per_share": "3.40",
                    "term": None,
                    "expires_on": "2027-08-31",
                },
            },
        ],
        "offerings": [],
        "conditions": [],
        "registration_statement": {
            "file_number": "333-254410",
            "form": "S-1",
            "filed_on": "2021-03-18",
            "effective_on": "2021-03-30",
            "last_amended_on": "2021-03-26",
            "forward_incorporation": True,
            "resale": True,
            "registered": [
                {
                    "security": "common",
                    "amount": 2000000,
                    "components": [
                        {
                            "source": "issuable_on_exercise",
                            "from_security": "series_1_warrant",
                            "from_offering": None,
                            "amount": 1200000,
                        },
                        {
                            "source": "issuable_on_exercise",
                            "from_security": "series_2_warrant",
                            "from_offering": None,
                            "amount": 800000,
                        },
                    ],
                },
            ],
            "stated_proceeds_if_exercised": "5300000.00",
        },
        "prospectus": {"date": "2021-03-30", "page_references": {"Risk Factors": 9, "Plan of Distribution": 31}},
        "periodic_reports": [
            {
                "key": "annual_2020",
                "form": "10-K",
                "period_end": "2020-12-31",
                "filed_on": "2021-03-10",
                "accession_number": "0001564590-21-012345",
                "page_references": {"Risk Factors": 22},
            },
        ],
        "supplements": [
            {
                "number": 1,
                "date": "2021-05-14",
                "rule": "424(b)(3)",
                "purpose": "periodic_report_attached",
                "summary": None,
                "incorporates": [],
                "delivered_with": ["annual_2020"],
                "first_used_on": "2021-05-14",
                "filed_on": None,
                "accession_number": None,
            },
        ],
        "selling_stockholders": [
            {
                "name": "Ridgeback Capital Partners LP",
                "shares_owned_before": 1500000,
                "shares_offered": 1200000,
                "shares_owned_after": 300000,
                "percent_after": "0.7",
                "relationship": None,
                "email": "ops@ridgeback.test",
            },
        ],
        "investors": [
            {"name": "Mara Quintero", "email": "mara@quintero.test", "postal_address": "12 Elm Row, Portland, OR"},
            {"name": "Ilse Brandt", "email": None, "postal_address": "Postfach 4, 8001 Zurich"},
        ],
    }


def quarter_warrant_dossier() -> dict:
    """Units holding one share and a quarter warrant, with a stockholder vote pending."""
    return {
        "format": "offering-dossier/1",
        "issuer": {
            "name": "Calloway Mineral Exploration Corp.",
            "cik": "1234567",
            "state_of_incorporation": "Nevada",
            "fiscal_year_end": "06-30",
            "filer_category": "small_business_issuer",
            "exchange_act_file_number": "0-33210",
            "principal_market": "OTC Bulletin Board",
        },
        "securities": [
            {
                "key": "common",
                "title": "common stock, par value $.01 per share",
                "kind": "common",
                "par_value": "0.01",
                "authorized": 75000000,
                "outstanding": None,
                "converts": None,
            },
            {
                "key": "warrant",
                "title": "two-year warrants",
                "kind": "warrant",
                "par_value": None,
                "authorized": None,
                "outstanding": None,
                "converts": {
                    "into": "common",
                    "shares_per_security": "1",
                    "price_per_share": "0.85",
                    "term": "2 years",
                    "expires_on": None,
                },
            },
            {
                "key": "unit",
                "title": "units",
                "kind": "unit",
                "par_value": None,
                "authorized": None,
                "outstanding": None,
                "converts": None,
            },
        ],
        "offerings": [
            {
                "key": "units_2005",
                "title": "Unit offering closed June 2005",
                "closed_on": "2005-06-17",
                "closed_in": "2005-06",
                "units_sold": 4029342,
                "price_per_unit": "0.60",
                "unit_components": [{"security": "common", "quantity": 1}, {"security": "warrant", "quantity": "0.25"}],
            },
        ],
        "conditions": [
            {
                "key": "reverse_split",
                "description": "Warrants may not be exercised until the reverse split is effective.",
                "restricts": ["warrant"],
                "satisfied_on": None,
            },
        ],
        "registration_statement": {
            "file_number": "333-127001",
            "form": "SB-2",
            "filed_on": "2005-07-29",
            "effective_on": None,
            "last_amended_on": None,
            "forward_incorporation": False,
            "resale": True,
            "registered": [
                {
                    "security": "common",
                    "amount": 5036675,
                    "components": [
                        {"source": "issued", "from_security": "unit", "from_offering": "units_2005", "amount": 4029342},
                        {
                            "source": "issuable_on_exercise",
                            "from_security": "warrant",
                            "from_offering": "units_2005",
                            "amount": 1007333,
                        },
                    ],
                },
            ],
            "stated_proceeds_if_exercised": "856233.05",
        },
        "prospectus": {"date": "2005-08-22", "page_references": {}},
        "periodic_reports": [],
        "supplements": [],
        "selling_stockholders": [],
        "investors": [],
    }


def canonical_dossiers() -> list[tuple[str, dict]]:
    found = [(path.name, json.loads(path.read_text())) for path in sorted(EXAMPLES.glob("*.json"))]
    return [*found, ("warrant-shares", warrant_shares_dossier()), ("quarter-warrant", quarter_warrant_dossier())]


def import_earlier_registrations(document: dict) -> None:
    """A Rule 429 combined prospectus names earlier registrations: import their example dossiers first."""
    if document["format"] == FORMAT_1:
        return
    wanted = {number for p in document["prospectuses"] for number in p["also_covers"]}
    for _, other in canonical_dossiers():
        if other["registration_statement"]["file_number"] in wanted:
            import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(other))


def as_exported(document: dict) -> dict:
    """Export writes /2: a /1 document comes back as its upgrade."""
    return upgrade_v1(document) if document["format"] == FORMAT_1 else document


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.parametrize(("name", "document"), canonical_dossiers(), ids=[n for n, _ in canonical_dossiers()])
def test_canonical_dossier_is_valid(name, document):
    validate(document)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "document"), canonical_dossiers(), ids=[n for n, _ in canonical_dossiers()])
def test_import_then_export_returns_the_same_document(name, document):
    import_earlier_registrations(document)
    result = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(document))
    assert export_registration(result.registration) == as_exported(document)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "document"), canonical_dossiers(), ids=[n for n, _ in canonical_dossiers()])
def test_importing_the_same_dossier_twice_changes_nothing(name, document):
    import_earlier_registrations(document)
    import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(document))
    before = row_counts()
    again = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(document))
    assert not again.changed
    assert row_counts() == before
    assert export_registration(again.registration) == as_exported(document)


@pytest.mark.django_db
def test_a_v1_dossier_exports_as_v2_and_the_v2_export_reimports_to_the_same_records(bestnet_data):
    import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(bestnet_data))
    exported = export_registration(RegistrationStatement.objects.get(file_number="333-105026"))
    assert exported["format"] == "offering-dossier/2"
    before = row_counts()
    again = import_dossier(actor=TEST_ACTOR, data=copy.deepcopy(exported))
    assert not again.changed
    assert row_counts() == before
    assert export_registration(again.registration) == exported


def test_schema_copy_is_identical_to_the_shared_format():
    shared = SHARED / "offering-dossier-1.schema.json"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout (a user's clone)")
    assert SCHEMA_PATHS[FORMAT_1].read_bytes() == shared.read_bytes()
    for example in (SHARED / "examples").glob("*.json"):
        assert (EXAMPLES / example.name).read_bytes() == example.read_bytes()


@pytest.mark.django_db
def test_supplement_with_filing_date_is_filed_and_one_without_is_a_draft():
    import_dossier(actor=TEST_ACTOR, data=json.loads((EXAMPLES / "bestnet-333-105026.json").read_text()))
    import_dossier(actor=TEST_ACTOR, data=warrant_shares_dossier())
    assert Supplement.objects.get(accession_number="0000950147-03-000829").status == SupplementStatus.FILED
    assert Supplement.objects.get(prospectus__registration_statement__file_number="333-254410").status == (
        SupplementStatus.DRAFT
    )


@pytest.mark.django_db
def test_second_registration_of_the_same_issuer_shares_its_securities_and_reports(bestnet, bestnet_data):
    other = copy.deepcopy(bestnet_data)
    other["registration_statement"]["file_number"] = "333-101561"
    other["registration_statement"]["filed_on"] = "2002-12-02"
    other["registration_statement"]["registered"] = [{"security": "common", "amount": 5000000, "components": []}]
    other["prospectus"] = {"date": "2003-01-10", "page_references": {"Risk Factors": 5}}
    other["periodic_reports"] = other["periodic_reports"][1:]  # only the 10-QSB, referenced by accession number
    other["supplements"] = []
    other["supplements"].append(
        {
            "number": None,
            "date": "2003-07-16",
            "rule": "424(b)(3)",
            "purpose": "incorporation_update",
            "summary": None,
            "incorporates": ["quarter_2003_05"],
            "delivered_with": [],
            "first_used_on": None,
            "filed_on": None,
            "accession_number": None,
        }
    )
    result = import_dossier(actor=TEST_ACTOR, data=other)
    assert Issuer.objects.count() == 1
    assert PeriodicReport.objects.count() == 2
    assert RegistrationStatement.objects.filter(issuer=bestnet.issuer).count() == 2
    exported = export_registration(result.registration)
    # The export holds only what this registration refers to, and every periodic report of the issuer.
    assert [s["key"] for s in exported["securities"]] == ["common"]
    assert exported["offerings"] == [] and exported["conditions"] == []
    assert [r["key"] for r in exported["periodic_reports"]] == ["annual_2002", "quarter_2003_05"]
    # The first registration is unchanged.
    assert export_registration(bestnet) == as_exported(bestnet_data)


@pytest.mark.django_db
def test_issuer_without_cik_is_recognised_by_exact_name():
    import_dossier(actor=TEST_ACTOR, data=warrant_shares_dossier())
    second = warrant_shares_dossier()
    second["registration_statement"]["file_number"] = "333-254999"
    second["supplements"] = []
    import_dossier(actor=TEST_ACTOR, data=second)
    assert Issuer.objects.filter(name="Harbor Lantern Therapeutics, Inc.").count() == 1


@pytest.mark.django_db
def test_reimport_with_a_new_supplement_adds_it_and_keeps_the_filed_one(bestnet, bestnet_data):
    newer = copy.deepcopy(bestnet_data)
    newer["periodic_reports"].append(
        {
            "key": "annual_2003",
            "form": "10-KSB",
            "period_end": "2003-08-31",
            "filed_on": "2003-11-26",
            "accession_number": "0000950147-03-001400",
            "page_references": {},
        }
    )
    newer["supplements"].append(
        {
            "number": None,
            "date": "2003-11-28",
            "rule": "424(b)(3)",
            "purpose": "incorporation_update",
            "summary": None,
            "incorporates": ["annual_2003"],
            "delivered_with": ["annual_2003"],
            "first_used_on": None,
            "filed_on": None,
            "accession_number": None,
        }
    )
    result = import_dossier(actor=TEST_ACTOR, data=newer)
    assert result.created["supplement"] == 1 and result.created["periodic report"] == 1
    assert export_registration(bestnet) == as_exported(newer)


@pytest.mark.django_db
def test_export_command_prints_the_canonical_dossier(bestnet, bestnet_data):
    out = io.StringIO()
    call_command("export_dossier", "333-105026", stdout=out)
    assert json.loads(out.getvalue()) == as_exported(bestnet_data)


@pytest.mark.django_db
def test_import_command_imports_a_file_and_reports_what_it_created(tmp_path: Path):
    path = tmp_path / "quarter.json"
    path.write_text(json.dumps(quarter_warrant_dossier()))
    out = io.StringIO()
    call_command("import_dossier", str(path), stdout=out)
    assert "Registration No. 333-127001: created" in out.getvalue()
    assert RegistrationStatement.objects.get(file_number="333-127001").registered_amounts.get().amount == 5036675
