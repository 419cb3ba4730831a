"""When the cache the link rate limit counts in fails (Redis stopped), the link pages never answer 500: served
uncounted with PORTAL_RATE_LIMIT_FAIL_OPEN (the default), else 503 with Retry-After; an error logged, at most once a
minute per process (delivery.throttle)."""

import logging

import pytest
from django.core.cache import caches
from django.test import override_settings

from benchmarks.delivery_load import free_port
from delivery import throttle
from delivery.models import DeliveryEvent, EventKind
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration


@pytest.fixture
def stopped_redis(settings, monkeypatch):
    """The production backend pointed at a loopback port where no redis-server runs."""
    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # a port nothing listens on
    config = {"BACKEND": "portal.cache.RedisCache", "LOCATION": nowhere}
    monkeypatch.setattr(throttle, "_last_cache_error", None)
    with override_settings(CACHES={"default": config}):
        yield caches["default"]


@pytest.fixture
def link(db):
    package = publish_package(actor=TEST_ACTOR, registration=make_registration(investors=1))
    return create_deliveries(actor=TEST_ACTOR, package_version=package)[0]


def test_with_redis_stopped_the_personal_page_is_served_uncounted_and_the_failure_logged_once(
    client, link, stopped_redis, settings, caplog
):
    settings.PORTAL_LINK_RATE_LIMIT = "60/m"
    with caplog.at_level(logging.ERROR, logger="delivery.security"):
        first = client.get(f"/d/{link.token}/")
        second = client.get(f"/d/{link.token}/")
    assert (first.status_code, second.status_code) == (200, 200)
    assert DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.PAGE_VIEW).count() == 2
    errors = [r for r in caplog.records if r.name == "delivery.security"]
    assert len(errors) == 1  # once a minute, not once a request
    assert "rate limit's cache failed on the personal page (ConnectionError" in errors[0].getMessage()
    assert "served uncounted" in errors[0].getMessage()


def test_with_fail_open_off_a_stopped_redis_gets_a_named_503_not_a_500(client, link, stopped_redis, settings):
    settings.PORTAL_LINK_RATE_LIMIT = "60/m"
    settings.PORTAL_RATE_LIMIT_FAIL_OPEN = False
    page = client.get(f"/d/{link.token}/")
    public = client.get("/offerings/333-000000/")  # the public pages go through the same limit
    assert page.status_code == public.status_code == 503
    assert page["Retry-After"] == "60"
    assert "try again in a minute; your link still works" in page.content.decode()
    assert not DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.PAGE_VIEW).exists()


def test_an_empty_count_from_django_ratelimit_is_a_cache_failure_not_a_one_second_429(
    client, link, settings, monkeypatch
):
    """django-ratelimit answers should_limit with time_left -1 when its counter came back empty (it expired
    between its add and its increment): served with fail-open, never a spurious 429."""
    settings.PORTAL_LINK_RATE_LIMIT = "60/m"
    monkeypatch.setattr(throttle, "_last_cache_error", None)
    empty = {"count": 0, "limit": 0, "should_limit": True, "time_left": -1}
    monkeypatch.setattr(throttle, "get_usage", lambda *args, **kwargs: empty)
    assert client.get(f"/d/{link.token}/").status_code == 200
    settings.PORTAL_RATE_LIMIT_FAIL_OPEN = False
    assert client.get(f"/d/{link.token}/").status_code == 503
