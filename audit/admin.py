"""The audit trail in the admin: the entries (read-only) and the audit report of a registration as CSV or PDF."""

import re

from auditlog.admin import LogEntryAdmin as AuditlogEntryAdmin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from safety import params

from . import reports, scope
from .admin_limits import QueryLimitsMixin, limit_registered_admins
from .models import LogEntry

REPORT_KEY_MAX_CHARS = 100


class AuditReportForm(forms.Form):
    key = forms.CharField(
        label="Registration No.", max_length=REPORT_KEY_MAX_CHARS, help_text="The file number, e.g. 333-105026."
    )
    date_from = forms.DateField(label="From", required=False, help_text="First day (UTC), YYYY-MM-DD.")
    date_to = forms.DateField(label="To", required=False, help_text="Last day (UTC), YYYY-MM-DD, included.")
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("pdf", "PDF")], initial="csv")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError("The range ends before it starts.")
        return data


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(QueryLimitsMixin, AuditlogEntryAdmin):
    list_display = ["created", "resource_url", "action", "event", "msg_short", "actor_name"]
    list_filter = ["action", "event", "content_type"]
    list_select_related = ["content_type"]
    search_fields = ["object_repr", "actor_name", "object_pk"]
    readonly_fields = [
        "created",
        "actor_name",
        "resource_url",
        "action",
        "event",
        "msg",
        "additional_data",
        "remote_addr",
        "previous_sha256",
        "sha256",
    ]
    fieldsets = [
        (None, {"fields": ["created", "actor_name", "resource_url", "remote_addr"]}),
        ("What changed", {"fields": ["action", "event", "msg", "additional_data"]}),
        ("Hash chain", {"fields": ["previous_sha256", "sha256"]}),
    ]
    change_list_template = "admin/audit/logentry/change_list.html"

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("report/", self.admin_site.admin_view(self.report_view), name="audit_logentry_report"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        """The audit report of a registration for a date range: ``?key=333-105026`` fills in the form."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        try:
            key = params.bounded_text(request.GET.get("key"), name="key", max_chars=REPORT_KEY_MAX_CHARS)
        except params.ParameterError as error:
            return self.query_refused(request, error)
        form = AuditReportForm(data, initial={"key": key})
        if data is not None and form.is_valid():
            try:
                report = reports.build_report(
                    form.cleaned_data["key"],
                    date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"],
                )
            except LookupError as error:
                form.add_error("key", str(error))
            else:
                return self._report_response(report, form.cleaned_data["format"])
        if request.method == "POST" and not form.is_valid():
            messages.error(request, "The report was not made: see below.")
        context = {
            **self.admin_site.each_context(request),
            "title": "Audit report",
            "opts": self.opts,
            "form": form,
            "subject": scope.subject().label,
        }
        return TemplateResponse(request, "admin/audit/logentry/report.html", context)

    @staticmethod
    def _report_response(report: reports.AuditReport, format: str) -> HttpResponse:
        stem = "audit-" + re.sub(r"[^A-Za-z0-9-]+", "_", report.key) + f"-{report.generated_at:%Y%m%d}"
        if format == "pdf":
            response = HttpResponse(reports.report_pdf(report), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
        else:
            response = HttpResponse(reports.report_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


# The admins registered before this module (Django's users and groups, the third-party apps') get the same
# query limits as the portal's own.
limit_registered_admins(admin.site)
