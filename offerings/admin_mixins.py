"""What every staff screen shares: writes go through the services with the signed-in user as the actor.

Django's ModelAdmin saves and deletes records itself; ``ServiceWritesMixin`` routes those writes (the page's
own record, its inline rows, bulk deletes) through ``offerings.services.records`` so that every edit is
validated whole and made by a named actor.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from audit.admin_limits import QueryLimitsMixin
from audit.history import AuditHistoryMixin

from .services.records import delete_record, save_record


def admin_link(obj, text: str | None = None) -> str:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


def error_lines(error: ValidationError) -> list[str]:
    """Each message of a validation error, prefixed with its field ("filed_on: Enter a date.")."""
    if hasattr(error, "message_dict"):
        return [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
    return list(error.messages)


def message_of(error: ValidationError) -> str:
    return "; ".join(error_lines(error))


class ServiceWritesMixin:
    """ModelAdmin and inline writes through ``save_record`` / ``delete_record`` with ``actor=request.user``."""

    def save_model(self, request, obj, form, change):
        save_record(actor=request.user, record=obj)

    def delete_model(self, request, obj):
        delete_record(actor=request.user, record=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_record(actor=request.user, record=obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_record(actor=request.user, record=obj)
        for obj in instances:
            save_record(actor=request.user, record=obj)
        formset.save_m2m()


class ServiceModelAdmin(QueryLimitsMixin, AuditHistoryMixin, ServiceWritesMixin, admin.ModelAdmin):
    """A ModelAdmin whose writes go through the services; its *History* page shows the record's audit trail; its
    list refuses oversized searches and malformed parameters with a 400 (``audit.admin_limits``)."""
