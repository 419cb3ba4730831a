"""Bad dossiers are refused whole, with a message naming the JSON path, and the database is untouched."""

import copy
import json
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.management import call_command

from offerings.dossier.importer import import_dossier, import_dossier_bytes
from offerings.dossier.schema import DossierError
from tests.actors import TEST_ACTOR
from tests.conftest import BESTNET_DOSSIER

BASE = json.loads(BESTNET_DOSSIER.read_text())


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def mutate(change: Callable[[dict], None]) -> str:
    document = copy.deepcopy(BASE)
    change(document)
    return json.dumps(document, default=str)


def setter(path: list, value) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def raw_float(path_text: str, literal: str) -> Callable[[str], str]:
    """Rewrite a JSON string value as a bare number literal (json.dumps cannot write one for us)."""

    def change(text: str) -> str:
        assert path_text in text
        return text.replace(path_text, literal, 1)

    return change


def deep_nesting(depth: int) -> str:
    text = json.dumps(BASE)
    return text.replace('"principal_market": null', '"principal_market": ' + "[" * depth + "]" * depth, 1)


BAD_DOSSIERS: list[tuple[str, str, str]] = [
    # (id, raw JSON text, JSON path the message must name)
    ("malformed-json", '{"format": "offering-dossier/1", "issuer": {', "$"),
    ("not-an-object", "[1, 2, 3]", "$"),
    ("wrong-format", mutate(setter(["format"], "offering-dossier/3")), "$.format"),
    ("missing-issuer", mutate(lambda d: d.pop("issuer")), "$"),
    ("issuer-name-empty", mutate(setter(["issuer", "name"], "")), "$.issuer.name"),
    ("cik-letters", mutate(setter(["issuer", "cik"], "79969X")), "$.issuer.cik"),
    ("cik-as-number", mutate(setter(["issuer", "cik"], 799694)), "$.issuer.cik"),
    ("fiscal-year-end-impossible", mutate(setter(["issuer", "fiscal_year_end"], "02-30")), "$.issuer.fiscal_year_end"),
    ("unknown-field", mutate(setter(["issuer", "ticker"], "BESC")), "$.issuer"),
    ("unknown-security-kind", mutate(setter(["securities", 0, "kind"], "stock")), "$.securities[0].kind"),
    ("negative-count", mutate(setter(["securities", 0, "authorized"], -5)), "$.securities[0].authorized"),
    ("count-as-string", mutate(setter(["offerings", 0, "units_sold"], "3563593")), "$.offerings[0].units_sold"),
    (
        "non-integer-count",
        raw_float('"amount": 3563593,', '"amount": 3563593.5,')(json.dumps(BASE)),
        "$.registration_statement.registered[0].amount",
    ),
    (
        "integral-float-count",
        raw_float('"amount": 3563593,', '"amount": 3563593.0,')(json.dumps(BASE)),
        "$.registration_statement.registered[0].amount",
    ),
    (
        "price-as-float",
        raw_float('"price_per_share": "0.30"', '"price_per_share": 0.30')(json.dumps(BASE)),
        "$.securities[2].converts.price_per_share",
    ),
    (
        "proceeds-as-float",
        raw_float('"stated_proceeds_if_exercised": "1781796.50"', '"stated_proceeds_if_exercised": 1781796.5')(
            json.dumps(BASE)
        ),
        "$.registration_statement.stated_proceeds_if_exercised",
    ),
    (
        "price-with-dollar-sign",
        mutate(setter(["offerings", 0, "price_per_unit"], "$0.30")),
        "$.offerings[0].price_per_unit",
    ),
    (
        "file-number-malformed",
        mutate(setter(["registration_statement", "file_number"], "333-1050")),
        "$.registration_statement.file_number",
    ),
    (
        "accession-malformed",
        mutate(setter(["periodic_reports", 0, "accession_number"], "0000950147-02-1541")),
        "$.periodic_reports[0].accession_number",
    ),
    (
        "supplement-accession-malformed",
        mutate(setter(["supplements", 0, "accession_number"], "950147-03-000829")),
        "$.supplements[0].accession_number",
    ),
    ("impossible-date", mutate(setter(["prospectus", "date"], "2003-02-30")), "$.prospectus.date"),
    ("date-wrong-shape", mutate(setter(["supplements", 0, "date"], "07/16/2003")), "$.supplements[0].date"),
    (
        "impossible-filing-date",
        mutate(setter(["registration_statement", "filed_on"], "2003-13-06")),
        "$.registration_statement.filed_on",
    ),
    (
        "undefined-security",
        mutate(setter(["securities", 1, "converts", "into"], "ordinary")),
        "$.securities[1].converts.into",
    ),
    (
        "undefined-offering",
        mutate(setter(["registration_statement", "registered", 3, "components", 0, "from_offering"], "series_b")),
        "$.registration_statement.registered[3].components[0].from_offering",
    ),
    (
        "undefined-report",
        mutate(setter(["supplements", 0, "incorporates"], ["quarter_2003_08"])),
        "$.supplements[0].incorporates[0]",
    ),
    (
        "undefined-restricted",
        mutate(setter(["conditions", 0, "restricts"], ["rights"])),
        "$.conditions[0].restricts[0]",
    ),
    ("duplicate-security-key", mutate(setter(["securities", 1, "key"], "common")), "$.securities[1].key"),
    (
        "duplicate-report-key",
        mutate(setter(["periodic_reports", 1, "key"], "annual_2002")),
        "$.periodic_reports[1].key",
    ),
    (
        "duplicate-json-member",
        json.dumps(BASE).replace('"cik": "799694"', '"cik": "799694", "cik": "1"', 1),
        "$",
    ),
    (
        "registered-twice",
        mutate(
            lambda d: d["registration_statement"]["registered"].append(d["registration_statement"]["registered"][0])
        ),
        "$.registration_statement.registered[4].security",
    ),
    (
        "ten-megabyte-string",
        mutate(setter(["securities", 2, "converts", "term"], "y" * 10_000_000)),
        "$.securities[2].converts.term",
    ),
    ("ten-megabyte-title", mutate(setter(["securities", 0, "title"], "t" * 10_000_000)), "$.securities[0].title"),
    ("deeply-nested", deep_nesting(5000), "$"),
    (
        "percent-over-100",
        mutate(lambda d: d["selling_stockholders"].append({"name": "A", "shares_offered": 1, "percent_after": "150"})),
        "$.selling_stockholders[0].percent_after",
    ),
    (
        "bad-email",
        mutate(lambda d: d["investors"].append({"name": "B", "email": "not-an-email"})),
        "$.investors[0].email",
    ),
    (
        "zero-quantity",
        mutate(setter(["offerings", 0, "unit_components", 0, "quantity"], "0")),
        "$.offerings[0].unit_components[0].quantity",
    ),
    (
        "effective-before-filed",
        mutate(setter(["registration_statement", "effective_on"], "2003-01-01")),
        "$.registration_statement.effective_on",
    ),
    (
        "supplement-number-zero",
        mutate(setter(["supplements", 0, "number"], 0)),
        "$.supplements[0].number",
    ),
]


