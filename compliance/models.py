"""Compliance records staff keep: days the SEC was closed, and Rule 12b-25 late filing notices."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from offerings import validators
from offerings.domain.dates import long_date
from offerings.models import Issuer


class ClosureDay(models.Model):
    """A weekday the SEC was closed beyond the federal holidays, e.g. a national day of mourning.

    Federal holidays are computed (17 CFR 201.104); only closures by executive order or emergency are
    recorded here. Every filing deadline counts business days without these days.
    """

    closed_on = models.DateField(
        "date",
        unique=True,
        help_text="YYYY-MM-DD; the day the SEC (and EDGAR) did not accept filings, e.g. 2004-06-11 for the "
        "national day of mourning for President Reagan. Deadlines counted in business days skip it.",
    )
    reason = models.CharField(
        max_length=200,
        help_text='Why the Commission was closed, e.g. "National day of mourning (executive order)".',
    )

    class Meta:
        ordering = ["closed_on"]
        verbose_name = "SEC closure day"
        verbose_name_plural = "SEC closure days"
        permissions = [("view_findings", "Can see the compliance dashboard, the calendar and its feed")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__year__gte=1990) & Q(closed_on__year__lte=2100),
                name="closure_day_within_calendar",
                violation_error_message="The business-day calendar covers 1990 to 2100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{long_date(self.closed_on)}: {self.reason}"

    def clean(self) -> None:
        if self.closed_on and self.closed_on.weekday() >= 5:
            raise ValidationError({"closed_on": "That day is a Saturday or Sunday; the SEC is closed anyway."})


class LateFilingNoticeForm(models.TextChoices):
    NT_10K = "NT 10-K", "NT 10-K (annual report, incl. 10-KSB)"
    NT_10Q = "NT 10-Q", "NT 10-Q (quarterly report, incl. 10-QSB)"


class LateFilingNotice(models.Model):
    """A Form NT 10-K or NT 10-Q under Exchange Act Rule 12b-25.

    Filed no later than one business day after the due date, it extends the due date by 15 calendar days
    (10-K) or 5 (10-Q); the compliance check moves the periodic report deadline accordingly.
    """

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="late_filing_notices")
    form = models.CharField(max_length=10, choices=LateFilingNoticeForm.choices)
    period_end = models.DateField(
        help_text="YYYY-MM-DD; last day of the fiscal year or quarter whose report is late, as the NT form states it."
    )
    filed_on = models.DateField(
        help_text="YYYY-MM-DD; EDGAR filing date of the NT form. It extends the deadline only if filed no later "
        "than one business day after the report's due date."
    )
    accession_number = models.CharField(
        max_length=20,
        null=True,
        blank=True,
        validators=[validators.validate_accession_number],
        help_text="EDGAR accession number of the NT filing, e.g. 0000950147-03-001234.",
    )

    class Meta:
        ordering = ["issuer", "-period_end"]
        verbose_name = "Rule 12b-25 notice (NT 10-K / NT 10-Q)"
        verbose_name_plural = "Rule 12b-25 notices (NT 10-K / NT 10-Q)"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "form", "period_end"], name="late_filing_notice_unique_period"),
            models.UniqueConstraint(fields=["accession_number"], name="late_filing_notice_unique_accession"),
        ]

    def __str__(self) -> str:
        return f"{self.form} for the period ended {long_date(self.period_end)} ({self.issuer})"

    def clean(self) -> None:
        if self.period_end and self.filed_on and self.filed_on <= self.period_end:
            raise ValidationError({"filed_on": "An NT form is filed after the period it reports on has ended."})
