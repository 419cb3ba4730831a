"""The records of a registered resale offering, from the issuer to each supplement and holder.

Share counts are integers and money is Decimal. Filed records are never lost: every foreign key on the
filing chain is PROTECT, and a filed supplement refuses edits and deletes (see ``Supplement``). The report,
prospectus and registration an approved or filed supplement states keep the stated facts (see ``StatedRecord``).
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from . import validators
from .domain.dates import long_date
from .domain.forms import ANNUAL_FORMS, QUARTERLY_FORMS

MAX_COUNT = 1_000_000_000_000


def count_field(*, null: bool = False, help_text: str, verbose_name: str | None = None):
    return models.PositiveBigIntegerField(
        null=null,
        blank=null,
        validators=[MaxValueValidator(MAX_COUNT)],
        help_text=help_text,
        verbose_name=verbose_name,
    )


def decimal_field(*, null: bool = True, help_text: str, places: int = 6, verbose_name: str | None = None):
    return models.DecimalField(
        max_digits=12 + places,
        decimal_places=places,
        null=null,
        blank=null,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=help_text,
        verbose_name=verbose_name,
    )


class FilerCategory(models.TextChoices):
    SMALL_BUSINESS_ISSUER = "small_business_issuer", "Small business issuer (Regulation S-B)"
    SMALLER_REPORTING_COMPANY = "smaller_reporting_company", "Smaller reporting company"
    NON_ACCELERATED = "non_accelerated_filer", "Non-accelerated filer"
    ACCELERATED = "accelerated_filer", "Accelerated filer"
    LARGE_ACCELERATED = "large_accelerated_filer", "Large accelerated filer"
    WKSI = "well_known_seasoned_issuer", "Well-known seasoned issuer"


class Issuer(models.Model):
    name = models.CharField(
        max_length=200,
        help_text="Exact legal name, as on the cover of its filings.",
        validators=[validators.validate_no_control_characters],
    )
    cik = models.CharField(
        "CIK",
        max_length=10,
        null=True,
        blank=True,
        validators=[validators.validate_cik],
        help_text="EDGAR Central Index Key, digits only (e.g. 799694). Leave blank if unknown.",
    )
    state_of_incorporation = models.CharField(
        max_length=60, blank=True, default="", validators=[validators.validate_no_control_characters]
    )
    fiscal_year_end = models.CharField(
        max_length=5,
        blank=True,
        default="",
        validators=[validators.validate_month_day],
        help_text="MM-DD, e.g. 08-31. Drives 10-K/10-Q due dates.",
    )
    filer_category = models.CharField(
        max_length=40,
        choices=FilerCategory.choices,
        blank=True,
        default="",
        help_text="Exchange Act filer status; sets the periodic report deadlines.",
    )
    exchange_act_file_number = models.CharField(
        max_length=9,
        blank=True,
        default="",
        validators=[validators.validate_exchange_act_file_number],
        help_text="Commission file number for Exchange Act reports, e.g. 0-15482.",
    )
    principal_market = models.CharField(
        max_length=120,
        blank=True,
        default="",
        help_text="Where the common stock trades, e.g. OTC Bulletin Board.",
        validators=[validators.validate_no_control_characters],
    )
    foreign_private_issuer = models.BooleanField(
        default=False,
        help_text="Files annual reports on Form 20-F and current reports on Form 6-K instead of 10-K, 10-Q and 8-K "
        "(Exchange Act Rule 3b-4). Sets which periodic deadlines apply.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["cik"], name="issuer_unique_cik"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(cik__isnull=True), name="issuer_unique_name_without_cik"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SecurityKind(models.TextChoices):
    COMMON = "common", "Common stock"
    ORDINARY = "ordinary", "Ordinary shares"
    ADS = "ads", "American depositary shares"
    PREFERRED = "preferred", "Preferred stock"
    WARRANT = "warrant", "Warrant"
    UNIT = "unit", "Unit"
    NOTE = "note", "Convertible note or debenture"
    DEBT = "debt", "Debt"
    RIGHT = "right", "Right"
    OTHER = "other", "Other"


class Security(models.Model):
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="securities")
    key = models.SlugField(max_length=64, help_text="Short name used to tie records together, e.g. common or warrant.")
    title = models.CharField(
        max_length=200,
        help_text='As the prospectus names it, e.g. "Series A Convertible Preferred Stock".',
        validators=[validators.validate_no_control_characters],
    )
    kind = models.CharField(max_length=20, choices=SecurityKind.choices)
    par_value = decimal_field(help_text="Par value per share in dollars, e.g. 0.001.")
    authorized = count_field(null=True, help_text="Shares authorized by the charter, if stated.")
    outstanding = count_field(null=True, help_text="Shares outstanding, if stated.")
    converts_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="convertible_from",
        help_text="For warrants and convertibles: the security received on exercise or conversion.",
    )
    shares_per_security = decimal_field(
        help_text="Underlying shares received per warrant or convertible share, e.g. 2."
    )
    price_per_share = decimal_field(
        help_text="Cash paid to the issuer per underlying share on exercise or conversion; 0 where "
        "conversion pays nothing; blank where not stated.",
    )
    term = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text='As stated, e.g. "3 years".',
        validators=[validators.validate_no_control_characters],
    )
    expires_on = models.DateField(
        null=True,
        blank=True,
        help_text="YYYY-MM-DD; the day the warrant or convertible expires, as its terms state it.",
    )
    conversion_rate_per_1000 = decimal_field(
        verbose_name="conversion rate per $1,000",
        help_text="Notes and debentures: underlying shares per $1,000 of principal, e.g. 2,500 (a $0.40 conversion "
        "price). Registered shares derive from it: principal x rate / 1,000.",
    )
    conversion_price = decimal_field(
        help_text="Principal (or stated value) converted into each underlying share, where the terms state a price "
        "rather than a rate; no cash is paid on such a conversion.",
    )
    principal_amount = decimal_field(
        places=2, help_text="Notes and debentures: the aggregate principal amount issued, in dollars."
    )
    interest_rate = decimal_field(places=4, help_text="Notes and debentures: annual interest, in percent, e.g. 8.")
    maturity_on = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; notes and debentures: the maturity date."
    )
    stated_value = decimal_field(help_text="Preferred stock: the stated (liquidation) value per share, in dollars.")
    placement_agent = models.BooleanField(
        default=False, help_text="Warrants issued to the placement agent (and its designees) as compensation."
    )
    trading_symbol = models.CharField(
        max_length=10,
        blank=True,
        default="",
        validators=[validators.validate_trading_symbol],
        help_text="Ticker symbol where the security trades, e.g. BNTC; blank if it does not trade.",
    )
    market = models.CharField(
        max_length=120,
        blank=True,
        default="",
        help_text="Where it trades, e.g. The Nasdaq Capital Market.",
        validators=[validators.validate_no_control_characters],
    )

    class Meta:
        ordering = ["issuer", "id"]
        verbose_name_plural = "securities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "key"], name="security_unique_key_per_issuer"),
            models.CheckConstraint(
                condition=Q(
                    converts_into__isnull=True,
                    shares_per_security__isnull=True,
                    conversion_rate_per_1000__isnull=True,
                    conversion_price__isnull=True,
                )
                | Q(converts_into__isnull=False, shares_per_security__isnull=False)
                | Q(converts_into__isnull=False, conversion_rate_per_1000__isnull=False)
                | Q(converts_into__isnull=False, conversion_price__isnull=False),
                name="security_conversion_terms_complete",
                violation_error_message="A security that converts needs the underlying security and its terms: "
                "shares per security, or (for notes) a conversion rate per $1,000 or a conversion price.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.issuer})"

    def clean(self) -> None:
        terms = (self.shares_per_security, self.conversion_rate_per_1000, self.conversion_price)
        if self.converts_into_id and all(t is None for t in terms):
            raise ValidationError(
                {
                    "shares_per_security": "Required when the security converts (or, for notes, a conversion rate "
                    "per $1,000 or a conversion price)."
                }
            )
        if any(t is not None for t in terms) and not self.converts_into_id:
            raise ValidationError({"converts_into": "Required when conversion terms are given."})
        if self.converts_into_id and self.issuer_id and self.converts_into.issuer_id != self.issuer_id:
            raise ValidationError({"converts_into": "Must be a security of the same issuer."})


class Offering(models.Model):
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="offerings")
    key = models.SlugField(max_length=64)
    title = models.CharField(
        max_length=200,
        help_text="e.g. Unit offering completed in March 2003.",
        validators=[validators.validate_no_control_characters],
    )
    closed_on = models.DateField(null=True, blank=True, help_text="YYYY-MM-DD; closing date, where the day is known.")
    closed_in = models.CharField(
        max_length=7,
        blank=True,
        default="",
        validators=[validators.validate_year_month],
        help_text="YYYY-MM, where only the month of closing is stated.",
    )
    units_sold = count_field(null=True, help_text="Number of units sold in the private placement.")
    price_per_unit = decimal_field(help_text="Purchase price per unit in dollars.")

    class Meta:
        ordering = ["issuer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "key"], name="offering_unique_key_per_issuer"),
        ]

    def __str__(self) -> str:
        return self.title


class UnitComponent(models.Model):
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="unit_components")
    security = models.ForeignKey(Security, on_delete=models.PROTECT, related_name="unit_components")
    quantity = decimal_field(
        null=False, help_text="How many of the security one unit holds: 3, 1, or 0.25 for a quarter warrant."
    )

    class Meta:
        ordering = ["offering", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="unit_component_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize()} x {self.security.title}"


class Condition(models.Model):
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="conditions")
    key = models.SlugField(max_length=64)
    description = models.TextField(
        max_length=1000,
        help_text="What must happen before holders may exercise or convert.",
        validators=[validators.validate_text_no_control_characters],
    )
    restricts = models.ManyToManyField(
        Security, related_name="conditions", help_text="Securities whose exercise or conversion waits on it."
    )
    satisfied_on = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; leave blank while the condition is pending."
    )

    class Meta:
        ordering = ["issuer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "key"], name="condition_unique_key_per_issuer"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_pending(self) -> bool:
        return self.satisfied_on is None


# -- the record stays what was filed -------------------------------------------------------------------
_correcting = ContextVar("offerings_correcting_stated_record", default=False)


@contextmanager
def correcting_stated_records() -> Iterator[None]:
    """Within this block the stated facts of a record may change. Only ``offerings.services.corrections`` opens
    it, for one correction whose reason it records (on PostgreSQL it also sets ``portal.correction``)."""
    token = _correcting.set(True)
    try:
        yield
    finally:
        _correcting.reset(token)


def _frozen_statuses() -> tuple[str, str]:
    return (SupplementStatus.APPROVED, SupplementStatus.FILED)


class StatedRecordQuerySet(models.QuerySet):
    """Bulk updates and deletes bypass ``save`` and ``delete``; they refuse a stated record's facts too."""

    def update(self, **kwargs):
        touched = [name for name in kwargs if name in self.model.STATED_FIELDS]
        if touched and not _correcting.get():
            for record in self:
                for name in touched:  # the row as the update would leave it (an expression counts as a change)
                    setattr(record, record._meta.get_field(name).attname, kwargs[name])
                record.refuse_stated_change(touched)
        return super().update(**kwargs)

    def delete(self):
        for record in self:
            record.refuse_delete()
        return super().delete()


