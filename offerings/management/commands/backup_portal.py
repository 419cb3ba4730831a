"""``manage.py backup_portal [--output DIR] [--no-media]``: the database and the stored files, consistent, in one
timestamped directory with a manifest of SHA-256s (layout: ``_backup.py``).

Consistency: the command opens a read-only REPEATABLE READ transaction and exports its snapshot; ``pg_dump
--snapshot`` dumps exactly that state, and in the same transaction the command counts every table's rows and lists
every stored file a record names. The media directory is then archived: the portal never rewrites a stored file
under the same name, so a file the snapshot names is the same file later; one deleted since (a discarded
rendition) is missing from the archive, and the command then refuses, removing what it wrote: run it again. Files
added after the snapshot are archived too; nothing in the restored database names them.
"""

import datetime
import json
import shutil
import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from . import _backup


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and the media directory into one new "
        "directory, portal-backup-<UTC time>, with manifest.json and SHA256SUMS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Directory the backup directory is made in.")
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="The database only (a storage that is not this machine's disk is copied with its own tools).",
        )

    def handle(self, *args, output: str, no_media: bool, **options):
        _backup.require_postgresql("backup_portal")
        if connection.in_atomic_block:
            raise CommandError("backup_portal takes its own snapshot: call it outside a transaction.")
        pg_dump = _backup.client_program("pg_dump")
        media_root = _backup.local_media_root(no_media=no_media, command="backup_portal")
        started = timezone.now().astimezone(datetime.UTC)
        target = Path(output) / f"portal-backup-{started:%Y%m%dT%H%M%SZ}"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.mkdir(mode=0o700)
        except FileExistsError:
            raise CommandError(f"{target} exists already; wait a second and run again.") from None
        try:
            manifest = self._back_up(target, pg_dump=pg_dump, media_root=media_root, started=started)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        self.stdout.write(
            f"Backed up to {target}: {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables, "
            f"{len(manifest['files'])} stored files."
        )

    def _back_up(self, target: Path, *, pg_dump: str, media_root: Path | None, started) -> dict:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            dump = target / _backup.DATABASE_FILE
            _backup.run_client(pg_dump, ["--format=custom", f"--snapshot={snapshot}", f"--file={dump}"])
            rows = _backup.row_counts(_backup.model_tables())
            names = sorted(_backup.stored_names())
        files: dict[str, str | None] = dict.fromkeys(names)
        media = None
        if media_root is not None:
            files = self._archive_media(media_root, target / _backup.MEDIA_FILE, names)
            media = self._entry(target / _backup.MEDIA_FILE)
        manifest = {
            "format": _backup.FORMAT,
            "created_at": started.isoformat(),
            "database": {**self._entry(dump), "server_version": server_version},
            "media": media,
            "rows": rows,
            "files": files,
        }
        (target / _backup.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        sums = [f"{manifest['database']['sha256']}  {_backup.DATABASE_FILE}"]
        if media:
            sums.append(f"{media['sha256']}  {_backup.MEDIA_FILE}")
        (target / _backup.SUMS_FILE).write_text("\n".join(sums) + "\n")
        return manifest

    @staticmethod
    def _entry(path: Path) -> dict:
        return {"file": path.name, "sha256": _backup.sha256_of(path), "size": path.stat().st_size}

    @staticmethod
    def _archive_media(media_root: Path, archive: Path, names: list[str]) -> dict[str, str]:
        """Archive every regular file under MEDIA_ROOT; the SHA-256 of each one a record names (all must be there)."""
        wanted = set(names)
        hashes: dict[str, str] = {}
        with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    name = path.relative_to(media_root).as_posix()
                    if path.is_symlink() or not path.is_file() or name.startswith(_backup.PROBE_PREFIX):
                        continue
                    tar.add(path, arcname=name, recursive=False)
                    if name in wanted:
                        hashes[name] = _backup.sha256_of(path)
        missing = sorted(wanted - set(hashes))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            raise CommandError(
                f"{len(missing)} stored file(s) the database names are not in {media_root}: {shown}. "
                "If the portal deleted them just now, run backup_portal again; otherwise they are lost."
            )
        return {name: hashes[name] for name in names}
