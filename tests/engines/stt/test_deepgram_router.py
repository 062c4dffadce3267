"""Deepgram path, failover and bad key: the real deepgram-sdk client against a local server
speaking Deepgram's live protocol (fake_deepgram.FakeDeepgram, results from the real local
engine). No network beyond loopback; waits are events with timeouts."""

from __future__ import annotations

import threading

import pytest

from core.secrets import SecretStore
from engines.stt.accuracy import longest_missing_run, wer
from engines.stt.deepgram_live import DeepgramLiveTranscriber
from engines.stt.router import SpeechRouter
from engines.stt.whisper_stream import LocalWhisperStream
from fake_deepgram import FakeDeepgram
from speech_media import clip, reference

pytestmark = pytest.mark.slow


def make_router(model, url, events):
    def dg(key, **kw):
        return DeepgramLiveTranscriber(key, base_url=url, **kw)

    return SpeechRouter(lambda: LocalWhisperStream(model, threaded=True), use_deepgram=True,
                        deepgram_factory=dg, on_event=lambda code, err: events.append((code, err)))


class Collector:
    def __init__(self):
        self.segments = []
        self.first_final = threading.Event()

    def __call__(self, seg):
        self.segments.append(seg)
        if seg.is_final:
            self.first_final.set()

    @property
    def finals(self):
        return sorted((s for s in self.segments if s.is_final), key=lambda s: s.start)

    @property
    def text(self):
        return " ".join(s.text for s in self.finals)


@pytest.fixture
def key():
    SecretStore().set("deepgram_api_key", "good-key")
    yield "good-key"
    SecretStore().delete("deepgram_api_key")


def test_normal_answer_through_deepgram(whisper_model, shared_data, key):
    audio = clip(shared_data, "en", "leopard_test_en.wav", tail_s=1.0)
    events, out = [], Collector()
    with FakeDeepgram(whisper_model, api_key=key) as server:
        router = make_router(whisper_model, server.url, events)
        router.start("en", out)
        for i in range(0, len(audio), 1600):
            router.feed(audio[i:i + 1600])
        router.finish()
        router.close()
    assert router.engines_used == ["deepgram"] and events == []
    assert server.queries[0]["language"] == "en" and server.queries[0]["interim_results"] == "true"
    assert out.finals and all(s.engine == "deepgram" for s in out.segments)
    assert any(not s.is_final for s in out.segments), "no interim results"
    assert wer(reference(shared_data, "en", "leopard_test_en.wav"), out.text) <= 0.2
    assert router.active.confirmed_s >= len(audio) / 16000 - 1.0


def test_connection_lost_mid_answer_fails_over_without_gap(whisper_model, shared_data, key):
    audio = clip(shared_data, "en", "jfk.wav", tail_s=1.0)
    events, out = [], Collector()
    with FakeDeepgram(whisper_model, api_key=key, drop_after_s=6.5) as server:
        router = make_router(whisper_model, server.url, events)
        router.start("en", out)
        first, rest = audio[:4 * 16000], audio[4 * 16000:]
        for i in range(0, len(first), 1600):
            router.feed(first[i:i + 1600])
        # let Deepgram confirm the first phrase, so the failover has both kinds of audio
        assert out.first_final.wait(120), "fake Deepgram sent no final"
        for i in range(0, len(rest), 1600):
            router.feed(rest[i:i + 1600])
        router.finish()
        router.close()
        assert server.dropped.is_set()
    codes = [c for c, _ in events]
    assert codes == ["speech.deepgram_network_lost"]
    assert "switched to local" in str(events[0][1]) and "로컬" in events[0][1].localized("ko")
    assert router.engines_used == ["deepgram", "faster-whisper"]
    assert 0 < router.failover_at_s < 6.5
    engines = {s.engine for s in out.finals}
    assert engines == {"deepgram", "faster-whisper"}
    ref = reference(shared_data, "en", "jfk.wav")
    # no missing span: at most one isolated reference word lost (a recognition error), never
    # a run of words as a dropped stretch of audio would leave
    missing = longest_missing_run(ref, out.text)
    print(f"failover at {router.failover_at_s:.2f} s (drop after 6.5 s of audio); WER {wer(ref, out.text):.3f}; "
          + " | ".join(f"[{s.engine} {s.start:.2f}-{s.end:.2f}] {s.text}" for s in out.finals))
    assert len(missing) <= 1, (missing, out.text, router.failover_at_s)
    assert wer(ref, out.text) <= 0.2, out.text
    # every final after the failover starts at or after the confirmed point: no duplicate span
    local = [s for s in out.finals if s.engine == "faster-whisper"]
    assert min(s.start for s in local) >= router.failover_at_s - 0.05


def test_bad_key_reports_clear_error_and_uses_local(whisper_model, shared_data):
    SecretStore().set("deepgram_api_key", "wrong-key")
    try:
        audio = clip(shared_data, "en", "leopard_test_en.wav", tail_s=1.0)
        events, out = [], Collector()
        with FakeDeepgram(whisper_model, api_key="good-key") as server:
            router = make_router(whisper_model, server.url, events)
            router.start("en", out)
            router.feed(audio)
            router.finish()
            router.close()
            # the rejected key is not retried on the next answer
            router.start("en", Collector())
            router.finish()
            router.close()
            assert server.rejected == 1 and server.connections == 0
        code, err = events[0]
        assert code == "speech.deepgram_auth" and err.params["status"] == 401
        assert "rejected the API key" in str(err) and "거부" in err.localized("ko")
        assert router.engines_used == ["faster-whisper"]
        assert out.finals and {s.engine for s in out.finals} == {"faster-whisper"}
        assert wer(reference(shared_data, "en", "leopard_test_en.wav"), out.text) <= 0.2
    finally:
        SecretStore().delete("deepgram_api_key")


def test_unreachable_service_falls_back_then_deepgram_again_next_answer(whisper_model, shared_data, key):
    audio = clip(shared_data, "en", "cheetah_test_en.wav", tail_s=1.0)
    events = []
    with FakeDeepgram(whisper_model, api_key=key) as server:
        url = server.url
    # server gone: connection refused on loopback
    router = make_router(whisper_model, url, events)
    out = Collector()
    router.start("en", out)
    router.feed(audio)
    router.finish()
    assert events[0][0] == "speech.deepgram_unreachable" and router.engines_used == ["faster-whisper"]
    assert out.finals
    with FakeDeepgram(whisper_model, api_key=key) as server2:
        router.deepgram_factory = lambda k, **kw: DeepgramLiveTranscriber(k, base_url=server2.url, **kw)
        out2 = Collector()
        router.start("en", out2)
        router.feed(audio)
        router.finish()
        router.close()
    assert router.engines_used == ["deepgram"] and out2.finals


def test_keepalive_while_no_audio_and_clean_close(whisper_model, key):
    failures = []
    with FakeDeepgram(whisper_model, api_key=key) as server:
        dg = DeepgramLiveTranscriber(key, base_url=server.url, keepalive_s=0.1, on_failure=failures.append)
        dg.start("ko", lambda seg: None)
        assert server.keepalive_seen.wait(10), "no KeepAlive sent while idle"
        dg.finish()
        assert server.queries[0]["model"] == "nova-2" and server.queries[0]["language"] == "ko"
    assert failures == [] and dg.metadata_received and not dg.failed