class StatedRecord(models.Model):
    """A record whose facts an approved or filed supplement states (the report it incorporates, attaches or
    delivers; the prospectus it supplements; the registration on its cover).

    Rule: while such a supplement stands, ``STATED_FIELDS`` keep the values it was approved with and the record
    cannot be deleted (``FiledRecordError`` naming the supplement); a correction goes through
    ``offerings.services.corrections.correct_filed_record`` with its reason. A field in ``FILLABLE_FIELDS`` may
    still get a first value while blank (a report's copy for delivery, uploaded after approval). On PostgreSQL
    the triggers of migration 0007 refuse the same changes in the database.
    """

    STATED_FIELDS: tuple[str, ...] = ()
    FILLABLE_FIELDS: tuple[str, ...] = ()

    objects = StatedRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.refuse_stated_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_delete()
        return super().delete(*args, **kwargs)

    def stating_supplements(self) -> "models.QuerySet[Supplement]":
        """The approved and filed supplements that state this record's facts."""
        raise NotImplementedError

    def stated_by(self) -> "Supplement | None":
        """The earliest approved or filed supplement that states this record; None while none does."""
        if self.pk is None:
            return None
        return self.stating_supplements().order_by("dated_on", "pk").first()

    def changed_stated_fields(self, fields=None) -> list[str]:
        """The stated fields (of ``fields``, if given) whose value differs from the stored row."""
        names = [name for name in self.STATED_FIELDS if fields is None or name in fields]
        if self.pk is None or not names:
            return []
        stored = type(self)._base_manager.filter(pk=self.pk).values(*names).first()
        if stored is None:
            return []
        changed = []
        for name in names:
            old, new = stored[name], self._stated_value(name)
            if old == new or (name in self.FILLABLE_FIELDS and old in ("", None)):
                continue
            changed.append(name)
        return changed

    def _stated_value(self, name: str):
        field = self._meta.get_field(name)
        value = getattr(self, field.attname)
        if isinstance(field, models.FileField):
            return value.name or ""
        try:
            return field.to_python(value)
        except ValidationError:
            return value

    def refuse_stated_change(self, fields=None) -> None:
        """Raise ``FiledRecordError`` (one message per field) if a stated field changed and a supplement states
        it; a correction (``correcting_stated_records``) is let through."""
        if _correcting.get():
            return
        changed = self.changed_stated_fields(fields)
        supplement = self.stated_by() if changed else None
        if supplement is None:
            return
        status = supplement.get_status_display().lower()
        raise FiledRecordError(
            {
                name: f"{str(self._meta.get_field(name).verbose_name).capitalize()} is stated by {supplement}, "
                f"{status}, and stays as filed; it changes only by a correction with its reason "
                "('Correct a filed record')."
                for name in changed
            }
        )

    def refuse_delete(self) -> None:
        supplement = self.stated_by()
        if supplement is not None:
            raise FiledRecordError(
                f"{self} cannot be deleted: {supplement}, {supplement.get_status_display().lower()}, states it."
            )

    def full_clean(self, *args, **kwargs) -> None:
        """The stated facts first: a refusal is a ``FiledRecordError`` (one message per field) before anything
        else is validated, so the admin form and the importer show it on the field."""
        self.refuse_stated_change()
        super().full_clean(*args, **kwargs)


