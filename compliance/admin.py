from django.contrib import admin

from .models import ClosureDay, LateFilingNotice


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["closed_on", "weekday", "reason"]
    search_fields = ["reason"]
    date_hierarchy = "closed_on"

    @admin.display(description="Weekday")
    def weekday(self, obj: ClosureDay) -> str:
        return f"{obj.closed_on:%A}"


@admin.register(LateFilingNotice)
class LateFilingNoticeAdmin(admin.ModelAdmin):
    list_display = ["issuer", "form", "period_end", "filed_on", "accession_number"]
    list_filter = ["form", "issuer"]
    search_fields = ["issuer__name", "accession_number"]
    autocomplete_fields = ["issuer"]
    date_hierarchy = "period_end"
