"""The hash chain: each entry's SHA-256 covers its own fields and the previous entry's hash.

An entry is sealed as it is inserted: the writer takes the chain's lock (on PostgreSQL a transaction-scoped
advisory lock, so concurrent writers queue and the chain never forks; on SQLite the database's write lock and
the surrounding transaction do the same), reads the latest entry's hash, and hashes the new entry over a
canonical JSON of its fields (sorted keys, no spaces, UTC times to the microsecond). ``verify`` recomputes the
chain from the first entry and names the first entry that does not match.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections

# pg_advisory_xact_lock key of the audit chain (any constant that no other lock of the portal uses).
ADVISORY_LOCK_KEY = 0x6175_6469_7400  # "audit"

HASHED_FIELDS = (
    "timestamp",
    "content_type",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "event",
    "changes",
    "changes_text",
    "serialized_data",
    "additional_data",
    "actor_id",
    "actor_name",
    "actor_email",
    "cid",
    "remote_addr",
    "remote_port",
    "previous_sha256",
)
JSON_FIELDS = ("changes", "serialized_data", "additional_data")


def plain_json(value):
    """``value`` as the database gives it back: plain JSON types (dates, decimals, tuples made JSON first)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def payload(entry, *, plain: bool = False) -> dict:
    """The fields an entry's hash covers, as plain JSON values (``plain``: its JSON fields are plain already)."""
    content_type = ContentType.objects.get_for_id(entry.content_type_id)
    values = {name: getattr(entry, name) for name in HASHED_FIELDS if name not in ("timestamp", "content_type")}
    values["timestamp"] = _timestamp(entry.timestamp)
    values["content_type"] = f"{content_type.app_label}.{content_type.model}"
    values["object_pk"] = str(entry.object_pk)
    if not plain:
        for name in JSON_FIELDS:
            values[name] = plain_json(values[name])
    return values


def canonical(entry, *, plain: bool = False) -> bytes:
    return json.dumps(payload(entry, plain=plain), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry, *, plain: bool = False) -> str:
    return hashlib.sha256(canonical(entry, plain=plain)).hexdigest()


def _normalise(entry) -> None:
    """Store exactly what is hashed: JSON as plain values, the address as Django cleans it."""
    for name in JSON_FIELDS:
        setattr(entry, name, plain_json(getattr(entry, name)))
    if entry.remote_addr:
        entry.remote_addr = type(entry)._meta.get_field("remote_addr").to_python(entry.remote_addr)
    entry.object_pk = str(entry.object_pk)
    entry.changes_text = entry.changes_text or ""


def lock(using: str) -> None:
    """Queue behind any other writer of the chain until the surrounding transaction ends (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def seal(entries: Iterable, *, using: str) -> None:
    """Chain ``entries`` (unsaved, in insertion order) after the latest entry; call inside a transaction."""
    from .models import LogEntry

    lock(using)
    previous = LogEntry.objects.using(using).order_by("-id").values_list("sha256", flat=True).first() or ""
    for entry in entries:
        _normalise(entry)
        entry.previous_sha256 = previous
        entry.sha256 = previous = entry_hash(entry, plain=True)


@dataclass(frozen=True)
class Break:
    """The first entry whose stored hash or link does not match what its content gives."""

    id: int
    timestamp: datetime
    reason: str

    def __str__(self) -> str:
        return f"entry {self.id} ({_timestamp(self.timestamp)}) {self.reason}"


@dataclass(frozen=True)
class Verification:
    count: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify(*, using: str = "default", chunk_size: int = 2000) -> Verification:
    """Recompute the chain from the first entry, in id order."""
    from .models import LogEntry

    previous, count = "", 0
    for entry in LogEntry.objects.using(using).order_by("id").iterator(chunk_size=chunk_size):
        count += 1
        if entry.previous_sha256 != previous:
            reason = "does not follow the entry before it (previous hash differs: an entry was removed or inserted)"
            return Verification(count, Break(entry.id, entry.timestamp, reason))
        if entry_hash(entry, plain=True) != entry.sha256:
            return Verification(count, Break(entry.id, entry.timestamp, "does not match its hash (it was altered)"))
        previous = entry.sha256
    return Verification(count, None)


def head(*, using: str = "default") -> str:
    """The latest entry's hash: note it elsewhere, and a rewritten chain no longer ends with it."""
    from .models import LogEntry

    return LogEntry.objects.using(using).order_by("-id").values_list("sha256", flat=True).first() or ""
