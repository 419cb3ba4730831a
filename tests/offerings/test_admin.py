"""Staff screens: every page loads for staff, none for anonymous users; filed supplements stay read-only."""

import json

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offerings.dossier.upgrade import upgrade_v1
from offerings.models import PeriodicReport, RegistrationStatement, Supplement, SupplementStatus
from tests import factories
from tests.conftest import BESTNET_DOSSIER
from tests.workflow import approve_for_test

pytestmark = pytest.mark.django_db


def registered_models():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff(admin_client):
    return admin_client


@pytest.fixture
def draft(bestnet):
    prospectus = bestnet.prospectuses.get()
    return factories.SupplementFactory(prospectus=prospectus, dated_on=prospectus.dated_on.replace(year=2004))


def test_every_changelist_add_and_change_page_loads_for_staff(staff, admin_user, rf, bestnet, draft):
    factories.SellingStockholderFactory(registration_statement=bestnet)
    factories.InvestorFactory(registration_statement=bestnet)
    bestnet.amendments.create(kind="post_effective", filed_on="2003-12-01")
    checked = 0
    request = rf.get("/")
    request.user = admin_user
    for model, model_admin in registered_models():
        assert staff.get(admin_url(model, "changelist")).status_code == 200, model
        if model_admin.has_add_permission(request):  # e.g. task results are written by the worker only
            assert staff.get(admin_url(model, "add")).status_code == 200, model
        obj = model.objects.first()
        if obj is not None:
            assert staff.get(admin_url(model, "change", obj.pk)).status_code == 200, model
            checked += 1
    assert checked >= 13


def test_every_admin_page_redirects_anonymous_users_to_login(client, bestnet):
    for model, _ in registered_models():
        urls = [admin_url(model, "changelist"), admin_url(model, "add")]
        obj = model.objects.first()
        if obj is not None:
            urls.append(admin_url(model, "change", obj.pk))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.parametrize(
    "model_name",
    [
        "issuer",
        "security",
        "offering",
        "condition",
        "registrationstatement",
        "registeredamount",
        "amendment",
        "prospectus",
        "periodicreport",
        "supplement",
        "sellingstockholder",
        "investor",
    ],
)
def test_changelist_queries_do_not_grow_with_the_rows(staff, bestnet, model_name):
    url = reverse(f"admin:offerings_{model_name}_changelist")
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    prospectus = bestnet.prospectuses.get()
    for year in range(2004, 2014):
        issuer = factories.IssuerFactory()
        factories.PeriodicReportFactory(issuer=bestnet.issuer)
        factories.SupplementFactory(prospectus=prospectus, dated_on=prospectus.dated_on.replace(year=year))
        other = factories.RegistrationStatementFactory(issuer=issuer)
        factories.ProspectusFactory(registration_statement=other)
        other.amendments.create(kind="post_effective", filed_on=prospectus.dated_on.replace(year=year))
        warrant = factories.WarrantFactory(issuer=issuer)
        other.registered_amounts.create(security=warrant, amount=year)
        offering = factories.OfferingFactory(issuer=issuer)
        offering.unit_components.create(security=warrant, quantity=1)
        issuer.conditions.create(key=f"vote_{year}", description="A vote.").restricts.add(warrant)
        factories.SellingStockholderFactory(registration_statement=other)
        factories.InvestorFactory(registration_statement=other)
    with CaptureQueriesContext(connection) as many:
        staff.get(url)
    assert len(many) == len(few)


