from .base import *  # noqa: F403
from .base import MIDDLEWARE, STORAGES, cache_from_env, env, logging_config

DEBUG = False
# No default: production refuses to start without a secret key.
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Operations (issue 14): a load balancer probes /health/ over plain HTTP; portal.health answers it before this
# redirect in any case, and the exemption keeps it so if the middleware order changes.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Security headers (issue 12): HSTS for one year, subdomains included, eligible for the browsers' preload list.
# A first deployment on a new domain may start lower (DJANGO_SECURE_HSTS_SECONDS=300) and raise it once HTTPS
# works everywhere; `make check-deploy` passes with these defaults.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Staff authentication (issue 12): the admin asks for a second factor unless PORTAL_REQUIRE_MFA=false.
PORTAL_REQUIRE_MFA = env.bool("PORTAL_REQUIRE_MFA", default=True)
# Public endpoints and query parameters (issue 12): the rate limit counts in a cache every worker shares; by
# default the database's table portal_cache (made by delivery's migration 0004; 100,000 counters before culling).
# Redis is faster (one round trip per count, portal.cache): CACHE_URL=redis://host:6379/1.
CACHES = {"default": cache_from_env("dbcache://portal_cache?max_entries=100000")}

# Operations (issue 14, docs/operations.md): JSON log lines and a line per request by default.
PORTAL_LOG_FORMAT = env("PORTAL_LOG_FORMAT", default="json")
PORTAL_REQUEST_LOG = env.bool("PORTAL_REQUEST_LOG", default=True)
LOGGING = logging_config(PORTAL_LOG_FORMAT)
# Static files under content-hashed names, compressed by collectstatic (gzip; Brotli too when the brotli package is
# installed) with WhiteNoise's storage on Django's ManifestStaticFilesStorage, served by WhiteNoise's middleware
# right after SecurityMiddleware, with far-future cache headers. `manage.py collectstatic` must run before the
# portal starts: a template naming a static file missing from the manifest fails to render.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