class RegistrationForm(models.TextChoices):
    S1 = "S-1", "Form S-1"
    S2 = "S-2", "Form S-2 (rescinded 2005)"
    S3 = "S-3", "Form S-3"
    S3ASR = "S-3ASR", "Form S-3ASR"
    SB1 = "SB-1", "Form SB-1 (rescinded 2008)"
    SB2 = "SB-2", "Form SB-2 (rescinded 2008)"
    F1 = "F-1", "Form F-1"
    F3 = "F-3", "Form F-3"
    F3ASR = "F-3ASR", "Form F-3ASR"
    S4 = "S-4", "Form S-4"
    F4 = "F-4", "Form F-4"
    S8 = "S-8", "Form S-8"
    S11 = "S-11", "Form S-11"
    OTHER = "other", "Other"


class RegistrationStatement(StatedRecord):
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="registration_statements")
    file_number = models.CharField(
        max_length=10,
        unique=True,
        validators=[validators.validate_registration_file_number],
        help_text="Securities Act file number, e.g. 333-105026.",
    )
    form = models.CharField(max_length=10, choices=RegistrationForm.choices, blank=True, default="")
    filed_on = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; date the registration statement was first filed."
    )
    effective_on = models.DateField(null=True, blank=True, help_text="YYYY-MM-DD; date the SEC declared it effective.")
    last_amended_on = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; filing date of the last amendment, as the dossier states it."
    )
    forward_incorporation = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether later Exchange Act reports are incorporated automatically. If not, each new "
        "10-Q/10-K must be added to the prospectus by a supplement or an amendment.",
    )
    resale = models.BooleanField(default=True, help_text="Registers resales by selling stockholders.")
    stated_proceeds_if_exercised = decimal_field(
        places=2,
        help_text="The issuer's proceeds if every warrant is exercised and every convertible converted, "
        "as the filing states it. The compliance check recomputes it.",
    )

    # Facts the cover of its supplements states (a Rule 429 combined prospectus's supplements too).
    STATED_FIELDS = ("file_number", "form", "filed_on", "effective_on", "last_amended_on")

    class Meta:
        ordering = ["file_number"]

    def __str__(self) -> str:
        return f"Registration No. {self.file_number}"

    def stating_supplements(self) -> "models.QuerySet[Supplement]":
        combined = Prospectus.objects.filter(also_covers=self.pk).values("pk")
        return Supplement.objects.filter(
            Q(prospectus__registration_statement=self.pk) | Q(prospectus__in=combined), status__in=_frozen_statuses()
        ).distinct()


class AmendmentKind(models.TextChoices):
    PRE_EFFECTIVE = "pre_effective", "Pre-effective amendment"
    POST_EFFECTIVE = "post_effective", "Post-effective amendment"


class Amendment(models.Model):
    registration_statement = models.ForeignKey(
        RegistrationStatement, on_delete=models.PROTECT, related_name="amendments"
    )
    kind = models.CharField(max_length=20, choices=AmendmentKind.choices)
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Amendment No., if numbered.")
    filed_on = models.DateField(help_text="YYYY-MM-DD; the EDGAR filing date of the amendment.")
    effective_on = models.DateField(
        null=True,
        blank=True,
        help_text="YYYY-MM-DD; the date the SEC declared the amendment effective; blank until it is.",
    )
    accession_number = models.CharField(
        max_length=20, blank=True, default="", validators=[validators.validate_accession_number]
    )
    annual_report = models.ForeignKey(
        "PeriodicReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        help_text="The annual report whose financial statements a post-effective amendment brings in "
        "(the Section 10(a)(3) update).",
    )

    class Meta:
        ordering = ["registration_statement", "filed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} filed {long_date(self.filed_on)}"


class RegisteredAmount(models.Model):
    registration_statement = models.ForeignKey(
        RegistrationStatement, on_delete=models.PROTECT, related_name="registered_amounts"
    )
    security = models.ForeignKey(Security, on_delete=models.PROTECT, related_name="registered_amounts")
    amount = count_field(
        null=True,
        help_text="Number of securities registered for resale; blank where the filing does not state a total "
        "(state what is known in the parts).",
    )

    class Meta:
        ordering = ["registration_statement", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_statement", "security"], name="registered_amount_unique_security"
            ),
        ]

    def __str__(self) -> str:
        amount = f"{self.amount:,}" if self.amount is not None else "An unstated number of"
        return f"{amount} {self.security.title}"


