"""What the task worker's jobs share (``offerings.ApprovalJob``, ``delivery.PublishJob``): writing one step of a
job, and a refusal's messages as the lines the job's page shows."""

from django.core.exceptions import ValidationError
from django.db import models

PROGRESS_MAX = 300
ERROR_MAX = 4000


def write_job_step(job: models.Model, *, allowed: tuple[str, ...], changes: dict) -> None:
    """Set ``changes`` (only ``allowed`` fields) on the job, cut its progress and error to their limits, validate
    and save just those fields. The caller is the job's audited service."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"A {type(job).__name__} step cannot change {', '.join(sorted(unknown))}.")
    for name, value in changes.items():
        setattr(job, name, value)
    job.progress = job.progress[:PROGRESS_MAX]
    job.error = job.error[:ERROR_MAX]
    job.full_clean()
    job.save(update_fields=[*changes, "updated_at"])


def error_lines(error: ValidationError) -> str:
    """Every message of a refusal, one a line (a field's name is not shown: the job's page has no form)."""
    if hasattr(error, "message_dict"):
        return "\n".join(message for messages in error.message_dict.values() for message in messages)
    return "\n".join(error.messages)
