"""Fixtures for the speech tests (helpers live in speech_media.py)."""

from speech_media import espeak, whisper_model  # noqa: F401 - pytest fixtures
