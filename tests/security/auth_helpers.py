"""Shared by the staff-authentication tests (tests/security/test_auth_*.py): signing in as the admin's form does."""

from django.urls import reverse
from django_otp.oath import totp

from audit.models import LogEntry

PASSWORD = "Ledger-Quartz-7194-Harbor"
WRONG_PASSWORD = "Not-The-Password-4410"


def sign_in(client, username: str, password: str, **fields):
    """POST the admin's sign-in form (axes needs the request that ``client.login`` does not pass)."""
    data = {"username": username, "password": password, "next": reverse("admin:index"), **fields}
    extra = {key: data.pop(key) for key in list(data) if key.startswith("HTTP_") or key == "REMOTE_ADDR"}
    return client.post(reverse("admin:login"), data, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def current_code(device) -> str:
    """The device's TOTP code now (what the staff member's authenticator app shows)."""
    return str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(device.digits)


def events(event: str, **filters) -> list[LogEntry]:
    return list(LogEntry.objects.filter(event=event, **filters).order_by("id"))
