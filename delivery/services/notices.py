"""Email notices: queued once the publishing transaction commits, sent in batches by a background task.

Rule: a notice issues the delivery's personal link at send time, so a token never sits in the task queue;
sending (or resending) a notice therefore replaces any earlier link. One failed message marks that delivery
bounced or failed and the batch goes on.

Crash safety (docs/delivery.md, "Sending notices: crash safety"): SMTP cannot give exactly-once, so each notice
is sent at most once per attempt and none is lost. Queuing marks the notice ``queued``. Before sending, a worker
claims it in its own committed transaction (``queued`` or ``none`` to ``sending``, one conditional UPDATE, so two
workers never both claim it; the claim numbers the attempt and issues the link); once the mail server accepts the
message the worker records it ``sent``. A worker that stops in between leaves the notice ``sending``:
``recover_notices`` marks such a claim ``unknown`` after ``PORTAL_NOTICE_STALE_SECONDS`` and never resends it
(staff resend it deliberately), and queues again every notice queued that long ago and never claimed. Each
message's Message-ID names the delivery and the attempt (``notice_message_id``).
"""

import copy
import datetime
import logging
import smtplib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.context import audited
from offerings.actors import Actor

from .. import conf, selectors
from ..models import (
    Delivery,
    DeliveryEvent,
    DeliveryMethod,
    DeliveryStatus,
    EventKind,
    NoticeState,
    PackageDocument,
)
from .links import issue_link, personal_url

logger = logging.getLogger(__name__)

# A worker may claim a notice that is queued, or one never queued (a direct call of send_delivery_notices);
# never one that is being sent, was sent, failed, or whose send state is unknown.
CLAIMABLE = (NoticeState.QUEUED, NoticeState.NONE)


def stale_after() -> datetime.timedelta:
    """How long a claim may go unanswered, or a queued notice unclaimed, before the recovery acts on it
    (``PORTAL_NOTICE_STALE_SECONDS``, default 900)."""
    return datetime.timedelta(seconds=int(settings.DELIVERY_NOTICE_STALE_SECONDS))


def notice_message_id(*, delivery_id: int, attempt: int) -> str:
    """The Message-ID of attempt ``attempt`` of the delivery's notice: the same for the same attempt on every
    worker (the domain is the host of ``PORTAL_BASE_URL``), so a mail system downstream can drop a duplicate."""
    domain = urlsplit(conf.base_url()).hostname or "localhost"
    return f"<notice-{delivery_id}-{attempt}@{domain}>"


def _enqueue(delivery_ids: list[int]) -> int:
    """Enqueue ``delivery.tasks.send_delivery_notices`` in batches once the transaction commits; the batch count."""
    from ..tasks import send_delivery_notices

    size = conf.send_batch_size()
    batches = [delivery_ids[i : i + size] for i in range(0, len(delivery_ids), size)]
    for batch in batches:
        transaction.on_commit(lambda batch=batch: send_delivery_notices.enqueue(delivery_ids=batch))
    return len(batches)


@audited
@transaction.atomic
def queue_notices(*, actor: Actor, delivery_ids: list[int]) -> int:
    """Mark the notices queued and enqueue them in batches once the transaction commits; returns the batch count.

    A task carries only delivery ids, so the task sends them as ``SystemActor("send_delivery_notices")``.
    """
    Delivery.objects.filter(pk__in=delivery_ids, method=DeliveryMethod.EMAIL).update(
        notice_state=NoticeState.QUEUED, notice_updated_at=timezone.now()
    )
    return _enqueue(delivery_ids)


@audited
def resend(*, actor: Actor, deliveries) -> int:
    """Queue a fresh email notice (and a fresh link) for each email delivery; returns how many were queued.

    This is how staff send a notice whose send state is unknown: deliberately, as a new attempt.
    """
    ids = [d.pk for d in deliveries if d.method == DeliveryMethod.EMAIL and d.recipient_email]
    queue_notices(actor=actor, delivery_ids=ids)
    return len(ids)


