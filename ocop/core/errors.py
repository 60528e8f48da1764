"""One error type for the whole platform: a stable code for machines and a translated message for people."""


class OcopError(Exception):
    """Raised by services and pure logic. The API returns {code, message}; the UI shows the message."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, details: object = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.details = details

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        if self.details is not None:
            data["details"] = self.details
        return data


class NotFound(OcopError):
    status = 404


class PermissionDenied(OcopError):
    status = 403
