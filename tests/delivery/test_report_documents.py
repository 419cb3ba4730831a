"""The delivery report lists, per package version, its documents in order with their SHA-256, then the deliveries."""

import csv
import io

import pytest
from pypdf import PdfReader

from delivery import reports, selectors
from delivery.models import DocumentKind, PackageDocument
from delivery.services.links import create_deliveries
from delivery.services.packages import attach_prospectus_document, publish_package
from tests.actors import TEST_ACTOR
from tests.security.test_uploaded_documents import hostile_pdf

from .conftest import make_registration, pdf_bytes
from .test_commands import run

pytestmark = pytest.mark.django_db


def _tables(report: str) -> tuple[list[dict], list[dict]]:
    documents, deliveries = report.split("\n\n", 1)
    return list(csv.DictReader(io.StringIO(documents))), list(csv.DictReader(io.StringIO(deliveries)))


def _two_versions():
    """v1 with a clean prospectus, v2 with one from which active content was removed; deliveries of v2."""
    registration = make_registration(investors=2)
    first = publish_package(actor=TEST_ACTOR, registration=registration)
    prospectus = registration.prospectuses.get()
    attach_prospectus_document(actor=TEST_ACTOR, prospectus=prospectus, name="prospectus.pdf", data=hostile_pdf())
    second = publish_package(actor=TEST_ACTOR, registration=registration)
    create_deliveries(actor=TEST_ACTOR, package_version=second)
    return registration, first, second


def test_the_csv_lists_every_versions_documents_in_order_then_the_deliveries_as_before():
    registration, first, second = _two_versions()
    documents, deliveries = _tables(reports.csv_report(registration=registration))
    expected = [
        (
            str(version.number),
            str(d.position),
            d.title,
            d.dated_on.isoformat() if d.dated_on else "",
            str(d.size),
            d.sha256,
        )
        for version in (second, first)
        for d in selectors.package_documents(package_version=version)
    ]
    assert [
        (row["package_version"], row["position"], row["title"], row["date"], row["size_bytes"], row["sha256"])
        for row in documents
    ] == expected
    assert documents[0]["kind"] == "Prospectus" and documents[-1]["kind"] == "Combined PDF of the whole package"
    assert list(deliveries[0]) == reports.COLUMNS
    assert len(deliveries) == 2


def test_the_uploaded_files_sha256_is_listed_where_active_content_was_removed():
    registration, first, second = _two_versions()
    sanitized = second.documents.get(kind=DocumentKind.PROSPECTUS)
    assert sanitized.original_sha256
    documents, _ = _tables(reports.csv_report(registration=registration))
    uploaded = {(row["package_version"], row["sha256"]): row["uploaded_sha256"] for row in documents}
    assert uploaded[("2", sanitized.sha256)] == sanitized.original_sha256
    clean = first.documents.get(kind=DocumentKind.PROSPECTUS)
    assert uploaded[("1", clean.sha256)] == ""


def test_document_cells_are_neutralised_as_spreadsheet_formulas():
    registration = make_registration()
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    PackageDocument.objects.filter(package_version=version, position=1).update(title="=HYPERLINK(1)")
    documents, _ = _tables(reports.csv_report(registration=registration))
    assert documents[0]["title"] == "'=HYPERLINK(1)"


def test_a_registration_without_a_package_has_an_empty_documents_table():
    registration = make_registration()
    documents, deliveries = _tables(reports.csv_report(registration=registration))
    assert documents == [] and deliveries == []


def test_the_pdf_report_lists_each_documents_sha256_and_the_uploaded_ones():
    registration, first, second = _two_versions()
    reader = PdfReader(io.BytesIO(reports.pdf_report(registration=registration)))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")
    for version in (first, second):
        for document in selectors.package_documents(package_version=version):
            assert document.sha256 in text
    assert second.documents.get(kind=DocumentKind.PROSPECTUS).original_sha256 in text
    assert text.index("Packageversion2") < text.index("Packageversion1") < text.index("Deliveries")


def test_the_command_writes_the_documents_table():
    registration = make_registration()
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    out, _ = run("delivery_report", registration.file_number, "--format", "csv")
    documents, _ = _tables(out)
    assert out.startswith(",".join(reports.DOCUMENT_COLUMNS))
    assert [row["sha256"] for row in documents] == [
        d.sha256 for d in selectors.package_documents(package_version=version)
    ]


def test_a_new_version_of_the_prospectus_is_listed_under_its_own_version():
    registration = make_registration()
    publish_package(actor=TEST_ACTOR, registration=registration)
    attach_prospectus_document(
        actor=TEST_ACTOR, prospectus=registration.prospectuses.get(), name="prospectus.pdf", data=pdf_bytes(pages=4)
    )
    publish_package(actor=TEST_ACTOR, registration=registration)
    documents, _ = _tables(reports.csv_report(registration=registration))
    assert [row["package_version"] for row in documents if row["position"] == "1"] == ["2", "1"]
