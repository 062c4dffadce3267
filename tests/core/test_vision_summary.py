from core.protocols import EmotionSample, GazeSample
from core.vision.blink import BlinkDetector
from core.vision.calibration import GazeCalibration
from core.vision.summary import answer_metrics, emotion_summary, emotions_section


def _gaze(n, face=True, on=True, fps=10.0, blink_every=None):
    return [GazeSample(t=i / fps, face_found=face, eyes_found=2 if face else 0,
                       on_target=on if face else None,
                       blink=bool(blink_every and i % blink_every == 0 and i)) for i in range(n)]


def _emo(ts, happy=0.6, fear=0.0):
    rest = (1 - happy - fear) / 5
    sc = {"angry": rest, "disgust": rest, "fear": fear, "happy": happy, "sad": rest,
          "surprise": rest, "neutral": rest}
    return [EmotionSample(t=t, dominant="happy", scores=sc) for t in ts]


def test_answer_metrics_and_reliable_section():
    g = _gaze(600, blink_every=40)  # 60 s, a blink every 4 s -> 15/min (minus the first)
    g[100:130] = [GazeSample(t=x.t, face_found=True, eyes_found=2, on_target=False) for x in g[100:130]]
    m = answer_metrics(g, _emo(range(0, 60, 2)), 0.0, 60.0)
    assert m.face_visible_pct == 100.0 and m.eyes_found_pct == 100.0
    assert m.eye_contact_pct == 95.0
    assert len(m.look_away_events) == 1 and abs(m.look_away_events[0].duration - 3.0) < 1e-6
    assert m.emotion_samples == 30 and m.dominant_emotion == "happy"
    summ = emotion_summary([m])
    sec = emotions_section(summ, "en")
    assert sec["reliable"] and sec["reason"] is None
    assert 0 <= sec["confidence"] <= 100 and 0 <= sec["nervousness"] <= 100
    assert sec["confidence"] > sec["nervousness"]
    assert "eye contact" in sec["method"].lower() or "camera" in sec["method"]


def test_low_face_visibility_withholds_numbers():
    g = _gaze(100) + _gaze(300, face=False)
    m = answer_metrics(g, _emo([0, 2]), 0.0, 40.0)
    sec = emotions_section(emotion_summary([m]), "ko")
    assert sec["confidence"] is None and sec["nervousness"] is None
    assert sec["reliable"] is False and "%" in sec["reason"]
    assert m.as_json()["eye_contact_pct"] is None


def test_nervous_pattern_scores_higher_nervousness():
    calm = emotions_section(emotion_summary([answer_metrics(_gaze(600), _emo(range(0, 60, 2)), 0, 60)]))
    tense = emotions_section(emotion_summary([answer_metrics(
        _gaze(600, on=False, blink_every=10), _emo(range(0, 60, 2), happy=0.05, fear=0.7), 0, 60)]))
    assert tense["nervousness"] > calm["nervousness"] and tense["confidence"] < calm["confidence"]


def test_blink_detector_hysteresis_and_long_closure():
    bd = BlinkDetector()
    sig = [10.0] * 30 + [5.0] * 3 + [10.0] * 30 + [5.0] * 40 + [10.0] * 10
    for i, v in enumerate(sig):
        bd.update(i / 30, i, v)
    assert len(bd.blinks) == 1 and bd.blinks[0].start_index == 30


def test_calibration_relative():
    c = GazeCalibration.from_samples([(0.1, 0.0), (0.1, 0.02)], [[(-0.2, 0.3)], [(0.4, 0.3)]])
    assert c.relative((0.1, 0.01))[0] == 0.0
    assert c.on_target((0.3, 0.2)) and not c.on_target((0.9, 0.2))