class ComponentSource(models.TextChoices):
    ISSUED = "issued", "Issued"
    ISSUABLE_ON_EXERCISE = "issuable_on_exercise", "Issuable on exercise"
    ISSUABLE_ON_CONVERSION = "issuable_on_conversion", "Issuable on conversion"
    OTHER = "other", "Other"


class RegisteredComponent(models.Model):
    registered_amount = models.ForeignKey(RegisteredAmount, on_delete=models.CASCADE, related_name="components")
    source = models.CharField(max_length=30, choices=ComponentSource.choices)
    from_security = models.ForeignKey(
        Security,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_components",
        help_text="The security these shares come from: the unit for issued shares, the warrant for "
        "exercise shares, the preferred for conversion shares.",
    )
    from_offering = models.ForeignKey(
        Offering, on_delete=models.PROTECT, null=True, blank=True, related_name="registered_components"
    )
    amount = count_field(null=True, help_text="Shares in this part of the registered amount; blank if not stated.")
    principal_amount = decimal_field(
        places=2,
        help_text="For shares issuable on conversion of notes: the principal they derive from (shares = principal "
        "x conversion rate / 1,000).",
    )

    class Meta:
        ordering = ["registered_amount", "id"]

    def __str__(self) -> str:
        amount = f"{self.amount:,}" if self.amount is not None else "an unstated number"
        return f"{amount} {self.get_source_display().lower()}"


class Prospectus(StatedRecord):
    registration_statement = models.ForeignKey(
        RegistrationStatement, on_delete=models.PROTECT, related_name="prospectuses"
    )
    dated_on = models.DateField("date", help_text="YYYY-MM-DD; the date on the prospectus cover.")
    page_references = models.JSONField(
        default=dict,
        blank=True,
        validators=[validators.validate_page_references],
        help_text='Section title to first page, e.g. {"Risk Factors": 7, "Selling Stockholders": 23}.',
    )
    information_as_of = models.DateField(
        null=True,
        blank=True,
        help_text="YYYY-MM-DD; counsel's date of the information the prospectus carries, for Section 10(a)(3). "
        "Leave blank to use the period end of the latest audited annual financial statements.",
    )
    document = models.FileField(
        upload_to="prospectuses/", blank=True, help_text="The prospectus as filed (PDF, HTML or text)."
    )
    also_covers = models.ManyToManyField(
        "RegistrationStatement",
        blank=True,
        related_name="combined_prospectuses",
        help_text="Rule 429: earlier registration statements this combined prospectus also relates to; their file "
        "numbers appear on the cover too.",
    )

    class Meta:
        ordering = ["registration_statement", "-dated_on"]
        verbose_name_plural = "prospectuses"
        constraints = [
            models.UniqueConstraint(
                fields=["registration_statement", "dated_on"], name="prospectus_unique_date_per_registration"
            ),
        ]

    # What its supplements state of it: "(To Prospectus Dated ...)", its page references, its information date.
    STATED_FIELDS = ("dated_on", "page_references", "information_as_of")

    def __str__(self) -> str:
        return f"Prospectus dated {long_date(self.dated_on)} ({self.registration_statement.file_number})"

    def stating_supplements(self) -> "models.QuerySet[Supplement]":
        return Supplement.objects.filter(prospectus=self.pk, status__in=_frozen_statuses())


class ReportForm(models.TextChoices):
    F10K = "10-K", "10-K"
    F10KSB = "10-KSB", "10-KSB"
    F10Q = "10-Q", "10-Q"
    F10QSB = "10-QSB", "10-QSB"
    F8K = "8-K", "8-K"
    F20F = "20-F", "20-F"
    F6K = "6-K", "6-K"
    DEF14A = "DEF 14A", "DEF 14A"
    F10KA = "10-K/A", "10-K/A"
    F10QA = "10-Q/A", "10-Q/A"
    F10KSBA = "10-KSB/A", "10-KSB/A"
    F10QSBA = "10-QSB/A", "10-QSB/A"
    F8KA = "8-K/A", "8-K/A"
    F20FA = "20-F/A", "20-F/A"
    F6KA = "6-K/A", "6-K/A"


