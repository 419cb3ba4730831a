"""The actor tests act as when they call services directly (the admin and commands pass their own)."""

from offerings.actors import SystemActor

TEST_ACTOR = SystemActor("pytest")
