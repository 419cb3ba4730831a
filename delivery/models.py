"""Delivery of the prospectus package to investors, and the evidence that each investor received it.

The SEC staff position is that a supplement counts as delivered only together with the prospectus it
supplements, so the unit of delivery is the whole package: the prospectus, every supplement to date and the
reports delivered with them. A published package version is frozen: its manifest records each document's
bytes by SHA-256, and downloads are checked against it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from offerings.validators import (
    validate_no_control_characters,
    validate_sha256,
    validate_text_no_control_characters,
)


def package_document_path(instance: "PackageDocument", filename: str) -> str:
    version = instance.package_version
    return f"packages/{version.registration_statement.file_number}/v{version.number}/{filename}"


class PackageVersion(models.Model):
    registration_statement = models.ForeignKey(
        "offerings.RegistrationStatement", on_delete=models.PROTECT, related_name="package_versions"
    )
    number = models.PositiveIntegerField(help_text="1 for the first package published for the registration, and so on.")
    prospectus = models.ForeignKey(
        "offerings.Prospectus",
        on_delete=models.PROTECT,
        related_name="package_versions",
        help_text="The prospectus this package delivers; every supplement in it supplements this prospectus.",
    )
    published_at = models.DateTimeField(help_text="When staff published it (UTC). From then on it never changes.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_package_versions",
    )

    class Meta:
        ordering = ["registration_statement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["registration_statement", "number"], name="package_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Package v{self.number} for {self.registration_statement.file_number}"


class DocumentKind(models.TextChoices):
    PROSPECTUS = "prospectus", "Prospectus"
    SUPPLEMENT = "supplement", "Prospectus supplement"
    REPORT = "report", "Report delivered with a supplement"
    COMBINED = "combined", "Combined PDF of the whole package"


class PackageDocument(models.Model):
    """One line of a package manifest: a frozen copy of the bytes delivered, named by its SHA-256."""

    package_version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="documents")
    position = models.PositiveIntegerField(help_text="Order in the package; the combined PDF comes last.")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    title = models.CharField(max_length=300, validators=[validate_no_control_characters])
    dated_on = models.DateField(
        "date", null=True, blank=True, help_text="YYYY-MM-DD; the document's date, where it has one."
    )
    file = models.FileField(upload_to=package_document_path, max_length=300)
    file_name = models.CharField(max_length=150, help_text="The ASCII file name investors' browsers save it as.")
    content_type = models.CharField(max_length=60, help_text="Sent as Content-Type with every download.")
    size = models.PositiveBigIntegerField(help_text="Size of the stored bytes.")
    sha256 = models.CharField("SHA-256", max_length=64, validators=[validate_sha256])
    # Active content (scripts, launch actions, embedded files) removed from an uploaded PDF: investors get the
    # sanitized bytes above; the record keeps the file as uploaded. All three are blank when nothing was removed.
    original_file = models.FileField(
        upload_to=package_document_path,
        max_length=300,
        blank=True,
        help_text="The file as uploaded, kept for the record when active content was removed from the copy "
        "investors receive.",
    )
    original_sha256 = models.CharField(
        "uploaded file SHA-256",
        max_length=64,
        blank=True,
        default="",
        validators=[validate_sha256],
        help_text="SHA-256 of the file as uploaded, where it differs from the delivered copy.",
    )
    sanitized = models.TextField(
        "active content removed",
        blank=True,
        default="",
        help_text="What was removed from the uploaded file (one item a line); blank when nothing was.",
    )
    prospectus = models.ForeignKey(
        "offerings.Prospectus", on_delete=models.PROTECT, null=True, blank=True, related_name="package_documents"
    )
    supplement = models.ForeignKey(
        "offerings.Supplement", on_delete=models.PROTECT, null=True, blank=True, related_name="package_documents"
    )
    report = models.ForeignKey(
        "offerings.PeriodicReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="package_documents",
    )

    class Meta:
        ordering = ["package_version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["package_version", "position"], name="package_document_unique_position"),
            models.UniqueConstraint(
                fields=["package_version"],
                condition=Q(kind="combined"),
                name="package_document_one_combined_pdf",
            ),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="package_document_sha256_hex"),
            models.CheckConstraint(
                condition=Q(original_sha256="") | Q(original_sha256__regex=r"^[0-9a-f]{64}$"),
                name="package_document_original_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DeliveryMethod(models.TextChoices):
    EMAIL = "email", "Email link"
    POSTAL = "postal", "Postal mail"
    IN_PERSON = "in_person", "In person"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    OPENED = "opened", "Opened"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REVOKED = "revoked", "Revoked"
    BOUNCED = "bounced", "Bounced"
    FAILED = "failed", "Send failed"


class NoticeState(models.TextChoices):
    """Where the delivery's latest email notice is in the claim-and-record protocol (``services.notices``)."""

    NONE = "none", "No notice requested"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending (claimed by a worker)"
    SENT = "sent", "Sent (the mail server accepted it)"
    FAILED = "failed", "Failed or bounced"
    # A worker claimed the notice and never recorded the mail server's answer (it stopped): the email may or may
    # not have gone out. Never resent automatically; staff resend it with the "Resend" action.
    UNKNOWN = "unknown", "Send state unknown"