class PeriodicReport(StatedRecord):
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="periodic_reports")
    key = models.SlugField(max_length=64, help_text="Short name, e.g. annual_2002 or quarter_2003_05.")
    form = models.CharField(max_length=10, choices=ReportForm.choices)
    period_end = models.DateField(null=True, blank=True, help_text="YYYY-MM-DD; last day of the fiscal period covered.")
    filed_on = models.DateField(null=True, blank=True, help_text="YYYY-MM-DD; EDGAR filing date.")
    accession_number = models.CharField(
        max_length=20,
        null=True,
        blank=True,
        validators=[validators.validate_accession_number],
        help_text="EDGAR accession number, e.g. 0000950147-03-000824.",
    )
    page_references = models.JSONField(default=dict, blank=True, validators=[validators.validate_page_references])
    document = models.FileField(
        upload_to="reports/", blank=True, help_text="A copy of the report for delivery with supplements."
    )

    class Meta:
        ordering = ["issuer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["accession_number"], name="periodic_report_unique_accession"),
            models.UniqueConstraint(fields=["issuer", "key"], name="periodic_report_unique_key_per_issuer"),
            models.UniqueConstraint(
                fields=["issuer", "form", "period_end"],
                condition=Q(accession_number__isnull=True),
                name="periodic_report_unique_period_without_accession",
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    # What a supplement that incorporates, attaches or delivers it states; a first copy may still be uploaded.
    STATED_FIELDS = ("form", "period_end", "filed_on", "accession_number", "page_references", "document")
    FILLABLE_FIELDS = ("document",)

    def stating_supplements(self) -> "models.QuerySet[Supplement]":
        return Supplement.objects.filter(
            Q(pk__in=SupplementIncorporation.objects.filter(report=self.pk).values("supplement"))
            | Q(pk__in=SupplementEnclosure.objects.filter(report=self.pk).values("supplement"))
            | Q(pk__in=SupplementAttachment.objects.filter(report=self.pk).values("supplement")),
            status__in=_frozen_statuses(),
        )

    def clean(self) -> None:
        if self.filed_on and self.period_end and self.filed_on < self.period_end:
            raise ValidationError({"filed_on": "A periodic report is filed after the period it covers has ended."})

    @property
    def is_annual(self) -> bool:
        return self.form in ANNUAL_FORMS

    @property
    def is_quarterly(self) -> bool:
        return self.form in QUARTERLY_FORMS

    def describe(self) -> str:
        """How filings name it: "Quarterly Report on Form 10-QSB for the quarterly period ended May 31, 2003"."""
        period = long_date(self.period_end) if self.period_end else None
        if self.is_annual:
            return f"Annual Report on Form {self.form}" + (f" for the fiscal year ended {period}" if period else "")
        if self.is_quarterly:
            return f"Quarterly Report on Form {self.form}" + (
                f" for the quarterly period ended {period}" if period else ""
            )
        if self.form.startswith("8-K"):
            return f"Current Report on Form {self.form}" + (f" dated {period}" if period else "")
        return f"Form {self.form}" + (f" for the period ended {period}" if period else "")


class SupplementRule(models.TextChoices):
    B1 = "424(b)(1)", "Rule 424(b)(1)"
    B2 = "424(b)(2)", "Rule 424(b)(2)"
    B3 = "424(b)(3)", "Rule 424(b)(3)"
    B4 = "424(b)(4)", "Rule 424(b)(4)"
    B5 = "424(b)(5)", "Rule 424(b)(5)"
    B7 = "424(b)(7)", "Rule 424(b)(7)"
    B8 = "424(b)(8)", "Rule 424(b)(8)"


class SupplementPurpose(models.TextChoices):
    INCORPORATION_UPDATE = "incorporation_update", "Incorporation-by-reference update"
    SELLING_STOCKHOLDER_UPDATE = "selling_stockholder_update", "Selling stockholder update"
    PERIODIC_REPORT_ATTACHED = "periodic_report_attached", "Periodic report attached"
    TERMS_UPDATE = "terms_update", "Terms change (repricing, extension, reset)"
    EVENT = "event", "Event (exercise, conversion, redemption, transfer, financing)"
    FINANCIAL_STATEMENTS = "financial_statements", "Financial statements printed in the supplement"
    OTHER = "other", "Other (general update)"


class SupplementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    APPROVED = "approved", "Approved"
    FILED = "filed", "Filed"


class FiledRecordError(ValidationError):
    """Raised when something tries to change or delete a filed supplement, or what an approved or filed one
    states (``StatedRecord``)."""


class SupplementQuerySet(models.QuerySet):
    """Bulk deletes and updates bypass ``Supplement.save``; they refuse filed supplements too."""

    def delete(self):
        if self.filter(status=SupplementStatus.FILED).exists():
            raise FiledRecordError("Filed supplements cannot be deleted.")
        return super().delete()

    def update(self, **kwargs):
        if self.filter(status=SupplementStatus.FILED).exists():
            raise FiledRecordError("Filed supplements cannot be edited.")
        return super().update(**kwargs)


class Supplement(models.Model):
    prospectus = models.ForeignKey(Prospectus, on_delete=models.PROTECT, related_name="supplements")
    key = models.SlugField(
        max_length=64,
        blank=True,
        default="",
        help_text="Short name that tells this supplement apart from others of the same prospectus, e.g. "
        "supplement_3; dossiers refer to it. Blank for one drafted in the portal until it is exported.",
    )
    number = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Supplement No., if numbered."
    )
    dated_on = models.DateField(
        "date",
        null=True,
        blank=True,
        help_text="YYYY-MM-DD; the date on the supplement's date line; blank only for an earlier supplement whose "
        "date is not known (known, say, only by its accession number).",
    )
    rule = models.CharField(
        max_length=10,
        choices=SupplementRule.choices,
        default=SupplementRule.B3,
        help_text="The Rule 424(b) paragraph it is filed under; (b)(3) for an ordinary update.",
    )
    purpose = models.CharField(max_length=30, choices=SupplementPurpose.choices)
    summary = models.TextField(
        max_length=4000,
        blank=True,
        default="",
        help_text="One paragraph for staff.",
        validators=[validators.validate_text_no_control_characters],
    )
    incorporates = models.ManyToManyField(
        PeriodicReport,
        through="SupplementIncorporation",
        related_name="incorporating_supplements",
        blank=True,
        help_text="Reports this supplement adds to the documents incorporated by reference.",
    )
    delivered_with = models.ManyToManyField(
        PeriodicReport,
        through="SupplementEnclosure",
        related_name="enclosing_supplements",
        blank=True,
        help_text="Reports delivered to investors together with the supplement and the prospectus.",
    )
    first_used_on = models.DateField(
        null=True,
        blank=True,
        help_text="YYYY-MM-DD; first use; Rule 424(b)(3) filing is due by the fifth business day after.",
    )
    filed_on = models.DateField(null=True, blank=True, help_text="YYYY-MM-DD; EDGAR filing date.")
    accession_number = models.CharField(
        max_length=20,
        null=True,
        blank=True,
        validators=[validators.validate_accession_number],
        help_text="EDGAR accession number of the 424(b) filing.",
    )
    status = models.CharField(
        max_length=10, choices=SupplementStatus.choices, default=SupplementStatus.DRAFT, editable=False
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="changed_supplements",
        help_text="The staff user who last changed the draft; maker-checker: someone else approves it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupplementQuerySet.as_manager()

    class Meta:
        ordering = ["prospectus", "dated_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prospectus", "number"], name="supplement_unique_number_per_prospectus"),
            models.UniqueConstraint(fields=["accession_number"], name="supplement_unique_accession"),
            models.UniqueConstraint(
                fields=["prospectus", "key"], condition=~Q(key=""), name="supplement_unique_key_per_prospectus"
            ),
        ]
        permissions = [
            ("submit_supplement", "Can submit a supplement for review"),
            ("review_supplement", "Can approve a supplement or send it back to draft (counsel)"),
            ("file_supplement", "Can record the EDGAR filing of a supplement"),
            ("preview_supplement", "Can preview and download a supplement's renditions"),
            ("import_dossier", "Can import an offering dossier"),
        ]

    def __str__(self) -> str:
        label = f"Supplement No. {self.number}" if self.number else "Prospectus supplement"
        dated = f"dated {long_date(self.dated_on)}" if self.dated_on else "of unknown date"
        return f"{label} {dated} ({self.prospectus.registration_statement.file_number})"

    def save(self, *args, **kwargs) -> None:
        if self._stored_status() == SupplementStatus.FILED:
            raise FiledRecordError(f"{self} is filed; a filed supplement cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == SupplementStatus.FILED:
            raise FiledRecordError(f"{self} is filed; a filed supplement cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_filed(self) -> bool:
        return self.status == SupplementStatus.FILED

    def clean(self) -> None:
        if self.filed_on and self.dated_on and self.filed_on < self.dated_on:
            raise ValidationError({"filed_on": "A supplement is filed on or after the date on its date line."})

    @property
    def document_title(self) -> str:
        """How the supplement names itself on its cover: "Prospectus Supplement No. 3", or unnumbered."""
        return f"Prospectus Supplement No. {self.number}" if self.number else "Prospectus Supplement"

    @property
    def is_frozen(self) -> bool:
        """Approved and filed supplements serve stored bytes; their content no longer changes."""
        return self.status in (SupplementStatus.APPROVED, SupplementStatus.FILED)

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()


class ApprovalJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Approved"
    FAILED = "failed", "Failed"


APPROVAL_JOB_PENDING = (ApprovalJobStatus.QUEUED, ApprovalJobStatus.RUNNING)
# A pending job that has written nothing for this long is taken as stopped (its worker died). Its one long step,
# the PDF, is bounded by the conversion child's time limit (PORTAL_CONVERT_TIMEOUT_SECONDS, two minutes by default).
APPROVAL_JOB_STALLED_AFTER = datetime.timedelta(hours=1)


class ApprovalJobQuerySet(models.QuerySet):
    def pending(self):
        """Queued or running, stalled or not."""
        return self.filter(status__in=APPROVAL_JOB_PENDING)

    def in_progress(self):
        """Rule: a job is in progress while it is pending and not stalled; meanwhile its supplement does not change
        and is not approved again."""
        return self.pending().filter(updated_at__gte=Now() - APPROVAL_JOB_STALLED_AFTER)


class ApprovalJob(models.Model):
    """One reviewer's approval of a supplement in review, run by the task worker.

    Approval renders and freezes the three documents, which for a long holder table takes longer than a web
    request may; the admin checks the approval at once, records the job and returns, and the worker approves
    (``offerings.tasks.approve_supplement_job``). Written only through ``offerings.services.approvals``.
    """

    supplement = models.ForeignKey(Supplement, on_delete=models.CASCADE, related_name="approval_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approval_jobs",
        help_text="The reviewer who approved; the approval in the audit trail is theirs. Empty for a command.",
    )
    requested_by_command = models.CharField(
        max_length=100, blank=True, default="", help_text="The command that approved, where no reviewer did."
    )
    requested_at = models.DateTimeField()
    override_reason = models.TextField(
        max_length=1000,
        blank=True,
        default="",
        help_text="Why the reviewer approves although a compliance error stands; recorded with the approval.",
    )
    status = models.CharField(max_length=10, choices=ApprovalJobStatus.choices, default=ApprovalJobStatus.QUEUED)
    progress = models.CharField(max_length=300, blank=True, default="", help_text="What the worker is doing now.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(max_length=4000, blank=True, default="", help_text="Why the approval failed.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApprovalJobQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplement"],
                condition=Q(status__in=["queued", "running"]),
                name="approval_job_one_pending_per_supplement",
                violation_error_message="This supplement's approval is already queued or running.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"]) | Q(finished_at__isnull=False),
                name="approval_job_finished_has_time",
                violation_error_message="A finished approval job records when it finished.",
            ),
        ]

    def __str__(self) -> str:
        return f"Approval job {self.pk} for {self.supplement}: {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status not in APPROVAL_JOB_PENDING


