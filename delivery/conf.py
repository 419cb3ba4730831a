"""Delivery settings. Each reads a Django setting first, then an environment variable, then the default."""

import os

from django.conf import settings


def link_days() -> int:
    """Days a personal link works after it is issued (``DELIVERY_LINK_DAYS`` / ``PORTAL_DELIVERY_LINK_DAYS``)."""
    return int(getattr(settings, "DELIVERY_LINK_DAYS", os.environ.get("PORTAL_DELIVERY_LINK_DAYS", 90)))


def base_url() -> str:
    """Scheme and host that links in emails and CLI output start with (``DELIVERY_BASE_URL`` / ``PORTAL_BASE_URL``)."""
    value = getattr(settings, "DELIVERY_BASE_URL", os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000"))
    return value.rstrip("/")


def send_batch_size() -> int:
    """Deliveries per email task: one SMTP connection serves a batch (``DELIVERY_SEND_BATCH_SIZE``)."""
    return int(getattr(settings, "DELIVERY_SEND_BATCH_SIZE", os.environ.get("PORTAL_DELIVERY_SEND_BATCH_SIZE", 100)))


def trust_x_forwarded_for() -> bool:
    """Take the client address from X-Forwarded-For (set only behind a proxy that overwrites it)."""
    value = getattr(settings, "DELIVERY_TRUST_X_FORWARDED_FOR", os.environ.get("PORTAL_TRUST_X_FORWARDED_FOR", ""))
    return str(value).lower() in {"1", "true", "yes", "on"}


def evidence_synchronous_commit() -> bool:
    """Wait for PostgreSQL to flush each page-view and download record to disk before answering.

    ``DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT`` / ``PORTAL_DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT``, default on.
    Off, those records are still committed before the page is sent, but a crash of the database server
    (not of the portal) may lose the last fraction of a second of them; acknowledgements and email records
    always wait for the flush.
    """
    value = getattr(
        settings,
        "DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT",
        os.environ.get("PORTAL_DELIVERY_EVIDENCE_SYNCHRONOUS_COMMIT", "true"),
    )
    return str(value).lower() not in {"0", "false", "no", "off"}
