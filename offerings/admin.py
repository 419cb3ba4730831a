"""Staff screens for the offering records. Every write goes through the services; filed records stay read-only.

The compliance app extends the registration and supplement pages with their findings (``compliance.admin``):
the records do not depend on the checks that read them.
"""

import functools

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models as db_models
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import admin_workflow
from .admin_corrections import FiledRecordCorrectionMixin, StatedFieldsReadOnlyMixin
from .admin_mixins import ServiceModelAdmin, admin_link, message_of
from .admin_widgets import PageReferencesField
from .domain.dates import long_date
from .dossier.exporter import dumps, export_registration
from .dossier.importer import import_dossier_bytes
from .dossier.schema import DossierError
from .models import (
    Amendment,
    ApprovalJob,
    ApprovalJobStatus,
    Condition,
    FiledRecordError,
    FinancialStatement,
    HolderFootnote,
    HolderRow,
    HolderTable,
    Investor,
    Issuer,
    Offering,
    PeriodicReport,
    Prospectus,
    RegisteredAmount,
    RegisteredComponent,
    RegistrationStatement,
    Security,
    SecurityTermsChange,
    SellingStockholder,
    Supplement,
    SupplementAttachment,
    SupplementEnclosure,
    SupplementEvent,
    SupplementIncorporation,
    SupplementSection,
    SupplementStatus,
    UnitComponent,
)
from .selectors import approvals as approval_selectors
from .services import approvals
from .services import reports as report_services
from .services import supplements as supplement_services
from .signals import SignalActionError

# The supplement's page reloads itself this often (no script) while its approval job is queued or running.
APPROVAL_REFRESH_SECONDS = 5

