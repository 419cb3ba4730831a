"""Writes for delivery: attach files, publish package versions, create deliveries, send notices, record evidence.

Every function is keyword-only; the ones that change several rows are atomic.
"""

import csv
import datetime
import io
import ipaddress
import logging
import smtplib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Case, F, Max, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from offerings.models import Investor, PeriodicReport, Prospectus, RegistrationStatement

from . import conf, files, selectors, tokens
from .models import (
    Delivery,
    DeliveryEvent,
    DeliveryMethod,
    DeliveryStatus,
    DocumentKind,
    EventKind,
    PackageDocument,
    PackageVersion,
)

logger = logging.getLogger(__name__)


# -- source files ---------------------------------------------------------------------------------------
@transaction.atomic
def attach_prospectus_document(*, prospectus: Prospectus, name: str, data: bytes) -> Prospectus:
    """Store the prospectus file staff upload (PDF, HTML or text); the next package version delivers it."""
    content_type = files.detect_content_type(data=data, name=name, field="prospectus")
    extension = files.EXTENSIONS[content_type]
    prospectus.document.save(
        f"{prospectus.registration_statement.file_number}-prospectus-{prospectus.dated_on:%Y-%m-%d}.{extension}",
        ContentFile(data),
        save=False,
    )
    prospectus.full_clean()
    prospectus.save(update_fields=["document"])
    return prospectus


@transaction.atomic
def attach_report_document(*, report: PeriodicReport, name: str, data: bytes) -> PeriodicReport:
    """Store the copy of a periodic report that is delivered with supplements."""
    content_type = files.detect_content_type(data=data, name=name, field=f"report {report.key}")
    extension = files.EXTENSIONS[content_type]
    report.document.save(f"{report.key}.{extension}", ContentFile(data), save=False)
    report.full_clean()
    report.save(update_fields=["document"])
    return report


