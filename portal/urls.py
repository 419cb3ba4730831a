from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("compliance/", include("compliance.urls")),
    path("admin/documents/", include("documents.urls")),
    path("admin/", admin.site.urls),
    path("", include("delivery.urls")),
]
