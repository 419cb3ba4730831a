import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from environ import Env

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
        user = User(**{User.USERNAME_FIELD: username}, is_staff=True, is_superuser=True)
        password = chosen or secrets.token_urlsafe(12)
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise CommandError(
                f"{ENV_VARIABLE} is too weak for the staff user {username!r}: {' '.join(error.messages)} "
                "Choose another (or leave it unset for a random one); no user was created."
            ) from None
        user.set_password(password)
        user.save()
        shown = "the password from " + ENV_VARIABLE if chosen else f"password {password}"
        self.stdout.write(f"Created staff user {username!r} with {shown}\nSign in at http://127.0.0.1:8000/admin/")
