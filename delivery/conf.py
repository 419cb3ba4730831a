"""Delivery settings, from ``portal/settings`` (environment variables ``PORTAL_*``, see the README)."""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from offerings import site


def link_days() -> int:
    """Days a personal link works after it is issued (``PORTAL_DELIVERY_LINK_DAYS``, default 90)."""
    return int(settings.DELIVERY_LINK_DAYS)


def base_url() -> str:
    """Scheme, host and port that links in emails, CLI output and admin pages start with (``PORTAL_BASE_URL``)."""
    return site.base_url()


def send_batch_size() -> int:
    """Deliveries per email task: one SMTP connection serves a batch (``PORTAL_DELIVERY_SEND_BATCH_SIZE``)."""
    return int(settings.DELIVERY_SEND_BATCH_SIZE)


def trust_x_forwarded_for() -> bool:
    """Take the client address from X-Forwarded-For (set only behind a proxy that overwrites it)."""
    return bool(settings.DELIVERY_TRUST_X_FORWARDED_FOR)


def evidence_synchronous_commit() -> bool:
    """Wait for PostgreSQL to flush each page-view and download record to disk before answering.

    ``PORTAL_DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT``, default on. Off, those records are still committed
    before the page is sent, but a crash of the database server (not of the portal) may lose the last
    fraction of a second of them; acknowledgements and email records always wait for the flush.
    """
    return bool(settings.DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT)


# "count/period" as django-ratelimit reads it: "60/m", "1000/h", "5/10s".
_RATE = re.compile(r"[0-9]+/[0-9]*[smhd]\Z")


def link_rate_limit() -> str | None:
    """Requests per client address to the investors' links and offering pages (``PORTAL_LINK_RATE_LIMIT``,
    default "60/m"); None when the setting is empty (no limit)."""
    value = str(settings.PORTAL_LINK_RATE_LIMIT or "").strip()
    if not value:
        return None
    if not _RATE.match(value):
        raise ImproperlyConfigured(
            f"PORTAL_LINK_RATE_LIMIT={value!r} is not a rate: use count/period, e.g. 60/m (s, m, h or d)."
        )
    return value


def acknowledge_max_bytes() -> int:
    """The largest acknowledgement POST body (``PORTAL_ACKNOWLEDGE_MAX_BYTES``, default 1024)."""
    return int(settings.PORTAL_ACKNOWLEDGE_MAX_BYTES)
