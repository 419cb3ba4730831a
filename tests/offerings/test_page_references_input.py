"""Page references in the admin: one "Section title: page" line per section, stored as the same JSON object.

A bad line is refused naming its number and the problem; a report a supplement states keeps them read-only.
"""

import pytest
from django.core.exceptions import ValidationError

from offerings.admin_widgets import PageReferencesField, parse_page_references
from offerings.models import PeriodicReport, Prospectus
from tests import factories
from tests.offerings.test_admin_records import admin_url, page_data
from tests.workflow import approve_for_test

pytestmark = pytest.mark.django_db


def test_the_text_parses_to_the_stored_object_in_order_and_a_title_may_hold_a_colon():
    text = "Risk Factors: 7\n\n  Note: Selling Stockholders : 23  \r\nPlan of Distribution:100000\n"
    assert list(parse_page_references(text).items()) == [
        ("Risk Factors", 7),
        ("Note: Selling Stockholders", 23),
        ("Plan of Distribution", 100000),
    ]
    assert parse_page_references("  \n") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Risk Factors: 7\nSelling Stockholders 23", 'Line 2: write "Section title: page"'),
        ("Risk Factors: 7\n\n: 12", "Line 3: the section title is missing"),
        ("Risk Factors: S-3", "Line 1: page must be a whole number from 1 to 100,000"),
        ("Risk Factors: 0", "Line 1: page must be a whole number"),
        ("Risk Factors: 100001", "Line 1: page must be a whole number"),
        ("Risk Factors: \u0661\u0662", "Line 1: page must be a whole number"),
        ("Risk Factors:", "Line 1: page must be a whole number"),
        ("Risk Factors: 7\nRisk Factors: 9", "Line 2: section 'Risk Factors' is already listed"),
    ],
)
def test_a_bad_line_is_refused_naming_the_line_and_the_problem(text, message):
    form_field = PageReferencesField()
    with pytest.raises(Exception) as refused:
        form_field.clean(text)
    assert message in " ".join(refused.value.messages)


def test_the_field_shows_the_stored_object_as_lines_and_sees_no_change_in_the_same_text():
    form_field = PageReferencesField()
    stored = {"Risk Factors": 5, "Selling Stockholders": 20}
    assert form_field.prepare_value(stored) == "Risk Factors: 5\nSelling Stockholders: 20"
    assert not form_field.has_changed(stored, "Risk Factors: 5\r\nSelling Stockholders: 20\r\n")
    assert form_field.has_changed(stored, "Risk Factors: 6\nSelling Stockholders: 20")


def test_the_prospectus_add_and_change_forms_round_trip_the_page_references(admin_client):
    registration = factories.RegistrationStatementFactory()
    page = admin_client.get(admin_url(Prospectus, "add"))
    data = page_data(page)
    data.update(
        registration_statement=str(registration.pk),
        dated_on="2020-05-01",
        page_references="Risk Factors: 7\nSelling Stockholders: 23",
    )
    response = admin_client.post(admin_url(Prospectus, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    prospectus = Prospectus.objects.get(registration_statement=registration)
    assert prospectus.page_references == {"Risk Factors": 7, "Selling Stockholders": 23}

    url = admin_url(Prospectus, "change", prospectus.pk)
    page = admin_client.get(url)
    assert "Risk Factors: 7\nSelling Stockholders: 23" in page.content.decode()
    response = admin_client.post(url, page_data(page))  # posted back unchanged
    assert response.status_code == 302, response.context["adminform"].form.errors
    prospectus.refresh_from_db()
    assert prospectus.page_references == {"Risk Factors": 7, "Selling Stockholders": 23}


def test_the_report_change_form_refuses_a_bad_line_and_keeps_the_stored_references(admin_client):
    report = factories.PeriodicReportFactory(page_references={"Financial Statements": 3})
    url = admin_url(PeriodicReport, "change", report.pk)
    data = page_data(admin_client.get(url))
    data["page_references"] = "Financial Statements: 3\nControls and Procedures: twenty"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["page_references"]
    assert any(error.startswith("Line 2: page must be a whole number") for error in errors)
    report.refresh_from_db()
    assert report.page_references == {"Financial Statements": 3}
    data["page_references"] = "Financial Statements: 3\nControls and Procedures: 20"
    assert admin_client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.page_references == {"Financial Statements": 3, "Controls and Procedures": 20}


def test_a_filed_reports_page_references_stay_read_only(admin_client):
    attachment = factories.SupplementAttachmentFactory()
    report = attachment.report
    report.page_references = {"Financial Statements": 3}
    report.save()
    approve_for_test(attachment.supplement)
    url = admin_url(PeriodicReport, "change", report.pk)
    page = admin_client.get(url)
    assert "page_references" not in page.context["adminform"].form.fields
    data = page_data(page)
    data["page_references"] = "Financial Statements: 99"
    admin_client.post(url, data)
    report.refresh_from_db()
    assert report.page_references == {"Financial Statements": 3}


def test_the_correction_page_takes_page_references_as_lines_and_refuses_a_bad_line(admin_client):
    attachment = factories.SupplementAttachmentFactory()
    report = attachment.report
    report.page_references = {"Financial Statements": 3}
    report.save()
    approve_for_test(attachment.supplement)
    url = admin_url(PeriodicReport, "correct", report.pk)
    page = admin_client.get(url)
    assert "Financial Statements: 3" in page.content.decode()
    data = {
        "form": report.form,
        "period_end": str(report.period_end),
        "filed_on": str(report.filed_on),
        "accession_number": report.accession_number,
        "reason": "The 10-Q's financial statements start on page 4.",
    }
    refused = admin_client.post(url, {**data, "page_references": "Financial Statements: four"})
    assert refused.status_code == 200
    assert "Line 1: page must be a whole number" in str(refused.context["form"].errors["page_references"])
    done = admin_client.post(url, {**data, "page_references": "Financial Statements: 4"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.page_references == {"Financial Statements": 4}


def test_a_page_of_thousands_of_digits_is_refused_naming_the_line_not_a_crash():
    with pytest.raises(ValidationError, match="Line 1: page must be a whole number"):
        parse_page_references("Risk Factors: " + "9" * 5000)