def test_filed_supplement_change_page_is_read_only(staff, bestnet):
    filed = Supplement.objects.get(status=SupplementStatus.FILED)
    response = staff.get(admin_url(Supplement, "change", filed.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="summary"' not in body
    assert 'name="_save"' not in body
    # A forged POST changes nothing.
    staff.post(admin_url(Supplement, "change", filed.pk), {"summary": "rewritten", "dated_on": "2003-07-16"})
    filed.refresh_from_db()
    assert filed.summary.startswith("Updates the list of documents")


def test_filed_supplement_delete_is_refused(staff, bestnet):
    filed = Supplement.objects.get(status=SupplementStatus.FILED)
    response = staff.post(admin_url(Supplement, "delete", filed.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Supplement.objects.filter(pk=filed.pk).exists()


def test_draft_supplement_is_editable_and_deletable(staff, draft):
    body = staff.get(admin_url(Supplement, "change", draft.pk)).content.decode()
    assert 'name="summary"' in body
    staff.post(admin_url(Supplement, "delete", draft.pk), {"post": "yes"})
    assert not Supplement.objects.filter(pk=draft.pk).exists()


def test_workflow_actions_move_a_supplement_through_review_to_approval(
    staff, draft, settings, django_capture_on_commit_callbacks
):
    changelist = admin_url(Supplement, "changelist")
    staff.post(changelist, {"action": "submit_for_review", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.REVIEW
    with django_capture_on_commit_callbacks(execute=True):  # the approval job, run by the in-process backend
        staff.post(changelist, {"action": "approve", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.APPROVED


def test_recording_a_filing_needs_an_accession_number_and_then_protects_the_supplement(staff, draft):
    approve_for_test(draft)
    url = reverse("admin:offerings_supplement_file", args=[draft.pk])
    response = staff.post(url, {"filed_on": "2004-07-16", "accession_number": "12-34"})
    assert response.status_code == 200
    assert "EDGAR accession number such as" in response.content.decode()
    staff.post(url, {"filed_on": "2004-07-16", "accession_number": "0000950147-04-000001"})
    draft.refresh_from_db()
    assert draft.status == SupplementStatus.FILED
    assert draft.accession_number == "0000950147-04-000001"


def test_dossier_upload_page_imports_a_dossier(staff):
    upload = SimpleUploadedFile("bestnet.json", BESTNET_DOSSIER.read_bytes(), content_type="application/json")
    response = staff.post(reverse("admin:offerings_registrationstatement_import"), {"dossier": upload})
    registration = RegistrationStatement.objects.get(file_number="333-105026")
    assert response.status_code == 302
    assert response["Location"] == admin_url(RegistrationStatement, "change", registration.pk)


def test_dossier_upload_page_lists_problems_and_imports_nothing(staff):
    document = json.loads(BESTNET_DOSSIER.read_text())
    document["registration_statement"]["file_number"] = "333-12"
    upload = SimpleUploadedFile("bad.json", json.dumps(document).encode(), content_type="application/json")
    response = staff.post(reverse("admin:offerings_registrationstatement_import"), {"dossier": upload})
    assert response.status_code == 200
    assert "$.registration_statement.file_number" in response.content.decode()
    assert not RegistrationStatement.objects.exists()


def test_registration_dossier_downloads_as_canonical_json(staff, bestnet, bestnet_data):
    response = staff.get(reverse("admin:offerings_registrationstatement_dossier", args=[bestnet.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="dossier-333-105026.json"'
    assert json.loads(response.content) == upgrade_v1(bestnet_data)


def test_adding_a_periodic_report_in_the_admin_drafts_the_incorporating_supplement(staff, bestnet):
    response = staff.post(
        admin_url(PeriodicReport, "add"),
        {
            "issuer": bestnet.issuer.pk,
            "key": "annual_2003",
            "form": "10-KSB",
            "period_end": "2003-08-31",
            "filed_on": "2003-11-26",
            "accession_number": "0000950147-03-001400",
            "page_references": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = PeriodicReport.objects.get(key="annual_2003")
    draft = Supplement.objects.get(incorporations__report=report)
    assert draft.status == SupplementStatus.DRAFT
    assert draft.prospectus.registration_statement == bestnet


def test_admin_index_leads_to_the_compliance_dashboard_and_calendar(staff):
    body = staff.get(reverse("admin:index")).content.decode()
    assert reverse("compliance:dashboard") in body
    assert reverse("compliance:calendar") in body
    assert reverse("admin:offerings_registrationstatement_import") in body


def test_registration_page_lists_its_compliance_findings(staff, bestnet):
    body = staff.get(admin_url(RegistrationStatement, "change", bestnet.pk)).content.decode()
    assert "57,500" in body  # REGISTERED_AMOUNT_UNRECONCILED names the unexplained shares
    assert "Download the dossier" in body


def test_a_draft_cannot_be_given_a_filing_date_through_the_edit_form(staff, draft):
    body = staff.get(admin_url(Supplement, "change", draft.pk)).content.decode()
    assert 'name="filed_on"' not in body
    assert 'name="accession_number"' not in body
