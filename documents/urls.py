from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("supplements/<int:supplement_id>/preview.<str:format>", views.preview, name="preview"),
    path("supplements/<int:supplement_id>/download.<str:format>", views.download, name="download"),
]
