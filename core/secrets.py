"""Secrets (Deepgram key, server tokens) through the OS keyring, never in files or logs.

An environment variable ``BIG20_SECRET_<NAME>`` overrides the keyring (CI, servers).
Values read here are registered with the log redactor so they can never reach a log line.
Thread-safe as far as the keyring backend is.
"""

from __future__ import annotations

import os

from core.errors import SecretStoreError
from core.logging_setup import register_secret

SERVICE = "big20-interview"
KNOWN_SECRETS = ("deepgram_api_key", "server_access_token", "server_refresh_token")


class SecretStore:
    """Keyring-backed secret store for one service name."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    @staticmethod
    def _env_name(name: str) -> str:
        return "BIG20_SECRET_" + name.upper()

    def get(self, name: str) -> str | None:
        env = os.environ.get(self._env_name(name))
        if env:
            register_secret(env)
            return env
        import keyring
        from keyring.errors import KeyringError

        try:
            value = keyring.get_password(self.service, name)
        except KeyringError as exc:
            raise SecretStoreError("secrets.unavailable", name=name, env=self._env_name(name),
                                   reason=type(exc).__name__) from exc
        if value:
            register_secret(value)
        return value

    def set(self, name: str, value: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        register_secret(value)
        try:
            keyring.set_password(self.service, name, value)
        except KeyringError as exc:
            raise SecretStoreError("secrets.unavailable", name=name, env=self._env_name(name),
                                   reason=type(exc).__name__) from exc

    def delete(self, name: str) -> None:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(self.service, name)
        except PasswordDeleteError:
            return
        except KeyringError as exc:
            raise SecretStoreError("secrets.unavailable", name=name, env=self._env_name(name),
                                   reason=type(exc).__name__) from exc


class MemorySecretStore:
    """The :class:`SecretStore` interface over this process's memory, for headless tools that
    run where no keyring service exists (benchmarks). Never written to disk; values are
    registered with the log redactor like the keyring's. Thread-safe for single calls (dict)."""

    def __init__(self) -> None:
        self._d: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._d.get(name)

    def set(self, name: str, value: str) -> None:
        register_secret(value)
        self._d[name] = value

    def delete(self, name: str) -> None:
        self._d.pop(name, None)
