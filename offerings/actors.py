"""Who acts: every service that writes takes ``actor=``, a staff user or a named command or task.

The audit trail records the actor of every write, so a write with nobody behind it cannot happen: services
require the argument, and commands, the importer and background tasks name themselves with ``SystemActor``.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class SystemActor:
    """A command or task acting without a signed-in user, e.g. ``SystemActor("import_dossier")``."""

    name: str

    def __str__(self) -> str:
        return f"command {self.name}"


Actor = AbstractBaseUser | SystemActor


def actor_user(actor: Actor) -> AbstractBaseUser | None:
    """The user behind an actor, for fields such as ``published_by``; None for a command or task."""
    return None if isinstance(actor, SystemActor) else actor


def actor_label(actor: Actor) -> str:
    """How evidence and messages name the actor: the username, or "command import_dossier"."""
    return str(actor) if isinstance(actor, SystemActor) else actor.get_username()
