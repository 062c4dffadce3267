"""User-facing errors.

Every error the user can see is a :class:`Big20Error` with a message *code* and parameters,
so the UI and the CLI render it in the user's language (``resources/i18n/messages.json``)
and tests can assert on the code instead of parsing text (Anki's lesson: cancel and branch
on types, never on error strings).
"""

from __future__ import annotations

from typing import Any

from core.i18n import tr


class Big20Error(Exception):
    """Base of every error shown to a user.

    ``code`` names a message in the i18n catalog; ``params`` fill its placeholders.
    ``str(err)`` is the English text, ``err.localized("ko")`` the Korean one.
    """

    code: str = "error.generic"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(self.localized("en"))

    def localized(self, lang: str = "en") -> str:
        return tr(self.code, lang, **self.params)


class SettingsError(Big20Error):
    """A settings file that cannot be read, or a key in it with a bad value."""

    code = "settings.invalid_value"


class SecretStoreError(Big20Error):
    code = "secrets.unavailable"


class ModelError(Big20Error):
    """Model catalog, download and verification problems."""

    code = "models.error"


class InvalidTransition(Big20Error):
    """An interview state change the state machine does not allow."""

    code = "interview.invalid_transition"


class InputError(Big20Error):
    """Bad user input (a file, a field): what was wrong and what to do. ``field``: the input
    field at fault when there is one (the server's 422 names it)."""

    code = "input.invalid"

    def __init__(self, code: str | None = None, /, *, field: str | None = None, **params: Any) -> None:
        self.field = field
        super().__init__(code, **params)


class Conflict(InputError):
    """Input the stored data refuses (a taken username, a bundle that contradicts the server's
    data): resending it cannot help; the server answers 409."""


class NotFound(Big20Error):
    code = "db.not_found"


class DeviceError(Big20Error):
    """A camera, microphone or other capture device that is missing or busy."""

    code = "device.unavailable"


class EngineError(Big20Error):
    """An engine (LLM, STT, vision ...) failed; the caller decides what that means for the user."""

    code = "engine.failed"


class Cancelled(Big20Error):
    """A cancellable task was cancelled through its token."""

    code = "task.cancelled"
