"""`big20 replay` with typed answers, follow-up answers and a seed: follow-ups asked within
the budget, each right after its parent and quoting that answer as whole words; report
fields ``source``, ``grounding``, ``parent_index``; two seeds ask different questions."""

from __future__ import annotations

import json

import pytest

from core.interview.followup import quote_in_answer
from desktop.cli import main

ANSWERS_KO = [
    "안녕하세요, 4년 차 백엔드 개발자입니다. 결제 API를 맡아 응답 시간을 40% 줄였습니다.",
    "잘 모르겠습니다.",
    "Kafka를 도입해서 주문 이벤트를 비동기로 처리했습니다.",
    "팀원들과 소통하면서 성능을 많이 개선했습니다.",
    "주도성이 저와 가장 잘 맞습니다. 장애 알림 봇을 스스로 만들었습니다.",
    "팀의 코드 리뷰 문화가 궁금합니다.",
]
FOLLOW_UP_ANSWERS_KO = ["부하 테스트 도구로 전후를 측정했고, 쿼리 튜닝은 제가 직접 했습니다.",
                        "재처리가 필요해서 Kafka를 골랐고 RabbitMQ와 비교했습니다."]


def _write(tmp_path, name, texts):
    paths = []
    for i, t in enumerate(texts):
        p = tmp_path / f"{name}{i}.txt"
        p.write_text(t, "utf-8")
        paths.append(str(p))
    return paths


@pytest.mark.slow
def test_replay_typed_follow_ups_and_seeds(tmp_path, shared_data, model_manager):
    answers = _write(tmp_path, "a", ANSWERS_KO)
    follow = _write(tmp_path, "f", FOLLOW_UP_ANSWERS_KO)
    reports = []
    for seed in (1, 2):
        out = tmp_path / f"r{seed}.json"
        rc = main(["replay", "--resume", str(shared_data / "resumes" / "ko_backend_kim.pdf"), "--company", "KAKAO",
                   "--position", "백엔드 개발자", "--lang", "ko", "--answers", *answers,
                   "--follow-up-answers", *follow, "--seed", str(seed), "--out", str(out),
                   "--db", f"sqlite:///{tmp_path / f'db{seed}.sqlite3'}"])
        assert rc == 0
        reports.append(json.loads(out.read_text("utf-8")))
    for report in reports:
        details = report["details"]
        follow_ups = [d for d in details if d["is_follow_up"]]
        assert 1 <= len(follow_ups) <= 2  # the default budget: 2 per 6-question interview
        by_index = {d["index"]: d for d in details}
        for d in follow_ups:
            parent = by_index[d["parent_index"]]
            assert d["index"] == parent["index"] + 1 and not parent["is_follow_up"]
            assert d["source"] == "follow_up" and "모르" not in parent["answer"]
            quote = d["grounding"][0].split(": ", 1)[1]
            assert quote_in_answer(quote, parent["answer"]) and quote in d["question"]
            assert "(를)" not in d["question"] and "(으)" not in d["question"]
        main_qs = [d for d in details if not d["is_follow_up"]]
        assert len(main_qs) == 6 and main_qs[0]["question_type"] == "자기소개"
        assert "궁금한 점" in main_qs[-1]["question"]
        for d in details:
            assert d["source"] in ("bank", "template", "llm", "follow_up")
            assert all(": " in g for g in d["grounding"])
        assert report["meta"]["seed"] in (1, 2)
    q1 = {d["question"] for d in reports[0]["details"] if not d["is_follow_up"]}
    q2 = {d["question"] for d in reports[1]["details"] if not d["is_follow_up"]}
    assert len(q1 - q2) >= 2
