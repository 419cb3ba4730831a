from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_logged_in
from django.core.checks import register


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's site (``portal.admin_site.PortalAdminSite``: a second factor when
    ``PORTAL_REQUIRE_MFA``), the sign-in settings' check, and the session's sign-in time stamped at sign-in."""

    default_site = "portal.admin_site.PortalAdminSite"

    def ready(self) -> None:
        super().ready()
        from .auth import check_settings
        from .sessions import stamp_sign_in

        register(check_settings)
        user_logged_in.connect(stamp_sign_in, dispatch_uid="portal.sessions.stamp_sign_in")
