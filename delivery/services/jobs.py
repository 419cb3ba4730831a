"""Publish jobs: staff ask in the admin, the task worker publishes, the job's page shows how far it got.

Rule: publishing from the admin converts nothing in the request. ``request_publish`` records a queued job and,
once that commits, enqueues ``delivery.tasks.publish_package_job``; the worker's ``run_publish_job`` prepares
the package (every conversion in a child process with a time and a memory limit), publishes it in one
transaction and, if asked, creates the deliveries and queues their emails, writing each step on the job. A
refusal, a limit reached or any other failure ends the job "failed" with the reason; a failed publish stores
nothing. One registration has at most one job queued or running at a time.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.context import audited
from offerings.actors import Actor, SystemActor, actor_user
from offerings.jobs import error_lines, write_job_step
from offerings.models import RegistrationStatement

from .. import conversion
from ..models import DeliveryMethod, PublishJob, PublishJobStatus
from . import links, packages

logger = logging.getLogger(__name__)

WORKER = SystemActor("publish_package_job")
JOB_FIELDS = ("status", "progress", "started_at", "finished_at", "package_version", "error")
PENDING = (PublishJobStatus.QUEUED, PublishJobStatus.RUNNING)


def stalled_after() -> datetime.timedelta:
    """A queued or running job that has written nothing for this long is taken as stopped (its worker died):
    an hour, or four conversion time limits if that is longer."""
    return datetime.timedelta(seconds=max(3600, 4 * conversion.timeout_seconds()))


@audited
@transaction.atomic
def update_publish_job(*, actor: Actor, job: PublishJob, **changes) -> PublishJob:
    """Write the job's status, progress, times, version or error (the worker's steps)."""
    write_job_step(job, allowed=JOB_FIELDS, changes=changes)
    return job


@audited
@transaction.atomic
def request_publish(*, actor: Actor, registration: RegistrationStatement, send: bool) -> PublishJob:
    """Queue the publishing of the registration's next package version; the worker runs it after commit.

    Refused while another job of the registration is queued or running (one that has stalled is marked failed).
    """
    from ..tasks import publish_package_job  # the task module calls this module

    registration = RegistrationStatement.objects.select_for_update().get(pk=registration.pk)
    now = timezone.now()
    for pending in PublishJob.objects.filter(registration_statement=registration, status__in=PENDING):
        if pending.updated_at < now - stalled_after():
            update_publish_job(
                actor=actor,
                job=pending,
                status=PublishJobStatus.FAILED,
                finished_at=now,
                error="The job stopped without finishing (its worker stopped); nothing was published by it.",
            )
        else:
            raise ValidationError(
                {
                    "package": f"Publish job {pending.pk} for {registration.file_number} is "
                    f"{pending.get_status_display().lower()}; wait until it has finished."
                }
            )
    job = PublishJob(registration_statement=registration, requested_by=actor_user(actor), requested_at=now, send=send)
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: publish_package_job.enqueue(job_id=job.pk))
    return job


def _fail(job: PublishJob, error: str, **changes) -> str:
    update_publish_job(
        actor=WORKER, job=job, status=PublishJobStatus.FAILED, finished_at=timezone.now(), error=error, **changes
    )
    return job.status


def run_publish_job(*, job_id: int) -> str:
    """The worker's side of a job: prepare, publish, then the deliveries if asked; returns the final status.

    The package is published as the staff user who asked (``published_by``); the job's own steps are written
    by ``publish_package_job``. A job that is not queued (a task run twice) is left as it is.
    """
    job = PublishJob.objects.select_related("registration_statement", "requested_by").get(pk=job_id)
    if job.status != PublishJobStatus.QUEUED:
        return job.status
    actor = job.requested_by or WORKER
    update_publish_job(
        actor=WORKER, job=job, status=PublishJobStatus.RUNNING, started_at=timezone.now(), progress="Started"
    )

    def step(text: str) -> None:
        update_publish_job(actor=WORKER, job=job, progress=text)

    try:
        prepared = packages.prepare_package(actor=actor, registration=job.registration_statement, progress=step)
        step("Storing the package")
        version = packages.publish_package(actor=actor, registration=job.registration_statement, prepared=prepared)
    except ValidationError as error:
        return _fail(job, error_lines(error))
    except Exception as error:
        logger.exception("Publish job %s failed", job.pk)
        return _fail(job, f"Publishing stopped on an unexpected error ({type(error).__name__}); nothing was published.")
    done = f"Published package v{version.number}."
    if job.send:
        try:
            issued = links.create_deliveries(actor=actor, package_version=version, send=True)
        except Exception as error:
            logger.exception("Publish job %s: the deliveries of v%s failed", job.pk, version.number)
            return _fail(
                job,
                f"{done} Creating its deliveries failed ({type(error).__name__}): create them from the "
                "deliveries page or with the create_deliveries command.",
                package_version=version,
            )
        by_post = sum(1 for link in issued if link.delivery.method != DeliveryMethod.EMAIL)
        done += f" {len(issued)} deliveries created and email notices queued" + (
            f"; {by_post} by post or in person need their links (below)." if by_post else "."
        )
    update_publish_job(
        actor=WORKER,
        job=job,
        status=PublishJobStatus.DONE,
        package_version=version,
        finished_at=timezone.now(),
        progress=done,
    )
    return job.status
