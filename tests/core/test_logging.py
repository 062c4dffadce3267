"""Logs rotate in the log directory and never contain a secret."""

from __future__ import annotations

import logging

import pytest

from core.logging_setup import register_secret, setup_logging
from core.secrets import SecretStore


def test_secrets_and_tokens_are_redacted(tmp_path):
    log_file = tmp_path / "logs" / "big20.log"
    setup_logging(log_file, "WARNING")
    store = SecretStore()
    store.set("deepgram_api_key", "dg-0123456789abcdef0123456789abcdef")
    assert store.get("deepgram_api_key") == "dg-0123456789abcdef0123456789abcdef"
    log = logging.getLogger("test.redaction")
    log.info("connecting with key %s", "dg-0123456789abcdef0123456789abcdef")
    log.info("Authorization: Bearer abcdefghijklmnop.qrstu")
    log.info("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl here")
    register_secret("hunter2-password")
    try:
        raise RuntimeError("login failed for hunter2-password")
    except RuntimeError:
        log.exception("boom")
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text("utf-8")
    assert "connecting with key" in text and "[REDACTED]" in text
    for secret in ("dg-0123456789abcdef", "abcdefghijklmnop", "eyJzdWIiOiIxIn0", "hunter2-password"):
        assert secret not in text


def test_log_rotates(tmp_path):
    log_file = tmp_path / "big20.log"
    setup_logging(log_file, "ERROR", max_bytes=2000, backups=2)
    log = logging.getLogger("test.rotation")
    for i in range(200):
        log.info("line %d %s", i, "x" * 50)
    for h in logging.getLogger().handlers:
        h.flush()
    assert (tmp_path / "big20.log.1").exists()
    assert log_file.stat().st_size <= 2000 + 200


def test_environment_secret_overrides_keyring(monkeypatch):
    monkeypatch.setenv("BIG20_SECRET_DEEPGRAM_API_KEY", "from-env-key")
    assert SecretStore().get("deepgram_api_key") == "from-env-key"


def test_missing_keyring_is_a_clear_error(monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    from core.errors import SecretStoreError

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        with pytest.raises(SecretStoreError) as err:
            SecretStore().get("deepgram_api_key")
        assert "BIG20_SECRET_DEEPGRAM_API_KEY" in str(err.value)
    finally:
        keyring.set_keyring(previous)
