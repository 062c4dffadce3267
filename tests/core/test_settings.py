"""Settings: TOML round trip, environment overrides, junk that keeps defaults and names the key."""

from __future__ import annotations

from core.config import Settings, load_settings, save_settings


def test_round_trip(tmp_path):
    path = tmp_path / "settings.toml"
    s = Settings(language="en", log_level="DEBUG")
    s.speech.end_silence_s = 1.5
    save_settings(s, path)
    loaded = load_settings(path)
    assert loaded.errors == []
    assert loaded.settings.language == "en"
    assert loaded.settings.speech.end_silence_s == 1.5


def test_missing_file_gives_defaults(tmp_path):
    loaded = load_settings(tmp_path / "nope.toml")
    assert loaded.errors == []
    assert loaded.settings.speech.end_silence_s == 1.2


def test_bad_values_keep_defaults_and_name_file_and_key(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('language = "fr"\nlog_level = "INFO"\n[speech]\nend_silence_s = "soon"\n'
                    'max_answer_s = 120\n[vision]\nfps = -3\n', "utf-8")
    loaded = load_settings(path)
    s = loaded.settings
    assert s.log_level == "INFO" and s.speech.max_answer_s == 120  # good keys survive
    assert s.speech.end_silence_s == 1.2 and s.vision.fps == 30  # bad keys fall back
    assert s.language in ("ko", "en")
    messages = [e.localized("en") for e in loaded.errors]
    keys = {e.params["key"] for e in loaded.errors}
    assert keys == {"language", "speech.end_silence_s", "vision.fps"}
    assert all(str(path) in m for m in messages)
    assert any("'speech.end_silence_s'" in m for m in messages)
    assert all("기본값" in e.localized("ko") for e in loaded.errors)


def test_unknown_key_is_reported(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('colour = "blue"\n', "utf-8")
    loaded = load_settings(path)
    assert [e.params["key"] for e in loaded.errors] == ["colour"]


def test_unparseable_file_keeps_all_defaults(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_bytes(b"\x00\xff this is [not toml")
    loaded = load_settings(path)
    assert len(loaded.errors) == 1
    assert loaded.errors[0].code == "settings.unreadable"
    assert str(path) in str(loaded.errors[0])
    assert loaded.settings.model_dump() == Settings(language=loaded.settings.language).model_dump()


def test_environment_overrides(tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    path.write_text('log_level = "INFO"\n', "utf-8")
    monkeypatch.setenv("BIG20_LOG_LEVEL", "ERROR")
    monkeypatch.setenv("BIG20_SPEECH__END_SILENCE_S", "2.0")
    monkeypatch.setenv("BIG20_VISION__FPS", "many")
    loaded = load_settings(path)
    assert loaded.settings.log_level == "ERROR"
    assert loaded.settings.speech.end_silence_s == 2.0
    assert loaded.settings.vision.fps == 30
    assert [e.params["key"] for e in loaded.errors] == ["vision.fps"]
