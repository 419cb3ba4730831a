"""The portal's own address: the one base URL every link staff or investors are given starts with."""

from urllib.parse import urlsplit

from django.conf import settings

# Hosts that name this machine: a link to them opens only on the portal's own computer.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})  # noqa: S104 (recognised, not bound)


def base_url() -> str:
    """Scheme, host and port the portal is reached at (``PORTAL_BASE_URL``, default http://127.0.0.1:8000).

    One source for links in emails, command output, admin pages and the sign-in hint of ``make run``, so
    that what staff see is what investors get. No trailing slash.
    """
    return str(settings.DELIVERY_BASE_URL).rstrip("/")


def base_url_problems(url: str) -> list[str]:
    """What makes ``url`` unfit as a production base URL: not https, or a loopback or localhost host."""
    parts = urlsplit(url)
    problems = []
    if parts.scheme != "https":
        problems.append("it is not https")
    host = (parts.hostname or "").lower()
    if not host:
        problems.append("it names no host")
    elif host in LOOPBACK_HOSTS or host.endswith(".localhost") or host.startswith("127."):
        problems.append(f"{host} is this machine's own address, which investors cannot reach")
    return problems