LINE_BREAK = mark_safe("<br>")
SMALL_TEXT = {db_models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


# -- shared: content of an approved or filed supplement, labels of related records ----------------------
class FrozenInlineMixin:
    """Inline rows of a supplement are editable only while it is a draft or in review."""

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class HolderTableFrozenInlineMixin(FrozenInlineMixin):
    """A holder table's footnotes and rows freeze with the supplement the table belongs to."""

    def _frozen(self, obj) -> bool:
        return frozen_supplement(obj) is not None


def frozen_supplement(record) -> Supplement | None:
    """The approved or filed supplement a stored record belongs to; None while the record may still change."""
    if record is None or record.pk is None:
        return None
    supplement = getattr(record, "supplement", None)
    return supplement if supplement is not None and supplement.is_frozen else None


class SupplementPartForm(forms.ModelForm):
    """A record that names its supplement (a change of terms, a holder table).

    A stored one of an approved or filed supplement shows read-only (its fields are disabled, so an inline row
    of it is never saved), and none may be put in such a supplement: the model would refuse the save.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if frozen_supplement(self.instance) is not None:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        cleaned = super().clean()
        supplement = cleaned.get("supplement")
        if "supplement" in self.changed_data and supplement is not None and supplement.is_frozen:
            self.add_error(
                "supplement",
                f"{supplement} is {supplement.get_status_display().lower()}; its content is frozen. "
                "Return it to draft to add to it.",
            )
        return cleaned


class SupplementPartFormSet(forms.BaseInlineFormSet):
    """Rows of an approved or filed supplement cannot be deleted from another record's page either."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields and frozen_supplement(form.instance) is not None:
            form.fields[forms.formsets.DELETION_FIELD_NAME].disabled = True


# What a related record's label prints: a security names its issuer, a supplement its registration.
LABEL_RELATIONS = {
    Security: ["issuer"],
    Prospectus: ["registration_statement"],
    Supplement: ["prospectus__registration_statement"],
}


class LabelQueriesMixin:
    """Foreign key choices load what their labels print, so each field costs one query, not one per label."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = LABEL_RELATIONS.get(db_field.related_model)
        if related and "queryset" not in kwargs:
            kwargs["queryset"] = db_field.related_model._default_manager.select_related(*related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# -- issuer --------------------------------------------------------------------------------------------
class RegistrationStatementInline(admin.TabularInline):
    model = RegistrationStatement
    fields = ["link", "form", "filed_on", "effective_on", "forward_incorporation"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    @admin.display(description="Registration")
    def link(self, obj):
        return admin_link(obj, obj.file_number)

    def has_add_permission(self, request, obj=None):
        return False


class PeriodicReportInline(admin.TabularInline):
    model = PeriodicReport
    fields = ["link", "form", "period_end", "filed_on", "accession_number"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="Report")
    def link(self, obj):
        return admin_link(obj, obj.key)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issuer)
class IssuerAdmin(ServiceModelAdmin):
    list_display = [
        "name",
        "cik",
        "filer_category",
        "foreign_private_issuer",
        "fiscal_year_end",
        "exchange_act_file_number",
    ]
    list_filter = ["filer_category", "foreign_private_issuer"]
    search_fields = ["name", "cik", "exchange_act_file_number"]
    inlines = [RegistrationStatementInline, PeriodicReportInline]


# -- securities and offerings --------------------------------------------------------------------------
class SecurityTermsChangeInline(LabelQueriesMixin, admin.TabularInline):
    """The security's price and expiry history. A change announced by an approved or filed supplement shows
    read-only; the link opens the window's end terms and the description."""

    model = SecurityTermsChange
    form = SupplementPartForm
    formset = SupplementPartFormSet
    fk_name = "security"
    fields = [
        "kind",
        "effective_on",
        "ends_on",
        "price_before",
        "price_after",
        "expires_before",
        "expires_after",
        "supplement",
    ]
    autocomplete_fields = ["supplement"]
    show_change_link = True
    extra = 0
    verbose_name_plural = "price and expiry history (changes of terms)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("security", "supplement")


@admin.register(Security)
class SecurityAdmin(ServiceModelAdmin):
    list_display = [
        "title",
        "key",
        "kind",
        "issuer",
        "converts_into",
        "shares_per_security",
        "price_per_share",
        "expires_on",
        "trading_symbol",
    ]
    list_filter = ["kind", "placement_agent", "issuer"]
    list_select_related = ["issuer", "converts_into__issuer"]
    search_fields = ["title", "key", "trading_symbol", "issuer__name"]
    autocomplete_fields = ["issuer", "converts_into"]
    fieldsets = [
        (None, {"fields": ["issuer", "key", "title", "kind", "par_value", "authorized", "outstanding"]}),
        (
            "Exercise or conversion",
            {
                "fields": [
                    "converts_into",
                    "shares_per_security",
                    "price_per_share",
                    "conversion_rate_per_1000",
                    "conversion_price",
                    "term",
                    "expires_on",
                    "placement_agent",
                ],
                "description": "For warrants and convertible securities only. The terms are shares per security, "
                "or for notes a conversion rate per $1,000 of principal or a conversion price. Later changes "
                "(repricings, extensions, resets) go in the price and expiry history below.",
            },
        ),
        ("Notes and debentures", {"fields": ["principal_amount", "interest_rate", "maturity_on"]}),
        ("Preferred", {"fields": ["stated_value"]}),
        ("Trading", {"fields": ["trading_symbol", "market"]}),
    ]
    inlines = [SecurityTermsChangeInline]


@admin.register(SecurityTermsChange)
class SecurityTermsChangeAdmin(LabelQueriesMixin, ServiceModelAdmin):
    """One change of a security's terms; read-only once the supplement that announced it is approved or filed."""

    form = SupplementPartForm
    list_display = [
        "security",
        "kind",
        "effective_on",
        "ends_on",
        "price_before",
        "price_after",
        "expires_after",
        "supplement",
    ]
    list_filter = ["kind", "effective_on", ("supplement", admin.EmptyFieldListFilter), "security__issuer"]
    list_select_related = ["security__issuer", "supplement__prospectus__registration_statement"]
    search_fields = ["security__title", "security__key", "security__issuer__name", "description"]
    autocomplete_fields = ["security", "supplement"]
    date_hierarchy = "effective_on"
    fieldsets = [
        (None, {"fields": ["security", "kind", "supplement"]}),
        ("Window", {"fields": ["effective_on", "ends_on", "after_window"]}),
        ("Price per share", {"fields": ["price_before", "price_after"]}),
        ("Expiry", {"fields": ["expires_before", "expires_after"]}),
        (None, {"fields": ["description"]}),
    ]

    def has_change_permission(self, request, obj=None):
        return frozen_supplement(obj) is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return frozen_supplement(obj) is None and super().has_delete_permission(request, obj)


class UnitComponentInline(admin.TabularInline):
    model = UnitComponent
    autocomplete_fields = ["security"]
    extra = 0


@admin.register(Offering)
class OfferingAdmin(ServiceModelAdmin):
    list_display = ["title", "key", "issuer", "closed_on", "closed_in", "units_sold", "price_per_unit"]
    list_filter = ["issuer"]
    list_select_related = ["issuer"]
    search_fields = ["title", "key", "issuer__name"]
    autocomplete_fields = ["issuer"]
    inlines = [UnitComponentInline]


@admin.register(Condition)
class ConditionAdmin(ServiceModelAdmin):
    list_display = ["key", "issuer", "short_description", "satisfied_on"]
    list_filter = ["issuer", ("satisfied_on", admin.EmptyFieldListFilter)]
    list_select_related = ["issuer"]
    search_fields = ["key", "description", "issuer__name"]
    autocomplete_fields = ["issuer", "restricts"]

    @admin.display(description="Description")
    def short_description(self, obj):
        return obj.description[:100]


# -- registration statement ----------------------------------------------------------------------------
class RegisteredAmountInline(admin.TabularInline):
    model = RegisteredAmount
    fields = ["security", "amount", "breakdown"]
    readonly_fields = ["breakdown"]
    autocomplete_fields = ["security"]
    show_change_link = True
    extra = 0

    @admin.display(description="Components (edit through the link)")
    def breakdown(self, obj):
        if obj.pk is None:
            return "-"
        return (
            format_html_join(
                ", ", "{} {}", ((f"{c.amount:,}", c.get_source_display().lower()) for c in obj.components.all())
            )
            or "-"
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("security").prefetch_related("components")


class AmendmentInline(admin.TabularInline):
    model = Amendment
    fields = ["kind", "number", "filed_on", "effective_on", "accession_number", "annual_report"]
    autocomplete_fields = ["annual_report"]
    extra = 0


class ProspectusInline(admin.TabularInline):
    model = Prospectus
    fields = ["link", "dated_on", "information_as_of", "supplement_count"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="Prospectus")
    def link(self, obj):
        return admin_link(obj, "open")

    @admin.display(description="Supplements")
    def supplement_count(self, obj):
        return obj.supplements.count()

    def has_add_permission(self, request, obj=None):
        return False


class DossierUploadForm(forms.Form):
    dossier = forms.FileField(help_text="An offering dossier (offering-dossier/2 JSON; /1 files import too).")
    update = forms.BooleanField(
        required=False,
        label="Take the dossier's values where the portal holds others",
        help_text="Leave unticked to see conflicts first: nothing is imported while a stored fact differs.",
    )


@admin.register(RegistrationStatement)
class RegistrationStatementAdmin(StatedFieldsReadOnlyMixin, ServiceModelAdmin):
    list_display = ["file_number", "issuer", "form", "filed_on", "effective_on", "forward_incorporation", "resale"]
    list_filter = ["form", "forward_incorporation", "issuer", "filed_on", "effective_on"]
    list_select_related = ["issuer"]
    search_fields = ["file_number", "issuer__name", "issuer__cik"]
    autocomplete_fields = ["issuer"]
    date_hierarchy = "filed_on"
    readonly_fields = ["supplements", "dossier_link"]
    fieldsets = [
        (None, {"fields": ["issuer", "file_number", "form", "resale"]}),
        ("Dates", {"fields": ["filed_on", "effective_on", "last_amended_on"]}),
        ("Incorporation by reference", {"fields": ["forward_incorporation"]}),
        ("Proceeds", {"fields": ["stated_proceeds_if_exercised"]}),
        ("Supplements", {"fields": ["supplements", "dossier_link"]}),
    ]
    inlines = [RegisteredAmountInline, AmendmentInline, ProspectusInline]
    change_list_template = "admin/offerings/registrationstatement/change_list.html"

    @admin.display(description="Prospectus supplements")
    def supplements(self, obj):
        rows = Supplement.objects.filter(prospectus__registration_statement=obj).order_by("dated_on", "id")
        if not rows:
            return "None yet."
        return format_html_join(
            LINE_BREAK,
            "{} &ndash; {} &ndash; {}",
            ((admin_link(s, long_date(s.dated_on)), s.get_purpose_display(), s.get_status_display()) for s in rows),
        )

    @admin.display(description="Offering dossier")
    def dossier_link(self, obj):
        if obj.pk is None:
            return "-"
        url = reverse("admin:offerings_registrationstatement_dossier", args=[obj.pk])
        return format_html('<a href="{}">Download the dossier (JSON)</a>', url)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="offerings_registrationstatement_import",
            ),
            path(
                "<int:pk>/dossier/",
                self.admin_site.admin_view(self.dossier_view),
                name="offerings_registrationstatement_dossier",
            ),
            *super().get_urls(),
        ]

    def dossier_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        registration = get_object_or_404(RegistrationStatement.objects.select_related("issuer"), pk=pk)
        response = HttpResponse(dumps(export_registration(registration)), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="dossier-{registration.file_number}.json"'
        return response

    def import_view(self, request):
        if not request.user.has_perm("offerings.import_dossier"):
            raise PermissionDenied
        problems = []
        form = DossierUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["dossier"]
            if upload.size > settings.DOSSIER_MAX_BYTES:
                problems = [f"$: the file is {upload.size:,} bytes; the limit is {settings.DOSSIER_MAX_BYTES:,}"]
            else:
                try:
                    result = import_dossier_bytes(
                        actor=request.user,
                        raw=upload.read(),
                        max_bytes=settings.DOSSIER_MAX_BYTES,
                        update=form.cleaned_data["update"],
                        name=upload.name,
                    )
                except DossierError as exc:
                    problems = [str(p) for p in exc.problems]
                else:
                    for change in result.changes:
                        self.message_user(request, f"Changed {change}", messages.INFO)
                    self.message_user(request, result.summary(), messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:offerings_registrationstatement_change", args=[result.registration.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import an offering dossier",
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/offerings/dossier_import.html", context)


class RegisteredComponentInline(admin.TabularInline):
    model = RegisteredComponent
    fields = ["source", "from_security", "from_offering", "amount", "principal_amount"]
    autocomplete_fields = ["from_security", "from_offering"]
    extra = 0


@admin.register(RegisteredAmount)
class RegisteredAmountAdmin(ServiceModelAdmin):
    list_display = ["registration_statement", "security", "amount"]
    list_select_related = ["registration_statement", "security__issuer"]
    list_filter = ["registration_statement"]
    search_fields = ["registration_statement__file_number", "security__title"]
    autocomplete_fields = ["registration_statement", "security"]
    inlines = [RegisteredComponentInline]


@admin.register(Amendment)
class AmendmentAdmin(ServiceModelAdmin):
    list_display = ["registration_statement", "kind", "number", "filed_on", "effective_on", "annual_report"]
    list_filter = ["kind", "filed_on"]
    list_select_related = ["registration_statement", "annual_report"]
    search_fields = ["registration_statement__file_number", "accession_number"]
    autocomplete_fields = ["registration_statement", "annual_report"]


# -- prospectus and reports ----------------------------------------------------------------------------
class SupplementLinkInline(admin.TabularInline):
    model = Supplement
    fields = ["link", "number", "rule", "purpose", "status", "filed_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="Supplement")
    def link(self, obj):
        return admin_link(obj, long_date(obj.dated_on))

    def has_add_permission(self, request, obj=None):
        return False


class HolderTableLinkInline(admin.TabularInline):
    """The selling holder tables of a prospectus or a supplement, each edited on its own page."""

    model = HolderTable
    fields = ["link", "mode", "security", "beneficial_ownership_as_of", "shares_outstanding", "row_count"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "selling holder tables (edit through the link)"

    @admin.display(description="Table")
    def link(self, obj):
        return admin_link(obj, "open")

    @admin.display(description="Rows")
    def row_count(self, obj):
        return obj.row_count

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("security__issuer").annotate(row_count=Count("rows"))

    def has_add_permission(self, request, obj=None):
        return False


class ProspectusForm(forms.ModelForm):
    page_references = PageReferencesField(label="Page references")

    def clean(self):
        cleaned = super().clean()
        own = cleaned.get("registration_statement")
        if own is not None and own in (cleaned.get("also_covers") or ()):
            self.add_error("also_covers", f"{own} is the prospectus's own registration statement.")
        return cleaned


@admin.register(Prospectus)
class ProspectusAdmin(StatedFieldsReadOnlyMixin, ServiceModelAdmin):
    form = ProspectusForm
    list_display = ["registration_statement", "dated_on", "information_as_of", "document"]
    list_filter = ["dated_on"]
    list_select_related = ["registration_statement"]
    search_fields = ["registration_statement__file_number", "registration_statement__issuer__name"]
    autocomplete_fields = ["registration_statement", "also_covers"]
    inlines = [SupplementLinkInline, HolderTableLinkInline]


class PeriodicReportForm(forms.ModelForm):
    page_references = PageReferencesField(label="Page references")


@admin.register(PeriodicReport)
class PeriodicReportAdmin(FiledRecordCorrectionMixin, ServiceModelAdmin):
    form = PeriodicReportForm
    list_display = ["key", "issuer", "form", "period_end", "filed_on", "accession_number", "document"]
    list_filter = ["form", "issuer", "period_end", "filed_on"]
    list_select_related = ["issuer"]
    search_fields = ["key", "accession_number", "issuer__name"]
    autocomplete_fields = ["issuer"]
    date_hierarchy = "filed_on"

    def save_model(self, request, obj, form, change):
        if change:
            report_services.update_periodic_report(actor=request.user, report=obj)
            return
        recorded = report_services.record_periodic_report(actor=request.user, report=obj)
        for draft in recorded.drafts:
            self.message_user(
                request,
                format_html(
                    'Drafted an incorporation supplement for {}: <a href="{}">open the draft</a> to review it '
                    "and submit it for review.",
                    draft.prospectus.registration_statement,
                    reverse("admin:offerings_supplement_change", args=[draft.pk]),
                ),
                messages.INFO,
            )


# -- supplements ---------------------------------------------------------------------------------------
class SupplementIncorporationInline(FrozenInlineMixin, admin.TabularInline):
    model = SupplementIncorporation
    autocomplete_fields = ["report"]
    extra = 0
    verbose_name = "report incorporated by reference"
    verbose_name_plural = "reports incorporated by reference"


class SupplementEnclosureInline(FrozenInlineMixin, admin.TabularInline):
    model = SupplementEnclosure
    autocomplete_fields = ["report"]
    extra = 0
    verbose_name = "report delivered with the supplement"
    verbose_name_plural = "reports delivered with the supplement"


class SupplementAttachmentInline(FrozenInlineMixin, admin.TabularInline):
    model = SupplementAttachment
    fields = ["report", "position"]
    autocomplete_fields = ["report"]
    extra = 0
    verbose_name = "periodic report attached"
    verbose_name_plural = "periodic reports attached: the report is part of the supplement"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report")


class SupplementTermsChangeInline(FrozenInlineMixin, LabelQueriesMixin, admin.StackedInline):
    model = SecurityTermsChange
    fk_name = "supplement"
    fields = [
        ("security", "kind"),
        ("effective_on", "ends_on"),
        ("price_before", "price_after"),
        ("expires_before", "expires_after"),
        "after_window",
        "description",
    ]
    autocomplete_fields = ["security"]
    formfield_overrides = SMALL_TEXT
    extra = 0
    verbose_name = "change of terms announced"
    verbose_name_plural = "changes of terms announced"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("security")


class SupplementEventInline(FrozenInlineMixin, LabelQueriesMixin, admin.StackedInline):
    model = SupplementEvent
    fields = [
        ("kind", "occurred_on", "position"),
        ("security", "holder", "transferee"),
        ("shares", "principal_amount", "price_per_share", "proceeds"),
        "description",
    ]
    autocomplete_fields = ["security"]
    formfield_overrides = SMALL_TEXT
    extra = 0
    verbose_name = "event reported"
    verbose_name_plural = "events reported"


class FinancialStatementInline(FrozenInlineMixin, admin.StackedInline):
    model = FinancialStatement
    fields = [("title", "period_end", "audited", "position"), "body"]
    extra = 0
    verbose_name = "financial statement printed in the supplement"
    verbose_name_plural = "financial statements printed in the supplement"


class SupplementHolderTableInline(FrozenInlineMixin, HolderTableLinkInline):
    pass


class SupplementSectionInline(FrozenInlineMixin, admin.StackedInline):
    model = SupplementSection
    fields = [("part", "position"), "heading", "body"]
    extra = 0
    verbose_name = "free-text section"


class ApproveSupplementForm(forms.Form):
    override_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Override: why approve although a compliance error stands",
        help_text="Leave blank unless the check refuses the approval; the reason is kept with the approval.",
    )


class FileSupplementForm(forms.Form):
    filed_on = forms.DateField(
        help_text="The date EDGAR accepted the filing, as on its filing receipt (YYYY-MM-DD); after 5:30 p.m. "
        "Eastern time it is the next business day."
    )
    accession_number = forms.CharField(max_length=20, help_text="e.g. 0000950147-03-000829")


@admin.register(Supplement)
class SupplementAdmin(ServiceModelAdmin):
    list_display = ["__str__", "registration", "dated_on", "rule", "purpose", "status", "first_used_on", "filed_on"]
    list_filter = ["status", "rule", "purpose", "prospectus__registration_statement__issuer", "dated_on", "filed_on"]
    list_select_related = ["prospectus__registration_statement__issuer"]
    search_fields = ["summary", "accession_number", "prospectus__registration_statement__file_number"]
    autocomplete_fields = ["prospectus"]
    date_hierarchy = "dated_on"
    # The filing is recorded only through "Record the EDGAR filing", which moves the supplement to filed.
    readonly_fields = ["status", "filed_on", "accession_number", "documents", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["prospectus", "key", "number", "dated_on", "rule", "purpose", "summary", "status"]}),
        ("Use and filing", {"fields": ["first_used_on", "filed_on", "accession_number"]}),
        ("Documents", {"fields": ["documents"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [
        SupplementIncorporationInline,
        SupplementEnclosureInline,
        SupplementAttachmentInline,
        SupplementHolderTableInline,
        SupplementTermsChangeInline,
        SupplementEventInline,
        FinancialStatementInline,
        SupplementSectionInline,
    ]
    actions = ["submit_for_review", "approve", "return_to_draft", "mark_filed"]
    # The page shows the status, history, renditions and the next step for the user's role (admin_workflow).
    change_form_template = "admin/offerings/supplement/change_form.html"

    @admin.display(description="Registration", ordering="prospectus__registration_statement__file_number")
    def registration(self, obj):
        return obj.prospectus.registration_statement.file_number

    @staticmethod
    def rendition_links(obj) -> list[tuple[str, str]]:
        """The staff views of the three renditions: the stored bytes once frozen, else a fresh preview."""
        view = "documents:download" if obj.is_frozen else "documents:preview"
        return [
            (reverse(view, kwargs={"supplement_id": obj.pk, "format": fmt}), label)
            for fmt, label in (("pdf", "PDF"), ("html", "EDGAR HTML"), ("txt", "EDGAR text"))
        ]

    @admin.display(description="Renditions")
    def documents(self, obj):
        if obj.pk is None:
            return "Save the supplement to preview it."
        links = self.rendition_links(obj)
        prefix = "Stored documents: " if obj.is_frozen else "Preview: "
        return format_html("{}{}", prefix, format_html_join(" | ", '<a href="{}">{}</a>', links))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_filed:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        for supplement in queryset:
            try:
                supplement_services.delete_supplement(actor=request.user, supplement=supplement)
            except FiledRecordError as exc:
                self.message_user(request, message_of(exc), messages.ERROR)

    def delete_model(self, request, obj):
        supplement_services.delete_supplement(actor=request.user, supplement=obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _transition(self, request, queryset, service, done: str) -> None:
        for supplement in queryset:
            try:
                result = service(actor=request.user, supplement=supplement)
            except ValidationError as exc:
                link = reverse("admin:offerings_supplement_approve", args=[supplement.pk])
                hint = f" To approve anyway with a reason: {link}" if service is approvals.request_approval else ""
                self.message_user(request, f"{supplement}: {message_of(exc)}{hint}", messages.ERROR)
            except PermissionDenied as exc:
                self.message_user(request, f"{supplement}: {exc}", messages.ERROR)
            except SignalActionError as exc:  # e.g. a failed render: the service rolled back, nothing changed
                self.message_user(request, f"{supplement}: could not {done}: {exc}", messages.ERROR)
            else:
                if isinstance(result, ApprovalJob):
                    self._approval_message(request, result)
                else:
                    self.message_user(request, f"{supplement}: {done}.", messages.SUCCESS)

    def _approval_message(self, request, job: ApprovalJob) -> None:
        """What became of an approval just asked for: approved already (the in-process task backend runs it on
        commit), failed with the reason, or queued for the task worker."""
        job.refresh_from_db()
        if job.status == ApprovalJobStatus.DONE:
            self.message_user(request, f"{job.supplement}: approved.", messages.SUCCESS)
        elif job.status == ApprovalJobStatus.FAILED:
            self.message_user(request, f"{job.supplement}: not approved: {job.error}", messages.ERROR)
        else:
            self.message_user(
                request,
                f"{job.supplement}: approval queued; the task worker renders and freezes the documents, and the "
                "supplement's page shows when it is approved.",
                messages.INFO,
            )

    def has_submit_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("offerings.submit_supplement")

    def has_review_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("offerings.review_supplement")

    def has_file_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("offerings.file_supplement")

    @admin.action(description="Submit for review", permissions=["submit"])
    def submit_for_review(self, request, queryset):
        self._transition(request, queryset, supplement_services.submit_supplement_for_review, "submitted for review")

    @admin.action(description="Approve (the task worker renders and freezes the documents)", permissions=["review"])
    def approve(self, request, queryset):
        self._transition(request, queryset, approvals.request_approval, "approve")

    @admin.action(description="Return to draft", permissions=["review"])
    def return_to_draft(self, request, queryset):
        self._transition(request, queryset, supplement_services.return_supplement_to_draft, "returned to draft")

    @admin.action(description="Record the EDGAR filing", permissions=["file"])
    def mark_filed(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Record filings one supplement at a time.", messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:offerings_supplement_file", args=[queryset.get().pk]))

    def get_urls(self):
        return [
            path("<int:pk>/file/", self.admin_site.admin_view(self.file_view), name="offerings_supplement_file"),
            path(
                "<int:pk>/step/<str:step>/",
                self.admin_site.admin_view(self.step_view),
                name="offerings_supplement_step",
            ),
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="offerings_supplement_approve",
            ),
            *super().get_urls(),
        ]

    def supplement_findings(self, obj) -> list:
        """The compliance findings that concern the supplement; none here (``compliance.admin`` adds them)."""
        return []

    def approval_blockers(self, obj) -> list:
        """The findings that would refuse its approval without an override; ``compliance.admin`` adds them."""
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The supplement's page with its workflow panel: status, history, renditions, findings, next step."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            in_review = obj.status == SupplementStatus.REVIEW
            blockers = self.approval_blockers(obj) if in_review else []
            job = approval_selectors.latest_approval(supplement=obj) if in_review else None
            pending = job if job is not None and not job.finished and not approval_selectors.is_stalled(job) else None
            extra_context = {
                **(extra_context or {}),
                "workflow_steps": admin_workflow.next_steps(
                    request.user, obj, approval_blockers=blockers, pending_approval=pending
                ),
                "workflow_approval_job": job,
                "approval_waiting_minutes": approval_selectors.minutes_waiting(job=job) if pending else None,
                "refresh_seconds": APPROVAL_REFRESH_SECONDS if pending else None,
                "workflow_history": admin_workflow.history_summary(obj),
                "workflow_renditions": self.rendition_links(obj),
                "workflow_findings": self.supplement_findings(obj),
                "workflow_approval_blockers": blockers,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, pk: int, step: str):
        """Submit for review or return to draft from the supplement's page (POST only, the role's permission)."""
        supplement = get_object_or_404(Supplement, pk=pk)
        if step not in admin_workflow.POSTED_STEPS:
            raise Http404(f"No workflow step {step!r}.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        _, permission, _, _ = admin_workflow.STEPS[step]
        if not request.user.has_perm(permission):
            raise PermissionDenied
        if step == "submit":
            self._transition(
                request, [supplement], supplement_services.submit_supplement_for_review, "submitted for review"
            )
        else:
            reason = request.POST.get("reason", "")[:1000]
            service = functools.partial(supplement_services.return_supplement_to_draft, reason=reason)
            self._transition(request, [supplement], service, "returned to draft")
        return HttpResponseRedirect(reverse("admin:offerings_supplement_change", args=[pk]))

    def approve_view(self, request, pk: int):
        """Approve one supplement, with an override and its reason when a compliance error stands."""
        supplement = get_object_or_404(Supplement, pk=pk)
        if not self.has_review_permission(request, supplement):
            raise PermissionDenied
        form = ApproveSupplementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = approvals.request_approval(
                    actor=request.user, supplement=supplement, override_reason=form.cleaned_data["override_reason"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                self._approval_message(request, job)
                return HttpResponseRedirect(reverse("admin:offerings_supplement_change", args=[pk]))
        return self._step_page(request, supplement, form, f"Approve {supplement}", "supplement_approve.html")

    def file_view(self, request, pk: int):
        supplement = get_object_or_404(Supplement, pk=pk)
        if not self.has_file_permission(request, supplement):
            raise PermissionDenied
        form = FileSupplementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                supplement_services.file_supplement(actor=request.user, supplement=supplement, **form.cleaned_data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                self.message_user(request, f"{supplement}: filed.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:offerings_supplement_change", args=[pk]))
        title = f"Record the EDGAR filing of {supplement}"
        return self._step_page(request, supplement, form, title, "supplement_file.html")

    def _step_page(self, request, supplement: Supplement, form, title: str, template: str) -> TemplateResponse:
        """The page of one workflow step that asks for something (the filing, an override's reason)."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "supplement": supplement,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, f"admin/offerings/{template}", context)

    def save_model(self, request, obj, form, change):
        supplement_services.save_supplement(actor=request.user, supplement=obj)


# -- holders and investors -----------------------------------------------------------------------------
class HolderFootnoteInline(HolderTableFrozenInlineMixin, admin.TabularInline):
    model = HolderFootnote
    fields = ["marker", "kind", "text"]
    formfield_overrides = SMALL_TEXT
    extra = 0


class HolderRowFormSet(forms.BaseInlineFormSet):
    """A row's footnotes are chosen from its own table's, loaded once for all the rows."""

    @cached_property
    def footnote_choices(self) -> list[tuple[int, str]]:
        return [(f.pk, str(f)) for f in self.instance.footnotes.all()] if self.instance.pk else []

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get("footnotes")
        if field is not None:
            field.queryset = (
                HolderFootnote.objects.filter(table=self.instance)
                if self.instance.pk
                else (HolderFootnote.objects.none())
            )
            field.choices = self.footnote_choices


class HolderRowInline(HolderTableFrozenInlineMixin, admin.TabularInline):
    model = HolderRow
    formset = HolderRowFormSet
    fields = [
        "position",
        "name",
        "change",
        "owned_before",
        "offered",
        "owned_after",
        "percent_after",
        "principal_owned",
        "principal_offered",
        "percent_of_notes",
        "natural_persons",
        "broker_dealer",
        "relationship",
        "footnotes",
    ]
    formfield_overrides = SMALL_TEXT
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("footnotes")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "footnotes":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["help_text"] = "This table's footnotes; save a new footnote before marking rows with it."
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(HolderTable)
class HolderTableAdmin(LabelQueriesMixin, ServiceModelAdmin):
    """A selling holder table as filed; read-only once its supplement is approved or filed."""

    form = SupplementPartForm
    list_display = [
        "__str__",
        "registration",
        "mode",
        "security",
        "beneficial_ownership_as_of",
        "shares_outstanding",
        "row_count",
    ]
    list_filter = ["mode", ("supplement", admin.EmptyFieldListFilter), "supplement__status"]
    list_select_related = [
        "prospectus__registration_statement",
        "supplement__prospectus__registration_statement",
        "security__issuer",
    ]
    search_fields = [
        "rows__name",
        "prospectus__registration_statement__file_number",
        "supplement__prospectus__registration_statement__file_number",
    ]
    autocomplete_fields = ["prospectus", "supplement", "security"]
    fieldsets = [
        (
            None,
            {
                "fields": ["prospectus", "supplement", "mode", "security", "position"],
                "description": "A table belongs to a prospectus (its own table) or to a supplement that "
                "restates or amends it: fill in one of the two.",
            },
        ),
        (
            "Percentages",
            {
                "fields": [
                    "beneficial_ownership_as_of",
                    "shares_outstanding",
                    "shares_outstanding_as_of",
                    "notes_principal_outstanding",
                ]
            },
        ),
    ]
    inlines = [HolderFootnoteInline, HolderRowInline]

    @admin.display(description="Registration")
    def registration(self, obj):
        prospectus = obj.supplement.prospectus if obj.supplement_id else obj.prospectus
        return prospectus.registration_statement.file_number

    @admin.display(description="Rows", ordering="row_count")
    def row_count(self, obj):
        return obj.row_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(row_count=Count("rows", distinct=True))

    def has_change_permission(self, request, obj=None):
        return frozen_supplement(obj) is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return frozen_supplement(obj) is None and super().has_delete_permission(request, obj)


@admin.register(SellingStockholder)
class SellingStockholderAdmin(ServiceModelAdmin):
    list_display = [
        "name",
        "registration_statement",
        "shares_owned_before",
        "shares_offered",
        "shares_owned_after",
        "percent_after",
    ]
    list_filter = ["registration_statement"]
    list_select_related = ["registration_statement"]
    search_fields = ["name", "email", "relationship"]
    autocomplete_fields = ["registration_statement"]


@admin.register(Investor)
class InvestorAdmin(ServiceModelAdmin):
    list_display = ["name", "email", "registration_statement"]
    list_filter = ["registration_statement"]
    list_select_related = ["registration_statement"]
    search_fields = ["name", "email", "postal_address"]
    autocomplete_fields = ["registration_statement"]
