import io

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from offerings.actors import SystemActor
from offerings.services.staff import MAX_RECOVERY_CODES, enrol_totp


def qr_text(data: str) -> str:
    """``data`` as a QR code drawn with text characters, for a terminal (the qrcode library)."""
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


class Command(BaseCommand):
    help = (
        "Enrol a TOTP authenticator app as the second factor of a staff user (PORTAL_REQUIRE_MFA), with single-use "
        "recovery codes: prints the otpauth:// URI, a QR code of it and the codes, once. The device is confirmed "
        "at once; keep the output from anyone but the user."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="The device's name (default: authenticator).")
        parser.add_argument(
            "--recovery-codes",
            type=int,
            default=10,
            help=f"How many single-use recovery codes to issue, 0 to {MAX_RECOVERY_CODES} (default 10).",
        )
        parser.add_argument(
            "--replace", action="store_true", help="Remove the user's TOTP devices and recovery codes first."
        )
        parser.add_argument("--no-qr", action="store_true", help="Print the URI only, no QR code.")

    def handle(self, *args, username: str, name: str, recovery_codes: int, replace: bool, no_qr: bool, **options):
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user {username!r}; create one first (manage.py ensure_admin --username ...).")
        try:
            enrolment = enrol_totp(
                actor=SystemActor("enrol_totp"), user=user, name=name, recovery_codes=recovery_codes, replace=replace
            )
        except ValidationError as error:
            details = " ".join(" ".join(messages) for messages in error.message_dict.values())
            raise CommandError(f"No device was enrolled for {username!r}: {details}") from None
        replaced = f" (replacing {enrolment.replaced})" if enrolment.replaced else ""
        self.stdout.write(f"Enrolled TOTP device {enrolment.device.name!r} for {username!r}{replaced}.")
        self.stdout.write("Add it to an authenticator app with this URI (or the QR code below):")
        self.stdout.write(enrolment.config_url)
        if not no_qr:
            self.stdout.write(qr_text(enrolment.config_url))
        if enrolment.recovery_codes:
            self.stdout.write("Recovery codes, each usable once (sign in choosing the device 'recovery codes'):")
            self.stdout.write("\n".join(enrolment.recovery_codes))
        self.stdout.write("Shown once: anyone who sees this output can sign in as the user with the password.")
