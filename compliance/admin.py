"""Staff screens for closure days and Rule 12b-25 notices, and the findings on each registration's page.

The registration page belongs to the offerings app, which knows nothing of the checks; this module replaces
its registration with a subclass that adds the findings, so the dependency runs from compliance to offerings.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from offerings.admin import LINE_BREAK
from offerings.admin import RegistrationStatementAdmin as BaseRegistrationStatementAdmin
from offerings.admin_mixins import ServiceModelAdmin
from offerings.domain.dates import long_date
from offerings.models import RegistrationStatement
from offerings.selectors.records import edgar_today

from .models import ClosureDay, LateFilingNotice
from .selectors import findings_for_registration


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
        if obj.pk is None:
            return "-"
        found = findings_for_registration(registration=obj, as_of=edgar_today())
        if not found:
            return "No findings."
        return format_html_join(
            LINE_BREAK,
            '<strong class="finding-{}">{}</strong> {}{}',
            (
                (
                    f.severity,
                    f.severity.upper(),
                    f.message,
                    format_html(" (due {})", long_date(f.due_on)) if f.due_on else "",
                )
                for f in found
            ),
        )


admin.site.unregister(RegistrationStatement)
admin.site.register(RegistrationStatement, RegistrationStatementAdmin)
