"""Writes of frozen renditions: approval renders a supplement once and stores the bytes by their SHA-256.

Rule: approved and filed supplements serve exactly the bytes frozen here (content-addressed storage); a
failed render or store changes nothing, the supplement stays a draft and no file is left behind. Each
function that writes takes ``actor=`` (``offerings.actors``); ``documents.receivers`` calls them when the
offerings signal an approval or a return to draft.
"""

import logging
import weakref

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from offerings.actors import Actor, actor_label
from offerings.files import sha256_hex
from offerings.models import FiledRecordError, Supplement
from offerings.signals import SignalActionError

from . import rendering
from .models import CONTENT_TYPES, RenditionFormat, SupplementRendition, rendition_name

logger = logging.getLogger(__name__)


class RenditionStorageError(SignalActionError):
    """The storage did not keep a rendition under its content-addressed name."""


def _storage() -> Storage:
    return SupplementRendition._meta.get_field("file").storage


def _delete_quietly(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # cleanup must not hide the original error
            logger.exception("Could not delete rendition file %s", name)


def _delete_unless_committed(storage: Storage, names: list[str], state: dict) -> None:
    if not state["committed"]:
        _delete_quietly(storage, names)


def _delete_files_on_rollback(storage: Storage, names: list[str]) -> None:
    """Delete ``names`` if the current transaction rolls back.

    Django has no on-rollback hook, but a rollback (of the transaction or of the savepoint the files were
    written in) drops its on_commit callbacks unrun. The callback registered here only marks the commit;
    a finalizer on it deletes the files when the callback is dropped without having run.
    """
    if not names:
        return
    state = {"committed": False}

    def mark_committed() -> None:
        state["committed"] = True

    weakref.finalize(mark_committed, _delete_unless_committed, storage, list(names), state)
    transaction.on_commit(mark_committed)


def _delete_unreferenced(storage: Storage, names: set[str]) -> None:
    still_used = set(SupplementRendition.objects.filter(file__in=names).values_list("file", flat=True))
    _delete_quietly(storage, sorted(names - still_used))


def store_bytes(*, storage: Storage, data: bytes, format: str) -> tuple[str, str, bool]:
    """Store ``data`` under its content-addressed name; returns (name, sha256, newly written)."""
    sha256 = sha256_hex(data)
    name = rendition_name(sha256=sha256, format=format)
    if storage.exists(name):
        if storage.size(name) != len(data):
            raise RenditionStorageError(f"{name} exists with a different size; the rendition store is damaged.")
        return name, sha256, False
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        _delete_quietly(storage, [saved])
        raise RenditionStorageError(f"The storage saved {name} as {saved}; content addressing needs the exact name.")
    return name, sha256, True


@transaction.atomic
def freeze_supplement(*, actor: Actor, supplement: Supplement) -> dict[str, SupplementRendition]:
    """Render the PDF, EDGAR HTML and EDGAR text once and record them with hash and size.

    Called inside the approving transaction (the ``offerings.signals.supplement_approved`` receiver): any
    error propagates and aborts the approval (``rendering.RenderError`` when a rendition cannot be produced).
    Files written here are deleted again if this transaction rolls back.
    """
    supplement = Supplement.objects.select_for_update().get(pk=supplement.pk)
    existing = {r.format: r for r in SupplementRendition.objects.filter(supplement=supplement)}
    if supplement.is_filed and len(existing) == len(RenditionFormat.values):
        raise FiledRecordError(f"{supplement} is filed; its frozen renditions never change.")
    rendered = rendering.render_all(supplement=supplement)  # nothing is stored if this raises
    storage = _storage()
    written: list[str] = []
    superseded: set[str] = set()
    renditions = {}
    now = timezone.now()
    try:
        for format, data in rendered.items():
            name, sha256, new = store_bytes(storage=storage, data=data, format=format)
            if new:
                written.append(name)
            rendition = existing.get(format) or SupplementRendition(supplement=supplement, format=format)
            if rendition.pk and rendition.file.name != name:
                superseded.add(rendition.file.name)
            rendition.sha256, rendition.size = sha256, len(data)
            rendition.content_type = CONTENT_TYPES[format]
            rendition.file.name = name
            rendition.rendered_at = now
            rendition.full_clean()
            rendition.save()
            renditions[format] = rendition
    except BaseException:
        _delete_quietly(storage, written)
        raise
    _delete_files_on_rollback(storage, written)
    if superseded:
        transaction.on_commit(lambda: _delete_unreferenced(storage, superseded), robust=True)
    logger.info("%s froze the renditions of supplement %s", actor_label(actor), supplement.pk)
    return renditions


def ensure_frozen(*, actor: Actor, supplement: Supplement) -> dict[str, SupplementRendition]:
    """The frozen renditions of an approved or filed supplement, freezing one that arrived filed on first use.

    Dossier imports do not render (import stays fast); a filed supplement is frozen the first time any of
    its renditions is asked for.
    """
    if not supplement.is_frozen:
        raise FiledRecordError(
            f"{supplement} is a {supplement.get_status_display().lower()}; only approved and filed "
            "supplements have frozen renditions."
        )
    renditions = {r.format: r for r in SupplementRendition.objects.filter(supplement=supplement)}
    if len(renditions) == len(RenditionFormat.values):
        return renditions
    return freeze_supplement(actor=actor, supplement=supplement)


def discard_renditions(*, actor: Actor, supplement: Supplement) -> None:
    """A supplement back in draft has no frozen documents.

    The rows go at once; the files go after commit unless another supplement's rendition has the same bytes.
    """
    renditions = SupplementRendition.objects.filter(supplement=supplement)
    names = set(renditions.values_list("file", flat=True))
    renditions.delete()
    if names:
        logger.info("%s discarded the renditions of supplement %s", actor_label(actor), supplement.pk)
        storage = _storage()
        transaction.on_commit(lambda: _delete_unreferenced(storage, names), robust=True)
