"""No file left behind by a failed publish (issue 12): whichever step fails, commit included, the media
directory holds the same files before and after, and a publish that commits keeps every file it stored."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.urls import reverse

from delivery.models import PackageDocument, PackageVersion, PublishJob, PublishJobStatus
from delivery.services import jobs, packages
from tests import factories
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration, pdf_bytes


def media_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


class Boom(Exception):
    pass


def fail_on_call(monkeypatch, target, name: str, call: int) -> None:
    """Make ``target.name`` raise on its ``call``-th call (1 is the first), after the earlier calls ran."""
    real = getattr(target, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise Boom(f"{name} failed on call {call}")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


# The package of make_registration(): the prospectus, a supplement, a report, then the combined PDF (4 stores).
FAILURES = {
    "storing the first document": ("_store_document", 1),
    "storing a later document": ("_store_document", 3),
    "storing the combined PDF": ("_store_document", 4),
    "the audit event after the files": ("record_event", 1),
}


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(FAILURES))
def test_a_publish_failing_at_any_step_leaves_the_media_directory_as_it_was(settings, monkeypatch, step):
    registration = make_registration()
    before = media_files(settings)
    name, call = FAILURES[step]
    fail_on_call(monkeypatch, packages, name, call)
    with pytest.raises(Boom):
        packages.publish_package(actor=TEST_ACTOR, registration=registration)
    assert media_files(settings) == before
    assert not PackageVersion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(FAILURES))
def test_a_publish_job_failing_at_any_step_fails_and_leaves_no_file(settings, monkeypatch, step):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    registration = make_registration()
    before = media_files(settings)
    name, call = FAILURES[step]
    fail_on_call(monkeypatch, packages, name, call)
    job = jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=False)
    assert jobs.run_publish_job(job_id=job.pk) == PublishJobStatus.FAILED
    job.refresh_from_db()
    assert "unexpected error (Boom); nothing was published" in job.error
    assert media_files(settings) == before


@pytest.mark.django_db(transaction=True)
def test_a_publish_whose_commit_fails_leaves_no_file(settings, monkeypatch):
    registration = make_registration()
    before = media_files(settings)

    def refuse_commit():
        raise DatabaseError("the database refused the commit")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "commit", refuse_commit)
        with pytest.raises(DatabaseError, match="refused the commit"):
            packages.publish_package(actor=TEST_ACTOR, registration=registration)
    assert media_files(settings) == before
    assert not PackageVersion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_publish_keeps_every_file_it_stored(settings):
    registration = make_registration()
    before = media_files(settings)
    version = packages.publish_package(actor=TEST_ACTOR, registration=registration)
    stored = sorted(d.file.name for d in PackageDocument.objects.filter(package_version=version))
    assert sorted(set(media_files(settings)) - set(before)) == stored
    assert len(stored) == 4


@pytest.mark.django_db
def test_an_upload_stored_before_the_request_fails_is_removed_again(admin_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    registration = make_registration()
    jobs.request_publish(actor=TEST_ACTOR, registration=registration, send=False)  # the new request is refused
    prospectus = registration.prospectuses.get()
    before, stored_before = media_files(settings), prospectus.document.name
    url = reverse("admin:delivery_packageversion_publish") + f"?registration={registration.pk}"
    response = admin_client.post(
        url, {"prospectus_file": SimpleUploadedFile("new.pdf", pdf_bytes(pages=5)), "send": ""}
    )
    assert "is queued; wait until it has finished" in response.content.decode()
    assert media_files(settings) == before
    prospectus.refresh_from_db()
    assert prospectus.document.name == stored_before
    assert PublishJob.objects.count() == 1


@pytest.mark.django_db
def test_the_command_removes_the_file_it_attached_when_publishing_is_refused(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    registration = make_registration()
    factories.SupplementFactory(prospectus=registration.prospectuses.get(), number=9)  # a draft: refused
    before = media_files(settings)
    path = tmp_path / "prospectus.pdf"
    path.write_bytes(pdf_bytes(pages=7))
    with pytest.raises(CommandError, match=r"Supplement No\. 9"):
        call_command("publish_package", registration.file_number, "--prospectus", str(path))
    assert media_files(settings) == before


def test_a_file_is_recorded_only_inside_a_file_storing_transaction():
    from delivery.services import filestore

    with pytest.raises(RuntimeError, match=r"inside delivery\.services\.filestore\.atomic"):
        filestore.stored(type("F", (), {"storage": None, "name": "x"})())
