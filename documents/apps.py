from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Supplement documents"

    def ready(self) -> None:
        from offerings import services as offering_services

        from .services import discard_on_return_to_draft, freeze_on_approve

        if freeze_on_approve not in offering_services.on_approve:
            offering_services.on_approve.append(freeze_on_approve)
        if discard_on_return_to_draft not in offering_services.on_return_to_draft:
            offering_services.on_return_to_draft.append(discard_on_return_to_draft)
