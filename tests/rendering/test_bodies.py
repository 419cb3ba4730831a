"""The body of each kind of supplement: grammar for one and for many, empty tables, unstated amounts, undated
supplements, uploaded copies of attached reports, the page-number setting, and the query count."""

import copy
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader, PdfWriter

from documents import context, rendering, selectors
from documents.attachments import html_blocks, text_blocks
from documents.blocks import Paragraph, Preformatted, Table
from offerings.dossier.importer import import_dossier
from offerings.models import PeriodicReport, Supplement
from offerings.services.reports import update_periodic_report
from tests.actors import TEST_ACTOR
from tests.conftest import EXAMPLES

from .conftest import normalize, pdf_text, text_problems
from .test_formats_and_safety import edgar_problems


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def _import(data: dict, key: str = "supplement-1") -> Supplement:
    registration = import_dossier(actor=TEST_ACTOR, data=data, update=True).registration
    return Supplement.objects.get(prospectus__registration_statement=registration, key=key)


def _text(supplement: Supplement) -> str:
    return normalize(rendering.render(supplement=supplement, format="txt").decode("ascii"))


def _supplement_of(data: dict, key: str = "supplement-1") -> dict:
    return next(s for s in data["supplements"] if s["key"] == key)


# -- one and many ----------------------------------------------------------------------------------------------


def _restated(rows: int) -> dict:
    data = example("holder-table-restatement.json")
    table = _supplement_of(data)["holder_tables"][0]
    table["rows"] = table["rows"][:rows]
    return data


def test_a_table_of_one_holder_speaks_of_the_holder_and_has_no_totals(db):
    text = _text(_import(_restated(1)))
    assert "It lists, for the selling securityholder, the shares of our common stock" in text
    assert "each of the 1" not in text and "Total" not in text
    assert "The natural person who has voting or dispositive power over the shares held by the selling " in text


def test_a_table_of_several_holders_counts_them_in_words_and_totals_them(db):
    text = _text(_import(_restated(2)))
    assert "for each of the two selling securityholders" in text
    assert "Total 11,750,000 11,250,000 500,000 $4,500,000 $4,500,000" in text


def test_an_amendment_that_only_removes_a_holder_prints_no_table(db):
    data = example("holder-table-amendment.json")
    table = _supplement_of(data)["holder_tables"][0]
    table["rows"] = table["rows"][:1]  # the removal of Halvorsen Capital Partners LLC
    text = _text(_import(data))
    assert (
        "Halvorsen Capital Partners LLC is removed from the table and no longer named as a selling stockholder." in text
    )
    assert "Name of selling stockholder" not in text and "Total" not in text


def test_a_holder_update_with_no_holder_prints_no_empty_table(db):
    from . import dossiers

    data = dossiers.holders_update_dossier()
    data["selling_stockholders"] = []
    text = _text(_import(data, key="supplement-1"))
    assert "no selling stockholders are named" in text
    assert "Total" not in text and "Name of selling stockholder" not in text and " 0 0 0" not in text


def test_one_event_and_one_change_of_terms_are_singular(db):
    data = example("warrant-repricing.json")
    data["securities"][1]["terms_changes"] = data["securities"][1]["terms_changes"][:1]
    text = _text(_import(data))
    assert "This prospectus supplement announces a change to the terms of the Series A warrants." in text
    data = example("events.json")
    _supplement_of(data)["events"] = _supplement_of(data)["events"][:1]
    assert "reports the following transaction in our securities." in _text(_import(data))


def test_a_quarter_of_one_of_several_warrants_is_a_warrant_not_warrants(db):
    data = example("warrant-repricing.json")
    data["offerings"][0]["unit_components"][1]["quantity"] = "0.25"
    text = _text(_import(data))
    assert "one-quarter of a Series A warrant to purchase one share of common stock" in text
    assert "of a Series A warrants" not in text


