"""A record's history in the admin: its audit entries, newest first, each change as "field: old → new".

``AuditHistoryMixin`` replaces a ModelAdmin's *History* page (Django's own lists only the admin's messages)
with the record's audit trail: who (user or command), when, what (created, updated, deleted or the workflow
event), the old and new value of each field and the event's facts.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from .models import LogEntry
from .reports import Row

HISTORY_PER_PAGE = 100


def history_rows(record, *, page: str | int = 1):
    """One page of ``record``'s entries as report rows (newest first), with the paginator's page."""
    entries = LogEntry.objects.get_for_object(record).select_related("content_type").order_by("-id")
    page_obj = Paginator(entries, HISTORY_PER_PAGE).get_page(page)
    return [Row.of(entry) for entry in page_obj], page_obj


class AuditHistoryMixin:
    """ModelAdmin mixin: the *History* page shows the record's audit trail."""

    audit_history_template = "admin/audit/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        rows, page_obj = history_rows(obj, page=request.GET.get("p", 1))
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "rows": rows,
            "page_obj": page_obj,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.audit_history_template, context)
