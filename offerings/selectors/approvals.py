"""Look-ups of a supplement's approval jobs (offerings.ApprovalJob), for the admin and the approval service."""

import datetime

from django.utils import timezone

from ..models import APPROVAL_JOB_STALLED_AFTER, ApprovalJob, ApprovalJobStatus, Supplement

STALLED_AFTER = APPROVAL_JOB_STALLED_AFTER
# A queued job the worker has not started after this long: the supplement's page says the worker may be stopped.
WAITING_WARN_AFTER = datetime.timedelta(minutes=2)


def pending_approval(*, supplement: Supplement) -> ApprovalJob | None:
    """The supplement's approval job that is queued or running, if any (stalled or not)."""
    return ApprovalJob.objects.pending().filter(supplement=supplement).first()


def approval_in_progress(*, supplement: Supplement) -> ApprovalJob | None:
    """The supplement's job in progress (``ApprovalJobQuerySet.in_progress``: pending and not stalled), if any."""
    return ApprovalJob.objects.in_progress().filter(supplement=supplement).first()


def is_stalled(job: ApprovalJob) -> bool:
    """A pending job silent for ``STALLED_AFTER``: its worker stopped; approving again fails it."""
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
