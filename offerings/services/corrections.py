"""Correcting what a supplement states: the one way to change a filed record's stated facts, with a reason.

Rule: the periodic report an approved or filed supplement incorporates, attaches or delivers, the prospectus it
supplements and the registration on its cover keep the facts it states (``StatedRecord.STATED_FIELDS``); the
models, querysets and, on PostgreSQL, row triggers refuse any other change. A correction names the fields and
their new values and gives the reason; it is recorded in the audit trail with the values before and after.
The supplement's frozen renditions are never touched: investors and EDGAR keep the bytes that were filed.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, models, transaction

from audit.context import audited
from audit.events import record_event

from ..actors import Actor
from ..models import StatedRecord, Supplement, correcting_stated_records
from .supplements import require_permission

REASON_MAX_LENGTH = 2000
AUDIT_EVENT = "corrected"


@dataclass(frozen=True)
class Correction:
    record: StatedRecord
    before: dict[str, Any]  # the corrected fields as they were (JSON values)
    after: dict[str, Any]  # and as they are now
    reason: str
    stated_by: list[Supplement]  # the approved and filed supplements that state the record


@audited
@transaction.atomic
def correct_filed_record(*, actor: Actor, record: StatedRecord, changes: dict[str, Any], reason: str) -> Correction:
    """Change stated fields of ``record`` (``{"period_end": date(...)}``; a report's ``document`` takes a
    ``File``) for ``reason``, validated as a whole, and record the correction in the audit trail.

    Refused (``ValidationError``) without a reason, for a field that is not stated (edit it as usual), or when
    nothing would change. Needs the change permission of the record's model.
    """
    model = type(record)
    if not isinstance(record, StatedRecord) or record.pk is None:
        raise ValidationError("Only a saved periodic report, prospectus or registration statement is corrected here.")
    require_permission(actor, f"offerings.change_{model._meta.model_name}", "correct a filed record")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Give the reason for the correction; it is kept in the audit trail."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep the reason to {REASON_MAX_LENGTH:,} characters."})
    unknown = sorted(set(changes) - set(model.STATED_FIELDS))
    if unknown:
        raise ValidationError(
            {name: f"{name} is not a fact a supplement states; edit it on the record's page." for name in unknown}
        )
    record = model._base_manager.select_for_update().get(pk=record.pk)
    before = {name: _plain(getattr(record, name)) for name in changes}
    stored_file = _apply(record, changes)
    try:
        with correcting_stated_records():
            record.full_clean()
            after = {name: _plain(getattr(record, name)) for name in changes}
            changed = [name for name in changes if before[name] != after[name]]
            if not changed:
                raise ValidationError("Nothing to correct: every value given is the one on record.")
            with transaction.atomic():
                _database_allows_correction(True)
                record.save()
                _database_allows_correction(False)
    except BaseException:
        if stored_file:
            record.document.storage.delete(stored_file)
        raise
    stated_by = list(record.stating_supplements().order_by("dated_on", "pk"))
    correction = Correction(
        record=record,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
        reason=reason,
        stated_by=stated_by,
    )
    record_correction(actor=actor, correction=correction)
    return correction


def record_correction(*, actor: Actor, correction: Correction) -> None:
    """The audit entry of a correction: the fields before and after, the reason and the supplements that state
    the record (each as its id and name)."""
    record_event(
        actor=actor,
        record=correction.record,
        event=AUDIT_EVENT,
        data={
            "reason": correction.reason,
            "before": correction.before,
            "after": correction.after,
            "stated_by": [{"supplement": s.pk, "name": str(s), "status": s.status} for s in correction.stated_by],
        },
    )


def _apply(record: StatedRecord, changes: dict[str, Any]) -> str:
    """Set the new values on ``record``; a new ``document`` file is stored beside the old one (never over it).
    Returns the name of the file stored, or "" if none."""
    stored = ""
    for name, value in changes.items():
        field = record._meta.get_field(name)
        if isinstance(field, models.FileField) and isinstance(value, File):
            getattr(record, name).save(value.name.rsplit("/", 1)[-1], value, save=False)
            stored = getattr(record, name).name
        else:
            setattr(record, field.attname, value)
    return stored


def _plain(value: Any) -> Any:
    """A field's value as JSON for the audit trail: dates as ISO strings, a file as its stored name."""
    if hasattr(value, "field") and hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _database_allows_correction(allowed: bool) -> None:
    """PostgreSQL: the triggers of migration 0007 let a stated field change only while ``portal.correction`` is
    'on' in this transaction; it is switched off again right after the correction's own write (and a failed
    write rolls the savepoint, and the setting with it, back)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('portal.correction', %s, true)", ["on" if allowed else "off"])
