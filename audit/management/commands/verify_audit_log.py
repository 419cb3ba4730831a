from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from audit import chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain from the first entry: prints OK with the count and the latest hash, "
        "or names the first entry that does not match and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, database, **options):
        result = chain.verify(using=database)
        if not result.ok:
            raise CommandError(f"Audit chain broken: {result.first_break}.", returncode=1)
        head = chain.head(using=database)
        latest = f"; latest hash {head}" if head else ""
        self.stdout.write(f"OK: {result.count:,} audit entries, chain intact{latest}.")
