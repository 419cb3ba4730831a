from .base import *  # noqa: F403
from .base import BASE_DIR, env

SECRET_KEY = "test-only-not-secret-prospectus-portal"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "build" / "test-media")
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Public endpoints and query parameters (issue 12): tests make thousands of link requests from one address; the
# tests of the rate limit set a low PORTAL_LINK_RATE_LIMIT themselves.
PORTAL_LINK_RATE_LIMIT = env("PORTAL_LINK_RATE_LIMIT", default="100000/m")
