import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from delivery.models import Delivery, DeliveryStatus, PackageVersion
from delivery.services.links import create_deliveries
from offerings.models import Investor
from tests import factories
from tests.actors import TEST_ACTOR

from .conftest import make_registration, pdf_bytes

PUBLISH = "/admin/delivery/packageversion/publish/"
REPORT = "/admin/delivery/delivery/report/"


def test_staff_publish_a_package_in_the_admin_uploading_the_prospectus(
    admin_client, db, mailoutbox, django_capture_on_commit_callbacks
):
    registration = make_registration(investors=2)
    prospectus = registration.prospectuses.get()
    prospectus.document = ""
    prospectus.save()
    page = admin_client.get(PUBLISH, {"registration": registration.pk})
    assert "has no file" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"{PUBLISH}?registration={registration.pk}",
            {"prospectus_file": SimpleUploadedFile("p.pdf", pdf_bytes(pages=2)), "send": "on"},
        )
    version = PackageVersion.objects.get(registration_statement=registration)
    assert response.status_code == 302  # to the publish job's page; the ImmediateBackend ran the job inline
    job_page = admin_client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in job_page
    assert f"/admin/delivery/packageversion/{version.pk}/change/" in job_page
    assert Delivery.objects.filter(package_version=version, status=DeliveryStatus.SENT).count() == 2
    assert len(mailoutbox) == 2


def test_the_admin_shows_why_a_package_cannot_be_published_and_changes_nothing(admin_client, db):
    registration = make_registration()
    factories.SupplementFactory(prospectus=registration.prospectuses.get(), number=7)
    response = admin_client.post(f"{PUBLISH}?registration={registration.pk}", {})
    assert response.status_code == 200
    assert "Supplement No. 7" in response.content.decode()
    assert not PackageVersion.objects.exists()


def test_not_opened_after_n_days_lists_only_old_unopened_deliveries_and_resend_queues_them(
    admin_client, package, mailoutbox, django_capture_on_commit_callbacks
):
    links = create_deliveries(actor=TEST_ACTOR, package_version=package)
    old, recent, opened = (link.delivery for link in links)
    long_ago = timezone.now() - datetime.timedelta(days=10)
    Delivery.objects.filter(pk__in=[old.pk, opened.pk]).update(sent_at=long_ago, status=DeliveryStatus.SENT)
    Delivery.objects.filter(pk=recent.pk).update(sent_at=timezone.now(), status=DeliveryStatus.SENT)
    Delivery.objects.filter(pk=opened.pk).update(first_opened_at=timezone.now(), status=DeliveryStatus.OPENED)
    changelist = admin_client.get("/admin/delivery/delivery/", {"not_opened_days": "7"})
    assert list(changelist.context["cl"].queryset) == [old]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/delivery/delivery/?not_opened_days=7",
            {"action": "resend_notices", "_selected_action": [old.pk]},
        )
    assert [m.to for m in mailoutbox] == [[old.recipient_email]]


def test_revoke_and_reissue_actions(admin_client, client, package):
    link = create_deliveries(actor=TEST_ACTOR, package_version=package)[0]
    admin_client.post("/admin/delivery/delivery/", {"action": "revoke_links", "_selected_action": [link.delivery.pk]})
    assert client.get(f"/d/{link.token}/").status_code == 404
    page = admin_client.post(
        "/admin/delivery/delivery/", {"action": "reissue_links", "_selected_action": [link.delivery.pk]}
    ).content.decode()
    new_url = page.split("<code>")[1].split("</code>")[0]
    assert client.get(new_url.replace("http://127.0.0.1:8000", "")).status_code == 200


def test_delivery_report_downloads_as_csv_and_pdf(admin_client, package):
    create_deliveries(actor=TEST_ACTOR, package_version=package)
    registration = package.registration_statement
    csv_response = admin_client.get(
        "/admin/delivery/delivery/report/", {"registration": registration.pk, "format": "csv"}
    )
    documents, deliveries = csv_response.content.decode().split("\n\n", 1)  # the documents, then the deliveries
    assert len(documents.splitlines()) == 1 + package.documents.count()
    lines = deliveries.splitlines()
    assert lines[0].startswith("package_version,recipient,email")
    assert len(lines) == 1 + 3
    pdf_response = admin_client.get(
        "/admin/delivery/delivery/report/", {"registration": registration.pk, "format": "pdf"}
    )
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF-")


def test_csv_import_in_the_admin_rejects_a_bad_file_with_line_numbers(admin_client, registration):
    before = Investor.objects.count()
    data = b"name,email,postal_address\nGood Person,good@example.com,\n,missing@example.com,\n"
    response = admin_client.post(
        "/admin/delivery/delivery/import-investors/",
        {"registration": registration.pk, "csv_file": SimpleUploadedFile("i.csv", data)},
    )
    assert "line 3: name is missing" in response.content.decode()
    assert Investor.objects.count() == before
    data = b"name,email,postal_address\nGood Person,good@example.com,\n"
    response = admin_client.post(
        "/admin/delivery/delivery/import-investors/",
        {"registration": registration.pk, "csv_file": SimpleUploadedFile("i.csv", data)},
    )
    assert response.status_code == 302
    assert Investor.objects.filter(email="good@example.com", registration_statement=registration).exists()


def test_evidence_cannot_be_edited_or_deleted_in_the_admin(admin_client, package, client):
    link = create_deliveries(actor=TEST_ACTOR, package_version=package)[0]
    client.get(f"/d/{link.token}/")
    event = link.delivery.events.filter(kind="page_view").get()
    assert admin_client.get(f"/admin/delivery/deliveryevent/{event.pk}/delete/").status_code == 403
    page = admin_client.get(f"/admin/delivery/deliveryevent/{event.pk}/change/").content.decode()
    assert 'type="submit"' not in page or "Save" not in page
