"""Workflow events in the audit trail: one entry each, beside the field changes the same step makes.

A supplement's workflow calls ``record_event`` at each step with what the step decided: submitted; approved,
with the compliance findings at that moment and any override; filed, with the date and accession number;
returned to draft, with the reason; published; a link issued or revoked; corrected.
"""

from typing import Any

from django.db import models

from .chain import plain_json
from .context import acting
from .models import Event, LogEntry


def record_event(*, actor: Any, record: models.Model, event: str, data: dict) -> LogEntry:
    """Write one audit entry for ``event`` on ``record`` by ``actor``, with ``data`` (JSON-serialisable values;
    dates and decimals are written as strings) as its detail."""
    if event not in Event.values:
        raise ValueError(f"Unknown audit event {event!r}; one of {', '.join(Event.values)}.")
    if record.pk is None:
        raise ValueError("record_event needs a saved record.")
    if not isinstance(data, dict):
        raise TypeError("record_event's data is a dict of the event's facts.")
    with acting(actor):
        return LogEntry.objects.log_create(
            record,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            event=event,
            changes=None,
            additional_data=plain_json(data),
        )