def test_ordinary_shares_are_never_shares_of_our_ordinary_shares(db):
    text = _text(_import(example("foreign-private-issuer.json")))
    assert "UP TO 30,000,000 ORDINARY SHARES" in text
    assert "SHARES OF OUR ORDINARY" not in text.upper() and "shares of ordinary shares" not in text
    assert "on the The " not in text


# -- what the records do not say ----------------------------------------------------------------------------------


def _registered(data: dict) -> dict:
    return data["registration_statement"]["registered"][0]


def test_an_unstated_total_invents_no_number(db):
    data = example("periodic-report-attached.json")
    _registered(data)["amount"] = None
    text = _text(_import(data))
    assert "SHARES OF OUR COMMON STOCK This prospectus supplement" in text and "UP TO" not in text
    assert "registers for resale an unstated number of shares of our common stock, including 4,000,000 shares" in text


def test_parts_that_do_not_add_up_are_not_called_complete(db):
    data = example("periodic-report-attached.json")
    _registered(data)["components"] = _registered(data)["components"][1:]  # only the exercise shares
    text = _text(_import(data))
    assert (
        "6,000,000 shares of our common stock, including 2,000,000 shares issuable upon exercise of the warrants at "
        "$0.50 per share and 4,000,000 shares whose source is not stated." in text
    )
    assert "all of them" not in text and "consisting of" not in text


def test_stated_proceeds_are_stated_when_a_price_is_unknown(db):
    data = example("periodic-report-attached.json")
    data["securities"][1]["converts"]["price_per_share"] = None
    text = _text(_import(data))
    assert (
        "The registration statement states that we would receive up to $1,000,000.00 in total upon the exercise of "
        "all of the warrants." in text
    )


def test_an_unstated_part_is_said_to_be_unstated(db):
    data = example("periodic-report-attached.json")
    _registered(data)["components"][1]["amount"] = None
    text = _text(_import(data))
    assert "including 4,000,000 shares issued in the unit offering and an unstated number of shares issuable" in text
    assert "The registration statement states that we would receive up to $1,000,000.00" in text


# -- a supplement whose date is unknown -------------------------------------------------------------------------


@pytest.fixture
def undated(db) -> Supplement:
    return _import(example("periodic-report-attached.json"), key="supplement-2")


def test_an_undated_supplement_cannot_be_rendered(undated):
    with pytest.raises(rendering.RenderError, match=r"Prospectus Supplement No\. 2 .* has no date on record"):
        rendering.render(supplement=undated, format="txt")


@pytest.mark.parametrize("view", ["preview", "download"])
def test_the_staff_views_answer_409_when_a_supplement_cannot_be_rendered(undated, admin_client, view):
    from django.urls import reverse

    response = admin_client.get(reverse(f"documents:{view}", kwargs={"supplement_id": undated.pk, "format": "pdf"}))
    assert response.status_code == 409
    assert b"has no date on record" in response.content and b"cannot be rendered" in response.content
    assert undated.renditions.count() == 0


def test_the_command_says_why_it_cannot_render(undated):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="has no date on record"):
        call_command("render_supplement", "333-910512", "--number", "2", "--format", "txt")


# -- attached reports: the uploaded copy ---------------------------------------------------------------------------

HOSTILE_REPORT = (
    "<html><head><title>10-Q</title><style>p { color: red }</style><script>alert('x')</script></head><body>"
    '<p style="x" onclick="steal()">Revenue grew <b>12%</b> in the quarter.</p>'
    '<img src="file:///etc/passwd"><a href="javascript:alert(1)">See Note 4.</a>'
    "<table><tr><td>Cash</td><td></td><td>$ 1,184,250</td></tr><tr><td>Total assets</td><td></td>"
    "<td>$ 1,841,850</td></tr></table><iframe src='https://example.com'>framed</iframe></body></html>"
)


def _with_copy(supplement: Supplement, data: bytes, name: str) -> Supplement:
    report = PeriodicReport.objects.get(attachments__supplement=supplement)
    report.document = ContentFile(data, name=name)
    update_periodic_report(actor=TEST_ACTOR, report=report)
    return supplement


