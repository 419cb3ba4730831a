import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from delivery import files, selectors
from delivery.models import DocumentKind, PackageVersion
from delivery.services.packages import attach_prospectus_document, attach_report_document, publish_package
from offerings.files import sha256_hex
from offerings.models import SupplementStatus
from offerings.services.supplements import return_supplement_to_draft, submit_supplement_for_review
from tests import factories
from tests.actors import TEST_ACTOR

from .conftest import approved_supplement, make_registration, pdf_bytes


def test_publishing_freezes_a_manifest_whose_hashes_match_the_stored_bytes(package):
    documents = selectors.package_documents(package_version=package)
    kinds = [d.kind for d in documents]
    assert kinds == [DocumentKind.PROSPECTUS, DocumentKind.SUPPLEMENT, DocumentKind.REPORT, DocumentKind.COMBINED]
    for document in documents:
        with document.file.open("rb") as handle:
            data = handle.read()
        assert sha256_hex(data) == document.sha256
        assert len(data) == document.size
        assert document.file_name.startswith(f"{package.registration_statement.file_number}-v1-")
    assert documents[2].content_type == files.TEXT


def test_combined_pdf_has_a_bookmark_per_document_in_package_order(package):
    documents = selectors.package_documents(package_version=package)
    combined = documents[-1]
    with combined.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Contents of this package"] + [d.title for d in documents[:-1]]
    # cover + 3-page prospectus + 1-page supplement + the report rendered from text (at least one page)
    assert len(reader.pages) >= 1 + 3 + 1 + 1


def test_publishing_is_refused_without_the_prospectus_file(db):
    prospectus = factories.ProspectusFactory()
    with pytest.raises(ValidationError) as caught:
        publish_package(actor=TEST_ACTOR, registration=prospectus.registration_statement)
    assert "prospectus" in str(caught.value) and "no file" in str(caught.value)
    assert not PackageVersion.objects.exists()


def test_publishing_is_refused_without_any_prospectus(db):
    registration = factories.RegistrationStatementFactory()
    with pytest.raises(ValidationError, match="has no prospectus"):
        publish_package(actor=TEST_ACTOR, registration=registration)


@pytest.mark.parametrize("status", [SupplementStatus.DRAFT, SupplementStatus.REVIEW])
def test_publishing_is_refused_with_a_supplement_that_is_not_approved(db, status):
    registration = make_registration()
    prospectus = registration.prospectuses.get()
    draft = factories.SupplementFactory(prospectus=prospectus, number=9)
    if status == SupplementStatus.REVIEW:
        submit_supplement_for_review(actor=TEST_ACTOR, supplement=draft)
    with pytest.raises(ValidationError) as caught:
        publish_package(actor=TEST_ACTOR, registration=registration)
    assert "Supplement No. 9" in str(caught.value)
    assert "approve it" in str(caught.value)
    assert not PackageVersion.objects.exists()


def test_publishing_is_refused_when_an_enclosed_report_has_no_copy(db):
    registration = make_registration(supplements=0)
    report = factories.PeriodicReportFactory(issuer=registration.issuer, key="annual_x")
    approved_supplement(registration.prospectuses.get(), number=1, enclosed=[report])
    with pytest.raises(ValidationError, match="report annual_x"):
        publish_package(actor=TEST_ACTOR, registration=registration)


def test_an_unchanged_package_is_not_published_twice_but_a_new_supplement_makes_version_2(package):
    registration = package.registration_statement
    with pytest.raises(ValidationError, match="Nothing changed since package v1"):
        publish_package(actor=TEST_ACTOR, registration=registration)
    later = package.prospectus.dated_on.replace(year=2021)
    approved_supplement(registration.prospectuses.get(), number=2, dated_on=later)
    second = publish_package(actor=TEST_ACTOR, registration=registration)
    assert second.number == 2
    assert selectors.current_package(registration=registration) == second
    assert [d.title for d in selectors.package_documents(package_version=second)][:3] == [
        d.title for d in selectors.package_documents(package_version=package)
    ][:3]


def test_supplements_come_in_date_order_and_a_report_enclosed_twice_appears_once(db):
    registration = make_registration(supplements=0)
    prospectus = registration.prospectuses.get()
    import datetime

    report = factories.PeriodicReportFactory(issuer=registration.issuer)
    attach_report_document(actor=TEST_ACTOR, report=report, name="r.pdf", data=pdf_bytes())
    approved_supplement(prospectus, number=2, dated_on=datetime.date(2020, 9, 1), enclosed=[report])
    approved_supplement(prospectus, number=1, dated_on=datetime.date(2020, 8, 1), enclosed=[report])
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    titles = [d.title for d in selectors.package_documents(package_version=version)]
    assert titles[1].startswith("Prospectus Supplement No. 1 dated August 1, 2020")
    assert titles[2] == report.describe()
    assert titles[3].startswith("Prospectus Supplement No. 2")
    assert titles.count(report.describe()) == 1


def test_an_uploaded_file_that_is_not_pdf_html_or_text_is_refused_naming_the_field(db):
    prospectus = factories.ProspectusFactory()
    with pytest.raises(ValidationError) as caught:
        attach_prospectus_document(
            actor=TEST_ACTOR, prospectus=prospectus, name="p.docx", data=b"PK\x03\x04\x00\xff\xfe"
        )
    assert "prospectus" in caught.value.message_dict
    prospectus.refresh_from_db()
    assert not prospectus.document


def test_an_html_prospectus_is_delivered_as_html_and_rendered_into_the_combined_pdf(db):
    registration = make_registration(supplements=0)
    prospectus = registration.prospectuses.get()
    attach_prospectus_document(
        actor=TEST_ACTOR,
        prospectus=prospectus,
        name="p.htm",
        data=b"<html><body><h1>Prospectus</h1><p>Risk factors.</p></body></html>",
    )
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    documents = selectors.package_documents(package_version=version)
    assert documents[0].content_type == files.HTML
    assert documents[0].file_name.endswith(".html")
    with documents[-1].file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert "Risk factors." in "".join(page.extract_text() for page in reader.pages)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=400))
def test_served_bytes_equal_the_manifest_for_any_text_prospectus(client, registration, text):
    attach_prospectus_document(
        actor=TEST_ACTOR, prospectus=registration.prospectuses.get(), name="prospectus.txt", data=text.encode("utf-8")
    )
    try:
        version = publish_package(actor=TEST_ACTOR, registration=registration)
    except ValidationError as error:  # the same text as the version already published
        assert "Nothing changed" in str(error)
        return
    for document in selectors.package_documents(package_version=version):
        response = client.get(f"/offerings/{registration.file_number}/documents/{document.pk}/")
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256
    assert selectors.package_documents(package_version=version)[0].sha256 == sha256_hex(text.encode("utf-8"))


def test_a_supplement_in_a_published_package_cannot_return_to_draft(package):
    supplement = package.registration_statement.prospectuses.get().supplements.get()
    with pytest.raises(ValidationError, match="published delivery package version v1"):
        return_supplement_to_draft(actor=TEST_ACTOR, supplement=supplement)
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.APPROVED
    assert supplement.renditions.count() >= 1  # nothing was discarded
