"""Saving and deleting offering records as staff edit them: the admin and the importer write through here.

Rule: a record is validated as a whole (``full_clean``) before it is written, and a filed supplement and the
content of an approved one refuse the write (the models raise ``FiledRecordError``).
"""

from django.db import models, transaction

from audit.context import audited

from ..actors import Actor


@audited
def save_record(*, actor: Actor, record: models.Model) -> models.Model:
    """Validate and save one record (a new one or an edited one); returns it.

    Validation runs before anything is written, so a refusal (``ValidationError``) leaves the surrounding
    transaction usable: the importer collects every problem of a dossier before it gives up.
    """
    record.full_clean()
    record.save()
    return record


@audited
@transaction.atomic
def delete_record(*, actor: Actor, record: models.Model) -> None:
    """Delete one record; PROTECT foreign keys and filed-record rules refuse what must stay."""
    record.delete()
