"""Message catalog for user-visible text outside Qt (CLI output, errors, reports).

The catalog is every ``resources/i18n/*.json`` file (one per area: core, models, vision ...),
each ``{key: {"en": ..., "ko": ...}}``; a key defined twice is a packaging error.
Qt widgets use the same catalog through :func:`tr` so there is one place to translate.
Thread-safe: the catalog is read once and never mutated.
"""

from __future__ import annotations

import json
import string
from functools import lru_cache
from importlib import resources

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def _catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("resources").joinpath("i18n")
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".json"):
            continue
        part = json.loads(item.read_text("utf-8"))
        dup = set(part) & set(merged)
        if dup:
            raise ValueError(f"i18n keys defined twice ({item.name}): {sorted(dup)}")
        merged.update(part)
    return merged


class _Lenient(dict):
    def __missing__(self, key: str) -> str:  # a missing parameter must not hide the message
        return "{" + key + "}"


class Msg:
    """A message key with its parameters, given as a parameter of another message: it is
    translated into the outer message's language (an error raised deep in an engine says
    "the default input device" in English and "기본 입력 장치" in Korean, never one inside the
    other). Immutable."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return tr(self.key, DEFAULT_LANGUAGE, **self.params)

    def __repr__(self) -> str:
        return f"Msg({self.key!r})"


def tr(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Return the message ``key`` in ``lang`` (falling back to English, then to the key);
    a :class:`Msg` parameter is translated into ``lang`` too. With ``n=1`` the key's
    singular form ``<key>.one`` is used where the catalog has one."""
    entry = _catalog().get(key)
    if params.get("n") == 1 and f"{key}.one" in _catalog():
        entry = _catalog()[f"{key}.one"]  # "1 question", not "1 questions"
    if entry is None:
        template = key
    else:
        template = entry.get(lang) or entry.get(DEFAULT_LANGUAGE) or key
    if not params:
        return template
    params = {k: tr(v.key, lang, **v.params) if isinstance(v, Msg) else v for k, v in params.items()}
    return string.Formatter().vformat(template, (), _Lenient(params))


def keys() -> list[str]:
    return sorted(_catalog())
