"""The rate limit counting in Redis (issue 14): portal.cache.RedisCache, against a redis-server this test starts
on loopback. Its counter is one atomic round trip, a missing counter is never re-created without its expiry, and
the personal link's limit works through it as through the other caches."""

import shutil
import threading

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from benchmarks.serving import Redis
from delivery.models import DeliveryEvent, EventKind
from delivery.services.links import create_deliveries
from delivery.services.packages import publish_package
from tests.actors import TEST_ACTOR
from tests.delivery.conftest import make_registration

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of its own on a free loopback port, keeping nothing on disk (benchmarks.serving.Redis)."""
    server = Redis(str(tmp_path_factory.mktemp("redis")))
    yield server.url
    server.stop()


@pytest.fixture
def redis_cache(redis_url, monkeypatch):
    """CACHE_URL=redis://... through the settings' own parsing, as production reads it."""
    from portal.settings import base

    monkeypatch.setenv("CACHE_URL", redis_url)
    config = base.cache_from_env("locmemcache://")
    assert config["BACKEND"] == "portal.cache.RedisCache"
    with override_settings(CACHES={"default": config}):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_incr_of_a_missing_counter_is_value_error_and_creates_nothing(redis_cache):
    with pytest.raises(ValueError):
        redis_cache.incr("no-such-counter")
    assert redis_cache.get("no-such-counter") is None


def test_incr_keeps_the_counter_s_expiry(redis_cache):
    redis_cache.add("counter", 0, timeout=30)
    assert redis_cache.incr("counter") == 1
    client = redis_cache._cache.get_client(write=True)
    assert 0 < client.ttl(redis_cache.make_and_validate_key("counter")) <= 30


def test_incr_is_one_round_trip(redis_cache, monkeypatch):
    redis_cache.add("counter", 0, timeout=30)
    redis_cache.incr("counter")  # registers the script
    sent = []
    execute = redis.Redis.execute_command

    def counting(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    for _ in range(20):
        redis_cache.incr("counter")
    monkeypatch.undo()
    assert sent == ["EVALSHA"] * 20
    assert redis_cache.get("counter") == 21


def test_concurrent_increments_are_all_counted(redis_cache):
    redis_cache.add("counter", 0, timeout=60)

    def hit():
        for _ in range(100):
            redis_cache.incr("counter")

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("counter") == 800


def test_the_personal_link_s_rate_limit_counts_in_redis(client, db, redis_cache, settings):
    settings.PORTAL_LINK_RATE_LIMIT = "3/m"
    package = publish_package(actor=TEST_ACTOR, registration=make_registration(investors=1))
    link = create_deliveries(actor=TEST_ACTOR, package_version=package)[0]
    for _ in range(3):
        assert client.get(f"/d/{link.token}/").status_code == 200
    refused = client.get(f"/d/{link.token}/")
    assert refused.status_code == 429
    assert DeliveryEvent.objects.filter(delivery=link.delivery, kind=EventKind.RATE_LIMITED).count() == 1
    assert any(key for key in redis_cache._cache.get_client().keys("*"))
