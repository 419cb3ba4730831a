from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "delivery"
    verbose_name = "Delivery to investors"

    def ready(self) -> None:
        from compliance.registry import extra_checks

        from .checks import delivery_incomplete

        if delivery_incomplete not in extra_checks:
            extra_checks.append(delivery_incomplete)
