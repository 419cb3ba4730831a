"""Staff screens for what a supplement states: those fields read-only, and "Correct a filed record".

While an approved or filed supplement states a periodic report, a prospectus or a registration statement
(``offerings.models.StatedRecord``), ``StatedFieldsReadOnlyMixin`` shows the stated fields read-only on the
record's page and offers no delete. ``FiledRecordCorrectionMixin`` adds the admin action "Correct a filed record"
and its page: the stated fields with their values on record, and the reason, which
``offerings.services.corrections.correct_filed_record`` requires and keeps in the audit trail.
``offerings.admin`` mixes them into its ModelAdmins.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .admin_widgets import PageReferencesField
from .models import StatedRecord
from .services import corrections
from .validators import MaxUploadSize


def stated_by(obj: StatedRecord | None):
    """The supplement that states ``obj`` (None for a new record or one no approved or filed supplement states),
    looked up once per object and request."""
    if obj is None or obj.pk is None:
        return None
    if not hasattr(obj, "_admin_stated_by"):
        obj._admin_stated_by = obj.stated_by()
    return obj._admin_stated_by


class StatedFieldsReadOnlyMixin:
    """ModelAdmin mixin: the stated fields are read-only, and the record cannot be deleted, while stated.

    A report's document stays editable while none is stored (its first copy may be uploaded after approval).
    """

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if stated_by(obj) is None:
            return fields
        for name in obj.STATED_FIELDS:
            blank_fillable = name in obj.FILLABLE_FIELDS and not getattr(obj, name)
            if name not in fields and not blank_fillable:
                fields.append(name)
        return fields

    def has_delete_permission(self, request, obj=None):
        if stated_by(obj) is not None:
            return False
        return super().has_delete_permission(request, obj)


class CorrectionReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=corrections.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Why the record as filed must change (e.g. the accession number was mistyped). Required; the "
        "audit trail keeps it with the values before and after.",
    )


def correction_form_class(record: StatedRecord) -> type[forms.Form]:
    """One input per stated field (a file input for a document: leave it empty to keep the stored copy), then
    the reason."""
    fields: dict[str, forms.Field] = {}
    for name in record.STATED_FIELDS:
        model_field = record._meta.get_field(name)
        if isinstance(model_field, models.FileField):
            fields[name] = forms.FileField(
                required=False,
                label=str(model_field.verbose_name).capitalize(),
                validators=[MaxUploadSize("PORTAL_UPLOAD_MAX_BYTES")],  # checked by size before it is read
                help_text="Leave empty to keep the stored copy; a new file is stored beside it, never over it.",
            )
        elif name == "page_references":
            fields[name] = PageReferencesField(label="Page references")
        else:
            fields[name] = model_field.formfield()
    return type("CorrectionForm", (CorrectionReasonForm,), fields)


def _initial(record: StatedRecord) -> dict:
    return {
        name: record._meta.get_field(name).value_from_object(record)
        for name in record.STATED_FIELDS
        if not isinstance(record._meta.get_field(name), models.FileField)
    }


def _changes(form: forms.Form, record: StatedRecord) -> dict:
    changes = {}
    for name in record.STATED_FIELDS:
        value = form.cleaned_data.get(name)
        if isinstance(record._meta.get_field(name), models.FileField):
            if value:
                changes[name] = value
        elif name in form.changed_data:
            changes[name] = value
    return changes


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class FiledRecordCorrectionMixin(StatedFieldsReadOnlyMixin):
    """ModelAdmin mixin: the "Correct a filed record" action and its page (``<pk>/correct/``)."""

    actions = ["correct_filed_record"]

    @admin.action(description="Correct a filed record", permissions=["change"])
    def correct_filed_record(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Correct one record at a time: select exactly one.", messages.WARNING)
            return None
        return HttpResponseRedirect(self._correct_url(queryset.get()))

    def _correct_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_correct", args=[obj.pk])

    def get_urls(self):
        return [
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_correct",
            ),
            *super().get_urls(),
        ]

    def correct_view(self, request, pk: int):
        """Ask the new values of the stated fields and the reason; ``correct_filed_record`` applies them."""
        record = get_object_or_404(self.model, pk=pk)
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        form_class = correction_form_class(record)
        form = form_class(request.POST or None, request.FILES or None, initial=_initial(record))
        if request.method == "POST" and form.is_valid():
            try:
                changes, reason = _changes(form, record), form.cleaned_data["reason"]
                correction = corrections.correct_filed_record(
                    actor=request.user, record=record, changes=changes, reason=reason
                )
            except ValidationError as error:
                _add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                changed = "; ".join(
                    f"{name}: {correction.before[name]!r} -> {correction.after[name]!r}" for name in correction.after
                )
                self.message_user(request, f"Corrected {correction.record}: {changed}.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Correct a filed record: {record}",
            "record": record,
            "stating": list(record.stating_supplements().order_by("dated_on", "pk")),
            "form": form,
        }
        return TemplateResponse(request, "admin/offerings/correct_filed_record.html", context)
