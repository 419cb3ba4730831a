"""Every /2 example dossier: each supplement's renditions state every fact the dossier holds, and nothing of any
other dossier; the EDGAR text and HTML keep their format rules and the PDF keeps its margins."""

import html
import json
import re

import pytest
from django.db import transaction

from documents import context, rendering
from offerings.dossier.importer import import_dossier
from offerings.models import Supplement
from tests.actors import TEST_ACTOR
from tests.conftest import EXAMPLES

from .conftest import normalize, pdf_overflow, pdf_text, text_problems
from .examples import BESTNET_DISTINCT, DISTINCT
from .examples import EXAMPLES as FACTS
from .test_formats_and_safety import edgar_problems

pytestmark = pytest.mark.django_db

# Imported in this order: a Rule 429 prospectus names earlier registrations, which must be in the portal first.
ORDER = ["rule-429-earlier-registration.json", *DISTINCT]


def _render(supplement: Supplement) -> dict:
    doc = context.build_context(supplement=supplement)
    data = {"txt": rendering.edgar_text(doc), "html": rendering.edgar_html(doc), "pdf": rendering.pdf(doc)}
    data["pdf_html"] = rendering.pdf_html(doc)
    data["pdf_text"] = pdf_text(data["pdf"])
    return data


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker) -> dict:
    """(dossier, supplement key) -> renditions, for every dated supplement of every example; then rolled back."""
    out = {}
    with django_db_blocker.unblock(), transaction.atomic():
        for name in ORDER:
            registration = import_dossier(actor=TEST_ACTOR, data=json.loads((EXAMPLES / name).read_text())).registration
            for supplement in Supplement.objects.filter(prospectus__registration_statement=registration):
                if supplement.dated_on is not None:
                    out[(name, supplement.key)] = _render(supplement)
        transaction.set_rollback(True)
    return out


def _visible(renditions: dict, format: str) -> str:
    if format == "html":
        return normalize(html.unescape(re.sub(r"<[^>]+>", " ", renditions["html"].decode("utf-8"))))
    if format == "pdf":
        return normalize(renditions["pdf_text"])
    return normalize(renditions["txt"].decode("ascii"))


CASES = [(name, key) for name, key, _ in FACTS]
FACT_CASES = [(name, key, fact) for name, key, facts in FACTS for fact in facts]


def test_every_kind_of_supplement_is_in_the_fact_table():
    kinds = {json.loads((EXAMPLES / name).read_text())["supplements"][0]["purpose"] for name in DISTINCT}
    assert len(kinds) == 6 and all(len(facts) >= 25 for _, _, facts in FACTS)
    assert {name for name, _ in CASES} == set(DISTINCT)


@pytest.mark.parametrize("format", ["txt", "pdf", "html"])
@pytest.mark.parametrize(("name", "key"), CASES, ids=[f"{n}:{k}" for n, k in CASES])
def test_each_rendition_states_every_fact_of_its_dossier(rendered, name, key, format):
    facts = next(facts for n, k, facts in FACTS if (n, k) == (name, key))
    text = _visible(rendered[(name, key)], format)
    assert [fact for fact in facts if normalize(fact) not in text] == []


@pytest.mark.parametrize("format", ["txt", "pdf", "html"])
@pytest.mark.parametrize(("name", "key"), CASES, ids=[f"{n}:{k}" for n, k in CASES])
def test_no_rendition_states_a_fact_of_another_dossier(rendered, name, key, format):
    text = _visible(rendered[(name, key)], format)
    others = [t for other, tokens in DISTINCT.items() if other != name for t in tokens] + BESTNET_DISTINCT
    assert [token for token in others if token in text] == []


def test_every_dated_supplement_of_every_example_renders(rendered):
    assert len(rendered) == 12  # the undated Supplement No. 2 of periodic-report-attached cannot (see below)


def test_the_edgar_text_keeps_prose_in_80_and_tables_in_132_columns(rendered):
    problems = {case: text_problems(r["txt"]) for case, r in rendered.items()}
    assert {case: p for case, p in problems.items() if p} == {}


def test_the_edgar_html_uses_only_tags_edgar_accepts(rendered):
    problems = {case: edgar_problems(r["html"]) for case, r in rendered.items()}
    assert {case: p for case, p in problems.items() if p} == {}


def test_the_pdf_keeps_every_line_inside_its_margins(rendered):
    problems = {case: pdf_overflow(r["pdf_html"]) for case, r in rendered.items()}
    assert {case: p for case, p in problems.items() if p} == {}


def test_each_pdf_numbers_its_pages_s_1_s_2(rendered):
    from io import BytesIO

    from pypdf import PdfReader

    for renditions in rendered.values():
        pages = [normalize(p.extract_text()) for p in PdfReader(BytesIO(renditions["pdf"])).pages]
        assert [page.rsplit(" ", 1)[-1] for page in pages] == [f"S-{i}" for i in range(1, len(pages) + 1)]


def test_holder_rows_stay_on_one_line_of_the_text(rendered):
    text = rendered[("holder-table-restatement.json", "supplement-1")]["txt"].decode("ascii")
    row = next(line for line in text.splitlines() if line.startswith("Ridgeline Credit Opportunities Fund"))
    assert row.split()[-3:] == ["$3,000,000", "$3,000,000", "54.5%"] and len(row) <= 132
