"""Stored files checked against their recorded SHA-256: the one place that hashes what storage hands back.

Frozen renditions and delivered package documents are content the portal vouches for; every read that
serves or reuses them goes through here, reading in chunks so a large file never sits whole in memory
just to be hashed.
"""

import hashlib
import os
import threading
import time
from typing import BinaryIO

from django.core.files.storage import FileSystemStorage, Storage

CHUNK_BYTES = 1 << 20
# A file changed this recently is always hashed: the kernel's file clock ticks in milliseconds, so a write just
# after a check could leave the same times behind.
SETTLED_SECONDS = 2.0
REMEMBERED_FILES = 10_000
_verified: dict[tuple[str, str], tuple[int, int, int, int, int]] = {}
_verified_lock = threading.Lock()


class StoredFileIntegrityError(Exception):
    """The stored bytes no longer hash to the recorded SHA-256 (or have another size)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_stream(handle: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def open_verified(*, storage: Storage, name: str, sha256: str, size: int | None = None) -> BinaryIO:
    """Open a stored file positioned at its start, after checking it against its SHA-256 (and size).

    Each call opens a new handle from the storage (never a model's ``FieldFile``, which caches the file it
    opened): two requests, in two threads of one worker, never read through one file object. The bytes are
    hashed in ``CHUNK_BYTES`` reads; what the caller then reads from the handle is what was hashed (a local
    file, or the spool an S3 object was read into). Raises ``StoredFileIntegrityError`` (closing the file) when
    the bytes differ from the record.
    """
    handle = storage.open(name, "rb")
    try:
        digest, actual = _hash_stream(handle)
        if digest != sha256 or (size is not None and actual != size):
            raise StoredFileIntegrityError(f"{name}: the stored file does not match its recorded SHA-256 and size.")
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def _fingerprint(path: str) -> tuple[int, int, int, int, int]:
    stat = os.stat(path)
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def check_verified(*, storage: Storage, name: str, sha256: str, size: int | None = None) -> None:
    """Check a stored file against its SHA-256 (and size), reading it in chunks, and close it again: for a
    download that another server (nginx, X-Accel-Redirect) sends. Raises ``StoredFileIntegrityError``.

    On the filesystem a file is hashed again only when it may have changed: this process remembers the device,
    inode, size, modification and change times a file had when it last hashed correctly, and any write, rename
    or ``touch`` gives it a new change time (which no user can set back). A file changed in the last
    ``SETTLED_SECONDS`` is always hashed. So a download costs a ``stat`` whatever the file's size, and a
    tampered file is still refused.
    """
    if not isinstance(storage, FileSystemStorage):
        open_verified(storage=storage, name=name, sha256=sha256, size=size).close()
        return
    path = storage.path(name)
    key = (path, sha256)
    try:
        before = _fingerprint(path)
    except FileNotFoundError as error:
        raise StoredFileIntegrityError(f"{name}: the stored file is missing.") from error
    if size is not None and before[2] != size:
        raise StoredFileIntegrityError(f"{name}: the stored file does not match its recorded SHA-256 and size.")
    with _verified_lock:
        if _verified.get(key) == before:
            return
    open_verified(storage=storage, name=name, sha256=sha256, size=size).close()
    settled = time.time() - before[4] / 1e9 > SETTLED_SECONDS
    if settled and _fingerprint(path) == before:
        with _verified_lock:
            if len(_verified) >= REMEMBERED_FILES:
                _verified.clear()
            _verified[key] = before


def read_verified(*, storage: Storage, name: str, sha256: str, size: int | None = None) -> bytes:
    """The whole stored file, checked against its SHA-256 (and size) before it is returned."""
    with storage.open(name, "rb") as handle:
        data = handle.read()
    if sha256_hex(data) != sha256 or (size is not None and len(data) != size):
        raise StoredFileIntegrityError(f"{name}: the stored file does not match its recorded SHA-256 and size.")
    return data
