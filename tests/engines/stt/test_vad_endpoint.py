"""End-of-answer detection with the real Silero VAD on real and synthesised speech.
Times are stream time (samples), never wall time."""

from __future__ import annotations

import numpy as np
import pytest

from engines.vad.endpoint import EndpointDetector
from engines.vad.silero import SileroVad
from speech_media import clip, last_voiced_s


def run(det: EndpointDetector, audio: np.ndarray, block: int = 800):
    states = []
    for i in range(0, len(audio), block):
        st = det.push(audio[i:i + block])
        states.append((st.position_s, st.remaining_silence_s, st.silence_s))
        if st.ended:
            break
    return det.state, states


@pytest.mark.parametrize("lang,name", [
    ("en", "leopard_test_en.wav"), ("en", "cheetah_test_en.wav"), ("en", "ljspeech/LJ001-0001.wav"),
    ("ko", "leopard_test_ko.wav"), ("ko", "emotiontts/pfa00024.wav"), ("ko", "emotiontts/pmc00009.wav"),
])
@pytest.mark.parametrize("silence", [1.2, 0.8])
def test_answer_end_within_silence_plus_300ms(shared_data, lang, name, silence):
    audio = clip(shared_data, lang, name, tail_s=silence + 1.0)
    ref_end = last_voiced_s(audio)
    st, _ = run(EndpointDetector(SileroVad(), end_silence_s=silence, min_answer_s=1.0), audio)
    assert st.ended and st.reason == "silence"
    lag = st.end_s - ref_end
    assert silence - 0.1 <= lag <= silence + 0.3, (name, ref_end, st.end_s)


def test_pause_shorter_than_silence_does_not_end_answer(espeak):
    ssml = ('<speak>I designed the data pipeline for our payments team. <break time="700ms"/> '
            'Then I moved it to streaming and cut the delay by half.</speak>')
    audio = np.concatenate([espeak(ssml, "en", ssml=True), np.zeros(32000, np.float32)])
    ref_end = last_voiced_s(audio)
    st, trace = run(EndpointDetector(SileroVad(), end_silence_s=1.2, min_answer_s=1.0), audio)
    assert st.ended and st.end_s > ref_end, "ended during the mid-answer pause"
    assert st.end_s - ref_end <= 1.5
    # the countdown ran during the pause and was reset when speech resumed
    counting = [r for _, r, _ in trace if 0 < r < 1.2]
    assert counting and min(counting) < 0.9


def test_countdown_reaches_zero_at_end(shared_data):
    audio = clip(shared_data, "en", "leopard_test_en.wav", tail_s=2.0)
    st, trace = run(EndpointDetector(SileroVad(), end_silence_s=1.2, min_answer_s=1.0), audio, block=512)
    tail = [r for _, r, s in trace if s > 0][-5:]
    assert tail == sorted(tail, reverse=True) and tail[-1] == 0.0


def test_minimum_answer_length_holds_back_short_answer(espeak):
    audio = np.concatenate([espeak("Yes.", "en"), np.zeros(3 * 16000, np.float32)])
    st, _ = run(EndpointDetector(SileroVad(), end_silence_s=1.2, min_answer_s=2.0), audio)
    assert st.started and not st.ended


def test_hard_cap_ends_long_answer(shared_data):
    audio = clip(shared_data, "en", "ljspeech/LJ001-0001.wav")
    st, _ = run(EndpointDetector(SileroVad(), end_silence_s=1.2, max_answer_s=3.0), audio)
    assert st.ended and st.reason == "max_length"
    assert abs(st.end_s - st.speech_start_s - 3.0) < 0.05


def test_korean_espeak_end(espeak):
    audio = np.concatenate([espeak("저는 데이터 파이프라인을 설계했습니다. 그리고 팀을 이끌었습니다.", "ko"),
                            np.zeros(2 * 16000, np.float32)])
    ref_end = last_voiced_s(audio)
    st, _ = run(EndpointDetector(SileroVad(), end_silence_s=1.2, min_answer_s=1.0), audio)
    assert st.ended and 1.1 <= st.end_s - ref_end <= 1.5
