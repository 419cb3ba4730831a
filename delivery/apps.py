from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "delivery"
    verbose_name = "Delivery to investors"

    def ready(self) -> None:
        from compliance.registry import extra_checks
        from offerings import services as offering_services

        from .checks import delivery_incomplete
        from .services import refuse_return_to_draft_once_published

        if delivery_incomplete not in extra_checks:
            extra_checks.append(delivery_incomplete)
        if refuse_return_to_draft_once_published not in offering_services.on_return_to_draft:
            # First, so nothing is discarded before the refusal.
            offering_services.on_return_to_draft.insert(0, refuse_return_to_draft_once_published)
