"""The records an audit report covers: a subject record and every tracked record that hangs from it.

The subject (``AUDIT_REPORT_SUBJECT``, "app.Model.field": the registration statement by file number) is found
by its key; from it the report follows every reverse foreign key among the tracked models, as far as they go:
a registration's amounts and their components, amendments, prospectuses, supplements and their content,
holder tables and rows, selling stockholders, investors, package versions, documents and deliveries.
Records deleted since are found too, from the foreign keys their own entries recorded (an entry written on
create or delete lists every value), so the report shows what was removed and by whom.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import Q

from .tracking import is_tracked

CHUNK = 500


@dataclass(frozen=True)
class Subject:
    model: type[models.Model]
    field: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.verbose_name} {self.model._meta.get_field(self.field).verbose_name}"

    def get(self, key: str) -> models.Model:
        """The subject record named ``key``; ``ObjectDoesNotExist`` if there is none."""
        return self.model._default_manager.get(**{self.field: key})


def subject() -> Subject:
    label = settings.AUDIT_REPORT_SUBJECT
    try:
        app_model, _, field = label.rpartition(".")
        model = apps.get_model(app_model)
        model._meta.get_field(field)
    except (LookupError, ValueError, FieldDoesNotExist) as error:
        raise ImproperlyConfigured(f"AUDIT_REPORT_SUBJECT {label!r}: {error}") from error
    return Subject(model=model, field=field)


def _chunks(values) -> list[list]:
    values = sorted(values)
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _children(relation, parent_ids: set) -> set:
    """Ids of ``relation``'s model whose foreign key points at one of ``parent_ids``, now or in their entries."""
    from .models import LogEntry

    child, field = relation.related_model, relation.field
    content_type = ContentType.objects.get_for_model(child, for_concrete_model=False)
    found: set = set()
    for chunk in _chunks(parent_ids):
        found.update(child._base_manager.filter(**{f"{field.name}__in": chunk}).values_list("pk", flat=True))
        logged = LogEntry.objects.filter(content_type=content_type).filter(
            Q(**{f"changes__{field.name}__0__in": chunk}) | Q(**{f"changes__{field.name}__1__in": chunk})
        )
        found.update(pk for pk in logged.values_list("object_id", flat=True) if pk is not None)
    return found


def records_of(root: models.Model) -> dict[type[models.Model], set]:
    """Every tracked model reached from ``root`` by reverse foreign keys, with the ids reached (``root`` too)."""
    found: dict[type[models.Model], set] = defaultdict(set, {type(root): {root.pk}})
    pending = [(type(root), {root.pk})]
    while pending:
        parent, ids = pending.pop(0)
        for relation in parent._meta.related_objects:
            if relation.many_to_many or not is_tracked(relation.related_model):
                continue
            new = _children(relation, ids) - found.get(relation.related_model, set())
            if new:
                found[relation.related_model].update(new)
                pending.append((relation.related_model, new))
    return dict(found)


def entries_for(records: dict[type[models.Model], set], *, start=None, end=None) -> list:
    """The audit entries of ``records`` with ``start <= timestamp < end``, in the chain's order."""
    from .models import LogEntry

    entries = []
    for model, pks in records.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        for chunk in _chunks(pks):
            selected = LogEntry.objects.filter(content_type=content_type, object_id__in=chunk)
            if start is not None:
                selected = selected.filter(timestamp__gte=start)
            if end is not None:
                selected = selected.filter(timestamp__lt=end)
            entries.extend(selected.select_related("content_type"))
    return sorted(entries, key=lambda entry: entry.id)


def find_subject(key: str) -> models.Model:
    """The subject record named ``key``; ``LookupError`` with a message if there is none."""
    found = subject()
    try:
        return found.get(key)
    except ObjectDoesNotExist:
        raise LookupError(f"No {found.label} {key!r}.") from None
