"""Response headers Django does not send itself: Permissions-Policy on every response."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class PermissionsPolicyMiddleware:
    """Every response denies the browser features named in PORTAL_PERMISSIONS_POLICY; a view's own value wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = settings.PORTAL_PERMISSIONS_POLICY
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
