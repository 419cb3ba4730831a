"""Django's Redis cache with an ``incr`` that is one atomic round trip (the rate limit's counter, issue 14), and
one ``redis.Redis`` client per connection pool instead of a new one for every command (0.3 ms of CPU each).

Django's own ``RedisCache.incr`` asks ``EXISTS`` and then ``INCRBY``: two round trips, and a counter that expires
between them comes back without an expiry (a client refused for ever). Here a server-side script increments
only a key that exists, in one step; a missing key is ``ValueError`` as Django's contract says. Production
selects it for every ``redis://`` ``CACHE_URL`` (portal/settings/production.py).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


class AtomicIncrClient(RedisCacheClient):
    _script = None  # registered once (EVALSHA afterwards), run on the key's own client

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}  # id(pool) -> redis.Redis (thread-safe: each command takes a pooled connection)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        if self._script is None:
            self._script = client.register_script(_INCR_EXISTING)
        value = self._script(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``AtomicIncrClient``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = AtomicIncrClient
