"""What backup_portal and restore_portal share: the backup's layout, PostgreSQL's client programs, the stored files.

A backup is one directory, ``portal-backup-YYYYMMDDTHHMMSSZ``, holding:

- ``database.dump``: ``pg_dump --format=custom`` of the database, taken in an exported snapshot;
- ``media.tar``: the media directory (``MEDIA_ROOT``), plain tar (the documents are PDFs, already compressed);
- ``manifest.json``: format ``portal-backup/1``, when, the SHA-256 and size of both files, the row count of every
  table and the SHA-256 of every stored file a record names, all as of the snapshot;
- ``SHA256SUMS``: the two files' SHA-256 for ``sha256sum -c``.
"""

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError
from django.db import connection, models

FORMAT = "portal-backup/1"
DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar"
MANIFEST_FILE = "manifest.json"
SUMS_FILE = "SHA256SUMS"
# django-health-check's storage probe writes and deletes a file here; an interrupted probe's leftover is no data.
PROBE_PREFIX = "health_check_storage_test/"
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def require_postgresql(command: str) -> None:
    if connection.vendor != "postgresql":
        raise CommandError(
            f"{command} works on PostgreSQL (pg_dump and pg_restore); this database is {connection.vendor}. "
            "For a SQLite file, stop the portal and copy the file with the media directory."
        )


def client_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not on PATH: install PostgreSQL's client programs (Debian: postgresql-client).")
    return path


def client_env() -> dict[str, str]:
    """The environment that points pg_dump and pg_restore at the default database (no password in argv)."""
    params = connection.settings_dict
    _, env = connection.client.settings_to_cmd_args_env(params, [])
    pg = {
        "PGHOST": str(params.get("HOST") or ""),
        "PGPORT": str(params.get("PORT") or ""),
        "PGUSER": str(params.get("USER") or ""),
        "PGDATABASE": str(params.get("NAME") or ""),
    }
    return {**os.environ, **{key: value for key, value in pg.items() if value}, **(env or {})}


def local_media_root(*, no_media: bool, command: str) -> Path | None:
    """MEDIA_ROOT when the default storage is this machine's file system; None with ``--no-media``."""
    if no_media:
        return None
    if not isinstance(storages["default"], FileSystemStorage):
        raise CommandError(
            f"The default storage is {type(storages['default']).__name__}, not this machine's disk: {command} "
            "cannot copy it. Copy the bucket with its own tools at the same time (see docs/operations.md) and run "
            "with --no-media."
        )
    return Path(settings.MEDIA_ROOT)


def file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.attname)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def stored_names() -> set[str]:
    """Every stored file a record names (in the current transaction's view of the database)."""
    names: set[str] = set()
    for model, attname in file_fields():
        names.update(name for name in model._base_manager.values_list(attname, flat=True) if name)
    return names


def model_tables() -> list[str]:
    """The table of every installed model (many-to-many tables too)."""
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def row_counts(tables: list[str]) -> dict[str, int]:
    """Rows of each table, by table name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - model tables
            counts[table] = cursor.fetchone()[0]
    return counts


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text())
    except FileNotFoundError:
        raise CommandError(f"{directory} holds no {MANIFEST_FILE}: not a portal backup.") from None
    except json.JSONDecodeError as error:
        raise CommandError(f"{directory / MANIFEST_FILE} is not JSON: {error}.") from None
    if manifest.get("format") != FORMAT:
        raise CommandError(f"{directory / MANIFEST_FILE} is format {manifest.get('format')!r}, not {FORMAT!r}.")
    return manifest


def run_client(program: str, arguments: list[str]) -> None:
    """Run pg_dump or pg_restore against the default database; a failure is a ``CommandError`` with its stderr."""
    result = subprocess.run(  # noqa: S603 - fixed program, arguments ours
        [program, *arguments], env=client_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        name = Path(program).name
        raise CommandError(f"{name} failed (exit {result.returncode}): {result.stderr.strip()}")