def test_at_least_25_bad_dossiers_are_tabled():
    assert len(BAD_DOSSIERS) >= 25


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "path"), [(raw, path) for _, raw, path in BAD_DOSSIERS], ids=[i for i, _, _ in BAD_DOSSIERS]
)
def test_bad_dossier_is_refused_naming_the_path_and_writes_nothing(bestnet, raw, path):
    # The BestNet registration is already in the database: a refused import must not touch it either.
    before = row_counts()
    with pytest.raises(DossierError) as caught:
        import_dossier_bytes(actor=TEST_ACTOR, raw=raw, max_bytes=20 * 1024 * 1024)
    assert [p.path for p in caught.value.problems if p.path == path], caught.value.problems
    assert all(len(str(p)) < 2000 for p in caught.value.problems)
    assert row_counts() == before


@pytest.mark.django_db
def test_oversized_file_is_refused_before_parsing():
    with pytest.raises(DossierError) as caught:
        import_dossier_bytes(actor=TEST_ACTOR, raw=b" " * 2048, max_bytes=1024)
    assert str(caught.value.problems[0]).startswith("$: the file is 2,048 bytes")


@pytest.mark.django_db
def test_security_with_same_key_but_other_terms_is_refused_naming_both_versions(bestnet, bestnet_data):
    other = copy.deepcopy(bestnet_data)
    other["registration_statement"]["file_number"] = "333-101561"
    other["securities"][2]["converts"]["price_per_share"] = "0.45"
    other["supplements"] = []
    before = row_counts()
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=other)
    [problem] = caught.value.problems
    assert problem.path == "$.securities[2].converts.price_per_share"
    assert "Security 'warrant' of BestNet Communications Corp." in problem.message
    assert "'0.30' here; this dossier has '0.45'" in problem.message
    assert row_counts() == before


@pytest.mark.django_db
def test_filed_supplement_that_differs_is_refused(bestnet, bestnet_data):
    changed = copy.deepcopy(bestnet_data)
    changed["supplements"][0]["summary"] = "Something else entirely."
    with pytest.raises(DossierError) as caught:
        import_dossier(actor=TEST_ACTOR, data=changed)
    assert caught.value.problems[0].path == "$.supplements[0]"
    assert "filed" in caught.value.problems[0].message


@pytest.mark.django_db
def test_cli_prints_one_line_per_problem_with_the_file_path_and_exits_1(tmp_path, capsys):
    document = copy.deepcopy(BASE)
    document["issuer"]["cik"] = "abc"
    document["registration_statement"]["file_number"] = "333-1"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    before = row_counts()
    with pytest.raises(SystemExit) as exited:
        call_command("import_dossier", str(path))
    assert exited.value.code == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert f"{path}: $.issuer.cik: 'abc' does not have the expected form (^\\d{{1,10}}$)" in lines
    assert any(line.startswith(f"{path}: $.registration_statement.file_number: ") for line in lines)
    assert row_counts() == before
