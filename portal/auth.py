"""Staff sign-in rules read from the settings at each use, so that a changed setting takes effect at once.

- lockout: django-axes asks ``failure_limit`` and ``cool_off`` (``AXES_FAILURE_LIMIT``, ``AXES_COOLOFF_TIME``
  name them): ``PORTAL_LOGIN_FAILURE_LIMIT`` failures of one username from one address lock that combination out
  for ``PORTAL_LOGIN_COOLOFF_MINUTES`` after the last; ``axes_username`` bounds the username it counts;
  ``lockout_response`` is the page a locked-out sign-in gets;
- second factor: ``mfa_required`` (``PORTAL_REQUIRE_MFA``);
- ``check_settings``: each of these numbers is a positive whole number, or the portal does not start.
"""

from datetime import timedelta

from django.conf import settings
from django.core.checks import Error
from django.http import HttpResponse
from django.shortcuts import render

from audit.logins import bounded_username

LOCKOUT_TEMPLATE = "security/locked_out.html"
LOCKOUT_STATUS = 429  # Too Many Requests
POSITIVE_SETTINGS = (
    "PORTAL_LOGIN_FAILURE_LIMIT",
    "PORTAL_LOGIN_COOLOFF_MINUTES",
    "PORTAL_PASSWORD_MIN_LENGTH",
    "PORTAL_SESSION_IDLE_MINUTES",
    "PORTAL_SESSION_ABSOLUTE_HOURS",
)


def failure_limit(request=None, credentials=None) -> int:
    """Failed sign-ins of one username from one address before that combination is locked out."""
    return int(settings.PORTAL_LOGIN_FAILURE_LIMIT)


def cool_off(request=None) -> timedelta:
    """How long a lockout lasts after the last failure that counted."""
    return timedelta(minutes=int(settings.PORTAL_LOGIN_COOLOFF_MINUTES))


def axes_username(request, credentials=None) -> str | None:
    """The username axes counts failures for: the one tried, cut to the length the audit trail keeps (axes would
    otherwise store any length, and PostgreSQL refuses more than its column's 255 characters)."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = bounded_username(source.get(str(settings.AXES_USERNAME_FORM_FIELD)))
    return username or None


def mfa_required() -> bool:
    """Staff need a second factor (a TOTP code or a recovery code) to use the admin."""
    return bool(settings.PORTAL_REQUIRE_MFA)


def check_settings(app_configs=None, **kwargs) -> list[Error]:
    """System check: the sign-in and session numbers are whole numbers of at least 1."""
    errors = []
    for name in POSITIVE_SETTINGS:
        value = getattr(settings, name, None)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(
                Error(f"{name} is {value!r}; it must be a whole number of at least 1.", id="portal.E001", obj=name)
            )
    return errors


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out sign-in gets: status 429, what happened, how long it lasts."""
    username = (credentials or {}).get("username") or ""
    context = {
        "username": username if isinstance(username, str) else "",
        "failure_limit": failure_limit(),
        "cooloff_minutes": int(settings.PORTAL_LOGIN_COOLOFF_MINUTES),
    }
    return render(request, LOCKOUT_TEMPLATE, context, status=LOCKOUT_STATUS)
