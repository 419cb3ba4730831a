"""django-auditlog's middleware: entries written during a request name the signed-in user and the client address.

One change to auditlog's own: the address comes from ``X-Forwarded-For`` (and the port from
``X-Forwarded-Port``) only when ``AUDIT_TRUST_X_FORWARDED_FOR`` says a proxy overwrites those headers;
otherwise any client could write an address of its choosing into the audit trail. A value that is not an IP
address is left out rather than failing the write.
"""

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address


class AuditlogMiddleware(BaseAuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        if settings.AUDIT_TRUST_X_FORWARDED_FOR:
            address = BaseAuditlogMiddleware._get_remote_addr(request)
        else:
            address = request.META.get("REMOTE_ADDR")
        try:
            validate_ipv46_address((address or "").strip())
        except ValidationError:
            return None
        return address.strip()

    @staticmethod
    def _get_remote_port(request) -> int | None:
        if not settings.AUDIT_TRUST_X_FORWARDED_FOR:
            return None
        return BaseAuditlogMiddleware._get_remote_port(request)
