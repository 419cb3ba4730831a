"""Staff screens for delivery: publish a package, follow each investor's delivery, resend, revoke, report.

Publishing stores the uploads in the request, then queues a publish job (``delivery.services.jobs``) that the
task worker runs; the job's page follows it. Every upload is checked by its size before it is read.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from audit.admin_limits import QueryLimitsMixin
from audit.history import AuditHistoryMixin
from offerings.models import RegistrationStatement
from offerings.services.investors import import_investors
from offerings.validators import MaxUploadSize
from safety import params

from . import reports, selectors
from .admin_package import PackageVersionPagesMixin, latest_numbers
from .models import (
    Delivery,
    DeliveryEvent,
    DeliveryMethod,
    DeliveryStatus,
    NoticeState,
    PackageDocument,
    PackageVersion,
    PublishJob,
    PublishJobStatus,
)
from .services import filestore, jobs, links, notices, packages

# Seconds between reloads of a publish job's page while the job is queued or running.
JOB_REFRESH_SECONDS = 2


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [f"{field}: {message}" for field, msgs in error.message_dict.items() for message in msgs]
    return list(error.messages)


def _form_errors(form: forms.Form) -> list[str]:
    """Each field's errors named by the field's label (an upload over its size limit, a missing file)."""
    return [
        f"{form.fields[name].label or name}: {message}" if name in form.fields else message
        for name, messages in form.errors.items()
        for message in messages
    ]


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
        validators=[MaxUploadSize("PORTAL_INVESTOR_CSV_MAX_BYTES")],
        help_text="First line: name,email,postal_address. Every row needs a name and an email or a postal address. "
        "A file with any bad row is rejected whole.",
    )


def publish_form_class(plan: selectors.PackagePlan) -> type[forms.Form]:
    """File inputs for the prospectus and each report the package will carry."""
    fields: dict[str, forms.Field] = {}
    if plan.prospectus is not None:
        fields["prospectus_file"] = forms.FileField(
            required=not plan.prospectus.document,
            validators=[MaxUploadSize("PORTAL_UPLOAD_MAX_BYTES")],
            label=f"{selectors.prospectus_title(plan.prospectus)} (PDF, HTML or text)",
            help_text="Replaces the stored file." if plan.prospectus.document else "Required: no file is stored yet.",
        )
    for planned in plan.documents:
        if planned.report is not None:
            fields[f"report_{planned.report.pk}"] = forms.FileField(
                required=not planned.report.document,
                validators=[MaxUploadSize("PORTAL_UPLOAD_MAX_BYTES")],
                label=f"{planned.title} ({planned.report.key})",
                help_text="Replaces the stored copy." if planned.report.document else "Required: no copy is stored.",
            )
    fields["send"] = forms.BooleanField(
        required=False,
        initial=False,  # a safe default: staff tick it once the package is checked
        label="Create deliveries and email every investor now",
        help_text="Emails go out in the background; investors without email get a postal delivery whose link "
        "the job's page shows once.",
    )
    return type("PublishForm", (forms.Form,), fields)


class PackageDocumentInline(admin.TabularInline):
    model = PackageDocument
    # The title says the kind; the content type is in the manifest. Fewer columns fit 1280 px beside the menu.
    fields = ["position", "title", "dated_on", "file_name", "size", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PackageVersion)
class PackageVersionAdmin(PackageVersionPagesMixin, QueryLimitsMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["__str__", "registration_statement", "published_at", "deliveries_sent", "state"]
    list_filter = ["registration_statement"]
    list_select_related = ["registration_statement", "published_by"]
    readonly_fields = [
        "registration_statement",
        "number",
        "prospectus",
        "published_at",
        "published_by",
        "state",
        "links",
    ]
    fields = readonly_fields
    inlines = [PackageDocumentInline]
    change_list_template = "delivery/admin/packageversion_change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(delivery_count=Count("deliveries"), **latest_numbers())

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
        view = self.admin_site.admin_view
        return [
            path("publish/", view(self.publish_view), name="delivery_packageversion_publish"),
            path("publish/jobs/<int:pk>/", view(self.publish_job_view), name="delivery_packageversion_publish_job"),
            *self.package_urls(),
            *super().get_urls(),
        ]

    def publish_view(self, request):
        """Store the uploads and queue a publish job; Rule: publishing needs the prospectus and approved
        supplements, and runs in the task worker, not the request."""
        if not request.user.has_perm("delivery.add_packageversion"):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Publish a package"}
        chooser = RegistrationChoiceForm(request.GET or None)
        if not chooser.is_valid():
            return TemplateResponse(request, "delivery/admin/publish.html", {**context, "chooser": chooser})
        registration = chooser.cleaned_data["registration"]
        plan = selectors.package_plan(registration=registration)
        form = publish_form_class(plan)(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and not form.is_valid():
            problems = _form_errors(form)
        elif request.method == "POST":
            try:
                job = self._attach_and_queue(request, plan=plan, registration=registration, form=form)
            except ValidationError as error:
                problems = _errors(error)
            else:
                return HttpResponseRedirect(reverse("admin:delivery_packageversion_publish_job", args=[job.pk]))
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

    @staticmethod
    def _attach_and_queue(request, *, plan, registration, form) -> PublishJob:
        """The uploads (each checked by size before it is read) and the queued job, in one transaction."""
        with filestore.atomic():
            upload = form.cleaned_data.get("prospectus_file")
            if upload:
                packages.attach_prospectus_document(
                    actor=request.user, prospectus=plan.prospectus, name=upload.name, data=upload.read()
                )
            for planned in plan.documents:
                report_upload = planned.report and form.cleaned_data.get(f"report_{planned.report.pk}")
                if report_upload:
                    packages.attach_report_document(
                        actor=request.user, report=planned.report, name=report_upload.name, data=report_upload.read()
                    )
            return jobs.request_publish(actor=request.user, registration=registration, send=form.cleaned_data["send"])

    def publish_job_view(self, request, pk: int):
        """A publish job's progress and result; reloads itself (no script) until the job has finished. Postal
        and in-person deliveries of a finished job get their links here, shown once (re-issued on request)."""
        if not request.user.has_perm("delivery.add_packageversion"):
            raise PermissionDenied
        job = get_object_or_404(
            PublishJob.objects.select_related("registration_statement", "requested_by", "package_version"), pk=pk
        )
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        waiting = self._deliveries_without_shown_link(job)
        if request.method == "POST" and "show_links" in request.POST and waiting:
            issued = [links.IssuedLink(d, links.reissue_link(actor=request.user, delivery=d)) for d in waiting]
            return TemplateResponse(
                request,
                "delivery/admin/links.html",
                {**context, "title": "Personal links to send by post", "links": issued, "version": job.package_version},
            )
        return TemplateResponse(
            request,
            "delivery/admin/publish_job.html",
            {
                **context,
                "title": f"Publishing a package for {job.registration_statement.file_number}",
                "job": job,
                "refresh_seconds": None if job.finished else JOB_REFRESH_SECONDS,
                "waiting": waiting,
            },
        )

    @staticmethod
    def _deliveries_without_shown_link(job: PublishJob) -> list[Delivery]:
        """The postal and in-person deliveries a finished job created, still pending: their links were issued
        in the worker, where no one could see them."""
        if job.status != PublishJobStatus.DONE or not job.send:
            return []
        return list(
            Delivery.objects.filter(package_version=job.package_version, status=DeliveryStatus.PENDING)
            .exclude(method=DeliveryMethod.EMAIL)
            .order_by("id")
        )


class NotOpenedFilter(admin.SimpleListFilter):
    """``?not_opened_days=N``: sent at least N days ago (0 to 3650) and never opened; other values get a 400."""

    title = "not opened after"
    parameter_name = "not_opened_days"
    max_days = 3650

    def lookups(self, request, model_admin):
        return [("3", "3 days"), ("7", "7 days"), ("14", "14 days"), ("30", "30 days")]

    def queryset(self, request, queryset):
        days = params.whole_number(self.value(), name=self.parameter_name, minimum=0, maximum=self.max_days)
        if days is None:
            return queryset
        return queryset.filter(pk__in=selectors.not_opened_after(days=days).values("pk"))


def short_utc(moment):
    """A list cell's date over its minute, in UTC (2026-12-02 / 07:48), or a dash."""
    if moment is None:
        return "-"
    moment = moment.astimezone(datetime.UTC)
    return format_html('{}<br><span class="quiet">{}</span>', f"{moment:%Y-%m-%d}", f"{moment:%H:%M}")


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
class DeliveryAdmin(QueryLimitsMixin, AuditHistoryMixin, admin.ModelAdmin):
    # Five narrow columns so the list fits 1280 px with the filter beside it; the change page has the rest.
    list_display = ["recipient", "state", "sent", "opened", "acknowledged"]
    list_display_links = ["recipient"]
    list_filter = [
        "status",
        "notice_state",  # "Send state unknown": claimed by a worker that stopped; resend deliberately
        "method",
        NotOpenedFilter,
        "package_version__registration_statement",
        "package_version",
    ]
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
        "notice_state",
        "notice_attempt",
        "notice_updated_at",
        "created_at",
        "notice_preview",
    ]
    fields = readonly_fields
    inlines = [DeliveryEventInline]
    actions = ["resend_notices", "revoke_links", "reissue_links", "mark_delivered"]
    change_list_template = "delivery/admin/delivery_change_list.html"

    def has_add_permission(self, request):
        return False

    @admin.display(description="Recipient and package", ordering="recipient_name")
    def recipient(self, obj):
        version = obj.package_version
        return format_html(
            '{}<br><span class="quiet">{}</span><br><span class="quiet">v{} for {}</span>',
            obj.recipient_name,
            obj.recipient_email or obj.get_method_display(),
            version.number,
            version.registration_statement.file_number,
        )

    @admin.display(description="Status", ordering="status")
    def state(self, obj):
        if obj.notice_state == NoticeState.UNKNOWN:
            return format_html(
                '{}<br><span class="quiet">{}: email send state unknown</span>',
                obj.get_status_display(),
                obj.get_method_display(),
            )
        return format_html('{}<br><span class="quiet">{}</span>', obj.get_status_display(), obj.get_method_display())

    @admin.display(description="Sent", ordering="sent_at")
    def sent(self, obj):
        return short_utc(obj.sent_at)

    @admin.display(description="Opened", ordering="first_opened_at")
    def opened(self, obj):
        return short_utc(obj.first_opened_at)

    @admin.display(description="Acknowledged", ordering="acknowledged_at")
    def acknowledged(self, obj):
        return short_utc(obj.acknowledged_at)

    @admin.display(description="Email notice")
    def notice_preview(self, obj):
        """A link to the notice this recipient gets when it is (re)sent, previewed with a placeholder link."""
        if obj.method != DeliveryMethod.EMAIL:
            return "Not sent by email."
        url = reverse("admin:delivery_packageversion_preview", args=[obj.package_version_id]) + f"?delivery={obj.pk}"
        return format_html('<a class="button" href="{}">Preview the email notice</a>', url)

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
        if request.method == "POST" and not form.is_valid():
            problems = _form_errors(form)
        elif request.method == "POST":
            registration = form.cleaned_data["registration"]
            try:  # the upload is streamed, never read whole (its size was checked by the form)
                investors = import_investors(
                    actor=request.user, registration=registration, data=form.cleaned_data["csv_file"]
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
class DeliveryEventAdmin(QueryLimitsMixin, admin.ModelAdmin):
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
