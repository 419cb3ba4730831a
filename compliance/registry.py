"""Checks contributed by other apps (delivery adds DELIVERY_INCOMPLETE); each returns findings for one registration."""

import datetime
from collections.abc import Callable

from offerings.domain.findings import Finding

# Each callable takes (registration, as_of) and returns a list of Finding; register from AppConfig.ready().
extra_checks: list[Callable[[object, datetime.date], list[Finding]]] = []
