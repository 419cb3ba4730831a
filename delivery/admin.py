"""Staff screens for delivery: publish a package, follow each investor's delivery, resend, revoke, report."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from audit.history import AuditHistoryMixin
from offerings.models import RegistrationStatement
from offerings.services.investors import import_investors

from . import reports, selectors
from .models import Delivery, DeliveryEvent, DeliveryMethod, PackageDocument, PackageVersion
from .services import links, notices, packages


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [f"{field}: {message}" for field, msgs in error.message_dict.items() for message in msgs]
    return list(error.messages)


class RegistrationChoiceForm(forms.Form):
    registration = forms.ModelChoiceField(
        queryset=RegistrationStatement.objects.select_related("issuer").order_by("file_number"),
        help_text="The registration statement whose investors receive the package.",
    )


class ReportForm(RegistrationChoiceForm):
    format = forms.ChoiceField(choices=[("csv", "CSV (spreadsheet)"), ("pdf", "PDF")], initial="csv")


class InvestorCsvForm(RegistrationChoiceForm):
    csv_file = forms.FileField(
        label="CSV file",
        help_text="First line: name,email,postal_address. Every row needs a name and an email or a postal address. "
        "A file with any bad row is rejected whole.",
    )


def publish_form_class(plan: selectors.PackagePlan) -> type[forms.Form]:
    """File inputs for the prospectus and each report the package will carry."""
    fields: dict[str, forms.Field] = {}
    if plan.prospectus is not None:
        fields["prospectus_file"] = forms.FileField(
            required=not plan.prospectus.document,
            label=f"{selectors.prospectus_title(plan.prospectus)} (PDF, HTML or text)",
            help_text="Replaces the stored file." if plan.prospectus.document else "Required: no file is stored yet.",
        )
    for planned in plan.documents:
        if planned.report is not None:
            fields[f"report_{planned.report.pk}"] = forms.FileField(
                required=not planned.report.document,
                label=f"{planned.title} ({planned.report.key})",
                help_text="Replaces the stored copy." if planned.report.document else "Required: no copy is stored.",
            )
    fields["send"] = forms.BooleanField(
        required=False,
        initial=True,
        label="Create deliveries and email every investor now",
        help_text="Emails go out in the background; investors without email get a postal delivery with a link "
        "shown once on the next page.",
    )
    return type("PublishForm", (forms.Form,), fields)


class PackageDocumentInline(admin.TabularInline):
    model = PackageDocument
    fields = ["position", "kind", "title", "dated_on", "file_name", "content_type", "size", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PackageVersion)
class PackageVersionAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["__str__", "registration_statement", "number", "published_at", "published_by", "deliveries_sent"]
    list_filter = ["registration_statement"]
    list_select_related = ["registration_statement", "published_by"]
    readonly_fields = ["registration_statement", "number", "prospectus", "published_at", "published_by", "links"]
    fields = readonly_fields
    inlines = [PackageDocumentInline]
    change_list_template = "delivery/admin/packageversion_change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(delivery_count=Count("deliveries"))

    @admin.display(description="Deliveries", ordering="delivery_count")
    def deliveries_sent(self, obj):
        url = reverse("admin:delivery_delivery_changelist") + f"?package_version__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.delivery_count)

    @admin.display(description="Pages")
    def links(self, obj):
        return format_html(
            '<a href="{}">Public offering page</a>',
            reverse("delivery:offering", args=[obj.registration_statement.file_number]),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("publish/", self.admin_site.admin_view(self.publish_view), name="delivery_packageversion_publish"),
            *super().get_urls(),
        ]

    def publish_view(self, request):
        """Publish the next package version; Rule: publishing needs the prospectus and approved supplements."""
        if not request.user.has_perm("delivery.add_packageversion"):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Publish a package"}
        chooser = RegistrationChoiceForm(request.GET or None)
        if not chooser.is_valid():
            return TemplateResponse(request, "delivery/admin/publish.html", {**context, "chooser": chooser})
        registration = chooser.cleaned_data["registration"]
        plan = selectors.package_plan(registration=registration)
        form_class = publish_form_class(plan)
        form = form_class(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    upload = form.cleaned_data.get("prospectus_file")
                    if upload:
                        packages.attach_prospectus_document(
                            actor=request.user, prospectus=plan.prospectus, name=upload.name, data=upload.read()
                        )
                    for planned in plan.documents:
                        report_upload = planned.report and form.cleaned_data.get(f"report_{planned.report.pk}")
                        if report_upload:
                            packages.attach_report_document(
                                actor=request.user,
                                report=planned.report,
                                name=report_upload.name,
                                data=report_upload.read(),
                            )
                    version = packages.publish_package(actor=request.user, registration=registration)
                    issued = (
                        links.create_deliveries(actor=request.user, package_version=version, send=True)
                        if form.cleaned_data["send"]
                        else []
                    )
            except ValidationError as error:
                problems = _errors(error)
            else:
                self.message_user(
                    request,
                    f"Published package v{version.number} for {registration.file_number}"
                    + (f"; {len(issued)} deliveries created and email notices queued." if issued else "."),
                    messages.SUCCESS,
                )
                shown = [link for link in issued if link.token]
                if shown:
                    return TemplateResponse(
                        request,
                        "delivery/admin/links.html",
                        {**context, "title": "Personal links to send by post", "links": shown, "version": version},
                    )
                return HttpResponseRedirect(reverse("admin:delivery_packageversion_change", args=[version.pk]))
        return TemplateResponse(
            request,
            "delivery/admin/publish.html",
            {
                **context,
                "title": f"Publish a package for {registration.file_number}",
                "registration": registration,
                "plan": plan,
                "form": form,
                "problems": problems or plan.problems,
                "current": selectors.current_package(registration=registration),
            },
        )


class NotOpenedFilter(admin.SimpleListFilter):
    title = "not opened after"
    parameter_name = "not_opened_days"

    def lookups(self, request, model_admin):
        return [("3", "3 days"), ("7", "7 days"), ("14", "14 days"), ("30", "30 days")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            days = int(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(pk__in=selectors.not_opened_after(days=max(days, 0)).values("pk"))


def utc_seconds(event: DeliveryEvent) -> str:
    return f"{event.occurred_at.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC"


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    fields = ["occurred", "kind", "ip_address", "user_agent", "document", "document_sha256", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Occurred (UTC)")
    def occurred(self, obj):
        return utc_seconds(obj)


@admin.register(Delivery)
class DeliveryAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = [
        "recipient_name",
        "recipient_email",
        "package_version",
        "method",
        "status",
        "sent_at",
        "first_opened_at",
        "acknowledged_at",
    ]
    list_filter = ["status", "method", NotOpenedFilter, "package_version__registration_statement", "package_version"]
    list_select_related = ["package_version__registration_statement"]
    search_fields = ["recipient_name", "recipient_email"]
    readonly_fields = [
        "package_version",
        "investor",
        "selling_stockholder",
        "recipient_name",
        "recipient_email",
        "postal_address",
        "method",
        "status",
        "token_issued_at",
        "token_expires_at",
        "revoked_at",
        "sent_at",
        "first_opened_at",
        "acknowledged_at",
        "last_error",
        "created_at",
    ]
    fields = readonly_fields
    inlines = [DeliveryEventInline]
    actions = ["resend_notices", "revoke_links", "reissue_links", "mark_delivered"]
    change_list_template = "delivery/admin/delivery_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Deliveries change only through the actions below; the form itself is read-only.
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description="Resend the email notice (issues a new link)", permissions=["change"])
    def resend_notices(self, request, queryset):
        count = notices.resend(actor=request.user, deliveries=list(queryset))
        skipped = queryset.count() - count
        self.message_user(
            request,
            f"Queued {count} email notice(s)." + (f" {skipped} without email skipped." if skipped else ""),
            messages.SUCCESS,
        )

    @admin.action(description="Revoke the personal link", permissions=["change"])
    def revoke_links(self, request, queryset):
        for delivery in queryset:
            links.revoke_link(actor=request.user, delivery=delivery)
        self.message_user(request, f"Revoked {queryset.count()} link(s).", messages.SUCCESS)

    @admin.action(description="Re-issue the personal link and show it once", permissions=["change"])
    def reissue_links(self, request, queryset):
        reissued = [links.IssuedLink(d, links.reissue_link(actor=request.user, delivery=d)) for d in queryset]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "New personal links",
            "links": reissued,
        }
        return TemplateResponse(request, "delivery/admin/links.html", context)

    @admin.action(description="Mark as mailed or handed over", permissions=["change"])
    def mark_delivered(self, request, queryset):
        count = 0
        for delivery in queryset.exclude(method=DeliveryMethod.EMAIL):
            links.mark_delivered(actor=request.user, delivery=delivery)
            count += 1
        self.message_user(request, f"Marked {count} postal or in-person deliveries as sent.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("report/", view(self.report_view), name="delivery_delivery_report"),
            path("import-investors/", view(self.import_investors_view), name="delivery_delivery_import"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReportForm(request.GET or None)
        if form.is_valid():
            registration = form.cleaned_data["registration"]
            name = f"delivery-report-{registration.file_number}"
            if form.cleaned_data["format"] == "pdf":
                response = HttpResponse(reports.pdf_report(registration=registration), content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            else:
                response = HttpResponse(reports.csv_report(registration=registration), content_type="text/csv")
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            response["Cache-Control"] = "no-store"
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Delivery report",
            "form": form,
            "submit": "Download",
            "method": "get",
        }
        return TemplateResponse(request, "delivery/admin/form.html", context)

    def import_investors_view(self, request):
        if not request.user.has_perm("offerings.add_investor"):
            raise PermissionDenied
        form = InvestorCsvForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            registration = form.cleaned_data["registration"]
            try:
                investors = import_investors(
                    actor=request.user, registration=registration, data=form.cleaned_data["csv_file"].read()
                )
            except ValidationError as error:
                problems = _errors(error)
            else:
                self.message_user(
                    request, f"Imported {len(investors)} investors into {registration.file_number}.", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:offerings_investor_changelist")
                    + f"?registration_statement__id__exact={registration.pk}"
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import investors from CSV",
            "form": form,
            "problems": problems,
            "submit": "Import",
            "method": "post",
            "multipart": True,
        }
        return TemplateResponse(request, "delivery/admin/form.html", context)


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    """Evidence is append-only: staff read it, nobody edits or deletes it."""

    list_display = ["occurred", "kind", "recipient", "ip_address", "document_sha256"]
    list_filter = ["kind", "delivery__package_version__registration_statement"]
    list_select_related = ["delivery"]
    search_fields = ["delivery__recipient_name", "delivery__recipient_email", "ip_address", "document_sha256"]
    date_hierarchy = "occurred_at"

    @admin.display(description="Occurred (UTC)", ordering="occurred_at")
    def occurred(self, obj):
        return utc_seconds(obj)

    @admin.display(description="Recipient")
    def recipient(self, obj):
        return obj.delivery.recipient_name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
