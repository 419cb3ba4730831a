"""Backup and restore (issue 14): backup_portal takes the database and the stored files as of one snapshot, and
restore_portal brings them back into an empty database and media directory, every row and every byte."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from delivery.models import PackageDocument
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from offerings.management.commands import _backup
from tests.actors import TEST_ACTOR
from tests.conftest import ROOT
from tests.delivery.conftest import make_registration

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="backup_portal and restore_portal use pg_dump and pg_restore"
)


def _url(name: str) -> str:
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"


@pytest.fixture
def restored_database():
    """A new, empty database beside the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore(backup: Path, *, database: str, media: Path, no_media: bool = False) -> subprocess.CompletedProcess:
    """restore_portal as an operator runs it: another process, the settings pointing at the new copy."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": _url(database)}
    env["DJANGO_MEDIA_ROOT"] = str(media)
    return subprocess.run(
        [sys.executable, "manage.py", "restore_portal", str(backup), *(["--no-media"] if no_media else [])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def back_up(tmp_path: Path) -> Path:
    call_command("backup_portal", output=str(tmp_path / "backups"), verbosity=0)
    (backup,) = (tmp_path / "backups").iterdir()
    return backup


@postgresql_only
@pytest.mark.slow
def test_a_restored_backup_has_every_row_and_every_package_document_byte(transactional_db, tmp_path, restored_database):
    registration = make_registration(investors=3, supplements=2)
    version = publish_package(actor=TEST_ACTOR, registration=registration)
    create_deliveries(actor=TEST_ACTOR, package_version=version)
    documents = {document.file.name: document.sha256 for document in PackageDocument.objects.all()}
    assert len(documents) >= 4
    backup = back_up(tmp_path)

    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["rows"]["delivery_packagedocument"] == len(documents)
    assert manifest["rows"] == _backup.row_counts(_backup.model_tables())
    assert {name: manifest["files"][name] for name in documents} == documents
    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=backup, capture_output=True, text=True, check=False)
    assert sums.returncode == 0, sums.stdout + sums.stderr

    media = tmp_path / "restored-media"
    result = restore(backup, database=restored_database, media=media)
    assert result.returncode == 0, result.stderr
    with psycopg.connect(_url(restored_database)) as copy:
        for table, count in _backup.row_counts(_backup.model_tables()).items():
            assert copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == count, table  # noqa: S608
        restored = copy.execute("SELECT file, sha256 FROM delivery_packagedocument").fetchall()
    assert dict(restored) == documents
    for name, sha256 in restored:
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == sha256


@postgresql_only
def test_restore_refuses_a_database_that_is_not_empty(transactional_db, tmp_path):
    backup = back_up(tmp_path)
    with pytest.raises(CommandError, match="table"):
        call_command("restore_portal", str(backup), verbosity=0)


@postgresql_only
def test_restore_refuses_a_damaged_backup_before_writing_anything(transactional_db, tmp_path, restored_database):
    backup = back_up(tmp_path)
    dump = backup / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    result = restore(backup, database=restored_database, media=tmp_path / "restored-media")
    assert result.returncode != 0
    assert "does not match the manifest's SHA-256" in result.stderr
    with psycopg.connect(_url(restored_database)) as copy:
        assert copy.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0


@postgresql_only
def test_backup_refuses_when_a_stored_file_the_database_names_is_missing(transactional_db, tmp_path, settings):
    publish_package(actor=TEST_ACTOR, registration=make_registration(investors=1))
    document = PackageDocument.objects.first()
    (Path(settings.MEDIA_ROOT) / document.file.name).unlink()
    with pytest.raises(CommandError, match="not in"):
        back_up(tmp_path)
    assert list((tmp_path / "backups").iterdir()) == []


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal on other databases")
def test_backup_names_what_it_needs_on_sqlite(db, tmp_path):
    with pytest.raises(CommandError, match="works on PostgreSQL"):
        call_command("backup_portal", output=str(tmp_path), verbosity=0)
