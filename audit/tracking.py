"""Which models the audit trail follows, registered with django-auditlog from the settings.

``AUDIT_TRACKED_APPS`` names the apps whose every model is logged (values before and after each create,
update and delete, and many-to-many additions and removals), less ``AUDIT_UNTRACKED_MODELS``;
``AUDIT_UNTRACKED_FIELDS`` lists fields left out of every entry ("app.Model.field", or "field" for every model).
The audit app reads these through the app registry and never imports the apps above it.
"""

from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.db import models


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def untracked_fields(model: type[models.Model]) -> list[str]:
    names = {field.name for field in model._meta.get_fields()}
    left_out = []
    for spec in settings.AUDIT_UNTRACKED_FIELDS:
        model_label, _, field = spec.rpartition(".")
        if (not model_label or model_label.lower() == _label(model).lower()) and field in names:
            left_out.append(field)
    return left_out


def tracked_models() -> list[type[models.Model]]:
    untracked = {label.lower() for label in settings.AUDIT_UNTRACKED_MODELS}
    return [
        model
        for app_label in settings.AUDIT_TRACKED_APPS
        for model in apps.get_app_config(app_label).get_models()
        if _label(model).lower() not in untracked and model._meta.managed
    ]


def register_tracked_models() -> list[type[models.Model]]:
    """Register every tracked model with auditlog: its own columns (auditlog would otherwise list reverse relations
    on a create); a many-to-many with its own through model is tracked there, one without on the model."""
    registered = []
    for model in tracked_models():
        left_out = untracked_fields(model)
        columns = [field.name for field in model._meta.concrete_fields if field.name not in left_out]
        m2m = [field.name for field in model._meta.local_many_to_many if field.remote_field.through._meta.auto_created]
        auditlog.unregister(model)
        auditlog.register(model, include_fields=columns, exclude_fields=left_out, m2m_fields=m2m)
        registered.append(model)
    return registered


def is_tracked(model: type[models.Model]) -> bool:
    return auditlog.contains(model)
