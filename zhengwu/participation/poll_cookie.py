"""The signed browser token that anonymous polls count by (one response per browser).

Weakness, by design of the anonymous mode: clearing cookies, another browser or a private
window gives a new token. The per-IP rate limit bounds how fast that can be repeated
from one address; questionnaires where one person must have one voice use the
real-name mode instead. SameSite=Lax keeps a third-party page from voting with a
visitor's token (the cookie is not sent on cross-site POSTs).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.signing import BadSignature

POLL_COOKIE = "zw_poll"
POLL_COOKIE_SALT = "zhengwu.participation.poll"
POLL_COOKIE_AGE = 365 * 24 * 3600


def browser_token_read(request) -> str | None:
    try:
        token = request.get_signed_cookie(POLL_COOKIE, default=None, salt=POLL_COOKIE_SALT)
    except BadSignature:
        return None
    return token if token and len(token) <= 64 else None


def browser_token_ensure(request, response, token: str | None) -> None:
    """Give the browser a token when it has none (pages and the API's detail call)."""
    if token is None:
        response.set_signed_cookie(
            POLL_COOKIE, secrets.token_urlsafe(24), salt=POLL_COOKIE_SALT, max_age=POLL_COOKIE_AGE,
            httponly=True, samesite="Lax", secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        )