@dataclass(frozen=True)
class Recovery:
    unknown: list[int]  # claims never answered, now "send state unknown"
    requeued: list[int]  # queued long ago and never claimed, queued again


@audited
@transaction.atomic
def recover_notices(*, actor: Actor, now: datetime.datetime | None = None, requeue_all: bool = False) -> Recovery:
    """Act on notices a stopped worker left behind; safe to run at any time, on any number of machines.

    A notice claimed before ``now - stale_after()`` and never answered becomes "send state unknown" with an
    ``email_unknown`` event: it is not resent (the mail server may have accepted it). A notice queued before
    then (or, with ``requeue_all``, at any time: at worker start) and never claimed is queued again; if its
    first task still runs, one of the two claims it and the other finds it claimed and skips it.
    """
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale_claims = list(
        Delivery.objects.select_for_update()
        .filter(notice_state=NoticeState.SENDING, notice_updated_at__lt=cutoff)
        .values_list("pk", "notice_attempt", "notice_updated_at", "recipient_email")
        .order_by("pk")
    )
    unknown = []
    for pk, attempt, claimed_at, email in stale_claims:
        message_id = notice_message_id(delivery_id=pk, attempt=attempt)
        marked = Delivery.objects.filter(pk=pk, notice_state=NoticeState.SENDING, notice_attempt=attempt).update(
            notice_state=NoticeState.UNKNOWN,
            notice_updated_at=now,
            last_error=(
                f"Send state unknown: attempt {attempt} (Message-ID {message_id})"
                f" was claimed at {claimed_at:%Y-%m-%d %H:%M:%S} UTC and its worker stopped before recording the mail "
                "server's answer. It was not resent; resend it if the recipient did not get it."
            ),
        )
        if marked:
            DeliveryEvent.objects.create(
                delivery_id=pk,
                kind=EventKind.EMAIL_UNKNOWN,
                occurred_at=now,
                detail=f"{email} attempt {attempt} claimed {claimed_at:%Y-%m-%d %H:%M:%S} UTC"[:500],
            )
            unknown.append(pk)
    queued = Delivery.objects.filter(notice_state=NoticeState.QUEUED)
    if not requeue_all:
        queued = queued.filter(notice_updated_at__lt=cutoff)
    requeued = list(queued.order_by("pk").values_list("pk", flat=True))
    # Only the time changes, and only while still queued: a notice claimed meanwhile keeps its state.
    Delivery.objects.filter(pk__in=requeued, notice_state=NoticeState.QUEUED).update(notice_updated_at=now)
    _enqueue(requeued)
    if unknown or requeued:
        logger.warning("Email notices recovered: %d send state unknown, %d queued again.", len(unknown), len(requeued))
    return Recovery(unknown=unknown, requeued=requeued)


@audited
def send_delivery_notices(*, actor: Actor, delivery_ids: list[int]) -> dict[str, int]:
    """Email each delivery its personal link over one SMTP connection; one failure does not stop the rest.

    Each notice is first claimed (``_claim``, committed): a notice another worker claimed, or that was sent,
    failed or is in an unknown state, is skipped (counted "skipped"). The claim issues a fresh link (any earlier
    link of that delivery stops working). A recipient the mail server refuses is marked bounced; any other
    error marks the delivery failed with the server's answer.
    """
    deliveries = (
        Delivery.objects.filter(pk__in=delivery_ids, method=DeliveryMethod.EMAIL)
        .select_related("package_version__registration_statement__issuer")
        .order_by("id")
    )
    documents: dict[int, list[PackageDocument]] = {}
    outcome = {"sent": 0, "failed": 0, "bounced": 0, "skipped": 0}
    connection = get_connection(fail_silently=False)
    try:
        for delivery in deliveries:
            claim = _claim(actor=actor, delivery=delivery)
            if claim is None:
                outcome["skipped"] += 1
                continue
            attempt, token = claim
            version = delivery.package_version
            if version.pk not in documents:
                documents[version.pk] = selectors.package_documents(package_version=version)
            message_id = notice_message_id(delivery_id=delivery.pk, attempt=attempt)
            try:
                message = _notice(
                    delivery=delivery,
                    token=token,
                    documents=documents[version.pk],
                    connection=connection,
                    message_id=message_id,
                )
                connection.open()  # no-op while the connection is up; reconnects after a failure
                message.send()
            except smtplib.SMTPRecipientsRefused as error:
                _record_send_failure(delivery=delivery, attempt=attempt, status=DeliveryStatus.BOUNCED, error=error)
                outcome["bounced"] += 1
            except Exception as error:
                logger.warning("Email notice for delivery %s failed: %s", delivery.pk, error)
                _record_send_failure(delivery=delivery, attempt=attempt, status=DeliveryStatus.FAILED, error=error)
                outcome["failed"] += 1
                connection.close()
            else:
                _record_sent(delivery=delivery, attempt=attempt, message_id=message_id)
                outcome["sent"] += 1
    finally:
        connection.close()
    return outcome


