"""Delivery metrics on word lists with known timing, fillers, pauses and endings, and one
run through espeak-ng speech and the real faster-whisper model."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.delivery import classify_ending, compute_delivery, honorifics
from core.protocols import Word


def words(text: str, *, t0: float = 0.0, dur: float = 0.3, gap: float = 0.1,
          pauses: dict[int, float] | None = None) -> list[Word]:
    """Words of ``text`` at a steady pace; ``pauses[i]`` adds silence before word i."""
    out, t = [], t0
    for i, tok in enumerate(text.split()):
        t += (pauses or {}).get(i, 0.0)
        out.append(Word(tok, t, t + dur, 0.9))
        t += dur + gap
    return out


def test_english_rate_fillers_pauses_hedges():
    text = "So, um, I think we basically used Redis, you know, for caching. It was like, fast."
    w = words(text, t0=1.5, pauses={5: 1.2})
    d = compute_delivery(w, "en", duration=9.0)
    assert d["language"] == "en" and d["word_count"] == 16
    assert d["rate"]["unit"] == "words_per_min" and d["rate"]["band"] == [100.0, 165.0]
    span = w[-1].end - w[0].start
    assert d["rate"]["value"] == pytest.approx(16 / (span / 60), abs=0.1)
    found = sorted(x["word"] for x in d["fillers"]["items"])
    assert found == ["basically", "like", "so", "um", "you know"]
    assert d["pauses"]["count"] == 2  # the leading 1.5 s and the 1.2 s gap (+0.1 s word gap)
    assert [p["kind"] for p in d["pauses"]["items"]] == ["leading", "internal"]
    assert d["pauses"]["longest_s"] == pytest.approx(1.5)
    assert d["hedges"]["count"] == 1 and d["hedges"]["items"][0]["text"] == "i think"
    assert d["length"]["verdict"] == "short" and d["honorifics"] is None
    assert d["quality"] == {"words_with_timestamps": 1.0, "mean_confidence": 0.9}


def test_english_like_and_so_as_content_words_are_not_fillers():
    d = compute_delivery(words("I would like to say that it was not so bad and we like tests."), "en")
    assert d["fillers"]["count"] == 0
    d = compute_delivery(words("Do you know what I mean that works"), "en")
    assert d["fillers"]["count"] == 0  # "do you know" is a question, not a filler


def test_english_rate_verdicts():
    fast = compute_delivery(words(" ".join(["word"] * 60), dur=0.2, gap=0.05), "en")
    assert fast["rate"]["value"] > 165 and fast["rate"]["verdict"] == "fast"
    slow = compute_delivery(words(" ".join(["word"] * 20), dur=0.4, gap=0.4), "en")
    assert slow["rate"]["value"] < 100 and slow["rate"]["verdict"] == "slow"
    ok = compute_delivery(words(" ".join(["word"] * 40), dur=0.3, gap=0.1), "en")  # 150/min
    assert ok["rate"]["verdict"] == "ok"


def test_korean_syllable_rate_and_standalone_fillers():
    text = "음 저는 그 프로젝트에서 그, 캐시를 도입했습니다. 이제 성능이 좋아졌습니다."
    d = compute_delivery(words(text, pauses={7: 1.4}), "ko", duration=40)
    assert d["rate"]["unit"] == "syllables_per_min" and d["rate"]["band"] == [240.0, 320.0]
    syllables = sum(1 for ch in text if "가" <= ch <= "힣")
    span = d["speech_s"] + d["pauses"]["total_s"]
    assert d["rate"]["value"] == pytest.approx(syllables / (span / 60), rel=0.01)
    # "그 프로젝트" is a determiner; "그," (with a cue) is a filler; 그/저 inside words never.
    assert sorted(x["word"] for x in d["fillers"]["items"]) == ["그", "음", "이제"]
    assert d["pauses"]["count"] == 1 and d["pauses"]["longest_s"] == pytest.approx(1.5)
    assert d["length"]["verdict"] == "ok"


def test_korean_hedges():
    d = compute_delivery(words("아마 제가 맡은 부분이 핵심이었던 것 같습니다. 좀 더 개선할 수 있을 거 같아요."), "ko")
    assert [h["text"] for h in d["hedges"]["items"]] == ["아마", "것 같습니다", "좀", "거 같아요"]
    assert d["hedges"]["count"] == 4 and d["hedges"]["per_100_words"] == pytest.approx(28.6)


@pytest.mark.parametrize("word,kind", [
    ("했습니다.", "formal"), ("합니다", "formal"), ("입니까?", "formal"), ("좋아요.", "formal"),
    ("하셨죠", "formal"), ("했어.", "informal"), ("좋다", "informal"), ("했거든", "informal"),
    ("그랬잖아", "informal"), ("했으니까", "informal"), ("했고", None), ("그런데", None), ("네", None),
])
def test_classify_ending(word, kind):
    assert classify_ending(word) == kind


def test_honorific_consistency_on_mixed_speech():
    all_formal = honorifics(words("저는 백엔드 개발자입니다. 결제 시스템을 만들었어요. 성능을 개선했습니다."))
    assert all_formal["consistency"] == 1.0 and all_formal["verdict"] == "consistent"
    mixed = honorifics(words("저는 백엔드 개발자입니다. 근데 그건 좀 어려웠어. 그래서 다시 만들었다. 결국 해결했습니다."))
    assert (mixed["formal_endings"], mixed["informal_endings"]) == (2, 2)
    assert mixed["consistency"] == 0.5 and mixed["verdict"] == "inconsistent"
    assert mixed["informal_items"] == ["어려웠어.", "만들었다."]
    # No punctuation: a pause of >= 1 s ends the utterance.
    paused = honorifics(words("제가 맡았습니다 그래서 고쳤어", pauses={2: 1.2}))
    assert (paused["formal_endings"], paused["informal_endings"]) == (1, 1)


def test_empty_and_untimed_input():
    d = compute_delivery([], "ko")
    assert d["word_count"] == 0 and d["rate"]["value"] is None and d["fillers"]["per_min"] is None
    assert d["quality"]["words_with_timestamps"] is None and d["honorifics"]["consistency"] is None
    short = compute_delivery(words("네 맞습니다"), "ko")
    assert short["rate"]["value"] is None and short["rate"]["verdict"] is None  # too little to judge


def _say(text: str, out: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", "en", "-s", "150", "-w", str(out), text], check=True, capture_output=True)
    return out


@pytest.mark.slow
def test_espeak_speech_through_faster_whisper_finds_pauses_and_fillers(tmp_path, model_manager):
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("espeak-ng and sox are needed")
    from faster_whisper import WhisperModel

    phrases = ["So, basically, I built the payment service in Python.",
               "You know, we actually used a Redis cache for the sessions.",
               "It cut the latency by forty percent."]
    parts = [_say(p, tmp_path / f"p{i}.wav") for i, p in enumerate(phrases)]
    silence = tmp_path / "silence.wav"
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(silence), "trim", "0", "2.0"], check=True)
    joined = tmp_path / "answer.wav"
    subprocess.run(["sox", str(parts[0]), str(silence), str(parts[1]), str(silence), str(parts[2]),
                    "-r", "16000", str(joined)], check=True)

    folder = model_manager.require("stt")[1]
    model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=2)
    segments, info = model.transcribe(str(joined), language="en", word_timestamps=True, temperature=0,
                                      beam_size=1)
    ws = [Word(w.word, w.start, w.end, w.probability) for s in segments for w in (s.words or [])]
    d = compute_delivery(ws, "en", duration=info.duration)

    assert d["word_count"] >= 20
    # Two 2 s silences between phrases: both found as pauses of >= 1 s.
    internal = [p for p in d["pauses"]["items"] if p["kind"] == "internal"]
    assert len(internal) >= 2, d["pauses"]
    assert d["pauses"]["longest_s"] >= 1.0
    found = {x["word"] for x in d["fillers"]["items"]}
    assert {"so", "basically", "you know", "actually"} <= found, d["fillers"]
    assert d["rate"]["value"] is not None and d["quality"]["words_with_timestamps"] == 1.0
    print("whisper delivery:", d["rate"]["value"], d["pauses"]["items"], d["fillers"]["top"])
