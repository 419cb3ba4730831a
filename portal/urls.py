from django.contrib import admin
from django.urls import include, path

from portal.health import health

urlpatterns = [
    # Load balancers' probe (portal/health.py; HealthProbeMiddleware answers it before the Host check).
    path("health/", health, name="health"),
    path("compliance/", include("compliance.urls")),
    path("admin/documents/", include("documents.urls")),
    path("admin/", admin.site.urls),
    path("", include("delivery.urls")),
]