def test_an_uploaded_html_report_is_carried_as_text_and_tables_never_as_markup(db):
    supplement = _with_copy(_import(example("periodic-report-attached.json")), HOSTILE_REPORT.encode(), "q1.htm")
    renditions = rendering.render_all(supplement=supplement)
    html = renditions["html"].decode("utf-8")
    assert edgar_problems(renditions["html"]) == []
    assert "Revenue grew 12% in the quarter." in html and "See Note 4." in html and "$ 1,184,250" in html
    for forbidden in ("<script", "alert(", "<img", "javascript:", "onclick", "<iframe", "framed", "color: red"):
        assert forbidden not in html
    text = normalize(renditions["txt"].decode("ascii"))
    assert "Revenue grew 12% in the quarter. See Note 4." in text and "Cash $ 1,184,250" in text
    assert "The text of the report is not reproduced" not in text
    assert "Revenue grew 12% in the quarter." in normalize(pdf_text(renditions["pdf"]))


def test_html_blocks_keep_paragraphs_and_tables_and_drop_spacer_columns():
    blocks = html_blocks(HOSTILE_REPORT)
    assert [type(b) for b in blocks] == [Paragraph, Paragraph, Table]  # no title, style, script, image or frame
    assert [[c.text for c in row] for row in blocks[-1].rows] == [
        ["Cash", "$ 1,184,250"],
        ["Total assets", "$ 1,841,850"],
    ]
    assert blocks[-1].rows[0][1].role == "td-num"


def test_a_plain_text_report_keeps_its_tables_and_reflows_its_prose():
    blocks = text_blocks(
        "Our revenue\ngrew in the quarter.\n\nRevenue      $ 318,750    $ 241,200\nNet loss   $(244,720)\n"
    )
    assert blocks[0] == Paragraph("Our revenue grew in the quarter.")
    assert isinstance(blocks[1], Preformatted) and blocks[1].lines[0] == "Revenue      $ 318,750    $ 241,200"


def _pdf_with_link(text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=f'<p>{text}</p><p><a href="https://example.com/x">a link</a></p>').write_pdf()


def test_an_uploaded_pdf_report_follows_the_supplement_page_by_page(db):
    supplement = _with_copy(
        _import(example("periodic-report-attached.json")), _pdf_with_link("QUARTERLY REPORT PAGE ONE"), "q1.pdf"
    )
    renditions = rendering.render_all(supplement=supplement)
    pages = PdfReader(io.BytesIO(renditions["pdf"])).pages
    assert "QUARTERLY REPORT PAGE ONE" in pages[-1].extract_text()
    assert "QUARTERLY REPORT PAGE ONE" not in "".join(p.extract_text() for p in pages[:-1])
    assert "/Annots" not in pages[-1] and b"example.com" not in renditions["pdf"]
    assert "The pages of the report follow the last page of this prospectus supplement." in normalize(
        "".join(p.extract_text() for p in pages[:-1])
    )
    for format in ("txt", "html"):
        visible = renditions[format].decode("utf-8")
        assert "QUARTERLY REPORT PAGE ONE" in visible and "pages of the report follow" not in visible
    assert rendering.render_all(supplement=supplement) == renditions  # the same records give the same bytes


def test_an_encrypted_pdf_copy_cannot_be_rendered(db):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_with_link("SECRET"))))
    writer.encrypt("password")
    locked = io.BytesIO()
    writer.write(locked)
    supplement = _with_copy(_import(example("periodic-report-attached.json")), locked.getvalue(), "q1.pdf")
    with pytest.raises(rendering.RenderError, match="encrypted PDF"):
        rendering.render(supplement=supplement, format="txt")


def test_without_a_copy_the_report_is_named_and_nothing_is_invented(db):
    text = _text(_import(example("periodic-report-attached.json")))
    assert (
        "Form 10-Q. Period ended March 31, 2019. Filed with the SEC on May 14, 2019. Accession number "
        "0009901001-19-000013. The text of the report is not reproduced in this document." in text
    )


