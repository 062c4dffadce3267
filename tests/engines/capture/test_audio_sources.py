"""Audio sources: the file source behaves like a microphone; no microphone is a clear error."""

from __future__ import annotations


import numpy as np
import pytest

from core.errors import DeviceError, InputError
from engines.capture.audio import FileAudioSource, MicrophoneAudioSource, levels


def test_file_source_resamples_and_delivers_all_blocks(shared_data):
    src = FileAudioSource(shared_data / "speech/ko/emotiontts/pfi00017.wav", speed=0, tail_silence_s=0.5)
    got, times = [], []
    src.start(lambda b, t: (got.append(b), times.append(t)))
    assert src.done.wait(30)
    src.stop()
    audio = np.concatenate(got)
    assert audio.dtype == np.float32 and len(audio) == len(src.audio)
    assert abs(len(audio) / 16000 - (4.14 + 0.5)) < 0.05  # 22.05 kHz file -> 16 kHz
    assert times[1] - times[0] == pytest.approx(512 / 16000)


def test_levels():
    assert levels(np.zeros(512, np.float32)).rms_dbfs == -100.0
    full = levels(np.ones(512, np.float32))
    assert full.rms_dbfs == pytest.approx(0.0) and full.peak_dbfs == pytest.approx(0.0)
    half = levels(np.full(512, 0.5, np.float32))
    assert half.peak_dbfs == pytest.approx(-6.02, abs=0.01)


def test_no_microphone_names_what_was_looked_for():
    mic = MicrophoneAudioSource()
    with pytest.raises(DeviceError) as err:
        mic.start(lambda b, t: None)
    assert err.value.code == "speech.no_microphone"
    assert "default input device" in str(err.value)
    assert "마이크" in err.value.localized("ko")
    with pytest.raises(DeviceError) as err2:
        MicrophoneAudioSource("USB Headset").resolve()
    assert "USB Headset" in str(err2.value)


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError) as err:
        FileAudioSource(tmp_path / "nope.wav")
    assert err.value.code == "speech.audio_file_unreadable"
