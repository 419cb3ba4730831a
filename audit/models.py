"""The audit trail: one append-only table of log entries, each chained to the one before by SHA-256.

django-auditlog writes the entries (its ``AbstractLogEntry``: the record, the action, the changed fields with
their old and new values, the actor); this model adds who acted by name, the workflow event, and the hash
chain. An entry is sealed when it is inserted (``audit.chain.seal``) and never changes afterwards: the model
and its querysets refuse updates and deletes, and on PostgreSQL row triggers refuse them in the database.
"""

from auditlog.cid import get_cid
from auditlog.models import AbstractLogEntry
from auditlog.models import LogEntryManager as AuditlogEntryManager
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction
from django.db.models import Q
from django.utils.encoding import smart_str


class AppendOnlyError(RuntimeError):
    """Something tried to change or delete an audit entry."""


class Event(models.TextChoices):
    """Workflow and sign-in events recorded by ``audit.events.record_event`` (blank on a plain create, update or
    delete)."""

    SUBMITTED = "submitted", "Submitted for review"
    APPROVED = "approved", "Approved"
    FILED = "filed", "Filed on EDGAR"
    RETURNED_TO_DRAFT = "returned_to_draft", "Returned to draft"
    PUBLISHED = "published", "Published"
    LINK_ISSUED = "link_issued", "Personal link issued"
    LINK_REVOKED = "link_revoked", "Personal link revoked"
    CORRECTED = "corrected", "Corrected"
    # Staff sign-in (audit/logins.py) and second-factor enrolment.
    LOGGED_IN = "logged_in", "Signed in"
    LOGGED_OUT = "logged_out", "Signed out"
    LOGIN_FAILED = "login_failed", "Sign-in refused"
    LOCKED_OUT = "locked_out", "Locked out"
    MFA_ENROLLED = "mfa_enrolled", "Second factor enrolled"


class LogEntryQuerySet(models.QuerySet):
    """Inserts are sealed into the chain; every way of changing or removing rows in bulk is refused."""

    def bulk_create(self, objs, *args, **kwargs):
        from . import chain

        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise AppendOnlyError("Audit entries are only ever inserted.")
        objs = list(objs)
        with transaction.atomic(using=self.db):
            chain.seal(objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries are append-only; they cannot be updated.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit entries are append-only; they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit entries are append-only; they cannot be deleted.")

    delete.queryset_only = True


def record_label(instance: models.Model) -> str:
    """``str(instance)``, or "<model> <pk>" when that fails: a record's label never stops its write."""
    try:
        return smart_str(instance)
    except Exception:
        return f"{instance._meta.verbose_name} {instance.pk}"


class LogEntryManager(AuditlogEntryManager.from_queryset(LogEntryQuerySet)):
    """django-auditlog's manager (``get_for_object``, ...) over the append-only queryset.

    ``log_create`` and ``log_m2m_changes`` are auditlog's, except that the record's label comes from
    ``record_label``: auditlog calls ``str(instance)`` unguarded, and a label must never stop a write.
    """

    def log_create(self, instance, force_log: bool = False, **kwargs):
        if kwargs.get("changes") is None and not force_log:
            return None
        pk = self._get_pk_value(instance)
        kwargs.setdefault("content_type", ContentType.objects.get_for_model(instance))
        kwargs.setdefault("object_pk", pk)
        kwargs.setdefault("object_repr", record_label(instance))
        kwargs.setdefault("serialized_data", self._get_serialized_data_or_none(instance))
        if isinstance(pk, int):
            kwargs.setdefault("object_id", pk)
        get_additional_data = getattr(instance, "get_additional_data", None)
        if callable(get_additional_data):
            kwargs.setdefault("additional_data", get_additional_data())
        kwargs.setdefault("cid", get_cid())
        return self.create(**kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        if not changed_queryset:
            return None
        objects = [record_label(related) for related in changed_queryset]
        kwargs["changes"] = {field_name: {"type": "m2m", "operation": operation, "objects": objects}}
        kwargs.setdefault("action", AbstractLogEntry.Action.UPDATE)
        return self.log_create(instance, force_log=True, **kwargs)


class LogEntry(AbstractLogEntry):
    # Entries outlive what they name: a user or content type with entries cannot be deleted (the auditlog
    # defaults, SET_NULL and CASCADE, would rewrite or remove entries).
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name="content type"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
        verbose_name="actor",
    )
    actor_name = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text='Who acted: the username, or the command or task ("command import_dossier"); blank if unknown.',
    )
    event = models.CharField(
        max_length=40,
        choices=Event.choices,
        blank=True,
        default="",
        db_index=True,
        help_text="The workflow event; blank for a plain create, update or delete.",
    )
    previous_sha256 = models.CharField(
        "previous SHA-256", max_length=64, blank=True, default="", help_text="The entry before's hash."
    )
    sha256 = models.CharField(
        "SHA-256",
        max_length=64,
        editable=False,
        help_text="SHA-256 of this entry's canonical JSON, which includes the previous entry's hash.",
    )

    objects = LogEntryManager()

    class Meta(AbstractLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="audit_entry_sha256_hex"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_entry_object_idx")]

    def __str__(self) -> str:
        if self.event:
            return f"{self.get_event_display()}: {self.object_repr}"
        return super().__str__()

    def save(self, *args, **kwargs):
        if not self._state.adding or self.pk is not None:
            raise AppendOnlyError(f"Audit entry {self.pk} is sealed; audit entries are never changed.")
        from .context import apply_actor

        apply_actor(self)
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            super().save(*args, **kwargs)

    def _save_table(self, raw=False, cls=None, force_insert=False, force_update=False, using=None, update_fields=None):
        # Sealed here, after the pre_save receivers (auditlog's middleware sets the actor and remote address
        # there), so the hash covers every field as it is written.
        from . import chain
        from .context import settle_actor

        settle_actor(self)
        chain.seal([self], using=using)
        return super()._save_table(raw, cls, True, False, using, update_fields)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"Audit entry {self.pk} cannot be deleted; audit entries are append-only.")
