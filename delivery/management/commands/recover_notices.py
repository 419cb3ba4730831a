from django.core.management.base import BaseCommand

from delivery.services import notices
from offerings.actors import SystemActor


class Command(BaseCommand):
    help = (
        "Recover email notices a stopped task worker left behind (docs/delivery.md, 'Sending notices: crash "
        "safety'). A notice claimed more than PORTAL_NOTICE_STALE_SECONDS ago and never answered is marked "
        "'send state unknown' and NOT resent (staff resend it with the admin's Resend action); a notice queued "
        "that long ago and never claimed is queued again. Run it before starting db_worker (with --at-start) and "
        "every few minutes; it never sends a notice twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at-start",
            action="store_true",
            help="Queue again every notice queued and not yet claimed, however recent (run as the worker starts: "
            "its task may have died with the last worker). Claims are still judged by PORTAL_NOTICE_STALE_SECONDS.",
        )

    def handle(self, *args, at_start, **options):
        recovery = notices.recover_notices(actor=SystemActor("recover_notices"), requeue_all=at_start)
        for pk in recovery.unknown:
            self.stdout.write(f"unknown\t{pk}")
        for pk in recovery.requeued:
            self.stdout.write(f"queued\t{pk}")
        self.stderr.write(
            f"{len(recovery.unknown)} notice(s) now 'send state unknown' (not resent), "
            f"{len(recovery.requeued)} notice(s) queued again."
        )
