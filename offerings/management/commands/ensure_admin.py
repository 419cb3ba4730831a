import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from environ import Env

from offerings import site
from offerings.actors import SystemActor
from offerings.services.staff import create_staff_user

ENV_VARIABLE = "PORTAL_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create the staff user 'admin' if it does not exist, with the password from PORTAL_ADMIN_PASSWORD (checked "
        "by the password validators) or a new random one, printed once. An existing user is never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        chosen = Env().str(ENV_VARIABLE, default="")
        User = get_user_model()
        if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
            note = f" ({ENV_VARIABLE} is used only when the user is created.)" if chosen else ""
            self.stdout.write(
                f"Staff user {username!r} exists; its password and permissions are left as they are.{note}\n"
                f"To set a new password: manage.py changepassword {username}"
            )
            return
        password = chosen or secrets.token_urlsafe(12)
        try:
            create_staff_user(actor=SystemActor("ensure_admin"), username=username, password=password, superuser=True)
        except ValidationError as error:
            raise CommandError(self._refusal(error, username)) from None
        shown = "the password from " + ENV_VARIABLE if chosen else f"password {password}"
        self.stdout.write(f"Created staff user {username!r} with {shown}\nSign in at {site.base_url()}/admin/")
        if settings.PORTAL_REQUIRE_MFA:
            self.stdout.write(
                f"The admin asks for a second factor (PORTAL_REQUIRE_MFA): run manage.py enrol_totp {username}"
            )

    @staticmethod
    def _refusal(error: ValidationError, username: str) -> str:
        problems = error.message_dict
        if "password" in problems:
            return (
                f"{ENV_VARIABLE} is too weak for the staff user {username!r}: {' '.join(problems['password'])} "
                "Choose another (or leave it unset for a random one); no user was created."
            )
        details = " ".join(f"{field}: {' '.join(messages)}" for field, messages in problems.items())
        return f"The staff user {username!r} cannot be created: {details} No user was created."
