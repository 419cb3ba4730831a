"""Deliveries and their personal links: one delivery per recipient per package version, one live link each.

Rule: a link's token is 256 random bits shown once; only its SHA-256 is stored, and issuing a new link
(re-issue, or an email notice) makes the previous one stop working.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone

from audit.context import audited
from audit.events import record_event
from offerings.actors import Actor, actor_label

from .. import conf, selectors, tokens
from ..models import Delivery, DeliveryEvent, DeliveryMethod, DeliveryStatus, EventKind, PackageVersion


@dataclass(frozen=True)
class IssuedLink:
    delivery: Delivery
    token: str | None  # None when the link is issued later, at send time

    @property
    def url(self) -> str:
        return personal_url(token=self.token) if self.token else ""


def personal_url(*, token: str) -> str:
    return conf.base_url() + reverse("delivery:personal", args=[token])


def _new_link(now: datetime.datetime) -> tuple[str, dict]:
    token = tokens.new_token()
    return token, {
        "token_hash": tokens.token_hash(token),
        "token_issued_at": now,
        "token_expires_at": now + datetime.timedelta(days=conf.link_days()),
    }


def _method(recipient: selectors.Recipient) -> str:
    if recipient.email:
        return DeliveryMethod.EMAIL
    if recipient.postal_address:
        return DeliveryMethod.POSTAL
    return DeliveryMethod.IN_PERSON


@audited
@transaction.atomic
def create_deliveries(*, actor: Actor, package_version: PackageVersion, send: bool = False) -> list[IssuedLink]:
    """One delivery per recipient of the version's registration who has none yet.

    Recipients with an email get an email delivery; with ``send`` their notices are queued as background
    tasks that issue each personal link at send time, so the token only ever exists in the email. Without
    ``send``, and for postal and in-person deliveries, the link is issued now and returned: this is the only
    moment its token is known.
    """
    from .notices import queue_notices  # notices issue links through this module

    now = timezone.now()
    new: list[tuple[Delivery, str | None]] = []
    for recipient in selectors.recipients_without_delivery(package_version=package_version):
        method = _method(recipient)
        token, link = (None, {}) if send and method == DeliveryMethod.EMAIL else _new_link(now)
        delivery = selectors.unsaved_delivery(
            package_version=package_version, recipient=recipient, method=method, **link
        )
        new.append((delivery, token))
    created = Delivery.objects.bulk_create([d for d, _ in new], batch_size=1000)
    issued = list(zip(created, (t for _, t in new), strict=True))
    DeliveryEvent.objects.bulk_create(
        [
            DeliveryEvent(delivery=d, kind=EventKind.LINK_ISSUED, occurred_at=now, detail="created")
            for d, token in issued
            if token
        ],
        batch_size=1000,
    )
    if send:
        queue_notices(actor=actor, delivery_ids=[d.pk for d in created if d.method == DeliveryMethod.EMAIL])
    return [IssuedLink(d, token) for d, token in issued]


@audited
@transaction.atomic
def issue_link(*, actor: Actor, delivery: Delivery, detail: str) -> str:
    """A fresh personal link for the delivery, recorded with ``detail``; returns its token, the only copy.

    The previous link stops working and a revocation is lifted. Re-issuing and every email notice go through here.
    """
    now = timezone.now()
    token, link = _new_link(now)
    Delivery.objects.filter(pk=delivery.pk).update(revoked_at=None, **link)
    for name, value in link.items():
        setattr(delivery, name, value)
    delivery.revoked_at = None
    DeliveryEvent.objects.create(delivery=delivery, kind=EventKind.LINK_ISSUED, occurred_at=now, detail=detail)
    record_event(actor=actor, record=delivery, event="link_issued", data={"detail": detail})
    return token


@audited
@transaction.atomic
def revoke_link(*, actor: Actor, delivery: Delivery) -> Delivery:
    """The personal link stops working on the next request; the event names who revoked it."""
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(revoked_at=now, status=DeliveryStatus.REVOKED)
    DeliveryEvent.objects.create(
        delivery=delivery, kind=EventKind.LINK_REVOKED, occurred_at=now, detail=actor_label(actor)[:500]
    )
    record_event(actor=actor, record=delivery, event="link_revoked", data={})
    delivery.refresh_from_db()
    return delivery


@audited
@transaction.atomic
def reissue_link(*, actor: Actor, delivery: Delivery) -> str:
    """A new personal link for the delivery, returned once; the previous link stops working."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    token = issue_link(actor=actor, delivery=delivery, detail=f"re-issued {actor_label(actor)}".strip()[:500])
    if delivery.status == DeliveryStatus.REVOKED:
        if delivery.acknowledged_at:
            status = DeliveryStatus.ACKNOWLEDGED
        elif delivery.first_opened_at:
            status = DeliveryStatus.OPENED
        elif delivery.sent_at:
            status = DeliveryStatus.SENT
        else:
            status = DeliveryStatus.PENDING
        Delivery.objects.filter(pk=delivery.pk).update(status=status)
    return token


@audited
@transaction.atomic
def mark_delivered(*, actor: Actor, delivery: Delivery) -> Delivery:
    """Staff record that a postal or in-person delivery went out."""
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        sent_at=now,
        status=Case(
            When(status__in=[DeliveryStatus.OPENED, DeliveryStatus.ACKNOWLEDGED], then=F("status")),
            default=Value(DeliveryStatus.SENT),
        ),
    )
    DeliveryEvent.objects.create(
        delivery=delivery,
        kind=EventKind.MARKED_DELIVERED,
        occurred_at=now,
        detail=f"{delivery.method} {actor_label(actor)}"[:500],
    )
    delivery.refresh_from_db()
    return delivery
