"""Heavy conversions in the task worker (issue 12): the admin queues a publish job and returns at once; the job's
page shows its progress and result; a conversion past its time or memory limit fails the job with the reason."""

import pytest
from django.urls import reverse

from delivery.models import Delivery, PackageVersion, PublishJob, PublishJobStatus
from delivery.services import jobs
from delivery.services.packages import attach_prospectus_document
from tests import factories
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration

pytestmark = pytest.mark.django_db
PUBLISH = "/admin/delivery/packageversion/publish/"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def job_page(admin_client, job) -> str:
    return admin_client.get(reverse("admin:delivery_packageversion_publish_job", args=[job.pk])).content.decode()


def text_prospectus(registration, text: str = "PROSPECTUS\n\nRisk factors.\n") -> None:
    attach_prospectus_document(
        actor=TEST_ACTOR, prospectus=registration.prospectuses.get(), name="prospectus.txt", data=text.encode()
    )


def test_publishing_in_the_admin_returns_at_once_with_a_queued_job(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS  # a worker that never comes: the request must not wait for the publish
    registration = make_registration(investors=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(f"{PUBLISH}?registration={registration.pk}", {"send": ""})
    job = PublishJob.objects.get(registration_statement=registration)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:delivery_packageversion_publish_job", args=[job.pk])
    assert len(callbacks) == 1  # the task is enqueued once the job is committed
    assert job.status == PublishJobStatus.QUEUED and job.requested_by.username == "admin"
    assert not PackageVersion.objects.exists()
    page = job_page(admin_client, job)
    assert 'data-status="queued"' in page and "Waiting for the task worker" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "<script" not in page.split("</head>")[0].split("<meta http-equiv")[1]


def test_the_worker_runs_the_job_and_the_page_shows_the_version(admin_client, settings):
    settings.TASKS = DUMMY_TASKS
    registration = make_registration(investors=2)
    job = jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=False)
    assert jobs.run_publish_job(job_id=job.pk) == PublishJobStatus.DONE
    job.refresh_from_db()
    version = PackageVersion.objects.get(registration_statement=registration)
    assert job.package_version == version and job.finished_at and job.progress == "Published package v1."
    page = job_page(admin_client, job)
    assert 'data-status="done"' in page
    assert f'href="/admin/delivery/packageversion/{version.pk}/change/"' in page
    assert "http-equiv" not in page
    assert jobs.run_publish_job(job_id=job.pk) == PublishJobStatus.DONE  # a task run twice changes nothing
    assert PackageVersion.objects.count() == 1


def test_the_job_page_shows_the_step_the_worker_is_on(admin_client):
    registration = make_registration()
    job = factories_job(registration)
    jobs.update_publish_job(
        actor=TEST_ACTOR, job=job, status=PublishJobStatus.RUNNING, progress="Converting document 2 of 3 to PDF: X"
    )
    page = job_page(admin_client, job)
    assert 'data-status="running"' in page and "Converting document 2 of 3 to PDF: X" in page
    assert '<meta http-equiv="refresh"' in page


def factories_job(registration) -> PublishJob:
    from django.utils import timezone

    job = PublishJob(registration_statement=registration, requested_at=timezone.now())
    job.save()
    return job


def test_the_steps_of_a_job_are_reported_in_order(settings, monkeypatch):
    settings.TASKS = DUMMY_TASKS
    registration = make_registration()
    text_prospectus(registration)
    steps = []
    real = jobs.update_publish_job

    def recording(**kwargs):
        if "progress" in kwargs:
            steps.append(kwargs["progress"])
        return real(**kwargs)

    monkeypatch.setattr(jobs, "update_publish_job", recording)
    job = jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=False)
    jobs.run_publish_job(job_id=job.pk)
    assert steps[0] == "Started"
    assert steps[1] == "Reading and checking the documents"
    assert steps[2].startswith("Converting document 1 of 3 to PDF: Prospectus dated")
    assert steps[3].startswith("Converting document 3 of 3 to PDF: Quarterly Report")  # the report copy is text
    assert steps[4:] == ["Combining 3 documents into one PDF", "Storing the package", "Published package v1."]


def test_a_conversion_past_the_time_limit_fails_the_job_naming_the_document(admin_client, settings):
    settings.TASKS = DUMMY_TASKS
    settings.PORTAL_CONVERT_TIMEOUT_SECONDS = 1
    registration = make_registration()
    text_prospectus(registration, "A line of the prospectus, some 1,700 pages of them.\n" * 100_000)
    name = registration.prospectuses.get().document.name.rsplit("/", 1)[-1]
    job = jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=False)
    assert jobs.run_publish_job(job_id=job.pk) == PublishJobStatus.FAILED
    job.refresh_from_db()
    assert job.error == f"{name}: conversion stopped after 1 s (PORTAL_CONVERT_TIMEOUT_SECONDS)."
    assert not PackageVersion.objects.exists()
    page = job_page(admin_client, job)
    assert 'data-status="failed"' in page and "Nothing was published" in page
    assert f"{name}: conversion stopped after 1 s" in page


def test_a_conversion_past_the_memory_limit_fails_the_job_with_the_reason(settings):
    settings.TASKS = DUMMY_TASKS
    settings.PORTAL_CONVERT_MEMORY_MB = 150  # far less than laying out some 1,700 pages needs
    registration = make_registration()
    text_prospectus(registration, "A line of the prospectus.\n" * 100_000)
    name = registration.prospectuses.get().document.name.rsplit("/", 1)[-1]
    job = jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=False)
    jobs.run_publish_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == PublishJobStatus.FAILED
    assert job.error.startswith(
        f"{name}: conversion stopped: it needed more than 150 MB of memory (PORTAL_CONVERT_MEMORY_MB)"
    )
    assert not PackageVersion.objects.exists()


def test_a_refused_publish_fails_the_job_with_the_refusal(settings):
    settings.TASKS = DUMMY_TASKS
    registration = make_registration()
    factories.SupplementFactory(prospectus=registration.prospectuses.get(), number=7)
    job = jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=False)
    jobs.run_publish_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == PublishJobStatus.FAILED and "Supplement No. 7" in job.error


def test_a_second_publish_is_refused_while_one_is_queued(admin_client, settings):
    settings.TASKS = DUMMY_TASKS
    registration = make_registration()
    first = jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=False)
    response = admin_client.post(f"{PUBLISH}?registration={registration.pk}", {"send": ""})
    assert response.status_code == 200
    assert f"Publish job {first.pk} for {registration.file_number} is queued" in response.content.decode()
    assert PublishJob.objects.count() == 1


def test_postal_deliveries_of_a_finished_job_get_their_links_shown_once(admin_client, client, settings):
    settings.TASKS = DUMMY_TASKS
    registration = make_registration(investors=1)
    factories.InvestorFactory(registration_statement=registration, email=None, postal_address="9 Elm St")
    job = jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=True)
    jobs.run_publish_job(job_id=job.pk)
    job.refresh_from_db()
    page = job_page(admin_client, job)
    assert "1 delivery by post or in person needs a personal link" in page
    links_page = admin_client.post(
        reverse("admin:delivery_packageversion_publish_job", args=[job.pk]), {"show_links": "1"}
    ).content.decode()
    url = links_page.split("<code>")[1].split("</code>")[0]
    assert client.get(url.replace("http://127.0.0.1:8000", "")).status_code == 200
    assert Delivery.objects.filter(package_version=job.package_version).count() == 2
