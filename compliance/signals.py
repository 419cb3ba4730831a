"""Signals of the compliance check, for apps above it (delivery) to add their own findings."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.dispatch import Signal

# Sent once per registration checked, with ``registration`` and ``as_of``; each receiver returns a list of
# ``offerings.domain.findings.Finding`` (delivery: DELIVERY_INCOMPLETE, PACKAGE_OUT_OF_DATE). The check reports
# them with its own. When the check covers many registrations (the dashboard, ``compliance_check``) it also
# sends ``batch``, a ``CheckBatch``: a receiver loads what it reads for all of them on its first call
# (``batch.load``) and takes its registration's part, so the check's queries do not grow per registration.
# A single registration's check (``findings_for_registration``) sends no batch.
registration_checked = Signal()

T = TypeVar("T")


class CheckBatch:
    """The registrations one run of the check covers, and what receivers loaded for all of them (by key)."""

    def __init__(self, registrations: Sequence[Any]) -> None:
        self.registrations = tuple(registrations)
        self._loaded: dict[str, Any] = {}

    def load(self, key: str, loader: Callable[[Sequence[Any]], T]) -> T:
        """``loader(registrations)`` on the first call for ``key`` (name it for the receiver's app and purpose,
        e.g. "delivery.coverage"); the same result on later calls."""
        if key not in self._loaded:
            self._loaded[key] = loader(self.registrations)
        return self._loaded[key]
