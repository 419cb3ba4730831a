"""Staff accounts: creating a staff user with a password the validators accept, and enrolling a second factor.

Rules: a password passes every ``AUTH_PASSWORD_VALIDATORS`` validator (at least ``PORTAL_PASSWORD_MIN_LENGTH``
characters, not common, not all digits, not like the username) or no user is created. A second factor is a TOTP
device (RFC 6238: 6 digits, 30-second steps) for an active staff user, confirmed at once by whoever runs the
enrolment (who has the server's shell, so is trusted), with optional single-use recovery codes; a user who has a
TOTP device gets a new one only when the old ones are replaced, recovery codes with them. Each enrolment is an
audit event on the user's account.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.context import audited
from audit.events import record_event
from audit.models import Event

from ..actors import Actor

MAX_RECOVERY_CODES = 20
DEVICE_NAME_MAX_LENGTH = TOTPDevice._meta.get_field("name").max_length
RECOVERY_DEVICE_NAME = "recovery codes"


@audited
@transaction.atomic
def create_staff_user(*, actor: Actor, username: str, password: str, superuser: bool = False) -> AbstractBaseUser:
    """Create an active staff user; ``ValidationError`` (by field: ``password``, ``username``) if the password
    fails a validator or the username is not valid or taken."""
    User = get_user_model()
    user = User(**{User.USERNAME_FIELD: username}, is_staff=True, is_superuser=superuser)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@dataclass(frozen=True)
class Enrolment:
    """A new TOTP device, the recovery codes issued with it (shown once), and how many devices it replaced."""

    device: TOTPDevice
    recovery_codes: list[str]
    replaced: int

    @property
    def config_url(self) -> str:
        """The ``otpauth://`` URI an authenticator app reads (as a QR code or typed)."""
        return self.device.config_url


def _check_enrolment(user: AbstractBaseUser, name: str, recovery_codes: int, replace: bool) -> None:
    problems: dict[str, str] = {}
    if not user.pk or not user.is_active or not user.is_staff:
        problems["user"] = f"{user.get_username()!r} is not an active staff user; only staff sign in to the admin."
    elif not replace and TOTPDevice.objects.filter(user=user).exists():
        problems["user"] = f"{user.get_username()!r} has a TOTP device already; replace it to enrol a new one."
    if not name.strip() or len(name) > DEVICE_NAME_MAX_LENGTH:
        problems["name"] = f"The device name must be 1 to {DEVICE_NAME_MAX_LENGTH} characters."
    if isinstance(recovery_codes, bool) or not isinstance(recovery_codes, int):
        problems["recovery_codes"] = "The number of recovery codes must be a whole number."
    elif not 0 <= recovery_codes <= MAX_RECOVERY_CODES:
        problems["recovery_codes"] = f"The number of recovery codes must be from 0 to {MAX_RECOVERY_CODES}."
    if problems:
        raise ValidationError(problems)


@audited
@transaction.atomic
def enrol_totp(
    *,
    actor: Actor,
    user: AbstractBaseUser,
    name: str = "authenticator",
    recovery_codes: int = 10,
    replace: bool = False,
) -> Enrolment:
    """Give ``user`` a confirmed TOTP device (and ``recovery_codes`` single-use codes); ``replace`` removes the
    user's TOTP devices and recovery codes first. ``ValidationError`` names the field at fault."""
    _check_enrolment(user, name, recovery_codes, replace)
    replaced = 0
    if replace:
        replaced, _ = TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name=name.strip(), confirmed=True)
    device.full_clean()
    device.save()
    codes: list[str] = []
    if recovery_codes:
        static = StaticDevice(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        static.full_clean()
        static.save()
        codes = [StaticToken.random_token() for _ in range(recovery_codes)]
        StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    data = {"device": device.name, "recovery_codes": len(codes), "replaced_devices": replaced}
    record_event(actor=actor, record=user, event=Event.MFA_ENROLLED, data=data)
    return Enrolment(device=device, recovery_codes=codes, replaced=replaced)
