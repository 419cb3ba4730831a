from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from . import bulk, logins, tracking

        tracking.register_tracked_models()
        bulk.install()
        logins.connect()
