"""Email notices: queued once the publishing transaction commits, sent in batches by a background task.

Rule: a notice issues the delivery's personal link at send time, so a token never sits in the task queue;
sending (or resending) a notice therefore replaces any earlier link. One failed message marks that delivery
bounced or failed and the batch goes on.
"""

import copy
import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.context import audited
from offerings.actors import Actor

from .. import conf, selectors
from ..models import Delivery, DeliveryEvent, DeliveryMethod, DeliveryStatus, EventKind, PackageDocument
from .links import issue_link, personal_url

logger = logging.getLogger(__name__)


@audited
def queue_notices(*, actor: Actor, delivery_ids: list[int]) -> int:
    """Queue the email notices in batches once the surrounding transaction commits; returns the batch count.

    A task carries only delivery ids, so the task sends them as ``SystemActor("send_delivery_notices")``.
    """
    from ..tasks import send_delivery_notices

    size = conf.send_batch_size()
    batches = [delivery_ids[i : i + size] for i in range(0, len(delivery_ids), size)]
    for batch in batches:
        transaction.on_commit(lambda batch=batch: send_delivery_notices.enqueue(delivery_ids=batch))
    return len(batches)


@audited
def resend(*, actor: Actor, deliveries) -> int:
    """Queue a fresh email notice (and a fresh link) for each email delivery; returns how many were queued."""
    ids = [d.pk for d in deliveries if d.method == DeliveryMethod.EMAIL and d.recipient_email]
    queue_notices(actor=actor, delivery_ids=ids)
    return len(ids)


@audited
def send_delivery_notices(*, actor: Actor, delivery_ids: list[int]) -> dict[str, int]:
    """Email each delivery its personal link over one SMTP connection; one failure does not stop the rest.

    Each notice issues a fresh link (any earlier link of that delivery stops working). A recipient the mail
    server refuses is marked bounced; any other error marks the delivery failed with the server's answer.
    """
    deliveries = (
        Delivery.objects.filter(pk__in=delivery_ids, method=DeliveryMethod.EMAIL)
        .select_related("package_version__registration_statement__issuer")
        .order_by("id")
    )
    documents: dict[int, list[PackageDocument]] = {}
    outcome = {"sent": 0, "failed": 0, "bounced": 0}
    connection = get_connection(fail_silently=False)
    try:
        for delivery in deliveries:
            version = delivery.package_version
            if version.pk not in documents:
                documents[version.pk] = selectors.package_documents(package_version=version)
            token = issue_link(actor=actor, delivery=delivery, detail="email notice")
            message = _notice(delivery=delivery, token=token, documents=documents[version.pk], connection=connection)
            try:
                connection.open()  # no-op while the connection is up; reconnects after a failure
                message.send()
            except smtplib.SMTPRecipientsRefused as error:
                _record_send_failure(delivery=delivery, status=DeliveryStatus.BOUNCED, error=error)
                outcome["bounced"] += 1
            except Exception as error:
                logger.warning("Email notice for delivery %s failed: %s", delivery.pk, error)
                _record_send_failure(delivery=delivery, status=DeliveryStatus.FAILED, error=error)
                outcome["failed"] += 1
                connection.close()
            else:
                _record_sent(delivery=delivery)
                outcome["sent"] += 1
    finally:
        connection.close()
    return outcome


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    text: str
    html: str


def render_notice(*, delivery: Delivery, link: str, documents: list[PackageDocument] | None = None) -> RenderedNotice:
    """The email notice a recipient gets, as sent and as previewed: subject, text and HTML around ``link``."""
    version = delivery.package_version
    registration = version.registration_statement
    if documents is None:
        documents = selectors.package_documents(package_version=version)
    parts, combined = selectors.split_combined(documents)
    context = {
        "delivery": delivery,
        "registration": registration,
        "issuer": registration.issuer,
        "version": version,
        "documents": parts,
        "combined": combined,
        "url": link,
        "expires_at": delivery.token_expires_at,
    }
    issuer = registration.issuer.name
    return RenderedNotice(
        subject=f"{issuer}: prospectus documents for you (Registration No. {registration.file_number})",
        text=render_to_string("delivery/email/notice.txt", context),
        html=render_to_string("delivery/email/notice.html", context),
    )


def _notice(*, delivery: Delivery, token: str, documents: list[PackageDocument], connection) -> EmailMultiAlternatives:
    notice = render_notice(delivery=delivery, link=personal_url(token=token), documents=documents)
    message = EmailMultiAlternatives(
        subject=notice.subject, body=notice.text, to=[delivery.recipient_email], connection=connection
    )
    message.attach_alternative(notice.html, "text/html")
    return message


def _record_sent(*, delivery: Delivery) -> None:
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            sent_at=now,
            last_error="",
            status=Case(
                When(status__in=[DeliveryStatus.OPENED, DeliveryStatus.ACKNOWLEDGED], then=F("status")),
                default=Value(DeliveryStatus.SENT),
            ),
        )
        DeliveryEvent.objects.create(
            delivery=delivery, kind=EventKind.EMAIL_SENT, occurred_at=now, detail=delivery.recipient_email[:500]
        )


def _record_send_failure(*, delivery: Delivery, status: str, error: Exception) -> None:
    now = timezone.now()
    text = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        # The link in the unsent email is unknown to anyone; drop it.
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status, last_error=text, token_hash=None, token_expires_at=None
        )
        DeliveryEvent.objects.create(delivery=delivery, kind=EventKind.EMAIL_FAILED, occurred_at=now, detail=text[:500])


PREVIEW_LINK_TEXT = "PERSONAL-LINK-ISSUED-WHEN-SENT"


def preview_notice(*, delivery: Delivery) -> RenderedNotice:
    """The notice ``delivery`` would get if sent now, around a placeholder link: no token is issued or stored.

    The expiry shown is the one a link issued now would have.
    """
    shown = copy.copy(delivery)
    shown.token_expires_at = timezone.now() + datetime.timedelta(days=conf.link_days())
    return render_notice(delivery=shown, link=conf.base_url() + reverse("delivery:personal", args=[PREVIEW_LINK_TEXT]))
