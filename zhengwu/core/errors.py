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


class FieldErrors:
    """Collect every field's ``ValidationFailed`` of one form, then raise them together.

    A citizen who made three mistakes must see three messages at once, not one per
    submission. A service wraps each independent check in ``capture``; ``raise_if_any``
    then raises one ``ValidationFailed`` whose ``details["errors"]`` maps each field to
    its messages (``None`` for errors that belong to no field). Pages show them next to
    the fields, the API returns them in ``details``.
    """

    def __init__(self):
        self.errors: dict[str | None, list[str]] = {}
        self.codes: list[str] = []
        self.details: list[dict] = []

    def add(self, field: str | None, message: str, code: str = "", details: dict | None = None) -> None:
        self.errors.setdefault(field or None, []).append(message)
        self.codes.append(code)
        self.details.append(details or {})

    def capture(self, fn, *args, **kwargs):
        """Call ``fn``; on ``ValidationFailed`` record it under its field and return None."""
        try:
            return fn(*args, **kwargs)
        except ValidationFailed as exc:
            self.add_exception(exc)
            return None

    def add_exception(self, exc: DomainError) -> None:
        nested = exc.details.get("errors") if isinstance(exc.details, dict) else None
        if isinstance(nested, dict):
            for field, messages in nested.items():
                for message in messages:
                    self.add(None if field == "__all__" else field, message)
            return
        self.add(exc.details.get("field"), exc.message, exc.code, exc.details)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        count = sum(len(m) for m in self.errors.values())
        first = next(iter(self.errors.values()))[0]
        message = first if count == 1 else f"提交的内容有 {count} 处需要修改:" + ";".join(
            m for messages in self.errors.values() for m in messages
        )
        # One mistake keeps its own code (clients and tests rely on it); several are "form_invalid".
        raise ValidationFailed(
            message, code=(self.codes[0] or "form_invalid") if count == 1 else "form_invalid",
            details={**(self.details[0] if count == 1 else {}),
                     "errors": {("__all__" if k is None else k): v for k, v in self.errors.items()}},
        )


def errors_by_field(exc: DomainError) -> dict[str, list[str]]:
    """A page's view of any ``DomainError``: messages by field name, ``__all__`` for the rest."""
    nested = exc.details.get("errors") if isinstance(exc.details, dict) else None
    if isinstance(nested, dict):
        return {str(k): list(v) for k, v in nested.items()}
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    return {str(field or "__all__"): [exc.message]}
