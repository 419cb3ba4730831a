from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Supplement documents"

    def ready(self) -> None:
        from offerings import services as offering_services

        from .services import freeze_on_approve

        if freeze_on_approve not in offering_services.on_approve:
            offering_services.on_approve.append(freeze_on_approve)
