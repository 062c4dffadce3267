"""Logging to the platform log directory (rotating) and the console.

A redacting filter sits on every handler: values registered through :func:`register_secret`
(keyring secrets, tokens) and anything shaped like a bearer token, a JWT or an API key are
masked before a record is written. Resume text, transcripts and passwords are never logged by
convention; the filter is the safety net for secrets.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from pathlib import Path

_MASK = "[REDACTED]"
_secrets: set[str] = set()
_lock = threading.Lock()
_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]{8,}"),
    re.compile(r"eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}"),  # JWT
    re.compile(r"(?i)((?:api[_-]?key|token|password|secret|authorization)\s*[=:]\s*)['\"]?[^\s'\",]{4,}"),
    re.compile(r"(?i)(token\s+)[0-9a-f]{32,}"),  # Deepgram's "Authorization: Token <key>"
]


def register_secret(value: str | None) -> None:
    """Remember a secret value so that no log line can ever contain it."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for s in secrets:
        text = text.replace(s, _MASK)
    for pat in _PATTERNS:
        text = pat.sub(lambda m: (m.group(1) if m.groups() else "") + _MASK, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        clean = redact(msg)
        if clean != msg:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, redacted, so the raw exception text is never written.
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(formatted)
            record.exc_info = None
        return True


_FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"


def setup_logging(log_file: Path, console_level: str = "INFO", *, max_bytes: int = 2_000_000,
                  backups: int = 5) -> logging.Logger:
    """Configure the root logger once per process; returns it. Idempotent."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_big20", False):
            root.removeHandler(h)
            h.close()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=max_bytes,
                                                        backupCount=backups, encoding="utf-8")
    file_handler.setLevel(logging.DEBUG)
    console = logging.StreamHandler()
    console.setLevel(getattr(logging, console_level.upper(), logging.INFO))
    handlers: tuple[logging.Handler, ...] = (file_handler, console)
    for h in handlers:
        h._big20 = True  # type: ignore[attr-defined]  # marks our handlers for the next setup
        h.setFormatter(logging.Formatter(_FORMAT))
        h.addFilter(RedactingFilter())
        root.addHandler(h)
    root.setLevel(logging.DEBUG)
    for noisy in ("httpx", "httpcore", "urllib3", "matplotlib", "PIL", "asyncio", "aioice", "aiortc",
                  "alembic", "websockets", "faster_whisper"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return root
