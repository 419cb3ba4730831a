"""Personal link tokens: 256 random bits, shown once, stored only as their SHA-256."""

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# secrets.token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet, without padding.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}\Z")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_well_formed(token: str) -> bool:
    """Malformed tokens are turned away before the database is asked."""
    return bool(TOKEN_RE.match(token))