class SupplementPart(models.Model):
    """A row of one supplement's content; it cannot change once the supplement is approved or filed."""

    supplement: "Supplement"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def owning_supplement_id(self) -> int | None:
        """The supplement whose content this row is (None for a row that belongs to no supplement)."""
        return self.supplement_id

    def _refuse_if_frozen(self) -> None:
        supplement_id = self.owning_supplement_id()
        if supplement_id is None:
            return
        status, approving = (
            Supplement.objects.filter(pk=supplement_id)
            .annotate(
                approving=models.Exists(ApprovalJob.objects.in_progress().filter(supplement=models.OuterRef("pk")))
            )
            .values_list("status", "approving")
            .first()
        ) or (None, False)
        if approving:
            raise ValidationError(
                f"{Supplement.objects.get(pk=supplement_id)} is being approved (its approval job is queued or "
                "running); its content does not change until the job has finished."
            )
        if status in (SupplementStatus.APPROVED, SupplementStatus.FILED):
            raise FiledRecordError(
                f"{Supplement.objects.get(pk=supplement_id)} is {SupplementStatus(status).label.lower()}; its "
                "content is frozen. "
                "Return it to draft to change it (a filed supplement never changes)."
            )


class BringsInReport:
    """Rule: a supplement can incorporate or attach only a report already filed on its date."""

    def clean(self) -> None:
        supplement, report = self.supplement, self.report
        if supplement.dated_on and report.filed_on and report.filed_on > supplement.dated_on:
            raise ValidationError(
                {
                    "report": f"{report.describe()} was filed on {long_date(report.filed_on)}, after the supplement's "
                    f"date ({long_date(supplement.dated_on)})."
                }
            )


class SupplementIncorporation(BringsInReport, SupplementPart):
    supplement = models.ForeignKey(Supplement, on_delete=models.CASCADE, related_name="incorporations")
    report = models.ForeignKey(PeriodicReport, on_delete=models.PROTECT, related_name="incorporations")

    class Meta:
        ordering = ["supplement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supplement", "report"], name="incorporation_unique_report"),
        ]

    def __str__(self) -> str:
        return self.report.describe()


class SupplementEnclosure(SupplementPart):
    supplement = models.ForeignKey(Supplement, on_delete=models.CASCADE, related_name="enclosures")
    report = models.ForeignKey(PeriodicReport, on_delete=models.PROTECT, related_name="enclosures")

    class Meta:
        ordering = ["supplement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supplement", "report"], name="enclosure_unique_report"),
        ]

    def __str__(self) -> str:
        return self.report.describe()


class SupplementPartKind(models.TextChoices):
    """The parts of a supplement's body; staff's own paragraphs attach to one of them."""

    GENERAL = "general", "General update"
    INCORPORATION = "incorporation", "Documents incorporated by reference"
    ATTACHED_REPORT = "attached_report", "Periodic report attached"
    HOLDERS = "holders", "Selling holder table"
    TERMS = "terms", "Terms change"
    EVENTS = "events", "Events"
    FINANCIAL_STATEMENTS = "financial_statements", "Financial statements"


