from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "delivery"
    verbose_name = "Delivery to investors"

    def ready(self) -> None:
        from compliance.signals import registration_checked
        from offerings.signals import supplement_return_to_draft_requested

        from .checks import delivery_incomplete, package_out_of_date
        from .services.packages import refuse_return_to_draft_once_published

        registration_checked.connect(delivery_incomplete, dispatch_uid="delivery.checks.delivery_incomplete")
        registration_checked.connect(package_out_of_date, dispatch_uid="delivery.checks.package_out_of_date")
        supplement_return_to_draft_requested.connect(
            refuse_return_to_draft_once_published,
            dispatch_uid="delivery.services.packages.refuse_return_to_draft_once_published",
        )
