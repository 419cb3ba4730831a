"""Approval jobs: a reviewer approves in the admin, the task worker renders, freezes and approves.

Rule: the admin renders nothing in the request. ``request_approval`` runs every check of the approval at once
(``supplements.check_approval``: permission, a supplement in review, maker-checker, compliance errors without
an override reason), so a refusal is shown on the spot; it then records a queued job and, once that commits,
enqueues ``offerings.tasks.approve_supplement_job``. The worker's ``run_approval_job`` approves as the reviewer
who asked (``supplements.approve``: the checks again, then the renditions rendered and frozen in the same
transaction) and writes the outcome on the job. A refusal, a failed render or any other failure ends the job
"failed" with the reason, and the supplement stays in review with nothing stored. One supplement has at most
one job queued or running (a database constraint).
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.context import audited

from ..actors import Actor, SystemActor, actor_user
from ..jobs import error_lines, write_job_step
from ..models import ApprovalJob, ApprovalJobStatus, Supplement
from ..selectors.approvals import pending_approval
from ..signals import SignalActionError
from . import supplements

logger = logging.getLogger(__name__)

WORKER = SystemActor("approve_supplement_job")
JOB_FIELDS = ("status", "progress", "started_at", "finished_at", "error")


@audited
@transaction.atomic
def update_approval_job(*, actor: Actor, job: ApprovalJob, **changes) -> ApprovalJob:
    """Write the job's status, progress, times or error (the worker's steps)."""
    write_job_step(job, allowed=JOB_FIELDS, changes=changes)
    return job


def _fail_stalled(*, actor: Actor, job: ApprovalJob, now: datetime.datetime) -> None:
    update_approval_job(
        actor=actor,
        job=job,
        status=ApprovalJobStatus.FAILED,
        finished_at=now,
        error="The job stopped without finishing (its worker stopped); the supplement was not approved by it.",
    )


@audited
@transaction.atomic
def request_approval(*, actor: Actor, supplement: Supplement, override_reason: str = "") -> ApprovalJob:
    """Check the approval now and queue it for the task worker, which approves after commit.

    Refused, with the reason, where the approval itself would be refused, and while another approval of the
    supplement is queued or running (one that has stalled is marked failed first).
    """
    from ..tasks import approve_supplement_job  # the task module calls this module

    now = timezone.now()
    supplements.refuse_while_approving(supplement)  # before the row lock, which a running job holds
    stalled = pending_approval(supplement=supplement)  # pending and not in progress: its worker stopped
    if stalled is not None:
        _fail_stalled(actor=actor, job=stalled, now=now)
    checked = supplements.check_approval(actor=actor, supplement=supplement, override_reason=override_reason)
    job = ApprovalJob(
        supplement=checked.supplement,
        requested_by=actor_user(actor),
        requested_by_command=actor.name if isinstance(actor, SystemActor) else "",
        requested_at=now,
        override_reason=checked.override_reason,
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: approve_supplement_job.enqueue(job_id=job.pk))
    return job


def _fail(job: ApprovalJob, error: str) -> str:
    update_approval_job(actor=WORKER, job=job, status=ApprovalJobStatus.FAILED, finished_at=timezone.now(), error=error)
    return job.status


def run_approval_job(*, job_id: int) -> str:
    """The worker's side of a job: approve as the reviewer who asked; returns the final status.

    A job that is not queued (a task run twice) is left as it is. A job whose reviewer's account was deleted
    fails: nobody else's name goes on the approval.
    """
    with transaction.atomic():  # the claim: a task run twice at once starts the job once
        claimed = ApprovalJob.objects.select_for_update(of=("self",))  # the job's row, not its joined ones
        job = claimed.select_related("supplement", "requested_by").get(pk=job_id)
        if job.status != ApprovalJobStatus.QUEUED:
            return job.status
        update_approval_job(
            actor=WORKER,
            job=job,
            status=ApprovalJobStatus.RUNNING,
            started_at=timezone.now(),
            progress="Rendering and freezing the documents",
        )
    if job.requested_by is not None:
        actor: Actor = job.requested_by
    elif job.requested_by_command:
        actor = SystemActor(job.requested_by_command)
    else:
        return _fail(job, "The reviewer who approved no longer has an account; approve again.")
    try:
        supplements.approve(actor=actor, supplement=job.supplement, override_reason=job.override_reason)
    except ValidationError as error:
        return _fail(job, error_lines(error))
    except PermissionDenied as error:
        return _fail(job, str(error))
    except SignalActionError as error:
        return _fail(job, f"Could not approve: {error}")
    except Exception as error:
        logger.exception("Approval job %s failed", job.pk)
        return _fail(
            job, f"Approval stopped on an unexpected error ({type(error).__name__}); the supplement was not approved."
        )
    update_approval_job(
        actor=WORKER,
        job=job,
        status=ApprovalJobStatus.DONE,
        finished_at=timezone.now(),
        progress="Approved; the documents are frozen.",
    )
    return job.status
