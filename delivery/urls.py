from django.urls import path, re_path

from . import views

app_name = "delivery"
urlpatterns = [
    path("offerings/<str:file_number>/", views.offering_page, name="offering"),
    path(
        "offerings/<str:file_number>/documents/<int:document_id>/",
        views.offering_download,
        name="offering-download",
    ),
    path("d/<str:token>/", views.personal_page, name="personal"),
    path("d/<str:token>/documents/<int:document_id>/", views.personal_download, name="personal-download"),
    path("d/<str:token>/acknowledge/", views.acknowledge, name="acknowledge"),
    # Anything else under /d/ gets the same 404 as an unknown token.
    re_path(r"^d(?:/.*)?$", views.link_not_found),
]
