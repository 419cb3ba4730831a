"""Bulk writes inside ``acting``: ``QuerySet.update``, ``bulk_create`` and ``bulk_update`` are logged too.

Django sends no model signals for these, so django-auditlog never sees them; the services use them where one
statement does the work (a delivery's link and status, 10,000 deliveries, an investor CSV). Inside an
``acting`` scope, on a model registered with auditlog, the wrapped methods write one audit entry per row with
its old and new values (created rows: every value), in the same transaction as the write. Outside every scope
(an investor's own page views, which are recorded as delivery evidence) they are Django's methods unchanged.
"""

import datetime
from contextvars import ContextVar

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import is_primitive, model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import DateTimeField, JSONField, QuerySet
from django.utils import timezone
from django.utils.encoding import smart_str

from .context import Acting, current
from .models import LogEntry, record_label

_ORIGINAL = {}
# Set while a logged bulk_update runs Django's own, which calls ``update`` per batch: those rows are logged once,
# by bulk_update.
_in_bulk_update: ContextVar[bool] = ContextVar("audit_in_bulk_update", default=False)


def _scope_for(model) -> Acting | None:
    """The acting scope when writes to ``model`` are to be logged here, else None."""
    scope = current()
    if scope is None or not auditlog.contains(model) or auditlog_disabled.get():
        return None
    return scope


def _entry(instance, *, action: int, changes: dict, scope: Acting):
    """An unsaved entry as ``LogEntryManager.log_create`` would write it, named for ``scope``."""
    pk = instance.pk
    return LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=smart_str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=record_label(instance),
        action=action,
        changes=changes,
        cid=get_cid(),
        actor=scope.user,
        actor_name=scope.name,
        actor_email=scope.email,
    )


def _log(entries: list, using: str) -> None:
    if entries:
        LogEntry.objects.using(using).bulk_create(entries, batch_size=1000)


def _diffs(model, using: str, pks: list, before: dict, scope: Acting) -> list:
    after = model._base_manager.using(using).in_bulk(pks)
    entries = []
    for pk in pks:
        if pk in before and pk in after:
            changes = model_instance_diff(
                before[pk], after[pk], use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
            )
            if changes:
                entries.append(_entry(after[pk], action=LogEntry.Action.UPDATE, changes=changes, scope=scope))
    return entries


def update(self, **kwargs):
    scope = _scope_for(self.model)
    if scope is None or _in_bulk_update.get():
        return _ORIGINAL["update"](self, **kwargs)
    with transaction.atomic(using=self.db):
        pks = list(self.values_list("pk", flat=True))
        before = self.model._base_manager.using(self.db).in_bulk(pks)
        rows = _ORIGINAL["update"](self, **kwargs)
        _log(_diffs(self.model, self.db, pks, before, scope), self.db)
    return rows


update.alters_data = True


def bulk_update(self, objs, fields, batch_size=None):
    scope = _scope_for(self.model)
    if scope is None:
        return _ORIGINAL["bulk_update"](self, objs, fields, batch_size=batch_size)
    objs = list(objs)
    with transaction.atomic(using=self.db):
        pks = [obj.pk for obj in objs]
        before = self.model._base_manager.using(self.db).in_bulk(pks)
        token = _in_bulk_update.set(True)
        try:
            rows = _ORIGINAL["bulk_update"](self, objs, fields, batch_size=batch_size)
        finally:
            _in_bulk_update.reset(token)
        _log(_diffs(self.model, self.db, pks, before, scope), self.db)
    return rows


bulk_update.alters_data = True


def _create_fields(model) -> list:
    """The columns auditlog would list on a create of ``model`` (its include and exclude lists applied)."""
    chosen = auditlog.get_model_fields(model)
    include, exclude = set(chosen["include_fields"]), set(chosen["exclude_fields"])
    return [f for f in model._meta.concrete_fields if (not include or f.name in include) and f.name not in exclude]


def _json_value(obj, field):
    """A field's value as ``auditlog.diff.get_field_value`` gives it with JSON changes, without its per-call costs."""
    if field.is_relation:
        return getattr(obj, field.attname)
    value = getattr(obj, field.attname)
    if isinstance(field, DateTimeField) and value is not None and timezone.is_aware(value):
        value = timezone.make_naive(value, timezone=datetime.UTC)
    elif isinstance(field, JSONField):
        return field.to_python(value)
    return value if is_primitive(value) else smart_str(value)


def _created_changes(obj, fields: list) -> dict | None:
    """Every value of a new row as ``[None, value]`` (None values left out, as auditlog does)."""
    changes = {}
    for field in fields:
        value = _json_value(obj, field)
        if value is not None:
            changes[field.name] = [None, value]
    return changes or None


def bulk_create(self, objs, *args, **kwargs):
    scope = _scope_for(self.model)
    if scope is None:
        return _ORIGINAL["bulk_create"](self, objs, *args, **kwargs)
    if not settings.AUDITLOG_STORE_JSON_CHANGES:
        raise ImproperlyConfigured("audit.bulk logs bulk creates with AUDITLOG_STORE_JSON_CHANGES = True.")
    fields = _create_fields(self.model)
    with transaction.atomic(using=self.db):
        created = _ORIGINAL["bulk_create"](self, objs, *args, **kwargs)
        if any(obj.pk is None for obj in created):
            raise RuntimeError(f"{self.model.__name__}: bulk_create returned no primary keys; cannot audit the rows.")
        entries = [
            _entry(obj, action=LogEntry.Action.CREATE, changes=_created_changes(obj, fields), scope=scope)
            for obj in created
        ]
        _log(entries, self.db)
    return created


bulk_create.alters_data = True


def install() -> None:
    """Wrap the three QuerySet methods once (``AuditConfig.ready``)."""
    if _ORIGINAL:
        return
    for name, wrapper in (("update", update), ("bulk_update", bulk_update), ("bulk_create", bulk_create)):
        _ORIGINAL[name] = getattr(QuerySet, name)
        wrapper.__wrapped__ = _ORIGINAL[name]
        wrapper.__doc__ = _ORIGINAL[name].__doc__
        setattr(QuerySet, name, wrapper)
