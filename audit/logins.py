"""Staff sign-ins on the audit trail: each sign-in, sign-out, refused sign-in and lockout is an audit event.

Receivers of Django's ``user_logged_in``, ``user_logged_out`` and ``user_login_failed`` and of django-axes'
``user_locked_out`` (connected by ``connect``, from ``AuditConfig.ready``) write one entry each through
``record_event``, on the user's account. A refused sign-in or a lockout of a username that names no account
has no record to attach to: its entry names the user model with no row (``object_pk`` blank) and the username
tried as its label. The username is kept to 150 printable characters; the password (and any code) tried is
never stored. Entries written during a request carry the client address (``audit.middleware``).
"""

from typing import Any

from auditlog.cid import get_cid
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType

from .chain import plain_json
from .context import acting
from .events import record_event
from .models import Event, LogEntry

# The longest username kept (Django's username field); a longer one tried is cut there.
MAX_USERNAME_LENGTH = 150
# A sign-in tried by someone not (yet) signed in.
ANONYMOUS_ACTOR = "anonymous sign-in attempt"
# Set on the request by whoever ends a session (portal/sessions.py) to name why, e.g. "idle timeout".
LOGOUT_REASON_ATTRIBUTE = "audit_logout_reason"


def bounded_username(value: Any) -> str:
    """The username tried, as stored: printable characters only, at most ``MAX_USERNAME_LENGTH`` of them."""
    text = value if isinstance(value, str) else ""
    return "".join(ch for ch in text if ch.isprintable())[:MAX_USERNAME_LENGTH]


def _account(username: str):
    """The user named ``username``, or None."""
    if not username:
        return None
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


def record_account_event(*, actor: Any, event: str, username: str, data: dict) -> LogEntry:
    """One audit entry for ``event`` on the account named ``username``; on the user model, with the username
    as its label, when no account has that name."""
    user = _account(username)
    if user is not None:
        return record_event(actor=actor, record=user, event=event, data=data)
    if event not in Event.values:
        raise ValueError(f"Unknown audit event {event!r}; one of {', '.join(Event.values)}.")
    with acting(actor):
        return LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(get_user_model()),
            object_pk="",
            object_id=None,
            object_repr=f"no account {username!r}",
            action=LogEntry.Action.UPDATE,
            event=event,
            changes=None,
            additional_data=plain_json(data),
            cid=get_cid(),
        )


def _device_label(user) -> str | None:
    device = getattr(user, "otp_device", None)
    return None if device is None else f"{device._meta.verbose_name} {device.name!r}"[:200]


def logged_in(sender, request, user, **kwargs) -> None:
    record_event(actor=user, record=user, event=Event.LOGGED_IN, data={"second_factor": _device_label(user)})


def logged_out(sender, request, user, **kwargs) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    reason = getattr(request, LOGOUT_REASON_ATTRIBUTE, None) or "signed out"
    record_event(actor=user, record=user, event=Event.LOGGED_OUT, data={"reason": str(reason)[:200]})


def _refused_by_lockout(request) -> bool:
    """django-axes refused the attempt before any password was checked: its backend marks the request locked
    out, and its failure handler, which counts a failure (``axes_failures_since_start``), did not run or skipped
    it. (A failure that reaches the limit is marked locked out too, but counted.) Either receiver order works."""
    return (
        bool(getattr(request, "axes_locked_out", False)) and getattr(request, "axes_failures_since_start", None) is None
    )


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    User = get_user_model()
    username = bounded_username((credentials or {}).get(User.USERNAME_FIELD))
    reason = kwargs.get("reason") or ("locked out" if _refused_by_lockout(request) else "wrong username or password")
    data = {"username": username, "reason": str(reason)[:200]}
    record_account_event(actor=ANONYMOUS_ACTOR, event=Event.LOGIN_FAILED, username=username, data=data)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    username = bounded_username(username)
    data = {
        "username": username,
        "ip_address": str(ip_address)[:45] if ip_address else None,
        "failures": getattr(request, "axes_failures_since_start", None),
    }
    record_account_event(actor=ANONYMOUS_ACTOR, event=Event.LOCKED_OUT, username=username, data=data)


def connect() -> None:
    """Connect the receivers (once: each has a dispatch uid)."""
    from axes.signals import user_locked_out

    user_logged_in.connect(logged_in, dispatch_uid="audit.logins.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="audit.logins.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="audit.logins.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit.logins.locked_out")
