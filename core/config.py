"""Settings: a pydantic model saved as TOML in the platform config directory.

Precedence: defaults < settings file < environment (``BIG20_<FIELD>``, nested with ``__``,
e.g. ``BIG20_VISION__EMOTION_INTERVAL_S=3``). Secrets are never settings: they live in the
keyring (:mod:`core.secrets`).

A settings file with junk does not stop the app: every bad key keeps its default and is
reported as a :class:`~core.errors.SettingsError` that names the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import SettingsError
from core.paths import app_paths

ENV_PREFIX = "BIG20_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ModelChoice(_Section):
    """Which catalog model serves each capability (None: the best installed one)."""

    llm: str | None = None
    evaluator: str | None = None
    stt: str | None = None
    emotion: str | None = None
    embed: str | None = None


class SpeechSettings(_Section):
    language: Literal["ko", "en"] = "ko"
    end_silence_s: float = Field(1.2, ge=0.3, le=5.0)
    min_answer_s: float = Field(2.0, ge=0.0, le=60.0)
    max_answer_s: float = Field(180.0, ge=10.0, le=900.0)
    use_deepgram: bool = True


class VisionSettings(_Section):
    camera_index: int = Field(0, ge=0)
    width: int = Field(640, ge=160)
    height: int = Field(480, ge=120)
    fps: int = Field(30, ge=1, le=120)
    emotion_interval_s: float = Field(2.0, ge=0.5, le=60.0)
    face_visible_threshold: float = Field(0.6, ge=0.0, le=1.0)


class UiSettings(_Section):
    """Desktop look and behaviour (the desktop app's own choices)."""

    theme: Literal["light", "dark"] = "light"
    read_questions_aloud: bool = True
    gaze_overlay: bool = True
    microphone: str | None = None  # an input device name substring; None: the system default


class SyncSettings(_Section):
    server_url: str = "http://127.0.0.1:8020"
    enabled: bool = False


def system_language() -> Literal["ko", "en"]:
    """Korean when the OS locale is Korean, English otherwise (the user can change it)."""
    import locale

    for value in (os.environ.get("LC_ALL"), os.environ.get("LC_MESSAGES"), os.environ.get("LANG"),
                  (locale.getlocale()[0] or "")):
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


class Settings(_Section):
    language: Literal["ko", "en"] = Field(default_factory=system_language)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    database_url: str | None = None  # None: SQLite file in the data directory
    models: ModelChoice = Field(default_factory=ModelChoice)
    speech: SpeechSettings = Field(default_factory=SpeechSettings)
    vision: VisionSettings = Field(default_factory=VisionSettings)
    sync: SyncSettings = Field(default_factory=SyncSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    questions_per_interview: int = Field(6, ge=1, le=30)
    # follow-ups (꼬리 질문) per interview of questions_per_interview questions, scaled for
    # other lengths; never two in a row, none after a "don't know"
    follow_ups_per_interview: int = Field(2, ge=0, le=10)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{app_paths().database_file}"


@dataclass
class LoadedSettings:
    settings: Settings
    path: Path
    errors: list[SettingsError] = field(default_factory=list)


# A settings document as TOML, the environment or ``model_dump`` give it: tables of values.
SettingsTree = dict[str, object]


def _set_dotted(target: SettingsTree, dotted: tuple[str, ...], value: str) -> None:
    for part in dotted[:-1]:
        table = target.setdefault(part, {})
        if not isinstance(table, dict):  # BIG20_A=x beside BIG20_A__B=y: the table wins
            table = target[part] = {}
        target = table
    target[dotted[-1]] = value


def _drop_dotted(target: object, dotted: tuple[str | int, ...]) -> None:
    for part in dotted[:-1]:
        nxt = target.get(part) if isinstance(target, dict) else None
        if not isinstance(nxt, dict):
            return
        target = nxt
    if isinstance(target, dict):
        target.pop(dotted[-1], None)


def _env_overrides() -> SettingsTree:
    out: SettingsTree = {}
    for name, value in os.environ.items():
        if not name.startswith(ENV_PREFIX) or name in ("BIG20_HOME", "BIG20_MODELS_DIR"):
            continue
        dotted = tuple(p.lower() for p in name[len(ENV_PREFIX):].split("__"))
        if dotted[0] not in Settings.model_fields:
            continue
        _set_dotted(out, dotted, value)
    return out


def _merge(base: SettingsTree, extra: SettingsTree) -> SettingsTree:
    merged = dict(base)
    for k, v in extra.items():
        current = merged.get(k)
        if isinstance(v, dict) and isinstance(current, dict):
            merged[k] = _merge(current, v)
        else:
            merged[k] = v
    return merged


def _validate_keeping_defaults(data: SettingsTree, origin: str) -> tuple[Settings, list[SettingsError]]:
    """Validate; drop each offending key (so it keeps its default) and report it."""
    errors: list[SettingsError] = []
    for _ in range(50):  # each pass removes at least one bad key
        try:
            return Settings.model_validate(data), errors
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                key = ".".join(str(p) for p in loc) or "(root)"
                errors.append(SettingsError("settings.invalid_value", file=origin, key=key,
                                            reason=err["msg"]))
                if loc:
                    _drop_dotted(data, loc)
                else:
                    data = {}
    return Settings(), errors


def load_settings(path: Path | None = None) -> LoadedSettings:
    """Read settings from ``path`` (default: the platform settings file) plus the environment.

    Never raises for bad content: unreadable files and bad keys become ``errors`` and the
    defaults stay in force for what they touched.
    """
    path = path or app_paths().settings_file
    errors: list[SettingsError] = []
    file_data: SettingsTree = {}
    if path.exists():
        try:
            file_data = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            errors.append(SettingsError("settings.unreadable", file=str(path), reason=str(exc)))
        except OSError as exc:
            errors.append(SettingsError("settings.unreadable", file=str(path), reason=exc.strerror or str(exc)))
    settings, file_errors = _validate_keeping_defaults(file_data, str(path))
    errors.extend(file_errors)
    env = _env_overrides()
    if env:
        merged = _merge(settings.model_dump(), env)
        settings, env_errors = _validate_keeping_defaults(merged, "environment (BIG20_*)")
        errors.extend(env_errors)
    return LoadedSettings(settings=settings, path=path, errors=errors)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` as TOML atomically (write to a temp file, then rename)."""
    import tomli_w

    path = path or app_paths().settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    data = settings.model_dump(exclude_none=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data), "utf-8")
    os.replace(tmp, path)
    return path
