from django.core.management.base import BaseCommand, CommandError

from delivery import selectors
from delivery.services import links as delivery_links
from offerings.actors import SystemActor

from ._common import registration_or_error


class Command(BaseCommand):
    help = (
        "Create a delivery of the current package version for every investor (and selling stockholder with "
        "an email) who has none, and print name<TAB>email<TAB>url per delivery. This is the only time a "
        "link is shown. With --send, email deliveries are queued for sending instead and their links exist "
        "only in the emails (the url column then reads 'emailed')."
    )

    def add_arguments(self, parser):
        parser.add_argument("file_number")
        parser.add_argument("--send", action="store_true", help="Queue the email notices (background task).")

    def handle(self, *args, file_number, send, **options):
        registration = registration_or_error(file_number)
        version = selectors.current_package(registration=registration)
        if version is None:
            raise CommandError(f"No package has been published for {file_number}; run publish_package first.")
        links = delivery_links.create_deliveries(
            actor=SystemActor("create_deliveries"), package_version=version, send=send
        )
        for link in links:
            delivery = link.delivery
            url = link.url or ("emailed" if send else "")
            self.stdout.write(f"{delivery.recipient_name}\t{delivery.recipient_email}\t{url}")
        self.stderr.write(f"{len(links)} new deliveries of package v{version.number} for {file_number}.")