class Delivery(models.Model):
    """One recipient's delivery of one package version.

    The recipient is an investor or a selling stockholder; their name, email and postal address are copied
    here when the delivery is created, so the evidence shows where the package went even if the holder
    records change later.
    """

    package_version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="deliveries")
    investor = models.ForeignKey(
        "offerings.Investor", on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    selling_stockholder = models.ForeignKey(
        "offerings.SellingStockholder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    recipient_name = models.CharField(max_length=300, validators=[validate_no_control_characters])
    recipient_email = models.EmailField(
        max_length=254, blank=True, default="", validators=[validate_no_control_characters]
    )
    postal_address = models.TextField(
        max_length=1000, blank=True, default="", validators=[validate_text_no_control_characters]
    )
    method = models.CharField(max_length=10, choices=DeliveryMethod.choices, default=DeliveryMethod.EMAIL)
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    token_hash = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text="SHA-256 of the personal link's token. The token itself is never stored.",
    )
    token_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_expires_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The personal link stops working at this time."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the notice left the portal (UTC).")
    first_opened_at = models.DateTimeField(null=True, blank=True, help_text="First view of the personal page.")
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text='When the investor clicked "I have received these documents".'
    )
    last_error = models.TextField(blank=True, default="", help_text="The mail server's answer to a failed send.")
    # The email notice's send protocol (delivery.services.notices): a worker claims a queued notice in its own
    # committed transaction before sending it and records the mail server's answer after.
    notice_state = models.CharField(
        "email notice", max_length=10, choices=NoticeState.choices, default=NoticeState.NONE, editable=False
    )
    notice_attempt = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Claims of this delivery's notice so far; the notice's Message-ID names the attempt.",
    )
    notice_updated_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the notice was last queued, claimed or answered (UTC)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["package_version", "id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(investor__isnull=False, selling_stockholder__isnull=True)
                | Q(investor__isnull=True, selling_stockholder__isnull=False),
                name="delivery_one_recipient",
                violation_error_message="A delivery goes to exactly one investor or selling stockholder.",
            ),
            models.UniqueConstraint(
                fields=["package_version", "investor"],
                condition=Q(investor__isnull=False),
                name="delivery_unique_investor_per_version",
            ),
            models.UniqueConstraint(
                fields=["package_version", "selling_stockholder"],
                condition=Q(selling_stockholder__isnull=False),
                name="delivery_unique_stockholder_per_version",
            ),
            models.UniqueConstraint(fields=["token_hash"], name="delivery_unique_token_hash"),
        ]
        indexes = [
            # The recovery (recover_notices) looks for notices queued or claimed long ago.
            models.Index(
                fields=["notice_state", "notice_updated_at"],
                condition=Q(notice_state__in=["queued", "sending"]),
                name="delivery_notice_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name}: {self.package_version}"

    def clean(self) -> None:
        if self.method == DeliveryMethod.EMAIL and not self.recipient_email:
            raise ValidationError({"recipient_email": "An email delivery needs the recipient's email address."})


class EventKind(models.TextChoices):
    PAGE_VIEW = "page_view", "Viewed the personal page"
    DOWNLOAD = "download", "Downloaded a document"
    ACKNOWLEDGED = "acknowledged", "Acknowledged receipt"
    EMAIL_SENT = "email_sent", "Email notice sent"
    EMAIL_FAILED = "email_failed", "Email notice failed"
    # The worker sending the notice stopped after claiming it and before recording the mail server's answer.
    EMAIL_UNKNOWN = "email_unknown", "Email notice send state unknown"
    LINK_ISSUED = "link_issued", "Personal link issued"
    LINK_REVOKED = "link_revoked", "Personal link revoked"
    MARKED_DELIVERED = "marked_delivered", "Marked delivered by staff"
    # Too many requests from the link holder's address: refused with 429 (at most one event per rate window).
    RATE_LIMITED = "rate_limited", "Refused: too many requests"
    # A second acknowledgement recorded before acknowledgements were recorded once (relabelled by a migration).
    ACKNOWLEDGED_AGAIN = "acknowledged_again", "Acknowledged again (before one acknowledgement was kept)"


class DeliveryEvent(models.Model):
    """Evidence of delivery: what happened, when (UTC), from where, and which bytes."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(help_text="UTC.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True, default="")
    document = models.ForeignKey(
        PackageDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    document_sha256 = models.CharField(
        "document SHA-256", max_length=64, blank=True, default="", help_text="Hash of the bytes served."
    )
    detail = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["delivery", "occurred_at", "id"]
        indexes = [models.Index(fields=["delivery", "kind"], name="delivery_event_kind_idx")]
        constraints = [
            # An investor acknowledges receipt once: replays of the form change nothing (evidence.acknowledge).
            models.UniqueConstraint(
                fields=["delivery"],
                condition=Q(kind="acknowledged"),
                name="delivery_event_one_acknowledgement",
                violation_error_message="This delivery's receipt is already acknowledged.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.occurred_at:%Y-%m-%d %H:%M:%S} UTC"


class PublishJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PublishJob(models.Model):
    """One request from the admin to publish a registration's next package version, run by the task worker.

    Publishing converts documents to PDF and combines them, which takes too long for a request; the admin
    records the job and returns, the worker runs it (``delivery.tasks.run_publish_job``) and writes its progress
    here, and the job's page shows it. Written only through ``delivery.services.jobs``.
    """

    registration_statement = models.ForeignKey(
        "offerings.RegistrationStatement", on_delete=models.PROTECT, related_name="publish_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="publish_jobs"
    )
    requested_at = models.DateTimeField()
    send = models.BooleanField(
        default=False, help_text="Create deliveries and email every investor once the version is published."
    )
    status = models.CharField(max_length=10, choices=PublishJobStatus.choices, default=PublishJobStatus.QUEUED)
    progress = models.CharField(max_length=300, blank=True, default="", help_text="What the worker is doing now.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    package_version = models.ForeignKey(
        PackageVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="publish_jobs"
    )
    error = models.TextField(max_length=4000, blank=True, default="", help_text="Why the job failed.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(package_version__isnull=False),
                name="publish_job_done_has_version",
                violation_error_message="A finished publish job names the version it published.",
            ),
        ]

    def __str__(self) -> str:
        return f"Publish job {self.pk} for {self.registration_statement.file_number}: {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (PublishJobStatus.DONE, PublishJobStatus.FAILED)
