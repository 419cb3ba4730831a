"""``manage.py restore_portal BACKUP_DIR [--no-media]``: a backup_portal directory into an empty database and an
empty media directory (the ones the settings name: DATABASE_URL, DJANGO_MEDIA_ROOT), then checked against the
manifest.

Refused before anything is written: a backup whose files do not match the manifest's SHA-256s, a database that
has a table already, a media directory that holds anything. After the restore every table must hold the rows the
manifest counted and every stored file a record names the bytes of the manifest's SHA-256; any difference is
reported and the command fails (the restored copy is left for inspection).
"""

import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from . import _backup


class Command(BaseCommand):
    help = "Restore a backup_portal directory into an empty PostgreSQL database and an empty media directory."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The portal-backup-<time> directory.")
        parser.add_argument("--no-media", action="store_true", help="The database only (media restored otherwise).")

    def handle(self, *args, backup: str, no_media: bool, **options):
        _backup.require_postgresql("restore_portal")
        pg_restore = _backup.client_program("pg_restore")
        directory = Path(backup)
        manifest = _backup.read_manifest(directory)
        if manifest["media"] is None and not no_media:
            raise CommandError("This backup holds no media (made with --no-media): restore it with --no-media.")
        media_root = _backup.local_media_root(no_media=no_media, command="restore_portal")
        self._check_files(directory, manifest, media=media_root is not None)
        self._check_empty(media_root)

        _backup.run_client(
            pg_restore,
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(directory / _backup.DATABASE_FILE),
            ],
        )
        if media_root is not None:
            media_root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(directory / _backup.MEDIA_FILE) as tar:
                tar.extractall(media_root, filter="data")  # no absolute paths, no "..", no links leaving it

        problems = self._verify(manifest, media_root)
        if problems:
            raise CommandError("The restored copy differs from the manifest:\n" + "\n".join(problems))
        self.stdout.write(
            f"Restored {directory} into database {connection.settings_dict['NAME']}"
            + (f" and {media_root}" if media_root else "")
            + f": {sum(manifest['rows'].values())} rows, {len(manifest['files'])} stored files, as the manifest says."
        )

    @staticmethod
    def _check_files(directory: Path, manifest: dict, *, media: bool) -> None:
        entries = [manifest["database"]] + ([manifest["media"]] if media else [])
        for entry in entries:
            path = directory / entry["file"]
            if not path.is_file():
                raise CommandError(f"{path} is missing.")
            if _backup.sha256_of(path) != entry["sha256"]:
                raise CommandError(f"{path} does not match the manifest's SHA-256: the backup is damaged.")

    @staticmethod
    def _check_empty(media_root: Path | None) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
            tables = cursor.fetchone()[0]
        if tables:
            raise CommandError(
                f"Database {connection.settings_dict['NAME']} has {tables} table(s): restore into an empty database "
                "(createdb a new one and point DATABASE_URL at it)."
            )
        if media_root is not None and media_root.exists() and any(media_root.iterdir()):
            raise CommandError(f"{media_root} is not empty: restore into an empty media directory.")

    @staticmethod
    def _verify(manifest: dict, media_root: Path | None) -> list[str]:
        problems = []
        with connection.cursor() as cursor:
            present = set(connection.introspection.table_names(cursor))
        missing = sorted(set(manifest["rows"]) - present)
        problems.extend(f"table {table}: missing" for table in missing)
        counts = _backup.row_counts(sorted(set(manifest["rows"]) & present))
        for table, count in counts.items():
            if count != manifest["rows"][table]:
                problems.append(f"table {table}: {count} rows, the manifest says {manifest['rows'][table]}")
        if media_root is not None:
            for name, expected in sorted(manifest["files"].items()):
                path = media_root / name
                if not path.is_file():
                    problems.append(f"file {name}: missing")
                elif _backup.sha256_of(path) != expected:
                    problems.append(f"file {name}: SHA-256 differs from the manifest")
        return problems
