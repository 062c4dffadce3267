"""The question plan like a real interview: on real resumes (../shared/data/resumes, parsed by
the real PDF reader), 10 seeds each - every resume fact a question names is a fact of that
resume, at least two resume questions, the self-introduction first and the closing question
last, seeds differ; positions people type; difficulty by experience; the company's ideal in
its own words; no consumer-product question for a B2B company."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.bank import get_company, load_question_bank, mobile_platform, position_tag
from core.interview.planner import (
    CLOSING_KEY,
    RESUME_SLOTS,
    PlanContext,
    experience_pairs,
    is_closing,
    plan_from_bank,
    resume_facts,
    seniority,
    years_of_experience,
)

SEEDS = range(10)


def _resumes(shared_data: Path) -> list[Path]:
    root = shared_data / "resumes"
    return sorted(root.glob("*.pdf")) + sorted(root.glob("from_repos/*/*.pdf"))


def _lang(pdf: Path) -> str:
    return "ko" if pdf.name.startswith("ko_") or pdf.parent.name == "ko" else "en"


@pytest.fixture(scope="module")
def parsed(shared_data):
    from core.resume.store import parse_resume
    from engines.pdf.pymupdf_reader import PyMuPdfReader

    reader = PyMuPdfReader()
    out = [(pdf, parse_resume(reader, pdf)[1]) for pdf in _resumes(shared_data)]
    assert len(out) >= 10
    return out


def _resume_grounding(q) -> list[tuple[str, str]]:
    return [tuple(g.split(": ", 1)) for g in q.grounding if g.split(": ", 1)[0] in RESUME_SLOTS]


def test_real_resumes_ten_seeds_facts_are_real_and_at_least_two(parsed):
    bank = load_question_bank()
    for pdf, structured in parsed:
        lang = _lang(pdf)
        facts = resume_facts(structured)
        has_facts = any(facts.values())
        position = "백엔드 개발자" if lang == "ko" else "Backend Engineer"
        plans = []
        for seed in SEEDS:
            plan = plan_from_bank(bank, PlanContext(lang, position, structured, get_company("KAKAO"), seed=seed), 6)
            assert len(plan) == 6, pdf.name
            assert plan[0].question_type == "자기소개" and "self_intro" in plan[0].bank_key, (pdf.name, seed)
            assert is_closing(plan[-1]) and plan[-1].bank_key == CLOSING_KEY, (pdf.name, seed)
            resume_qs = [q for q in plan if _resume_grounding(q)]
            for q in resume_qs:
                for slot, value in _resume_grounding(q):
                    assert value in facts[slot], (pdf.name, seed, slot, value)
                    assert value in q.text
            if has_facts:
                assert len(resume_qs) >= 2, (pdf.name, seed, [q.text for q in plan])
            assert len({q.bank_key for q in plan}) == 6
            for q in plan:
                assert "{" not in q.text and "(으)" not in q.text and "을(를)" not in q.text
            plans.append(plan)
        # the seed rotates questions: any two seeds differ in at least two questions
        for a in range(len(plans)):
            for b in range(a + 1, len(plans)):
                differ = sum(1 for qa, qb in zip(plans[a], plans[b]) if qa.text != qb.text)
                assert differ >= 2, (pdf.name, a, b)
        distinct = {tuple(q.text for q in p) for p in plans}
        assert len(distinct) >= 5, (pdf.name, len(distinct))


def test_two_seeds_differ_in_at_least_two_questions(parsed):
    bank = load_question_bank()
    for pdf, structured in parsed:
        lang = _lang(pdf)
        pos = "소프트웨어 개발자" if lang == "ko" else "Software Engineer"
        a = plan_from_bank(bank, PlanContext(lang, pos, structured, get_company("NAVER"), seed=1), 6)
        b = plan_from_bank(bank, PlanContext(lang, pos, structured, get_company("NAVER"), seed=2), 6)
        assert len({q.text for q in a} ^ {q.text for q in b}) >= 4, pdf.name  # >= 2 questions each way
        assert a == plan_from_bank(bank, PlanContext(lang, pos, structured, get_company("NAVER"), seed=1), 6)


def test_most_recent_job_and_one_question_per_job():
    resume = {"experience": [
        {"company": "Old Corp", "role": "Backend Engineer", "start": "2015-01", "end": "2018-12"},
        {"company": "Now Inc", "role": "Senior Backend Engineer", "start": "2019-01", "end": "present"}],
        "projects": [{"name": "Settlement Platform"}], "skills": ["Kafka", "Redis"]}
    assert experience_pairs(resume) == [("Now Inc", "Senior Backend Engineer")]
    bank = load_question_bank()
    for seed in SEEDS:
        plan = plan_from_bank(bank, PlanContext("en", "Backend Engineer", resume, get_company("KAKAO"), seed=seed), 6)
        named = [v for q in plan for s, v in _resume_grounding(q) if s == "prev_company"]
        assert "Old Corp" not in named and len(named) <= 1
    # the current job does not parse: no older job is asked about as if it were current
    broken = {"experience": [{"company": "Old Corp", "role": "Backend Engineer", "start": "2015", "end": "2018"},
                             {"company": "2019 - present", "role": "Engineer", "start": "2019", "end": "present"}]}
    assert experience_pairs(broken) == []


def test_difficulty_follows_experience():
    bank = load_question_bank()
    senior = {"experience": [{"company": "Now Inc", "role": "Backend Engineer", "start": "2012-01", "end": "present"}]}
    junior = {"experience": [{"company": "Now Inc", "role": "Backend Engineer", "start": "2024-06", "end": "present"}]}
    assert years_of_experience(senior) >= 10 and seniority(PlanContext("en", "Backend Engineer", senior)) == "senior"
    assert seniority(PlanContext("en", "Staff Engineer", {})) == "senior"
    assert seniority(PlanContext("en", "Backend Engineer", junior)) == "junior"
    for seed in range(20):
        for pos, res in (("Senior Backend Engineer", {}), ("Backend Engineer", senior), ("스태프 백엔드 시니어 개발자", {})):
            plan = plan_from_bank(bank, PlanContext("en", pos, res, get_company("KAKAO"), seed=seed), 8)
            keys = [q.bank_key for q in plan]
            assert "backend.url_to_response" not in keys, (pos, seed)
            assert all(q.difficulty != "easy" for q in plan if q.category == "technical"), (pos, seed, keys)
        plan = plan_from_bank(bank, PlanContext("en", "Backend Engineer", junior, get_company("KAKAO"), seed=seed), 8)
        assert all(q.difficulty != "hard" for q in plan if q.category == "technical"), seed


POSITIONS_TYPED = {
    "software": ["Software Engineer", "소프트웨어 개발자", "Developer", "SW 엔지니어"],
    "embedded": ["Embedded Software Engineer", "임베디드 소프트웨어 개발자", "Firmware Engineer"],
    "data_engineering": ["Data Engineer", "데이터 엔지니어"],
    "data_ml": ["ML Engineer", "머신러닝 엔지니어", "Data Scientist"],
    "qa": ["QA Engineer", "QA 엔지니어", "Test Automation Engineer"],
    "security": ["Security Engineer", "보안 엔지니어"],
    "game": ["Game Client Developer", "게임 서버 개발자", "Unity Developer"],
    "mobile": ["Android Developer", "iOS 개발자"],
    "backend": ["Backend Engineer", "백엔드 개발자"],
}


def test_positions_people_type():
    for tag, names in POSITIONS_TYPED.items():
        for name in names:
            assert position_tag(name) == tag, name
    assert position_tag("Astronaut") == "generic"
    assert mobile_platform("Android Developer") == "android" and mobile_platform("iOS 개발자") == "ios"
    assert mobile_platform("Mobile Developer") is None


@pytest.mark.parametrize("tag", [t for t in POSITIONS_TYPED if t not in ("mobile",)])
def test_every_position_gets_technical_questions_of_its_field(tag):
    bank = load_question_bank()
    for name in POSITIONS_TYPED[tag]:
        lang = "ko" if any("\uac00" <= c <= "\ud7a3" for c in name) else "en"
        for seed in range(5):
            plan = plan_from_bank(bank, PlanContext(lang, name, {}, get_company("KAKAO"), seed=seed), 6)
            technical = [q for q in plan if q.category == "technical"]
            assert technical, (name, seed, [q.bank_key for q in plan])
            if tag != "software":
                assert any(q.bank_key.startswith(tag + ".") for q in technical), (name, seed)


def test_android_and_ios_kept_apart():
    bank = load_question_bank()
    for seed in range(20):
        for name, other in (("Android Developer", ("ios", "swift")), ("iOS Developer", ("android", "kotlin"))):
            plan = plan_from_bank(bank, PlanContext("en", name, {}, get_company("KAKAO"), seed=seed), 10)
            by_key = {q.key: q for q in bank}
            for q in plan:
                tags = set(by_key[q.bank_key].tags)
                own = {"android", "kotlin"} if other[0] == "ios" else {"ios", "swift"}
                assert not (tags & set(other)) or tags & own, (name, q.bank_key)
            assert all("Swift" not in q.text for q in plan) if name.startswith("Android") else True


def test_company_ideal_in_its_own_words_and_b2b_products():
    bank = load_question_bank()
    for cid in ("KAKAO", "TOSS", "SAMSUNG_SDS"):
        company = get_company(cid)
        for lang in ("ko", "en"):
            for seed in range(5):
                plan = plan_from_bank(bank, PlanContext(lang, "Backend Engineer", {}, company, seed=seed), 6)
                values = company.values.get(lang)
                ideal = [q for q in plan if sum(v in q.text for v in values) >= 2]
                assert ideal and company.company_name.get(lang) in ideal[0].text, (cid, lang, seed)
    sds = get_company("SAMSUNG_SDS")
    assert sds.audience == "business"
    for seed in range(30):
        plan = plan_from_bank(bank, PlanContext("ko", "백엔드 개발자", {}, sds, seed=seed), 12)
        assert "generic.culture_company_product" not in [q.bank_key for q in plan]
