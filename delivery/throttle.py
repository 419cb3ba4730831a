"""Rate limit of the investors' links and the public offering pages, per client address (django-ratelimit).

Rule: one client address may make ``PORTAL_LINK_RATE_LIMIT`` requests (default 60 a minute) to the personal
pages, their downloads and acknowledgements and the public offering pages and downloads, all together; more are
refused with 429 and ``Retry-After`` until the window ends. The count is kept in the ``default`` cache, which in
production must be one every worker shares (the database cache or Redis). An IPv6 client counts by its /64.

Every refusal leaves evidence, throttled so that a flood writes little: for a live personal link a
``rate_limited`` DeliveryEvent (at most one per link per window); otherwise a warning on the ``delivery.security``
log (at most one per client address per window), which names a token only by a prefix of its SHA-256.
"""

import hashlib
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

from . import conf, selectors
from .services import evidence

GROUP = "delivery.links"
# What a failing cache raises: Redis (connection refused, timeout), the database cache, a socket.
CACHE_ERRORS = (RedisError, DatabaseError, OSError)
CACHE_ERROR_LOG_SECONDS = 60
_last_cache_error: float | None = None
IPV6_PREFIX = 64
TOKEN_HASH_SHOWN = 12  # hex digits of a token's SHA-256 in the log

security_log = logging.getLogger("delivery.security")


def client_bucket(ip_address: str | None) -> str:
    """What the limit counts by: the IPv4 address, the /64 of an IPv6 one, "unknown" when there is none."""
    if ip_address is None:
        return "unknown"
    address = ipaddress.ip_address(ip_address)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def token_digest(token: str) -> str:
    """SHA-256 of whatever the URL carried as a token (malformed ones too), for cache keys and the log."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def retry_after(
    request: HttpRequest, *, ip_address: str | None, user_agent: str, page: str, token: str | None = None
) -> int | None:
    """Count this request; None when it is allowed, else the seconds until the client may try again (the
    refusal's evidence already recorded). ``page`` names what was asked for, e.g. "personal page"."""
    rate = conf.link_rate_limit()
    if rate is None:
        return None
    bucket = client_bucket(ip_address)
    try:
        usage = get_usage(request, group=GROUP, key=lambda group, request: bucket, rate=rate, increment=True)
    except CACHE_ERRORS as error:
        return _cache_failed(page, f"{type(error).__name__}: {error}")
    if usage is not None and usage["time_left"] < 0:  # django-ratelimit's answer when the count came back empty
        return _cache_failed(page, "the counter could not be read or increased")
    if usage is None or not usage["should_limit"]:
        return None
    seconds = max(int(usage["time_left"]), 1)
    _record_refusal(
        bucket=bucket, ip_address=ip_address, user_agent=user_agent, page=page, token=token, rate=rate, seconds=seconds
    )
    return seconds


class LimitUnavailable(Exception):
    """The cache the limit counts in failed and ``PORTAL_RATE_LIMIT_FAIL_OPEN`` is off: the view answers 503."""


def _cache_failed(page: str, reason: str) -> None:
    """Rule: a request the limit cannot count is served when ``PORTAL_RATE_LIMIT_FAIL_OPEN`` (the default; links are
    unguessable, the limit guards load) and refused with ``LimitUnavailable`` otherwise; either way an error on
    the ``delivery.security`` log, at most one a minute per process (the cache cannot throttle it now)."""
    global _last_cache_error
    now = time.monotonic()
    if _last_cache_error is None or now - _last_cache_error >= CACHE_ERROR_LOG_SECONDS:
        _last_cache_error = now
        security_log.error(
            "The rate limit's cache failed on the %s (%s); requests are %s until it answers. Further failures in "
            "the next %d s are not logged.",
            page,
            reason,
            "served uncounted" if settings.PORTAL_RATE_LIMIT_FAIL_OPEN else "refused with 503",
            CACHE_ERROR_LOG_SECONDS,
        )
    if settings.PORTAL_RATE_LIMIT_FAIL_OPEN:
        return None
    raise LimitUnavailable(reason)


def _first_in_window(key: str, seconds: int) -> bool:
    """True once per ``key`` until ``seconds`` have passed (a marker in the cache the limit counts in)."""
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    try:
        return cache.add(f"{GROUP}.refused:{key}", 1, timeout=seconds)
    except CACHE_ERRORS:  # the cache failed after counting: record the refusal rather than fail the page
        return True


def _record_refusal(
    *, bucket: str, ip_address: str | None, user_agent: str, page: str, token: str | None, rate: str, seconds: int
) -> None:
    detail = f"429 on the {page}: more than {rate} requests from this address"
    digest = token_digest(token) if token else None
    if digest and _first_in_window(f"token:{digest}", seconds):
        delivery = selectors.delivery_for_token(token=token)
        if delivery is not None:
            evidence.record_rate_limited(delivery=delivery, ip_address=ip_address, user_agent=user_agent, detail=detail)
            return
    if _first_in_window(f"client:{bucket}", seconds):
        link = f", link sha256 {digest[:TOKEN_HASH_SHOWN]}..." if digest else ""
        security_log.warning(
            "Too many requests: refused the %s for %s%s (limit %s); further refusals of this address in the next "
            "%d s are not logged.",
            page,
            bucket,
            link,
            rate,
            seconds,
        )
