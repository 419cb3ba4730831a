"""Uploaded documents are what they claim to be, and a package never holds the same bytes twice."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from delivery import files
from delivery.models import PackageVersion
from delivery.services.packages import attach_prospectus_document, attach_report_document, publish_package
from offerings.models import FiledRecordError
from tests import factories
from tests.actors import TEST_ACTOR

from .conftest import approved_supplement, make_registration, pdf_bytes

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><h1>Prospectus</h1><p>Risk factors.</p></body></html>"


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("prospectus.pdf", pdf_bytes(pages=2), files.PDF),
        ("Prospectus.PDF", pdf_bytes(), files.PDF),
        ("p.htm", HTML, files.HTML),
        ("p.html", "<p>Caf\u00e9 prospectus</p>".encode(), files.HTML),
        ("p.txt", b"PROSPECTUS\n\x0cPage 2\tRisk factors: a < b\r\n", files.TEXT),
        ("p.txt", "\ufeffUTF-8 with a byte-order mark".encode(), files.TEXT),
    ],
)
def test_a_file_that_is_what_its_name_claims_is_accepted(name, data, content_type):
    assert files.check_document(data=data, name=name, field="prospectus") == content_type


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("prospectus.pdf", b"Just text, named .pdf\n", "is not a PDF"),
        ("prospectus.pdf", pdf_bytes(pages=2)[:200], "is not a readable PDF"),
        ("prospectus.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "is not a readable PDF"),
        ("prospectus.pdf", encrypted_pdf(), "encrypted"),
        ("p.htm", b"Plain text without any markup, a < b.", "no HTML markup"),
        ("p.html", b"<p>caf\xe9</p>", "not UTF-8"),
        ("p.html", pdf_bytes(), "is a PDF; name it .pdf"),
        ("p.txt", b"binary\x00\x01\x02", "control character U+0000"),
        ("p.txt", pdf_bytes(), "is a PDF; name it .pdf"),
        ("p.txt", b"\xff\xfeW\x00o\x00r\x00d\x00", "not UTF-8"),
        ("p.txt", HTML, "is an HTML document"),
        ("p.txt", b"", "is empty"),
        ("p.docx", b"PK\x03\x04", "upload a PDF (.pdf), HTML (.htm, .html) or text (.txt)"),
        ("prospectus", b"no extension", "upload a PDF"),
    ],
)
def test_a_file_that_is_not_what_its_name_claims_is_refused_saying_why(name, data, reason):
    with pytest.raises(ValidationError) as caught:
        files.check_document(data=data, name=name, field="prospectus")
    [message] = caught.value.message_dict["prospectus"]
    assert reason in message
    assert name.rsplit("/", 1)[-1] in message


def test_attaching_a_false_pdf_stores_nothing():
    prospectus = factories.ProspectusFactory()
    with pytest.raises(ValidationError, match=r"p\.pdf is named \.pdf but is not a PDF"):
        attach_prospectus_document(actor=TEST_ACTOR, prospectus=prospectus, name="p.pdf", data=b"<html></html>")
    prospectus.refresh_from_db()
    assert not prospectus.document


def test_a_report_copy_with_the_prospectus_bytes_is_refused_naming_both():
    registration = make_registration(supplements=0)
    prospectus = registration.prospectuses.get()
    report = factories.PeriodicReportFactory(issuer=registration.issuer)
    approved_supplement(prospectus, number=1, enclosed=[report])
    with pytest.raises(ValidationError) as caught:
        attach_report_document(actor=TEST_ACTOR, report=report, name="r.pdf", data=pdf_bytes(pages=3))
    [message] = caught.value.message_dict[f"report {report.key}"]
    assert report.describe() in message and "Prospectus dated May 1, 2020" in message
    assert "same bytes" in message
    report.refresh_from_db()
    assert not report.document


def test_two_reports_with_the_same_bytes_are_refused_naming_both():
    registration = make_registration(supplements=0)
    prospectus = registration.prospectuses.get()
    first = factories.PeriodicReportFactory(issuer=registration.issuer, key="q1")
    second = factories.PeriodicReportFactory(issuer=registration.issuer, key="q2", form="10-K")
    approved_supplement(prospectus, number=1, enclosed=[first, second])
    attach_report_document(actor=TEST_ACTOR, report=first, name="q1.txt", data=b"Quarterly report\n")
    with pytest.raises(ValidationError) as caught:
        attach_report_document(actor=TEST_ACTOR, report=second, name="q2.txt", data=b"Quarterly report\n")
    [message] = caught.value.message_dict["report q2"]
    assert second.describe() in message and first.describe() in message


def test_publishing_refuses_the_same_bytes_twice_even_when_stored_before_the_rule(db):
    registration = make_registration(supplements=0)
    prospectus = registration.prospectuses.get()
    report = factories.PeriodicReportFactory(issuer=registration.issuer)
    with prospectus.document.open("rb") as handle:
        same = handle.read()
    attach_report_document(actor=TEST_ACTOR, report=report, name="r.pdf", data=same)  # not yet in any package
    approved_supplement(prospectus, number=1, enclosed=[report])
    with pytest.raises(ValidationError) as caught:
        publish_package(actor=TEST_ACTOR, registration=registration)
    [message] = caught.value.message_dict["package"]
    assert report.describe() in message and "Prospectus dated May 1, 2020" in message
    assert not PackageVersion.objects.exists()


def test_publishing_checks_the_stored_bytes_again(db):
    registration = make_registration()
    prospectus = registration.prospectuses.get()
    with prospectus.document.open("wb") as handle:  # the stored file changed behind the portal's back
        handle.write(b"not a pdf any more")
    with pytest.raises(ValidationError, match=r"is named \.pdf but is not a PDF"):
        publish_package(actor=TEST_ACTOR, registration=registration)
    assert not PackageVersion.objects.exists()


def test_the_copy_of_a_report_a_filed_supplement_delivers_is_uploaded_once(bestnet):
    annual = bestnet.issuer.periodic_reports.get(key="annual_2002")
    attach_report_document(actor=TEST_ACTOR, report=annual, name="10ksb.txt", data=b"Annual report 2002\n")
    with pytest.raises(FiledRecordError, match="July 16, 2003"):
        attach_report_document(actor=TEST_ACTOR, report=annual, name="10ksb.txt", data=b"Annual report, again\n")
    annual.refresh_from_db()
    assert annual.document.read() == b"Annual report 2002\n"


def test_the_publish_page_shows_why_an_upload_is_refused(admin_client):
    registration = make_registration()
    url = reverse("admin:delivery_packageversion_publish") + f"?registration={registration.pk}"
    page = admin_client.get(url)
    assert b'id="upload-rules"' in page.content
    response = admin_client.post(
        url, {"prospectus_file": SimpleUploadedFile("prospectus.pdf", b"Text, named .pdf\n"), "send": ""}
    )
    assert response.status_code == 200
    problems = response.content.decode().split('id="problems"', 1)[1]
    assert "Nothing was published or stored" in problems
    assert "prospectus.pdf is named .pdf but is not a PDF" in problems
    assert not PackageVersion.objects.exists()


def test_the_publish_page_shows_a_duplicate_naming_both_documents(admin_client):
    registration = make_registration()
    report = registration.issuer.periodic_reports.get()
    with report.document.open("rb") as handle:
        same = handle.read()
    url = reverse("admin:delivery_packageversion_publish") + f"?registration={registration.pk}"
    response = admin_client.post(url, {"prospectus_file": SimpleUploadedFile("prospectus.txt", same), "send": ""})
    problems = response.content.decode().split('id="problems"', 1)[1]
    assert "same bytes" in problems and report.describe() in problems
    assert not PackageVersion.objects.exists()
