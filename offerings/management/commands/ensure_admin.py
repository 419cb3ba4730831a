import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from environ import Env


class Command(BaseCommand):
    help = "Create or refresh the staff user 'admin' (password from PORTAL_ADMIN_PASSWORD, or a new one printed)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        password = Env().str("PORTAL_ADMIN_PASSWORD", default="") or secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            f"{'Created' if created else 'Updated'} staff user {username!r} with password {password}\n"
            f"Sign in at http://127.0.0.1:8000/admin/"
        )
