"""Domain errors: raised by services, shown as form errors on pages and JSON errors in the API."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. `code` is stable for API clients; `message` is for people."""

    status = 422
    code = "invalid"

    def __init__(self, message, *, code: str | None = None, fields: dict | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.fields = dict(fields or {})

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {key: str(value) for key, value in self.fields.items()},
        }


class BadRequest(DomainError):
    """The request itself is malformed (not a rule about its content): a 400."""

    status = 400
    code = "bad_request"


class ValidationError(DomainError):
    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


def collect(errors: dict) -> None:
    """Raise one ValidationError naming every bad field, so a form shows all problems at once."""
    if errors:
        first = next(iter(errors.values()))
        raise ValidationError(first, fields=errors)
