"""The frozen renditions of a supplement: the exact bytes that approval produced, named by their SHA-256."""

from django.db import models
from django.db.models import Q

from offerings.validators import validate_sha256


class RenditionFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    HTML = "html", "EDGAR HTML"
    TXT = "txt", "EDGAR ASCII text"


CONTENT_TYPES: dict[str, str] = {
    RenditionFormat.PDF: "application/pdf",
    RenditionFormat.HTML: "text/html; charset=utf-8",
    RenditionFormat.TXT: "text/plain; charset=us-ascii",
}
EXTENSIONS: dict[str, str] = {RenditionFormat.PDF: "pdf", RenditionFormat.HTML: "htm", RenditionFormat.TXT: "txt"}


def rendition_name(*, sha256: str, format: str) -> str:
    """Content-addressed storage name: the same bytes always land at the same name."""
    return f"renditions/{sha256[:2]}/{sha256}.{EXTENSIONS[format]}"


def _upload_to(instance: "SupplementRendition", filename: str) -> str:
    return rendition_name(sha256=instance.sha256, format=instance.format)


class SupplementRendition(models.Model):
    supplement = models.ForeignKey("offerings.Supplement", on_delete=models.PROTECT, related_name="renditions")
    format = models.CharField(max_length=4, choices=RenditionFormat.choices)
    sha256 = models.CharField(
        "SHA-256",
        max_length=64,
        validators=[validate_sha256],
        help_text="Hash of the stored bytes; the document investors receive must hash to this value.",
    )
    size = models.PositiveBigIntegerField(help_text="Size of the stored bytes.")
    content_type = models.CharField(max_length=60, help_text="e.g. application/pdf")
    file = models.FileField(
        upload_to=_upload_to, max_length=200, help_text="Stored under a name made from its SHA-256."
    )
    rendered_at = models.DateTimeField(help_text="When approval (or the first render of a filed supplement) froze it.")

    class Meta:
        ordering = ["supplement", "format"]
        constraints = [
            models.UniqueConstraint(fields=["supplement", "format"], name="rendition_unique_format_per_supplement"),
            models.CheckConstraint(condition=Q(format__in=["pdf", "html", "txt"]), name="rendition_format_known"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="rendition_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} of {self.supplement} (sha256 {self.sha256[:12]}...)"
