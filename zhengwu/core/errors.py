"""The one error hierarchy (CONVENTIONS rule 6).

Services raise ``DomainError`` subclasses with a stable machine ``code`` and a Chinese
``message``. The API turns them into 4xx JSON ``{"code", "message", "details"}``; pages
turn them into form errors. Nothing a user can send should surface as a 500.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details}


class ValidationFailed(DomainError):
    status = 400
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class RateLimited(DomainError):
    """Too many attempts: answered 429, with ``Retry-After`` when ``retry_after`` is known."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None, retry_after: int = 0):
        super().__init__(message, code=code, details=details)
        self.retry_after = max(0, int(retry_after or 0))


class PayloadTooLarge(DomainError):
    status = 413
    code = "body_too_large"