class SupplementSection(SupplementPart):
    """Free text that staff write for a general update or add to any part of a supplement body."""

    supplement = models.ForeignKey(Supplement, on_delete=models.CASCADE, related_name="sections")
    part = models.CharField(
        max_length=30,
        choices=SupplementPartKind.choices,
        default=SupplementPartKind.GENERAL,
        help_text="The part of the supplement these paragraphs belong to (prescribed legends stay generated).",
    )
    heading = models.CharField(
        max_length=200, blank=True, default="", validators=[validators.validate_no_control_characters]
    )
    body = models.TextField(
        max_length=20000,
        help_text="Plain text; blank lines separate paragraphs.",
        validators=[validators.validate_text_no_control_characters],
    )
    position = models.PositiveIntegerField(default=0, help_text="Order in the document; lower comes first.")

    class Meta:
        ordering = ["supplement", "position", "id"]

    def __str__(self) -> str:
        return self.heading or self.body[:60]


class SupplementAttachment(BringsInReport, SupplementPart):
    """A periodic report that is the body of the supplement (an issuer that cannot incorporate forward files its
    10-Q, 10-K, 20-F, 6-K or 8-K this way): the report's content is part of the supplement."""

    supplement = models.ForeignKey(Supplement, on_delete=models.CASCADE, related_name="attachments")
    report = models.ForeignKey(PeriodicReport, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["supplement", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supplement", "report"], name="attachment_unique_report"),
        ]

    def __str__(self) -> str:
        return self.report.describe()


class HolderTableMode(models.TextChoices):
    RESTATE = "restate", "Restates the whole table"
    AMEND = "amend", "Amends some rows"


class HolderTable(SupplementPart):
    """A selling holder table as filed (Item 507): in the prospectus, or restated or amended by a supplement."""

    prospectus = models.ForeignKey(
        Prospectus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holder_tables",
        help_text="The prospectus whose own table this is (leave blank for a supplement's table).",
    )
    supplement = models.ForeignKey(
        Supplement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holder_tables",
        help_text="The supplement that restates or amends the table.",
    )
    mode = models.CharField(max_length=10, choices=HolderTableMode.choices, default=HolderTableMode.RESTATE)
    security = models.ForeignKey(
        Security,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holder_tables",
        help_text="The class the holdings and percentages are of, e.g. the common stock.",
    )
    beneficial_ownership_as_of = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; the date the table states beneficial ownership as of."
    )
    shares_outstanding = count_field(
        null=True, help_text="Shares of the class outstanding that the percentages are computed on."
    )
    shares_outstanding_as_of = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; the date the table states the shares outstanding as of."
    )
    notes_principal_outstanding = decimal_field(
        places=2, help_text="Where holders hold notes: the principal outstanding the note percentages use."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(prospectus__isnull=False, supplement__isnull=True)
                | Q(prospectus__isnull=True, supplement__isnull=False),
                name="holder_table_in_prospectus_or_supplement",
                violation_error_message="A holder table belongs to a prospectus or to a supplement.",
            ),
        ]

    def __str__(self) -> str:
        where = self.supplement or self.prospectus
        return f"Selling holder table ({self.get_mode_display().lower()}) of {where}"


class RowChange(models.TextChoices):
    LISTED = "listed", "Listed"
    ADDED = "added", "Added by this table"
    AMENDED = "amended", "Amended by this table"
    REMOVED = "removed", "Removed by this table"


class BrokerDealerStatus(models.TextChoices):
    NONE = "", "Neither"
    BROKER_DEALER = "broker_dealer", "Registered broker-dealer"
    AFFILIATE = "affiliate", "Affiliate of a broker-dealer"


class FootnoteKind(models.TextChoices):
    NATURAL_PERSONS = "natural_persons", "Natural persons with voting or dispositive power"
    BROKER_DEALER = "broker_dealer", "Broker-dealer affiliation"
    SIXTY_DAY = "sixty_day", "Shares acquirable within 60 days (Rule 13d-3(d)(1))"
    BLOCKER = "blocker", "Shares excluded by a beneficial ownership blocker"
    OTHER = "other", "Other"


class HolderFootnote(SupplementPart):
    table = models.ForeignKey(HolderTable, on_delete=models.CASCADE, related_name="footnotes")
    marker = models.CharField(
        max_length=6, help_text='As printed, e.g. "(1)" or "*".', validators=[validators.validate_no_control_characters]
    )
    kind = models.CharField(max_length=20, choices=FootnoteKind.choices, default=FootnoteKind.OTHER)
    text = models.TextField(max_length=4000, validators=[validators.validate_text_no_control_characters])

    class Meta:
        ordering = ["table", "id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "marker"], name="holder_footnote_unique_marker"),
        ]

    def __str__(self) -> str:
        return f"{self.marker} {self.text[:60]}"

    def owning_supplement_id(self) -> int | None:
        return HolderTable.objects.filter(pk=self.table_id).values_list("supplement_id", flat=True).first()


