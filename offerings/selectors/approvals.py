"""Look-ups of a supplement's approval jobs (offerings.ApprovalJob), for the admin and the approval service."""

import datetime

from django.utils import timezone

from ..models import APPROVAL_JOB_PENDING, ApprovalJob, ApprovalJobStatus, Supplement

# A job that has written nothing for this long is taken as stopped (its worker died). Its one long step, the PDF,
# is bounded by the conversion child's time limit (PORTAL_CONVERT_TIMEOUT_SECONDS, two minutes by default).
STALLED_AFTER = datetime.timedelta(hours=1)
# A queued job the worker has not started after this long: the supplement's page says the worker may be stopped.
WAITING_WARN_AFTER = datetime.timedelta(minutes=2)


def pending_approval(*, supplement: Supplement) -> ApprovalJob | None:
    """The supplement's approval job that is queued or running, if any."""
    return ApprovalJob.objects.filter(supplement=supplement, status__in=APPROVAL_JOB_PENDING).first()


def is_stalled(job: ApprovalJob) -> bool:
    """A queued or running job silent for ``STALLED_AFTER``: its worker stopped; approving again fails it."""
    return not job.finished and job.updated_at < timezone.now() - STALLED_AFTER


def latest_approval(*, supplement: Supplement) -> ApprovalJob | None:
    """The supplement's most recent approval job, whatever its state."""
    return ApprovalJob.objects.filter(supplement=supplement).select_related("requested_by").first()


def minutes_waiting(*, job: ApprovalJob) -> int | None:
    """Whole minutes a queued job has waited for the task worker, once past ``WAITING_WARN_AFTER``; else None."""
    if job.status != ApprovalJobStatus.QUEUED:
        return None
    waited = timezone.now() - job.requested_at
    return int(waited.total_seconds() // 60) if waited >= WAITING_WARN_AFTER else None
