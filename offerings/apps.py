from django.apps import AppConfig


class OfferingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "offerings"
    verbose_name = "Offerings"