class HolderRow(SupplementPart):
    table = models.ForeignKey(HolderTable, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=300, validators=[validators.validate_no_control_characters])
    change = models.CharField(max_length=10, choices=RowChange.choices, default=RowChange.LISTED)
    owned_before = count_field(null=True, help_text="Shares beneficially owned before the offering.")
    offered = count_field(null=True, help_text="Shares offered by this prospectus.")
    owned_after = count_field(null=True, help_text="Shares owned after the offering, if all offered are sold.")
    percent_after = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percent of the class owned after the offering; blank where the table prints none.",
    )
    principal_owned = decimal_field(places=2, help_text="Notes: principal amount beneficially owned.")
    principal_offered = decimal_field(places=2, help_text="Notes: principal amount whose shares are offered.")
    percent_of_notes = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Notes: percent of the notes outstanding.",
    )
    natural_persons = models.CharField(
        max_length=500,
        blank=True,
        default="",
        help_text="Natural persons with voting or dispositive power.",
        validators=[validators.validate_no_control_characters],
    )
    broker_dealer = models.CharField(max_length=15, choices=BrokerDealerStatus.choices, blank=True, default="")
    relationship = models.TextField(
        max_length=1000,
        blank=True,
        default="",
        help_text="Position, office or material relationship (3 years).",
        validators=[validators.validate_text_no_control_characters],
    )
    footnotes = models.ManyToManyField(HolderFootnote, blank=True, related_name="rows")

    class Meta:
        ordering = ["table", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def owning_supplement_id(self) -> int | None:
        return HolderTable.objects.filter(pk=self.table_id).values_list("supplement_id", flat=True).first()


class TermsChangeKind(models.TextChoices):
    REPRICING = "repricing", "Exercise or conversion price reduced for good"
    TEMPORARY_REPRICING = "temporary_repricing", "Price reduced for a limited window"
    EXTENSION = "extension", "Term extended"
    ANTI_DILUTION_RESET = "anti_dilution_reset", "Price reset by anti-dilution adjustment"
    OTHER = "other", "Other change of terms"


class SecurityTermsChange(SupplementPart):
    """A change of a warrant's or convertible's terms: the price history (and expiry history) of a security.

    A supplement that announces the change links to it; a change recorded without a supplement is history.
    """

    security = models.ForeignKey(Security, on_delete=models.PROTECT, related_name="terms_changes")
    supplement = models.ForeignKey(
        Supplement, on_delete=models.PROTECT, null=True, blank=True, related_name="terms_changes"
    )
    kind = models.CharField(max_length=25, choices=TermsChangeKind.choices)
    effective_on = models.DateField(null=True, blank=True, help_text="YYYY-MM-DD; first day the new terms apply.")
    ends_on = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; last day of a limited window; blank where the change is for good."
    )
    price_before = decimal_field(help_text="Exercise or conversion price per share before the change.")
    price_after = decimal_field(help_text="Price per share while the change applies.")
    expires_before = models.DateField(null=True, blank=True, help_text="YYYY-MM-DD; expiry before an extension.")
    expires_after = models.DateField(null=True, blank=True, help_text="YYYY-MM-DD; expiry after an extension.")
    after_window = models.TextField(
        max_length=2000,
        blank=True,
        default="",
        help_text="What applies once a limited window ends.",
        validators=[validators.validate_text_no_control_characters],
    )
    description = models.TextField(
        max_length=4000, blank=True, default="", validators=[validators.validate_text_no_control_characters]
    )

    class Meta:
        ordering = ["security", "effective_on", "id"]
        verbose_name = "change of terms"
        verbose_name_plural = "changes of terms"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.security.title}"

    def clean(self) -> None:
        if self.effective_on and self.ends_on and self.ends_on < self.effective_on:
            raise ValidationError({"ends_on": "The window cannot end before it starts."})


class EventKind(models.TextChoices):
    EXERCISE = "exercise", "Exercise"
    CONVERSION = "conversion", "Conversion"
    REDEMPTION = "redemption", "Redemption"
    TRANSFER = "transfer", "Transfer to a named transferee"
    REFINANCING = "refinancing", "Refinancing"
    FINANCING = "financing", "Financing that adds securities"
    OTHER = "other", "Other"


class SupplementEvent(SupplementPart):
    """Something that happened to the registered securities that the supplement reports."""

    supplement = models.ForeignKey(Supplement, on_delete=models.CASCADE, related_name="events")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=15, choices=EventKind.choices)
    occurred_on = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; the day the event happened, where the supplement states it."
    )
    security = models.ForeignKey(Security, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    holder = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="The holder who acted.",
        validators=[validators.validate_no_control_characters],
    )
    transferee = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Transfers: who received them.",
        validators=[validators.validate_no_control_characters],
    )
    shares = count_field(null=True, help_text="Shares (or securities) involved.")
    principal_amount = decimal_field(places=2, help_text="Notes: principal involved.")
    price_per_share = decimal_field(help_text="Exercise or conversion price paid per share.")
    proceeds = decimal_field(places=2, help_text="Cash the issuer received, as stated.")
    description = models.TextField(
        max_length=4000, blank=True, default="", validators=[validators.validate_text_no_control_characters]
    )

    class Meta:
        ordering = ["supplement", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.holder or 'holders'})"


class FinancialStatement(SupplementPart):
    """Financial statements printed in the supplement itself."""

    supplement = models.ForeignKey(Supplement, on_delete=models.CASCADE, related_name="financial_statements")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(
        max_length=300,
        help_text='e.g. "Condensed Consolidated Balance Sheets".',
        validators=[validators.validate_no_control_characters],
    )
    period_end = models.DateField(
        null=True, blank=True, help_text="YYYY-MM-DD; the last day of the period the statements cover."
    )
    audited = models.BooleanField(null=True, blank=True, help_text="Audited, unaudited, or not stated.")
    body = models.TextField(
        max_length=200_000,
        blank=True,
        default="",
        help_text="The statements as text.",
        validators=[validators.validate_text_no_control_characters],
    )

    class Meta:
        ordering = ["supplement", "position", "id"]

    def __str__(self) -> str:
        return self.title


class SellingStockholder(models.Model):
    registration_statement = models.ForeignKey(
        RegistrationStatement, on_delete=models.PROTECT, related_name="selling_stockholders"
    )
    name = models.CharField(max_length=300, validators=[validators.validate_no_control_characters])
    shares_owned_before = count_field(null=True, help_text="Shares owned before the offering.")
    shares_offered = count_field(help_text="Shares offered under this prospectus.")
    shares_owned_after = count_field(null=True, help_text="Shares owned after the offering, if all offered are sold.")
    percent_after = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percent of the class owned after the offering (Item 507: shown when 1% or more).",
    )
    relationship = models.TextField(
        max_length=1000,
        blank=True,
        default="",
        help_text="Any position, office or material relationship with the issuer in the past three years.",
        validators=[validators.validate_text_no_control_characters],
    )
    email = models.EmailField(
        max_length=254, null=True, blank=True, validators=[validators.validate_no_control_characters]
    )

    class Meta:
        ordering = ["registration_statement", "id"]

    def __str__(self) -> str:
        return self.name


class Investor(models.Model):
    registration_statement = models.ForeignKey(
        RegistrationStatement, on_delete=models.PROTECT, related_name="investors"
    )
    name = models.CharField(max_length=300, validators=[validators.validate_no_control_characters])
    email = models.EmailField(
        max_length=254, null=True, blank=True, validators=[validators.validate_no_control_characters]
    )
    postal_address = models.TextField(
        max_length=1000, blank=True, default="", validators=[validators.validate_text_no_control_characters]
    )

    class Meta:
        ordering = ["registration_statement", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_statement", "email"],
                condition=Q(email__isnull=False),
                name="investor_unique_email_per_registration",
            ),
        ]

    def __str__(self) -> str:
        return self.name