# -- hostile record text in the new records ----------------------------------------------------------------------


def test_hostile_text_in_events_and_statements_renders_as_literal_text(db):
    data = example("financial-statements.json")
    _supplement_of(data)["financial_statements"][0]["body"] = "<script>alert(1)</script>\nCash    $ 1"
    _supplement_of(data)["sections"][0]["heading"] = '<img src="file:///etc/passwd">'
    renditions = rendering.render_all(supplement=_import(data))
    html = renditions["html"].decode("utf-8")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert '<img src="file:///etc/passwd">' in renditions["txt"].decode("ascii")
    assert text_problems(renditions["txt"]) == []


# -- the page numbers ----------------------------------------------------------------------------------------------


def test_the_page_number_prefix_is_a_setting(db, settings):
    supplement = _import(example("events.json"))
    settings.PORTAL_SUPPLEMENT_PAGE_PREFIX = "Page S-"
    pages = PdfReader(io.BytesIO(rendering.render(supplement=supplement, format="pdf"))).pages
    assert [normalize(p.extract_text()).endswith(f"Page S-{i}") for i, p in enumerate(pages, 1)] == [True] * len(pages)
    settings.PORTAL_SUPPLEMENT_PAGE_PREFIX = 'S-" counter(pages) "'
    with pytest.raises(rendering.RenderError, match="PORTAL_SUPPLEMENT_PAGE_PREFIX"):
        rendering.render(supplement=supplement, format="pdf")


# -- queries ---------------------------------------------------------------------------------------------------------


def _queries(supplement: Supplement) -> int:
    with CaptureQueriesContext(connection) as captured:
        context.build_context(supplement=supplement)
    return len(captured)


def _draft(data: dict) -> dict:
    """The example with its supplement as a draft, which a later import may change."""
    data = copy.deepcopy(data)
    _supplement_of(data).update(filed=False, filed_on=None, accession_number=None)
    return data


def _doubled(data: dict) -> dict:
    """Every content row of the supplement twice over (holders renamed so the table stays well formed)."""
    data = _draft(data)
    supplement = _supplement_of(data)
    for table in supplement["holder_tables"]:
        table["rows"] += [dict(row, name=row["name"] + " II") for row in table["rows"] if row["change"] != "removed"]
    for key in ("events", "financial_statements", "sections"):
        supplement[key] = supplement[key] * 2
    return data


@pytest.mark.parametrize(
    "name", ["holder-table-amendment.json", "holder-table-restatement.json", "events.json", "financial-statements.json"]
)
def test_the_queries_do_not_grow_with_the_rows(db, name):
    def rows(supplement: Supplement) -> int:
        bundle = selectors.supplement_bundle(supplement)
        tables = sum(len(t.rows.all()) for t in bundle.holder_tables)
        return tables + len(bundle.events) + len(bundle.financial_statements) + len(bundle.sections)

    once = _import(_draft(example(name)))
    queries, count = _queries(once), rows(once)
    twice = _import(_doubled(example(name)))
    assert rows(twice) > count
    assert _queries(twice) == queries


def test_an_html_report_in_pre_keeps_its_columns_and_one_column_tables_are_paragraphs():
    blocks = html_blocks(
        "<html><body><pre>QUARTERLY REPORT\n\nRevenue      $ 318,750    $ 241,200\nNet loss   $(244,720)</pre>"
        "<table><tr><td>" + "A long paragraph laid out in a table cell. " * 20 + "</td></tr></table></body></html>"
    )
    assert blocks[0] == Paragraph("QUARTERLY REPORT")
    assert blocks[1] == Preformatted(["Revenue      $ 318,750    $ 241,200", "Net loss   $(244,720)"])
    assert isinstance(blocks[2], Paragraph) and blocks[2].text.startswith("A long paragraph laid out")
