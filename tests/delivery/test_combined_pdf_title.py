"""The combined package PDF names the package, not its last document, and claims no tagging it lacks."""

import io

import pytest
from pypdf import PdfReader, PdfWriter

from delivery import files, selectors
from delivery.models import DocumentKind
from delivery.services.packages import attach_report_document, publish_package
from safety.weasy import html_to_pdf
from tests import factories
from tests.actors import TEST_ACTOR

from .conftest import approved_supplement, pdf_bytes

HEADING = "Bestnet Communications Corp.: prospectus package v1, Registration No. 333-105026"


def _titled_pdf(title: str, *, pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": title, "/Author": "Someone else"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _combined(parts) -> PdfReader:
    cover = files.cover_pdf(heading=HEADING, lines=[(title, "2003-06-01", "0" * 64) for title, _ in parts])
    return PdfReader(io.BytesIO(files.combined_pdf(title=HEADING, cover=cover, parts=parts)))


def test_the_title_is_the_package_heading_even_when_the_last_document_has_its_own():
    reader = _combined([("Prospectus", pdf_bytes(pages=2)), ("Annual report 2002", _titled_pdf("10-K 2002"))])
    assert reader.metadata.title == HEADING
    assert reader.metadata.author is None
    assert "/Metadata" not in reader.trailer["/Root"]  # no XMP title of another document for a viewer to prefer


def test_the_viewer_shows_the_title_and_the_language_is_english():
    root = _combined([("Prospectus", pdf_bytes())]).trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/Lang"] == "en-US"


def test_pages_are_labelled_per_document():
    reader = _combined([("Prospectus", pdf_bytes(pages=2)), ("Supplement No. 1", pdf_bytes(pages=1))])
    cover_pages = len(reader.pages) - 3
    assert reader.page_labels == [f"Cover-{n}" for n in range(1, cover_pages + 1)] + ["1-1", "1-2", "2-1"]


def test_the_merged_file_is_marked_untagged_even_when_a_part_was_tagged():
    tagged = html_to_pdf(
        "<!doctype html><html lang='en'><title>Supplement</title><p>Tagged text.</p></html>",
        pdf_variant="pdf/ua-1",
    )
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(tagged)).trailer["/Root"]
    reader = _combined([("Supplement No. 1", tagged)])
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == False  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" not in root
    assert all("/StructParents" not in page for page in reader.pages)


@pytest.mark.django_db
def test_a_published_package_whose_last_report_has_title_metadata_is_titled_for_the_package():
    prospectus = factories.ProspectusFactory()
    registration = prospectus.registration_statement
    from delivery.services.packages import attach_prospectus_document

    attach_prospectus_document(actor=TEST_ACTOR, prospectus=prospectus, name="prospectus.pdf", data=pdf_bytes(pages=2))
    report = factories.PeriodicReportFactory(issuer=registration.issuer)
    attach_report_document(
        actor=TEST_ACTOR, report=report, name=f"{report.key}.pdf", data=_titled_pdf("Form 10-K, not the package")
    )
    approved_supplement(prospectus, number=1, enclosed=[report])
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    documents = selectors.package_documents(package_version=version)
    assert documents[-2].kind == DocumentKind.REPORT
    with documents[-1].file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert reader.metadata.title == (
        f"{registration.issuer.name}: prospectus package v1, Registration No. {registration.file_number}"
    )
