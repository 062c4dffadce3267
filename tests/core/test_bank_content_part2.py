"""Format checks for the mobile, devops_cloud and product_manager question banks."""
import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QDIR = ROOT / "resources" / "questions"
POSITIONS = ("mobile", "devops_cloud", "product_manager")
ALL_TAGS = {"backend", "frontend", "data_ml", "mobile", "devops_cloud", "product_manager", "generic"}
CATEGORIES = {"technical", "behavioral", "situational", "cultural_fit"}
DIFFICULTIES = {"easy", "medium", "hard"}
QTYPES = {"자기소개", "지원동기", "직무지식", "경험", "협업·갈등", "상황"}
SLOTS = {"project", "company", "skill", "role"}
CRITERIA = {"technical_accuracy", "logic", "job_fit", "communication"}
BANDS = {"90-100", "70-89", "50-69", "0-49"}
SLOT_RE = re.compile(r"\{([a-z_]+)\}")
HANGUL = re.compile(r"[가-힣]")


def load(pos):
    if not (QDIR / f"{pos}.json").exists():
        pytest.skip(f"{pos}.json not written yet")
    with open(QDIR / f"{pos}.json", encoding="utf-8") as f:
        data = json.load(f)
    assert isinstance(data, dict) and set(data) == {"questions"}
    return data["questions"]


def bilingual(obj, where):
    assert isinstance(obj, dict) and set(obj) == {"ko", "en"}, where
    for lang in ("ko", "en"):
        assert isinstance(obj[lang], str) and obj[lang].strip(), f"{where}.{lang}"
    assert HANGUL.search(obj["ko"]), f"{where}.ko has no Korean"


def bilingual_list(obj, where, lo=1, hi=None):
    assert isinstance(obj, dict) and set(obj) == {"ko", "en"}, where
    for lang in ("ko", "en"):
        items = obj[lang]
        assert isinstance(items, list) and len(items) >= lo, f"{where}.{lang}"
        assert hi is None or len(items) <= hi, f"{where}.{lang} too many"
        assert all(isinstance(x, str) and x.strip() for x in items), f"{where}.{lang}"
        assert len(set(items)) == len(items), f"{where}.{lang} duplicates"


@pytest.fixture(scope="module", params=POSITIONS)
def bank(request):
    return request.param, load(request.param)


def test_all_keys_unique_across_files():
    keys = [q["key"] for p in POSITIONS for q in load(p)]
    assert len(keys) == len(set(keys))


def test_question_format(bank):
    pos, qs = bank
    key_re = re.compile(rf"^{pos}-[a-z]+-\d{{3}}$")
    for q in qs:
        k = q["key"]
        assert key_re.match(k), k
        assert set(q) <= {"key", "positions", "category", "difficulty", "question_type", "text",
                          "slots", "rubric", "model_answer"}, k
        assert pos in q["positions"] and set(q["positions"]) <= ALL_TAGS, k
        assert q["category"] in CATEGORIES, k
        assert q["difficulty"] in DIFFICULTIES, k
        assert q["question_type"] in QTYPES, k
        bilingual(q["text"], f"{k}.text")
        # slots declared iff used, in both languages
        slots = q.get("slots", [])
        assert isinstance(slots, list) and set(slots) <= SLOTS, k
        assert len(set(slots)) == len(slots), k
        for lang in ("ko", "en"):
            assert set(SLOT_RE.findall(q["text"][lang])) == set(slots), f"{k}.text.{lang} slots"
        r = q["rubric"]
        assert set(r) == {"key_points", "keywords", "criteria", "bands"}, k
        bilingual_list(r["key_points"], f"{k}.key_points", 3, 6)
        assert len(r["key_points"]["ko"]) == len(r["key_points"]["en"]), k
        bilingual_list(r["keywords"], f"{k}.keywords", 3)
        assert set(r["criteria"]) == CRITERIA, k
        total = 0.0
        for name, c in r["criteria"].items():
            assert set(c) == {"weight", "focus"}, (k, name)
            assert isinstance(c["weight"], (int, float)) and 0 < c["weight"] < 1, (k, name)
            total += c["weight"]
            bilingual(c["focus"], f"{k}.criteria.{name}.focus")
        assert abs(total - 1.0) <= 0.01, (k, total)
        assert set(r["bands"]) == BANDS, k
        for b, v in r["bands"].items():
            bilingual(v, f"{k}.bands.{b}")
        if "model_answer" in q:
            bilingual(q["model_answer"], f"{k}.model_answer")
        assert "?" in q["text"]["ko"], k  # asked as a question (존댓말 의문형)


def test_behavioural_weighting(bank):
    _, qs = bank
    for q in qs:
        c = q["rubric"]["criteria"]
        if q["category"] == "technical":
            assert c["technical_accuracy"]["weight"] >= c["communication"]["weight"], q["key"]
        elif q["category"] in ("behavioral", "cultural_fit"):
            soft = c["logic"]["weight"] + c["communication"]["weight"] + c["job_fit"]["weight"]
            assert soft >= 0.8, q["key"]


def test_mix_and_counts(bank):
    pos, qs = bank
    assert len(qs) >= 30
    cats = Counter(q["category"] for q in qs)
    assert set(cats) == CATEGORIES, cats
    diff = Counter(q["difficulty"] for q in qs)
    n = len(qs)
    assert 0.2 <= diff["easy"] / n <= 0.4, diff
    assert 0.35 <= diff["medium"] / n <= 0.55, diff
    assert 0.15 <= diff["hard"] / n <= 0.35, diff
    types = Counter(q["question_type"] for q in qs)
    assert len(types) >= 4, types
    tech = Counter(q["question_type"] for q in qs if q["category"] == "technical")
    assert tech.most_common(1)[0][0] == "직무지식"
    assert sum("model_answer" in q for q in qs) >= 0.4 * n
    assert sum(1 for q in qs if q.get("slots")) >= 2
