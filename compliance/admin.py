"""Staff screens for closure days and Rule 12b-25 notices, and the findings on each registration's and
supplement's page.

Those pages belong to the offerings app, which knows nothing of the checks; this module replaces their
registrations with subclasses that add the findings, so the dependency runs from compliance to offerings.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from offerings.admin import LINE_BREAK
from offerings.admin import RegistrationStatementAdmin as BaseRegistrationStatementAdmin
from offerings.admin import SupplementAdmin as BaseSupplementAdmin
from offerings.admin_mixins import ServiceModelAdmin
from offerings.domain.dates import long_date
from offerings.domain.findings import blocks_approval
from offerings.models import RegistrationStatement, Supplement
from offerings.selectors.records import edgar_today

from .models import ClosureDay, LateFilingNotice
from .selectors import findings_for_registration, subject_label, subject_labels
from .views import admin_url


@admin.register(ClosureDay)
class ClosureDayAdmin(ServiceModelAdmin):
    list_display = ["closed_on", "weekday", "reason"]
    search_fields = ["reason"]
    date_hierarchy = "closed_on"

    @admin.display(description="Weekday")
    def weekday(self, obj: ClosureDay) -> str:
        return f"{obj.closed_on:%A}"


@admin.register(LateFilingNotice)
class LateFilingNoticeAdmin(ServiceModelAdmin):
    list_display = ["issuer", "form", "period_end", "filed_on", "accession_number"]
    list_filter = ["form", "issuer"]
    search_fields = ["issuer__name", "accession_number"]
    autocomplete_fields = ["issuer"]
    date_hierarchy = "period_end"


class RegistrationStatementAdmin(BaseRegistrationStatementAdmin):
    """The registration page with its compliance findings as of today (EDGAR's clock)."""

    readonly_fields = [*BaseRegistrationStatementAdmin.readonly_fields, "findings"]

    def get_fieldsets(self, request, obj=None):
        return [*super().get_fieldsets(request, obj), ("Compliance findings", {"fields": ["findings"]})]

    @admin.display(description="Compliance findings")
    def findings(self, obj):
        """Each finding as of today, naming its record with a link to that record's page."""
        if obj.pk is None:
            return "-"
        as_of = edgar_today()
        found = findings_for_registration(registration=obj, as_of=as_of)
        checked = format_html('<span class="findings-as-of">Checked as of {}.</span>', long_date(as_of))
        if not found:
            return format_html("{} No findings.", checked)
        labels = subject_labels(found)
        lines = format_html_join(
            LINE_BREAK,
            '<strong class="finding-{}">{}</strong> {}{} &ndash; {}',
            (
                (
                    f.severity,
                    f.severity.upper(),
                    f.message,
                    format_html(" (due {})", long_date(f.due_on)) if f.due_on else "",
                    _record_link(f, labels),
                )
                for f in found
            ),
        )
        return format_html("{}{}{}", checked, LINE_BREAK, lines)


def _record_link(finding, labels) -> str:
    """The finding's record by name, linked to its admin page when it has one."""
    label = subject_label(finding, labels)
    url = admin_url(finding.subject, finding.subject_id)
    return format_html('<a href="{}">{}</a>', url, label) if url else label


class SupplementAdmin(BaseSupplementAdmin):
    """The supplement page with the findings that concern it as of today (EDGAR's clock), and those that block
    its approval as the approval gate weighs them (``compliance.receivers.check_before_approval``)."""

    def supplement_findings(self, obj: Supplement) -> list:
        """Findings about the supplement itself, or about the registration's figures it states."""
        found = findings_for_registration(registration=obj.prospectus.registration_statement, as_of=edgar_today())
        return [
            f
            for f in found
            if (f.subject == "supplement" and f.subject_id == obj.pk) or blocks_approval(f, supplement_id=obj.pk)
        ]

    def approval_blockers(self, obj: Supplement) -> list:
        """The error findings that refuse approval without an override, as of the supplement's date."""
        registration = obj.prospectus.registration_statement
        found = findings_for_registration(registration=registration, as_of=obj.dated_on or edgar_today())
        return [f for f in found if blocks_approval(f, supplement_id=obj.pk)]


admin.site.unregister(RegistrationStatement)
admin.site.register(RegistrationStatement, RegistrationStatementAdmin)
admin.site.unregister(Supplement)
admin.site.register(Supplement, SupplementAdmin)
