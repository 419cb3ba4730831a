"""Delivery settings, from ``portal/settings`` (environment variables ``PORTAL_*``, see the README)."""

from django.conf import settings


def link_days() -> int:
    """Days a personal link works after it is issued (``PORTAL_DELIVERY_LINK_DAYS``, default 90)."""
    return int(settings.DELIVERY_LINK_DAYS)


def base_url() -> str:
    """Scheme and host that links in emails and CLI output start with (``PORTAL_BASE_URL``)."""
    return str(settings.DELIVERY_BASE_URL).rstrip("/")


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
