"""Who the writes inside a block are made by: ``acting(actor)`` and the ``@audited`` service decorator.

The actor is a user or a named command or task (anything else with a ``str()``: ``SystemActor("import_dossier")``
reads "command import_dossier"). Every audit entry written inside ``acting`` names it: ``actor`` (auditlog's
user field) and ``actor_name``. Scopes nest, and leaving one restores the one outside it; outside every scope,
auditlog's middleware names the signed-in user of the request.

This keeps its own context variable rather than calling ``auditlog.context.set_actor``: in auditlog 3.4.1
leaving a nested ``set_actor`` leaves the middleware's scope unable to name the user for the rest of the request.
"""

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import AbstractBaseUser

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Acting:
    """The actor of the current scope: a user (``user`` set) or a command or task (``user`` None)."""

    name: str
    user: AbstractBaseUser | None = None

    @property
    def email(self) -> str | None:
        return (getattr(self.user, "email", "") or None) if self.user is not None else None


_current: ContextVar[Acting | None] = ContextVar("audit_acting", default=None)


def as_acting(actor: Any) -> Acting:
    """The audit view of a service's ``actor=``: a user, or a named command or task; refuses anything else."""
    if isinstance(actor, Acting):
        return actor
    if isinstance(actor, AbstractBaseUser):
        if not actor.pk:
            raise TypeError("The acting user must be saved: audit entries refer to it.")
        return Acting(name=actor.get_username(), user=actor)
    if actor is None or getattr(actor, "is_anonymous", False) or not str(actor).strip():
        raise TypeError(f"An audited write needs a signed-in user or a named command as its actor, not {actor!r}.")
    return Acting(name=str(actor)[:200])


def current() -> Acting | None:
    """The innermost ``acting`` scope, or None outside every scope."""
    return _current.get()


@contextlib.contextmanager
def acting(actor: Any) -> Iterator[Acting]:
    """Name ``actor`` on every audit entry written inside the block (and on bulk writes, see ``audit.bulk``)."""
    token = _current.set(as_acting(actor))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def audited(function: Callable[P, R]) -> Callable[P, R]:
    """Run a write service inside ``acting(actor)``, ``actor`` being its keyword argument (required)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if "actor" not in kwargs:
            raise TypeError(f"{function.__qualname__}() is audited: call it with actor=.")
        with acting(kwargs["actor"]):
            return function(*args, **kwargs)

    wrapper.audited = True  # type: ignore[attr-defined]
    return wrapper


def apply_actor(entry) -> None:
    """Before an entry is saved: name the current scope's actor unless the entry names one already."""
    scope = current()
    if scope is None or entry.actor_id is not None or entry.actor_name:
        return
    entry.actor = scope.user
    entry.actor_name = scope.name
    entry.actor_email = scope.email
    entry._audit_scope = scope


def settle_actor(entry) -> None:
    """After the pre_save receivers: a command's entry names no user, and a user's entry names its username."""
    scope = getattr(entry, "_audit_scope", None)
    if scope is not None and scope.user is None:
        entry.actor = None
        entry.actor_email = None
    if entry.actor_id is not None and not entry.actor_name:
        entry.actor_name = entry.actor.get_username()[:200]
