"""Domain errors raised by services; ``web.py`` turns them into responses.

Messages are lazy translated strings so a service stays free of the request and the
view shows them in the reader's language.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; ``code`` is the stable machine-readable name."""

    status = 400
    code = "error"

    def __init__(self, message: str = "", *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unavailable(DomainError):
    """The work could not be done now (a time limit, a busy resource); trying later may work."""

    status = 503
    code = "unavailable"


class RuleViolation(DomainError):
    """Input that is well-formed but breaks a rule; ``fields`` maps field names to messages."""

    status = 422
    code = "invalid"

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        field: str | None = None,
        fields: dict[str, str] | None = None,
    ):
        super().__init__(message, code=code, field=field)
        self.fields = dict(fields or {})
        if field and field not in self.fields:
            self.fields[field] = message
