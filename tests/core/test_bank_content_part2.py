"""Content checks for the mobile, devops_cloud and product_manager question banks.

Reads the files with the standard json module and checks the bank format documented in
resources/questions/README.md (the format core/bank.py validates): one position per file,
``<position>.<name>`` keys, enums, four weights summing to 1, four score bands, bilingual
text everywhere, per-key-point keywords, slots declared iff used, model answers for at
least 40%, and the category / difficulty mix. When core.bank is importable the files are
also loaded with the real loader.
"""
import json
import re
import string
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QDIR = ROOT / "resources" / "questions"
POSITIONS = ("mobile", "devops_cloud", "product_manager")
CATEGORIES = {"technical", "behavioral", "situational", "cultural_fit"}
DIFFICULTIES = {"easy", "medium", "hard"}
QTYPES = {"자기소개", "지원동기", "직무지식", "경험", "협업·갈등", "상황"}
SLOTS = {"company", "position", "project", "skill", "prev_company", "role", "certification"}
CRITERIA = {"technical_accuracy", "logic", "job_fit", "communication"}
BANDS = {"excellent", "good", "fair", "poor"}
QUESTION_FIELDS = {"key", "category", "question_type", "difficulty", "tags", "slots", "text",
                   "rubric", "model_answer", "follow_ups"}
HANGUL = re.compile(r"[가-힣]")
# particles that depend on the preceding consonant must not follow a slot
BAD_PARTICLE = re.compile(r"\}(을|를|은|는|이|가|과|와|으로|\(을\)|\(를\)|\(으\))")


def load(pos):
    with open(QDIR / f"{pos}.json", encoding="utf-8") as f:
        data = json.load(f)
    assert isinstance(data, dict) and set(data) == {"position", "questions"}
    assert data["position"] == pos
    return data["questions"]


def fields(text):
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def bilingual(obj, where):
    assert isinstance(obj, dict) and set(obj) == {"ko", "en"}, where
    for lang in ("ko", "en"):
        assert isinstance(obj[lang], str) and obj[lang].strip(), f"{where}.{lang}"
    assert HANGUL.search(obj["ko"]), f"{where}.ko has no Korean"


def keyword_lists(obj, where):
    assert isinstance(obj, dict) and set(obj) == {"ko", "en"}, where
    for lang in ("ko", "en"):
        items = obj[lang]
        assert isinstance(items, list) and items, f"{where}.{lang}"
        assert all(isinstance(x, str) and x.strip() for x in items), f"{where}.{lang}"
        assert len(set(items)) == len(items), f"{where}.{lang} duplicates"
        # substring matching: very short Latin keywords would match inside other words
        for x in items:
            assert not re.fullmatch(r"[A-Za-z]{1,2}", x) or x in {"QA", "UX", "AB"}, f"{where}: {x!r}"
            assert not re.fullmatch(r"[가-힣]", x), f"{where}: {x!r} is a single syllable"


@pytest.fixture(scope="module", params=POSITIONS)
def bank(request):
    return request.param, load(request.param)


def test_keys_unique_across_files():
    keys = [q["key"] for p in POSITIONS for q in load(p)]
    assert len(keys) == len(set(keys)), [k for k, c in Counter(keys).items() if c > 1]


def test_question_format(bank):
    pos, qs = bank
    key_re = re.compile(rf"^{pos}(\.[a-z0-9_]+)+$")
    for q in qs:
        k = q["key"]
        assert key_re.match(k) and len(k) <= 60, k
        assert set(q) <= QUESTION_FIELDS and "position" not in q, k
        assert q["category"] in CATEGORIES, k
        assert q["difficulty"] in DIFFICULTIES, k
        assert q["question_type"] in QTYPES, k
        assert all(isinstance(t, str) and t == t.lower() and t for t in q.get("tags", [])), k
        bilingual(q["text"], f"{k}.text")
        assert "?" in q["text"]["ko"], k  # asked as a question (존댓말 의문형)
        slots = q.get("slots", [])
        assert isinstance(slots, list) and set(slots) <= SLOTS and len(set(slots)) == len(slots), k
        for lang in ("ko", "en"):
            assert fields(q["text"][lang]) == set(slots), f"{k}.text.{lang}: slots declared iff used"
        assert not BAD_PARTICLE.search(q["text"]["ko"]), f"{k}: consonant-dependent particle after a slot"
        r = q["rubric"]
        assert set(r) <= {"key_points", "misconceptions", "weights", "focus", "bands"}, k
        kps = r["key_points"]
        assert 3 <= len(kps) <= 6, k
        for i, kp in enumerate(kps):
            assert set(kp) == {"ko", "en", "keywords"}, (k, i)
            bilingual({"ko": kp["ko"], "en": kp["en"]}, f"{k}.key_points[{i}]")
            keyword_lists(kp["keywords"], f"{k}.key_points[{i}].keywords")
        assert set(r["weights"]) == CRITERIA, k
        assert all(isinstance(w, (int, float)) and 0 < w < 1 for w in r["weights"].values()), k
        assert abs(sum(r["weights"].values()) - 1.0) <= 0.01, k
        assert set(r.get("focus", {})) <= CRITERIA, k
        for c, v in r.get("focus", {}).items():
            bilingual(v, f"{k}.focus.{c}")
        assert set(r["bands"]) == BANDS, k
        for b, v in r["bands"].items():
            bilingual(v, f"{k}.bands.{b}")
        if "model_answer" in q:
            bilingual(q["model_answer"], f"{k}.model_answer")


def test_weighting_follows_category(bank):
    _, qs = bank
    for q in qs:
        w = q["rubric"]["weights"]
        if q["category"] == "technical":
            assert w["technical_accuracy"] == max(w.values()), q["key"]
        elif q["category"] in ("behavioral", "cultural_fit"):
            assert w["technical_accuracy"] == min(w.values()), q["key"]
            assert w["logic"] + w["job_fit"] + w["communication"] >= 0.8, q["key"]


def test_mix_and_counts(bank):
    pos, qs = bank
    n = len(qs)
    assert n >= 30
    assert set(Counter(q["category"] for q in qs)) == CATEGORIES
    diff = Counter(q["difficulty"] for q in qs)
    assert 0.2 <= diff["easy"] / n <= 0.4, diff
    assert 0.35 <= diff["medium"] / n <= 0.55, diff
    assert 0.15 <= diff["hard"] / n <= 0.35, diff
    types = Counter(q["question_type"] for q in qs)
    assert len(types) >= 4, types
    tech = Counter(q["question_type"] for q in qs if q["category"] == "technical")
    assert tech.most_common(1)[0][0] == "직무지식"
    assert sum("model_answer" in q for q in qs) >= 0.4 * n
    assert sum(1 for q in qs if q.get("slots")) >= 2


def test_real_loader_accepts_files(tmp_path):
    bank_mod = pytest.importorskip("core.bank")
    if not hasattr(bank_mod, "load_question_bank"):
        pytest.skip("core.bank has no loader yet")
    for pos in POSITIONS:
        (tmp_path / f"{pos}.json").write_text((QDIR / f"{pos}.json").read_text("utf-8"), "utf-8")
    qs = bank_mod.load_question_bank(tmp_path)
    assert len(qs) == sum(len(load(p)) for p in POSITIONS)
