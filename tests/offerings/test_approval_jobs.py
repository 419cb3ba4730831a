"""Approval renders in the task worker, not in the request: the admin checks the approval at once and queues a
job; the worker approves as the reviewer who asked, and a failure leaves the supplement in review with nothing
stored (offerings.services.approvals)."""

import datetime
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import LogEntry
from benchmarks import render_supplements
from documents import rendering
from documents.models import SupplementRendition
from offerings.dossier.importer import import_dossier
from offerings.models import (
    ApprovalJob,
    ApprovalJobStatus,
    Supplement,
    SupplementPartKind,
    SupplementSection,
    SupplementStatus,
)
from offerings.roles import sync_roles
from offerings.selectors import approvals as approval_selectors
from offerings.services import approvals
from offerings.services import supplements as supplement_services
from tests.actors import TEST_ACTOR
from tests.rendering import dossiers
from tests.worker import ROOT, worker_environment


def _reviewer(django_user_model, name: str = "counsel"):
    if not Group.objects.filter(name="Reviewer").exists():  # a transactional test after another flushed the roles
        sync_roles(django_apps)
    user = django_user_model.objects.create_user(name, password="a-long-pass-phrase-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewer"))
    return user


def _in_review() -> Supplement:
    registration = import_dossier(actor=TEST_ACTOR, data=dossiers.quarter_warrant_units_dossier()).registration
    supplement = Supplement.objects.get(prospectus__registration_statement=registration)
    return supplement_services.submit_supplement_for_review(actor=TEST_ACTOR, supplement=supplement)


@pytest.fixture
def in_review(db):
    return _in_review()


@pytest.fixture
def reviewer_client(client, django_user_model):
    reviewer = _reviewer(django_user_model)
    client.force_login(reviewer)
    client.reviewer = reviewer
    return client


def _approve_url(supplement: Supplement) -> str:
    return reverse("admin:offerings_supplement_approve", args=[supplement.pk])


def _page(client, supplement: Supplement) -> str:
    return client.get(reverse("admin:offerings_supplement_change", args=[supplement.pk])).content.decode()


