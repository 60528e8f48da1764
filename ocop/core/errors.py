"""One error type for the whole platform: a stable code for machines and a translated message for people.

Pure modules (no Django: the scoring engine, rubric loading, stamp codes and keys, rate-limit settings)
raise with a Vietnamese msgid marked by `gettext_noop` and its `params`; the message is translated where it
is read (the API's answer, a page, a command's stderr), in the language active there. `translate` is
identity until the core app puts Django's gettext in it (ocop/core/apps.py), so these modules stay usable
and testable without Django.
"""


def gettext_noop(message: str) -> str:
    """Marks a msgid for `makemessages` in a module that imports nothing from Django."""
    return message


def _untranslated(message: str) -> str:
    return message


translate = _untranslated  # replaced by django.utils.translation.gettext in CoreConfig.ready()


class OcopError(Exception):
    """Raised by services and pure logic. The API returns {code, message}; the UI shows the message.

    `message` is either already translated (services: `_("…")`), or, with `params` (a dict, possibly
    empty), a msgid that `message` translates when read and fills with `params`."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        details: object = None,
        params: dict | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.params = params
        self._message = str(message)
        self.field = field
        self.details = details

    @property
    def message(self) -> str:
        if self.params is None:
            return self._message
        text = translate(self._message)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message

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