def _claim(*, actor: Actor, delivery: Delivery) -> tuple[int, str] | None:
    """Claim the delivery's notice and issue its link in one committed transaction: (attempt, token), or None
    when the notice is not claimable (another worker has it, or it was sent, failed or is unknown).

    The conditional UPDATE is the claim: on PostgreSQL a second worker's UPDATE waits for the first to commit and
    then matches no row; on SQLite writes are serialised. The attempt is read after it, under the row's lock.
    """
    with transaction.atomic():
        claimed = Delivery.objects.filter(pk=delivery.pk, notice_state__in=CLAIMABLE).update(
            notice_state=NoticeState.SENDING, notice_attempt=F("notice_attempt") + 1, notice_updated_at=timezone.now()
        )
        if not claimed:
            return None
        attempt = Delivery.objects.filter(pk=delivery.pk).values_list("notice_attempt", flat=True).get()
        token = issue_link(actor=actor, delivery=delivery, detail=f"email notice, attempt {attempt}")
    return attempt, token


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


def _notice(
    *, delivery: Delivery, token: str, documents: list[PackageDocument], connection, message_id: str
) -> EmailMultiAlternatives:
    notice = render_notice(delivery=delivery, link=personal_url(token=token), documents=documents)
    message = EmailMultiAlternatives(
        subject=notice.subject,
        body=notice.text,
        to=[delivery.recipient_email],
        connection=connection,
        headers={"Message-ID": message_id},
    )
    message.attach_alternative(notice.html, "text/html")
    return message


def _answered(*, attempt: int, state: str):
    """The notice state after the mail server answered ``attempt``: ``state`` if the notice is still that attempt's
    claim (or was marked unknown meanwhile), else unchanged (staff queued it again while it was being sent)."""
    return Case(
        When(notice_attempt=attempt, notice_state__in=[NoticeState.SENDING, NoticeState.UNKNOWN], then=Value(state)),
        default=F("notice_state"),
    )


def _record_sent(*, delivery: Delivery, attempt: int, message_id: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            sent_at=now,
            last_error="",
            status=Case(
                When(status__in=[DeliveryStatus.OPENED, DeliveryStatus.ACKNOWLEDGED], then=F("status")),
                default=Value(DeliveryStatus.SENT),
            ),
            notice_state=_answered(attempt=attempt, state=NoticeState.SENT),
            notice_updated_at=now,
        )
        DeliveryEvent.objects.create(
            delivery=delivery,
            kind=EventKind.EMAIL_SENT,
            occurred_at=now,
            detail=f"{delivery.recipient_email} Message-ID {message_id}"[:500],
        )


def _record_send_failure(*, delivery: Delivery, attempt: int, status: str, error: Exception) -> None:
    now = timezone.now()
    text = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        # The link in the unsent email is unknown to anyone; drop it.
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status,
            last_error=text,
            token_hash=None,
            token_expires_at=None,
            notice_state=_answered(attempt=attempt, state=NoticeState.FAILED),
            notice_updated_at=now,
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