def test_approving_in_the_admin_renders_nothing_in_the_request_and_the_worker_approves_as_the_reviewer(
    reviewer_client, in_review, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = reviewer_client.post(_approve_url(in_review), {"override_reason": ""})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == SupplementStatus.REVIEW  # nothing approved or rendered in the request
    assert not SupplementRendition.objects.exists()
    job = ApprovalJob.objects.get(supplement=in_review)
    assert (job.status, job.requested_by) == (ApprovalJobStatus.QUEUED, reviewer_client.reviewer)
    assert len(queued) == 1  # the task, enqueued once the job has committed

    page = _page(reviewer_client, in_review)
    assert 'id="approval-job" data-status="queued"' in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert 'data-step="approve" href' not in page  # approving again is blocked while the job is pending
    assert "the task worker is rendering and freezing the documents" in page

    queued[0]()  # the worker's turn (the in-process backend runs the task here)
    job.refresh_from_db()
    in_review.refresh_from_db()
    assert job.status == ApprovalJobStatus.DONE and job.finished_at is not None
    assert in_review.status == SupplementStatus.APPROVED
    assert SupplementRendition.objects.filter(supplement=in_review).count() == 3
    approved = LogEntry.objects.get(event="approved", object_pk=str(in_review.pk))
    assert approved.actor == reviewer_client.reviewer  # the reviewer's approval, not the worker's


def test_a_refused_approval_is_shown_at_once_and_queues_nothing(client, django_user_model, in_review):
    counsel = _reviewer(django_user_model)
    Supplement.objects.filter(pk=in_review.pk).update(changed_by=counsel)  # counsel last changed the draft
    client.force_login(counsel)
    response = client.post(_approve_url(in_review), {"override_reason": ""})
    assert response.status_code == 200
    assert "maker-checker" in response.content.decode()
    assert not ApprovalJob.objects.exists()


def test_the_changelist_action_queues_one_job_per_supplement_and_says_so(
    reviewer_client, in_review, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = reviewer_client.post(
            reverse("admin:offerings_supplement_changelist"),
            {"action": "approve", "_selected_action": [in_review.pk]},
            follow=True,
        )
    assert "approval queued; the task worker renders and freezes the documents" in response.content.decode()
    assert ApprovalJob.objects.filter(supplement=in_review, status=ApprovalJobStatus.QUEUED).count() == 1


def test_a_failed_render_fails_the_job_with_the_reason_and_leaves_the_supplement_in_review(
    reviewer_client, in_review, settings, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(doc):
        raise RuntimeError("pdf renderer failed")

    monkeypatch.setitem(rendering.RENDERERS, "pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(_approve_url(in_review), {"override_reason": ""})
    job = ApprovalJob.objects.get(supplement=in_review)
    assert job.status == ApprovalJobStatus.FAILED
    assert "pdf renderer failed" in job.error
    in_review.refresh_from_db()
    assert in_review.status == SupplementStatus.REVIEW
    assert not SupplementRendition.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]  # no file left behind
    content = _page(reviewer_client, in_review)
    assert 'id="approval-job" data-status="failed"' in content
    assert "failed; the supplement is still in review and nothing was stored" in content
    assert 'data-step="approve" href' in content  # and approving again is offered


def test_one_supplement_has_at_most_one_pending_approval(in_review, django_user_model):
    reviewer = _reviewer(django_user_model)
    first = approvals.request_approval(actor=reviewer, supplement=in_review)
    with pytest.raises(ValidationError, match=f"Approval job {first.pk} .* is queued; wait"):
        approvals.request_approval(actor=reviewer, supplement=in_review)
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        ApprovalJob.objects.create(supplement=in_review, requested_at=timezone.now())


def test_a_stalled_job_is_failed_and_the_approval_can_be_asked_for_again(in_review, django_user_model):
    reviewer = _reviewer(django_user_model)
    stalled = approvals.request_approval(actor=reviewer, supplement=in_review)
    ApprovalJob.objects.filter(pk=stalled.pk).update(
        status=ApprovalJobStatus.RUNNING,
        updated_at=timezone.now() - approval_selectors.STALLED_AFTER - datetime.timedelta(1),
    )
    again = approvals.request_approval(actor=reviewer, supplement=in_review)
    stalled.refresh_from_db()
    assert stalled.status == ApprovalJobStatus.FAILED and "its worker stopped" in stalled.error
    assert again.status == ApprovalJobStatus.QUEUED


def test_a_job_run_twice_approves_once(in_review, django_user_model):
    job = approvals.request_approval(actor=_reviewer(django_user_model), supplement=in_review)
    assert approvals.run_approval_job(job_id=job.pk) == ApprovalJobStatus.DONE
    assert approvals.run_approval_job(job_id=job.pk) == ApprovalJobStatus.DONE
    assert LogEntry.objects.filter(event="approved", object_pk=str(in_review.pk)).count() == 1


def test_while_its_approval_is_pending_a_supplement_neither_changes_nor_returns_to_draft(in_review, django_user_model):
    """The worker approves what the reviewer approved: the supplement, its parts and its status stay put."""
    part = SupplementSection.objects.create(
        supplement=in_review, part=SupplementPartKind.GENERAL, heading="Before", body="Text."
    )
    job = approvals.request_approval(actor=_reviewer(django_user_model), supplement=in_review)
    with pytest.raises(ValidationError, match=f"Approval job {job.pk} .* is queued; wait"):
        supplement_services.return_supplement_to_draft(actor=TEST_ACTOR, supplement=in_review, reason="A change.")
    with pytest.raises(ValidationError, match=f"Approval job {job.pk} .* is queued; wait"):
        supplement_services.save_supplement(actor=TEST_ACTOR, supplement=in_review)
    part.heading = "After"
    with pytest.raises(ValidationError, match="is being approved"):
        part.save()
    assert approvals.run_approval_job(job_id=job.pk) == ApprovalJobStatus.DONE


def test_a_reviewer_who_lost_the_role_meanwhile_does_not_approve(in_review, django_user_model):
    reviewer = _reviewer(django_user_model)
    job = approvals.request_approval(actor=reviewer, supplement=in_review)
    reviewer.groups.clear()
    assert approvals.run_approval_job(job_id=job.pk) == ApprovalJobStatus.FAILED
    job.refresh_from_db()
    assert "needs the offerings.review_supplement permission" in job.error
    in_review.refresh_from_db()
    assert in_review.status == SupplementStatus.REVIEW


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_db_worker_approves_what_the_admin_queued(settings, django_user_model, tmp_path, processes):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: Django's SQLite test database is in memory, which a worker process cannot open")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    supplement = _in_review()
    reviewer = _reviewer(django_user_model)
    job = approvals.request_approval(actor=reviewer, supplement=supplement)  # commits: the task is in the queue
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.REVIEW
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", "--batch"],
            cwd=ROOT,
            env=worker_environment(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        processes.append(worker)
        assert worker.wait(timeout=300) == 0, log.read_text()
    job.refresh_from_db()
    supplement.refresh_from_db()
    assert job.status == ApprovalJobStatus.DONE, job.error or log.read_text()
    assert supplement.status == SupplementStatus.APPROVED
    assert SupplementRendition.objects.filter(supplement=supplement).count() == 3
    assert LogEntry.objects.get(event="approved", object_pk=str(supplement.pk)).actor == reviewer


def test_a_job_the_worker_has_not_started_for_minutes_says_to_check_the_worker(
    reviewer_client, in_review, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        reviewer_client.post(_approve_url(in_review), {"override_reason": ""})
    assert 'id="approval-waiting"' not in _page(reviewer_client, in_review)
    ApprovalJob.objects.filter(supplement=in_review).update(
        requested_at=timezone.now() - approval_selectors.WAITING_WARN_AFTER - datetime.timedelta(minutes=3)
    )
    page = _page(reviewer_client, in_review)
    assert "has not started this approval after 5 minutes: check that <code>manage.py db_worker</code>" in page


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_approval_approves_nothing_and_the_approval_can_be_asked_for_again(
    settings, django_user_model, tmp_path, processes
):
    """SIGKILL while the PDF is laid out (in the conversion child): the approval's transaction never commits, so
    the supplement stays in review with no rendition and no file; the job, left running, is failed as stalled
    when the reviewer approves again, and the next worker approves once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: Django's SQLite test database is in memory, which a worker process cannot open")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    supplement = supplement_services.submit_supplement_for_review(
        actor=TEST_ACTOR, supplement=render_supplements.holders_update(3000)
    )
    reviewer = _reviewer(django_user_model)
    job = approvals.request_approval(actor=reviewer, supplement=supplement, override_reason="Crash test.")
    log = tmp_path / "worker.log"
    env = worker_environment(settings, PORTAL_PDF_ISOLATE_ROWS="100")

    def worker(*arguments: str) -> subprocess.Popen:
        command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1", *arguments]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    first = worker()
    deadline = time.monotonic() + 120
    while ApprovalJob.objects.get(pk=job.pk).status != ApprovalJobStatus.RUNNING:
        assert time.monotonic() < deadline and first.poll() is None, log.read_text()
        time.sleep(0.1)
    time.sleep(2)  # inside the render of 3,000 rows (some 15 s)
    first.kill()  # SIGKILL: no handler, no rollback hook runs in the worker
    assert first.wait(timeout=30) == -signal.SIGKILL
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.REVIEW
    assert not SupplementRendition.objects.filter(supplement=supplement).exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert ApprovalJob.objects.get(pk=job.pk).status == ApprovalJobStatus.RUNNING  # nobody left to finish it

    ApprovalJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - approval_selectors.STALLED_AFTER)
    again = approvals.request_approval(actor=reviewer, supplement=supplement, override_reason="Crash test.")
    assert ApprovalJob.objects.get(pk=job.pk).status == ApprovalJobStatus.FAILED
    assert worker("--batch").wait(timeout=300) == 0, log.read_text()
    again.refresh_from_db()
    supplement.refresh_from_db()
    assert again.status == ApprovalJobStatus.DONE, again.error or log.read_text()
    assert supplement.status == SupplementStatus.APPROVED
    assert SupplementRendition.objects.filter(supplement=supplement).count() == 3
    assert LogEntry.objects.filter(event="approved", object_pk=str(supplement.pk)).count() == 1


def test_a_stalled_job_freezes_nothing_the_supplement_returns_to_draft_and_its_parts_change(
    in_review, django_user_model
):
    """One rule (``ApprovalJobQuerySet.in_progress``) for the services and the parts' own guard."""
    part = SupplementSection.objects.create(
        supplement=in_review, part=SupplementPartKind.GENERAL, heading="Before", body="Text."
    )
    job = approvals.request_approval(actor=_reviewer(django_user_model), supplement=in_review)
    ApprovalJob.objects.filter(pk=job.pk).update(
        status=ApprovalJobStatus.RUNNING,
        updated_at=timezone.now() - approval_selectors.STALLED_AFTER - datetime.timedelta(minutes=1),
    )
    supplement_services.return_supplement_to_draft(actor=TEST_ACTOR, supplement=in_review, reason="A change.")
    part.heading = "After"
    part.save()
    assert SupplementSection.objects.get(pk=part.pk).heading == "After"
