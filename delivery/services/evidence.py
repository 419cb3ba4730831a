"""Evidence from an investor's personal link: each page view, download and acknowledgement is one event.

These writes are made by whoever holds the link, not by staff or a command, so they take no ``actor``: the
client's IP address and user agent recorded on each event are the record of who acted. The view layer reads
them from the request (``delivery.views.client_ip``); the services take plain values.
"""

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from .. import conf
from ..models import Delivery, DeliveryEvent, DeliveryStatus, EventKind, PackageDocument
from ..prepared import CompiledInsert

# Every page view and download writes one row: its INSERT written once per process (delivery.prepared).
_insert_event = CompiledInsert(DeliveryEvent)


def record_event(
    *,
    delivery: Delivery,
    kind: str,
    ip_address: str | None,
    user_agent: str,
    document: PackageDocument | None = None,
    detail: str = "",
) -> DeliveryEvent:
    """One INSERT: the page view, download or acknowledgement, with UTC time, IP, user agent and bytes' hash.

    ``ip_address`` is the client's address as the view determined it (None when it is not a valid address).
    """
    event = DeliveryEvent(
        delivery=delivery,
        kind=kind,
        occurred_at=timezone.now(),
        ip_address=ip_address,
        user_agent=user_agent[:500],
        document=document,
        document_sha256=document.sha256 if document else "",
        detail=detail[:500],
    )
    if kind == EventKind.ACKNOWLEDGED or conf.evidence_synchronous_commit() or connection.vendor != "postgresql":
        _insert_event.insert(event)
    else:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            _insert_event.insert(event)
    return event


def record_open(
    *, delivery: Delivery, ip_address: str | None, user_agent: str, document: PackageDocument | None = None
) -> None:
    """Record a view or download by the link holder; the first one also sets the first-opened time."""
    kind = EventKind.DOWNLOAD if document else EventKind.PAGE_VIEW
    event = record_event(delivery=delivery, kind=kind, ip_address=ip_address, user_agent=user_agent, document=document)
    if delivery.first_opened_at is None:
        Delivery.objects.filter(pk=delivery.pk, first_opened_at__isnull=True).update(
            first_opened_at=event.occurred_at,
            status=Case(
                When(status=DeliveryStatus.ACKNOWLEDGED, then=F("status")), default=Value(DeliveryStatus.OPENED)
            ),
        )
        delivery.first_opened_at = event.occurred_at


def _acknowledged(delivery: Delivery) -> bool:
    return DeliveryEvent.objects.filter(delivery=delivery, kind=EventKind.ACKNOWLEDGED).exists()


def acknowledge(*, delivery: Delivery, ip_address: str | None, user_agent: str) -> Delivery:
    """The link holder's "I have received these documents", recorded once per delivery.

    Rule: a replayed acknowledgement changes nothing (no new event, the first time kept). The first one records
    the event and sets the acknowledged time; the unique constraint ``delivery_event_one_acknowledgement`` decides
    between two that arrive at once, and the loser is a replay.
    """
    if delivery.acknowledged_at is not None or _acknowledged(delivery):
        return delivery
    try:
        with transaction.atomic():
            event = record_event(
                delivery=delivery, kind=EventKind.ACKNOWLEDGED, ip_address=ip_address, user_agent=user_agent
            )
    except IntegrityError:
        if _acknowledged(delivery):
            return delivery
        raise
    Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=event.occurred_at, status=DeliveryStatus.ACKNOWLEDGED
    )
    Delivery.objects.filter(pk=delivery.pk, first_opened_at__isnull=True).update(first_opened_at=event.occurred_at)
    delivery.acknowledged_at = event.occurred_at
    return delivery


def record_rate_limited(*, delivery: Delivery, ip_address: str | None, user_agent: str, detail: str) -> DeliveryEvent:
    """Evidence that the link holder's address was refused for too many requests (the view throttles these to
    one per delivery per rate window); ``detail`` names the page and the limit, never the token."""
    return record_event(
        delivery=delivery, kind=EventKind.RATE_LIMITED, ip_address=ip_address, user_agent=user_agent, detail=detail
    )