def _read_field_file(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _supplement_pdf(supplement) -> tuple[bytes, str]:
    """The frozen PDF rendition that approval stored for the supplement (issue 3's documents app)."""
    from documents.selectors import frozen_rendition, rendition_bytes

    rendition = frozen_rendition(supplement=supplement, format="pdf")
    if rendition is None:
        try:
            from documents.services import ensure_frozen
        except ImportError:
            ensure_frozen = None
        if ensure_frozen is not None and supplement.is_frozen:
            ensure_frozen(supplement=supplement)
            rendition = frozen_rendition(supplement=supplement, format="pdf")
    if rendition is None:
        raise ValidationError(
            {"supplement": f"{supplement} has no frozen PDF. Approve it again so that its documents are rendered."}
        )
    return rendition_bytes(rendition=rendition), rendition.content_type or files.PDF


# -- publishing -----------------------------------------------------------------------------------------
@transaction.atomic
def publish_package(*, registration: RegistrationStatement, published_by=None) -> PackageVersion:
    """Freeze the next package version: copies of every document's bytes, a manifest and a combined PDF.

    Refused when the prospectus file is missing, a supplement is not approved or filed, a report delivered
    with a supplement has no uploaded copy, or nothing changed since the current version.
    """
    registration = RegistrationStatement.objects.select_for_update().select_related("issuer").get(pk=registration.pk)
    plan = selectors.package_plan(registration=registration)
    if plan.problems:
        raise ValidationError({"package": plan.problems})

    parts: list[tuple[selectors.PlannedDocument, files.Part]] = []
    for planned in plan.documents:
        if planned.kind == DocumentKind.PROSPECTUS:
            data = _read_field_file(planned.prospectus.document)
            name = planned.prospectus.document.name
            content_type = files.detect_content_type(data=data, name=name, field="prospectus")
        elif planned.kind == DocumentKind.SUPPLEMENT:
            data, content_type = _supplement_pdf(planned.supplement)
        else:
            data = _read_field_file(planned.report.document)
            content_type = files.detect_content_type(
                data=data, name=planned.report.document.name, field=f"report {planned.report.key}"
            )
        parts.append((planned, files.Part(planned.title, data, content_type)))

    current = selectors.current_package(registration=registration)
    if current is not None:
        current_hashes = [d.sha256 for d in current.documents.exclude(kind=DocumentKind.COMBINED).order_by("position")]
        if current_hashes == [part.sha256 for _, part in parts]:
            raise ValidationError(
                {"package": f"Nothing changed since package v{current.number}; its deliveries stand."}
            )

    number = (registration.package_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PackageVersion(
        registration_statement=registration,
        number=number,
        prospectus=plan.prospectus,
        published_at=timezone.now(),
        published_by=published_by,
    )
    version.full_clean()
    version.save()

    stored: list[PackageDocument] = []
    try:
        for position, (planned, part) in enumerate(parts, start=1):
            stored.append(
                _store_document(
                    version=version,
                    position=position,
                    kind=planned.kind,
                    title=part.title,
                    dated_on=planned.dated_on,
                    data=part.data,
                    content_type=part.content_type,
                    prospectus=planned.prospectus,
                    supplement=planned.supplement,
                    report=planned.report,
                )
            )
        heading = (
            f"{registration.issuer.name}: prospectus package v{number}, Registration No. {registration.file_number}"
        )
        cover = files.cover_pdf(
            heading=heading,
            lines=[(d.title, d.dated_on.isoformat() if d.dated_on else "", d.sha256) for d in stored],
        )
        combined = files.combined_pdf(
            title=heading, cover=cover, parts=[(part.title, files.to_pdf(part)) for _, part in parts]
        )
        stored.append(
            _store_document(
                version=version,
                position=len(parts) + 1,
                kind=DocumentKind.COMBINED,
                title="Complete package (one PDF with bookmarks)",
                dated_on=version.published_at.date(),
                data=combined,
                content_type=files.PDF,
            )
        )
    except BaseException:
        for document in stored:
            document.file.delete(save=False)
        raise
    return version


def _store_document(*, version: PackageVersion, position: int, kind: str, title: str, data: bytes, **fields):
    content_type = fields.pop("content_type")
    name = files.file_name(
        file_number=version.registration_statement.file_number,
        version=version.number,
        position=position,
        title=title,
        content_type=content_type if content_type in files.EXTENSIONS else files.PDF,
    )
    document = PackageDocument(
        package_version=version,
        position=position,
        kind=kind,
        title=title[:300],
        file_name=name,
        content_type=content_type,
        size=len(data),
        sha256=files.sha256_of(data),
        **fields,
    )
    document.file.save(name, ContentFile(data), save=False)
    document.full_clean()
    document.save()
    return document


# -- deliveries -----------------------------------------------------------------------------------------
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


@transaction.atomic
def create_deliveries(*, package_version: PackageVersion, send: bool = False) -> list[IssuedLink]:
    """One delivery per recipient of the version's registration who has none yet.

    Recipients with an email get an email delivery; with ``send`` their notices are queued as background
    tasks that issue each personal link at send time, so the token only ever exists in the email. Without
    ``send``, and for postal and in-person deliveries, the link is issued now and returned: this is the only
    moment its token is known.
    """
    now = timezone.now()
    new: list[tuple[Delivery, str | None]] = []
    for recipient in selectors.recipients_without_delivery(package_version=package_version):
        if recipient.email:
            method = DeliveryMethod.EMAIL
        elif recipient.postal_address:
            method = DeliveryMethod.POSTAL
        else:
            method = DeliveryMethod.IN_PERSON
        token, link = (None, {}) if send and method == DeliveryMethod.EMAIL else _new_link(now)
        delivery = Delivery(
            package_version=package_version,
            investor=recipient.investor,
            selling_stockholder=recipient.selling_stockholder,
            recipient_name=recipient.name[:300],
            recipient_email=recipient.email,
            postal_address=recipient.postal_address,
            method=method,
            status=DeliveryStatus.PENDING,
            **link,
        )
        new.append((delivery, token))
    created = Delivery.objects.bulk_create([d for d, _ in new], batch_size=1000)
    DeliveryEvent.objects.bulk_create(
        [
            DeliveryEvent(delivery=d, kind=EventKind.LINK_ISSUED, occurred_at=now, detail="created")
            for d, token in zip(created, (t for _, t in new), strict=True)
            if token
        ],
        batch_size=1000,
    )
    if send:
        queue_notices(delivery_ids=[d.pk for d in created if d.method == DeliveryMethod.EMAIL])
    return [IssuedLink(d, token) for d, token in zip(created, (t for _, t in new), strict=True)]


def queue_notices(*, delivery_ids: list[int]) -> int:
    """Queue the email notices in batches once the surrounding transaction commits; returns the batch count."""
    from .tasks import send_delivery_notices

    size = conf.send_batch_size()
    batches = [delivery_ids[i : i + size] for i in range(0, len(delivery_ids), size)]
    for batch in batches:
        transaction.on_commit(lambda batch=batch: send_delivery_notices.enqueue(delivery_ids=batch))
    return len(batches)


def _issue_link(*, delivery: Delivery, now: datetime.datetime, detail: str) -> str:
    token, link = _new_link(now)
    Delivery.objects.filter(pk=delivery.pk).update(revoked_at=None, **link)
    for name, value in link.items():
        setattr(delivery, name, value)
    delivery.revoked_at = None
    DeliveryEvent.objects.create(delivery=delivery, kind=EventKind.LINK_ISSUED, occurred_at=now, detail=detail)
    return token


def send_delivery_notices(*, delivery_ids: list[int]) -> dict[str, int]:
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
            now = timezone.now()
            with transaction.atomic():
                token = _issue_link(delivery=delivery, now=now, detail="email notice")
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


def _notice(*, delivery: Delivery, token: str, documents: list[PackageDocument], connection) -> EmailMultiAlternatives:
    version = delivery.package_version
    registration = version.registration_statement
    parts, combined = selectors.split_combined(documents)
    context = {
        "delivery": delivery,
        "registration": registration,
        "issuer": registration.issuer,
        "version": version,
        "documents": parts,
        "combined": combined,
        "url": personal_url(token=token),
        "expires_at": delivery.token_expires_at,
    }
    subject = f"{registration.issuer.name}: prospectus documents for you (Registration No. {registration.file_number})"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("delivery/email/notice.txt", context),
        to=[delivery.recipient_email],
        connection=connection,
    )
    message.attach_alternative(render_to_string("delivery/email/notice.html", context), "text/html")
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


def resend(*, deliveries) -> int:
    """Queue a fresh email notice (and a fresh link) for each email delivery; returns how many were queued."""
    ids = [d.pk for d in deliveries if d.method == DeliveryMethod.EMAIL and d.recipient_email]
    queue_notices(delivery_ids=ids)
    return len(ids)


@transaction.atomic
def revoke_link(*, delivery: Delivery, by: str = "") -> Delivery:
    """The personal link stops working on the next request."""
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(revoked_at=now, status=DeliveryStatus.REVOKED)
    DeliveryEvent.objects.create(delivery=delivery, kind=EventKind.LINK_REVOKED, occurred_at=now, detail=by[:500])
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def reissue_link(*, delivery: Delivery, by: str = "") -> str:
    """A new personal link for the delivery, returned once; the previous link stops working."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    token = _issue_link(delivery=delivery, now=timezone.now(), detail=f"re-issued {by}".strip()[:500])
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


@transaction.atomic
def mark_delivered(*, delivery: Delivery, by: str = "") -> Delivery:
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
        delivery=delivery, kind=EventKind.MARKED_DELIVERED, occurred_at=now, detail=f"{delivery.method} {by}"[:500]
    )
    delivery.refresh_from_db()
    return delivery


# -- evidence from the personal page --------------------------------------------------------------------
def client_ip(request) -> str | None:
    value = request.META.get("REMOTE_ADDR", "")
    if conf.trust_x_forwarded_for():
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            value = forwarded.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record_event(*, delivery: Delivery, kind: str, request, document: PackageDocument | None = None) -> DeliveryEvent:
    """One INSERT: the page view, download or acknowledgement, with UTC time, IP, user agent and bytes' hash."""
    event = DeliveryEvent(
        delivery=delivery,
        kind=kind,
        occurred_at=timezone.now(),
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        document=document,
        document_sha256=document.sha256 if document else "",
    )
    if kind == EventKind.ACKNOWLEDGED or conf.evidence_synchronous_commit() or connection.vendor != "postgresql":
        event.save(force_insert=True)
    else:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            event.save(force_insert=True)
    return event


def record_open(*, delivery: Delivery, request, document: PackageDocument | None = None) -> None:
    """Record a view or download; the first one also sets the first-opened time."""
    kind = EventKind.DOWNLOAD if document else EventKind.PAGE_VIEW
    event = record_event(delivery=delivery, kind=kind, request=request, document=document)
    if delivery.first_opened_at is None:
        Delivery.objects.filter(pk=delivery.pk, first_opened_at__isnull=True).update(
            first_opened_at=event.occurred_at,
            status=Case(
                When(status=DeliveryStatus.ACKNOWLEDGED, then=F("status")), default=Value(DeliveryStatus.OPENED)
            ),
        )
        delivery.first_opened_at = event.occurred_at


def acknowledge(*, delivery: Delivery, request) -> Delivery:
    """The investor's "I have received these documents"; the first acknowledgement sets the time."""
    event = record_event(delivery=delivery, kind=EventKind.ACKNOWLEDGED, request=request)
    if delivery.acknowledged_at is None:
        Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=event.occurred_at, status=DeliveryStatus.ACKNOWLEDGED
        )
        Delivery.objects.filter(pk=delivery.pk, first_opened_at__isnull=True).update(first_opened_at=event.occurred_at)
        delivery.acknowledged_at = event.occurred_at
    return delivery


