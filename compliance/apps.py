from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from offerings import signals

        from .receivers import check_before_approval

        signals.supplement_approval_requested.connect(check_before_approval, dispatch_uid="compliance-approval-gate")
