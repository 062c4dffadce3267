"""Every message exists in Korean and English with the same placeholders."""

from __future__ import annotations

import string

from core.i18n import _catalog, tr


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_key_is_bilingual_with_matching_placeholders():
    catalog = _catalog()
    assert catalog
    for key, entry in catalog.items():
        assert entry.get("en") and entry.get("ko"), key
        assert _fields(entry["en"]) == _fields(entry["ko"]), key


def test_tr_falls_back_and_fills():
    assert tr("models.unknown_id", "ko", id="x", known="a, b").startswith("'x'")
    assert tr("no.such.key") == "no.such.key"
    assert "{known}" in tr("models.unknown_id", "en", id="x")
