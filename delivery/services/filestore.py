"""Files stored by a transaction are removed again unless that transaction commits.

Rule: a failed publish (or attach) leaves no file behind and a committed one loses none. ``atomic()`` opens the
outermost transaction (``transaction.atomic(durable=True)``: it refuses to run inside another one, whose
outcome it could not see) and records each file stored inside it (``stored``). If the block raises, commit
included, every file it recorded is deleted before the error goes on; if the commit succeeds, they stay.
A service decorated with ``atomic()`` inside another ``atomic()`` block joins it: its files are deleted at
once if its own savepoint rolls back, and otherwise left to the outer block's outcome. Django has no
on-rollback hook; owning the transaction's boundary is what makes the outcome certain.
"""

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar

from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

_scope: ContextVar[list | None] = ContextVar("delivery_stored_files", default=None)


def stored(field_file: FieldFile) -> None:
    """Record a file just written through ``field_file``: deleted again if the enclosing ``atomic()`` fails."""
    files = _scope.get()
    if files is None:
        raise RuntimeError("Files of a package are stored inside delivery.services.filestore.atomic().")
    files.append((field_file.storage, field_file.name))


def _delete(files: list) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # cleanup must not hide the error that caused it
            logger.exception("Could not delete %s after a failed publish", name)


@contextlib.contextmanager
def atomic() -> Iterator[None]:
    """The outermost transaction of a file-storing write (or a savepoint of one already open); files stored in
    it are deleted if it does not commit. Usable as a decorator, above ``@transaction.atomic``."""
    outer = _scope.get()
    files: list = []
    token = _scope.set(files)
    try:
        with transaction.atomic(durable=outer is None):
            yield
    except BaseException:
        _delete(files)
        raise
    finally:
        _scope.reset(token)
    if outer is not None:
        outer.extend(files)
