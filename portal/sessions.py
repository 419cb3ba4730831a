"""Staff sessions end when idle too long, when too old, and (with a second factor required) when unverified.

- idle: ``PORTAL_SESSION_IDLE_MINUTES`` after the last request; a signed-in user's request stores its time when
  the stored one is ``LAST_SEEN_STEP_SECONDS`` old or more (which also saves the session, renewing its stored
  expiry, ``SESSION_COOKIE_AGE``), so a burst of requests writes the session once, not once each;
- absolute: ``PORTAL_SESSION_ABSOLUTE_HOURS`` after sign-in, however active the session; the sign-in time is
  stored at sign-in (``stamp_sign_in``), or at the first request of a session that has none;
- unverified: with ``PORTAL_REQUIRE_MFA``, a session whose user no second factor verified is ended.

An ended session is logged out (the audit trail records the logout with the reason) and the request goes on as
anonymous, so the admin asks to sign in again.
"""

import time

from django.conf import settings
from django.contrib.auth import logout

from audit.logins import LOGOUT_REASON_ATTRIBUTE

from .auth import mfa_required

SIGNED_IN_AT = "portal_signed_in_at"
LAST_SEEN_AT = "portal_last_seen_at"
# The idle timeout counts from the last request, to within this many seconds.
LAST_SEEN_STEP_SECONDS = 30


def _now() -> float:
    return time.time()


def stamp_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the session's absolute limit runs from now."""
    session = getattr(request, "session", None)
    if session is not None:
        now = _now()
        session[SIGNED_IN_AT] = now
        session[LAST_SEEN_AT] = now


def expiry_reason(session, now: float) -> str | None:
    """Why a signed-in session has ended ("idle timeout", "absolute timeout"), or None while it holds."""
    signed_in_at, last_seen_at = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
    if isinstance(last_seen_at, int | float) and now - last_seen_at > settings.PORTAL_SESSION_IDLE_MINUTES * 60:
        return "idle timeout"
    if isinstance(signed_in_at, int | float) and now - signed_in_at > settings.PORTAL_SESSION_ABSOLUTE_HOURS * 3600:
        return "absolute timeout"
    return None


def end_session(request, reason: str) -> None:
    """Log the user out, naming the reason on the audit trail's logout entry."""
    setattr(request, LOGOUT_REASON_ATTRIBUTE, reason)
    logout(request)


class SessionTimeoutMiddleware:
    """Idle and absolute timeouts; after ``AuthenticationMiddleware``, before ``OTPMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = _now()
            reason = expiry_reason(request.session, now)
            if reason:
                end_session(request, reason)
            else:
                if SIGNED_IN_AT not in request.session:
                    request.session[SIGNED_IN_AT] = now
                last_seen_at = request.session.get(LAST_SEEN_AT)
                if not isinstance(last_seen_at, int | float) or now - last_seen_at >= LAST_SEEN_STEP_SECONDS:
                    request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


def _unverified(request) -> None:
    """``request.user`` after an unverified session is ended: anonymous, and verified by nothing."""
    request.user.otp_device = None
    request.user.is_verified = lambda: False


class SecondFactorSessionMiddleware:
    """With ``PORTAL_REQUIRE_MFA``, end a session no second factor verified (one begun before MFA was required);
    after ``OTPMiddleware``, which tells whether a device verified the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if mfa_required() and user is not None and user.is_authenticated:
            is_verified = getattr(user, "is_verified", None)
            if not (is_verified and is_verified()):
                end_session(request, "no second factor")
                _unverified(request)
        return self.get_response(request)
