"""The product's URLs plus the benchmark's reference views, for benchmarks/serving.py (benchmarks/bench_settings.py).

``/bench/minimal/`` is the least a Django view can do. ``/bench/floor/<token>/`` is the least the personal page may
do and still meet its rules: find the live link (``delivery_for_token``) and record the view durably
(``record_open``), answering a constant body with no template and no rate limit; ``/bench/floor-limited/<token>/``
adds the rate limit's count (``delivery.throttle``). They show how much of the page's cost the rules themselves set.
"""

from django.http import HttpResponse
from django.urls import include, path

from delivery import selectors, throttle, views
from delivery.services import evidence


def minimal(request):
    """The least a Django view can do: the baseline the personal page is compared with."""
    return HttpResponse("ok", content_type="text/plain")


def floor(request, token: str):
    """The personal page's required work only: the link lookup and its evidence row."""
    delivery = selectors.delivery_for_token(token=token)
    if delivery is None:
        return views.not_found()
    evidence.record_open(delivery=delivery, **views._link_holder(request))
    return HttpResponse("ok", content_type="text/plain")


def floor_limited(request, token: str):
    """The same with the rate limit counted first, as every link view does."""
    if throttle.retry_after(request, page="personal page", token=token, **views._link_holder(request)) is not None:
        return views.too_many_requests(1)
    return floor(request, token)


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/floor/<str:token>/", floor),
    path("bench/floor-limited/<str:token>/", floor_limited),
    path("", include("portal.urls")),
]
