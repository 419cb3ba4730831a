"""The product's URLs plus /bench/minimal/, for benchmarks/serving.py (benchmarks/bench_settings.py)."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    """The least a Django view can do: the baseline the personal page is compared with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("", include("portal.urls")),
]
