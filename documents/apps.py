from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Supplement documents"

    def ready(self) -> None:
        from offerings import signals
        from offerings.models import Supplement

        from . import receivers

        signals.supplement_approved.connect(
            receivers.freeze_on_approve, sender=Supplement, dispatch_uid="documents.freeze_on_approve"
        )
        signals.supplement_returned_to_draft.connect(
            receivers.discard_on_return_to_draft, sender=Supplement, dispatch_uid="documents.discard_on_return_to_draft"
        )