# -- investors from CSV ---------------------------------------------------------------------------------
CSV_COLUMNS = ("name", "email", "postal_address")
CSV_MAX_ROWS = 100_000


@transaction.atomic
def import_investors(*, registration: RegistrationStatement, data: bytes | str) -> list[Investor]:
    """Add investors from CSV with the header ``name,email,postal_address``; any bad row rejects the file.

    Each problem is reported with its line number: a missing name, a malformed email, a row with neither
    email nor postal address, or an email that repeats in the file or belongs to an existing investor.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError({"csv": f"The file is not UTF-8 text (byte {error.start})."}) from None
    else:
        text = data.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError({"csv": "The file is empty; the first line must be name,email,postal_address."}) from None
    except csv.Error as error:
        raise ValidationError({"csv": f"line 1: {error}"}) from None
    columns = [c.strip().lower() for c in header]
    missing = [c for c in ("name", "email") if c not in columns]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        raise ValidationError(
            {
                "csv": "line 1: the header must name the columns name,email,postal_address"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unknown {', '.join(unknown)}" if unknown else "")
                + "."
            }
        )
    existing = {
        e.lower()
        for e in Investor.objects.filter(registration_statement=registration, email__isnull=False).values_list(
            "email", flat=True
        )
    }
    seen: dict[str, int] = {}
    problems: list[str] = []
    investors: list[Investor] = []
    try:
        while True:
            line = reader.line_num + 1  # where this record starts; a quoted cell may span lines
            row = next(reader, None)
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            if len(investors) + len(problems) >= CSV_MAX_ROWS:
                problems.append(f"line {line}: the file has more than {CSV_MAX_ROWS:,} rows; split it.")
                break
            if len(row) != len(columns):
                problems.append(f"line {line}: expected {len(columns)} columns, found {len(row)}.")
                continue
            values = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
            name, email = values.get("name", ""), values.get("email", "")
            postal = values.get("postal_address", "")
            row_problems = []
            if not name:
                row_problems.append("name is missing")
            elif len(name) > 300:
                row_problems.append("name is longer than 300 characters")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    row_problems.append(f"email {email!r} is not a valid email address")
                else:
                    key = email.lower()
                    if key in seen:
                        row_problems.append(f"email {email} repeats line {seen[key]}")
                    elif key in existing:
                        row_problems.append(
                            f"email {email} already belongs to an investor of {registration.file_number}"
                        )
                    seen.setdefault(key, line)
            elif not postal:
                row_problems.append("give an email or a postal address")
            if len(postal) > 1000:
                row_problems.append("postal_address is longer than 1000 characters")
            if row_problems:
                problems.append(f"line {line}: {'; '.join(row_problems)}.")
                continue
            investors.append(
                Investor(registration_statement=registration, name=name, email=email or None, postal_address=postal)
            )
    except csv.Error as error:
        problems.append(f"line {reader.line_num}: {error}")
    if problems:
        raise ValidationError({"csv": problems})
    if not investors:
        raise ValidationError({"csv": "The file has a header but no investors."})
    return Investor.objects.bulk_create(investors, batch_size=1000)


def refuse_return_to_draft_once_published(supplement) -> None:
    """``offerings.services.on_return_to_draft`` hook: investors' copies must stay what the records say.

    Once a package version holding the supplement is published, investors may already have its frozen
    bytes; changing the supplement now would leave them with a document the portal no longer holds.
    """
    versions = sorted(
        PackageDocument.objects.filter(supplement=supplement).values_list("package_version__number", flat=True)
    )
    if versions:
        raise ValidationError(
            {
                "status": f"{supplement} is in published delivery package version "
                f"{', '.join(f'v{n}' for n in versions)}; investors have its documents, so it cannot return to "
                "draft. Draft a new supplement for the correction."
            }
        )
