"""Reads of frozen renditions. Approved and filed supplements serve exactly the bytes stored at approval."""

import hashlib

from offerings.models import Supplement, SupplementStatus

from .models import RenditionFormat, SupplementRendition


class RenditionIntegrityError(Exception):
    """The stored bytes no longer hash to the recorded SHA-256."""


def frozen_rendition(*, supplement: Supplement, format: str) -> SupplementRendition | None:
    """The frozen rendition of an approved or filed supplement, or None if it is not frozen (yet).

    The status is read from the database, so a stale instance cannot mislead. A draft never has a frozen
    rendition, even if it was approved before and returned to draft.
    A supplement that arrived filed from a dossier is frozen on first use: call
    ``documents.services.ensure_frozen`` before reading one that may not have been rendered yet.
    """
    if format not in RenditionFormat.values:
        raise ValueError(f"format: {format!r} is not one of {', '.join(RenditionFormat.values)}.")
    frozen = (SupplementStatus.APPROVED, SupplementStatus.FILED)
    return (
        SupplementRendition.objects.filter(supplement=supplement, format=format, supplement__status__in=frozen)
        .select_related("supplement")
        .first()
    )


def rendition_bytes(*, rendition: SupplementRendition) -> bytes:
    """The stored bytes, checked against the recorded SHA-256 and size."""
    with rendition.file.open("rb") as handle:
        data = handle.read()
    if len(data) != rendition.size or hashlib.sha256(data).hexdigest() != rendition.sha256:
        raise RenditionIntegrityError(
            f"{rendition}: stored file {rendition.file.name} does not match its recorded hash and size."
        )
    return data


def frozen_bytes(*, supplement: Supplement, format: str) -> bytes | None:
    """The frozen bytes of an approved or filed supplement in ``format``, or None if it is not frozen.

    The re-serving path: one indexed row (unique supplement and format) read as plain values, then the
    file, checked against the recorded SHA-256 and size.
    """
    if format not in RenditionFormat.values:
        raise ValueError(f"format: {format!r} is not one of {', '.join(RenditionFormat.values)}.")
    rows = list(
        SupplementRendition.objects.filter(
            supplement_id=supplement.pk,
            format=format,
            supplement__status__in=(SupplementStatus.APPROVED, SupplementStatus.FILED),
        )
        .order_by()
        .values_list("file", "size", "sha256")[:1]
    )
    if not rows:
        return None
    name, size, sha256 = rows[0]
    with SupplementRendition._meta.get_field("file").storage.open(name, "rb") as handle:
        data = handle.read()
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
        raise RenditionIntegrityError(f"{name}: the stored file does not match its recorded hash and size.")
    return data
