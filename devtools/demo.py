"""Demo material for screenshots and the benchmark: a synthesised face camera, a synthesised
microphone (a tone shaped like speech), and a demo database with a few finished interviews.

Nothing here reads the shared test media: the face is drawn with OpenCV primitives (skin
gradient, eyes with irises that wander, brows, mouth), so screenshots never show a real
person. Sources follow core.protocols.CameraSource / MicrophoneSource; one reader thread each.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable

from core.protocols import SAMPLE_RATE, Frame


# Demo interviews: which bank questions each session asks and the candidate's answers to them,
# oldest session first. Genuine answers of varying quality, so the progress chart rises and
# the report shows real evidence: the last session is the one the report screenshot shows.
DEMO_SESSIONS = [
    ["backend.db_index", "generic.self_intro_strength", "backend.n_plus_one"],
    ["backend.rest_design", "generic.failure_lesson", "backend.idempotent_payment"],
    ["backend.slow_api_debug", "backend.cache_strategy", "generic.conflict_teammate"],
]
DEMO_ANSWERS = {
    "ko": {
        "backend.db_index":
            "인덱스는 B-Tree 구조로 키를 정렬해 두어서 풀 스캔 없이 원하는 행을 빨리 찾게 해 줍니다. "
            "다만 INSERT나 UPDATE 때 인덱스도 같이 바뀌어서 쓰기가 조금 느려질 수 있습니다.",
        "generic.self_intro_strength":
            "저의 강점은 꼼꼼함입니다. 지난 프로젝트에서 배포 전에 체크리스트를 만들어 팀이 같이 쓰도록 했고, "
            "그 결과 배포 후 장애가 줄었습니다.",
        "backend.n_plus_one":
            "N+1 문제는 목록을 한 번 조회한 뒤 연관 데이터를 지연 로딩하면서 행마다 추가 쿼리가 나가는 문제입니다. "
            "저는 fetch join으로 한 번에 가져와서 해결했습니다.",
        "backend.rest_design":
            "URI에는 주문이나 사용자 같은 리소스를 명사로 쓰고, 행위는 GET, POST, PATCH, DELETE 같은 HTTP 메서드로 표현합니다. "
            "GET과 PUT, DELETE는 멱등이라 재시도해도 안전하지만 POST는 아니라서 중복 생성을 조심합니다. "
            "상태 코드는 생성에 201, 잘못된 입력에 400, 권한이 없으면 403, 없는 리소스는 404로 구분해서 돌려주고, "
            "무상태로 설계하고 /v1처럼 버전을 붙여 일관되게 관리합니다.",
        "generic.failure_lesson":
            "정산 배치를 배포하면서 대용량 데이터로 테스트하지 않은 제 실수로 새벽 배치가 세 시간 늦게 끝난 적이 있습니다. "
            "원인을 분석해 보니 한 건씩 조회하는 쿼리 때문이었고, 바로 묶음 조회로 고쳐 수습했습니다. "
            "이후로는 운영과 비슷한 크기의 데이터로 성능을 확인하는 단계를 배포 체크리스트에 넣었고, 지금도 그 습관을 지키고 있습니다.",
        "backend.idempotent_payment":
            "클라이언트가 요청마다 멱등성 키를 보내게 하고, 서버는 그 키를 저장해 두었다가 같은 키로 다시 오면 "
            "결제를 새로 하지 않고 처음 결과를 돌려주겠습니다. 키 컬럼에는 유니크 제약을 걸어 중복 저장을 막습니다.",
        "backend.slow_api_debug":
            "먼저 APM 대시보드에서 언제부터 어떤 엔드포인트가 느려졌는지 영향 범위를 확인합니다. "
            "그 시점에 배포나 설정 변경, 트래픽 증가가 있었는지 보고, 배포 직후라면 바로 롤백해서 사용자 영향을 줄입니다. "
            "그다음 트레이스로 구간을 좁혀 DB 슬로 쿼리, 외부 API 응답, 커넥션 풀, CPU와 메모리를 차례로 봅니다. "
            "실제로 새 쿼리가 인덱스를 타지 않아 커넥션 풀이 고갈된 적이 있었는데, 인덱스를 추가해 해결하고 "
            "회고에서 쿼리 리뷰를 재발 방지책으로 정했습니다.",
        "backend.cache_strategy":
            "주로 Cache-Aside 전략을 씁니다. 조회할 때 Redis를 먼저 보고 없으면 DB에서 읽어 캐시에 넣고, "
            "데이터가 바뀌면 DB를 먼저 갱신한 뒤 캐시 키를 삭제해서 무효화합니다. "
            "삭제가 실패해도 오래된 값이 오래 남지 않도록 TTL을 항상 겁니다. "
            "읽기가 많고 조금 늦게 반영돼도 되는 상품 정보부터 적용했고 히트율은 90% 정도였습니다.",
        "generic.conflict_teammate":
            "정산 서비스를 분리할 때 동료는 한 번에 새로 만들자고 했고 저는 단계적으로 옮기자고 해서 의견이 크게 달랐습니다. "
            "쟁점은 속도와 안정성 중 무엇을 우선하느냐였습니다. 저는 먼저 동료의 입장을 이해하려고 왜 새로 만들고 싶은지 물었고, "
            "기존 코드에 테스트가 없어 고치기 불안하다는 이유를 들었습니다. 그래서 대화로 판단 기준을 정하고, 장애 이력 데이터를 "
            "근거로 위험한 부분에 테스트를 먼저 붙인 뒤 모듈 단위로 옮기기로 합의했습니다. 그 결과 장애 없이 전환했고 동료와의 "
            "관계도 더 좋아졌으며, 이후에는 의견이 다를 때 기준부터 맞추는 것을 배웠습니다.",
    },
    "en": {
        "backend.db_index":
            "An index is a B-tree that keeps the keys sorted, so a lookup does not need a full table scan. "
            "The downside is that inserts and updates also have to update the index, so writes get a bit slower.",
        "generic.self_intro_strength":
            "My strength is being careful. In my last project I wrote a release checklist that the whole team used, "
            "and as a result we had fewer incidents after deploys.",
        "backend.n_plus_one":
            "The N+1 problem is when you load a list with one query and then lazy loading fires one extra query per row "
            "for an association. I solved it with a fetch join so everything comes back in one query.",
        "backend.rest_design":
            "I name resources with nouns in the URI, like orders or users, and express actions with HTTP methods: GET, POST, "
            "PATCH and DELETE. GET, PUT and DELETE are idempotent, so retries are safe, but POST is not, so I watch for "
            "duplicate creates. For status codes I return 201 on creation, 400 for bad input, 403 when access is denied "
            "and 404 for a missing resource. The API stays stateless and is versioned with a prefix like /v1.",
        "generic.failure_lesson":
            "My biggest failure was a settlement batch I shipped without testing it on production-sized data; it was my "
            "mistake, and the nightly run finished three hours late. When I analysed the cause, it was a query that fetched "
            "one row at a time, so I fixed it with a batched query the same day. Since then I added a step to our release "
            "checklist to test performance on realistic data, and I still follow that habit.",
        "backend.idempotent_payment":
            "I would have the client send an idempotency key with each payment request. The server stores the key with the "
            "result, and when a retry arrives with the same key it returns the stored result instead of charging again. "
            "A unique constraint on the key column stops two rows being written for the same request.",
        "backend.slow_api_debug":
            "First I look at the APM dashboard to see when it started and which endpoints are affected, so I know the scope. "
            "Then I compare that moment with recent deploys, config changes and traffic; if a release lines up with it, I "
            "roll it back to limit the impact on users. Next I use distributed traces to see which layer takes the time, "
            "checking slow queries, external API calls, the connection pool and CPU or memory. Once a new query missed its "
            "index and exhausted the connection pool; I added the index, and in the postmortem we agreed on query reviews "
            "to prevent it from happening again.",
        "backend.cache_strategy":
            "I mostly use cache-aside: reads check Redis first, and on a miss we read the database and put the value in the "
            "cache. On a write I update the database first and then invalidate the key by deleting it. I always set a TTL "
            "so that a failed delete cannot leave stale data for long. I started with product data, which is read-heavy "
            "and can tolerate a little staleness, and the hit rate was about ninety percent.",
        "generic.conflict_teammate":
            "When we split our settlement service, a teammate wanted to rewrite it all at once and I wanted to move it step "
            "by step, so we strongly disagreed. I first asked why he wanted a rewrite, and his concern was that the old code "
            "had no tests, so every change felt risky. We looked at the incident data together and agreed on criteria: "
            "add tests to the risky parts first, then move one module at a time. The result was a switch-over with no "
            "incident, and I learned to agree on decision criteria before arguing about solutions.",
    },
}

# The live screenshot's answer to the plan's first question (always a self-introduction kind,
# core.interview.planner.RHYTHM): by bank key, the one-minute introduction otherwise.
DEMO_LIVE_ANSWERS = {
    "ko": {
        "generic.self_intro_1min":
            "안녕하세요, 4년 차 백엔드 개발자 김민지입니다. 토스페이에서 결제 API와 정산 파이프라인을 맡아 "
            "응답 시간을 40% 줄였고, 하루 3천만 건의 이벤트를 처리하는 Kafka 파이프라인을 만들었습니다.",
        "generic.weakness":
            "제 약점은 처음부터 완벽하게 만들려고 해서 일정이 늦어지는 점이었습니다. 지금은 작게 먼저 내고 "
            "측정한 뒤 고치는 방식으로 바꿔서, 최근 프로젝트는 2주 단위로 나눠 일정 안에 끝냈습니다.",
        "generic.culture_work_values":
            "저는 일할 때 측정할 수 있는 결과를 가장 중요하게 생각합니다. 결제 API를 개선할 때도 먼저 지표를 "
            "정하고, 응답 시간을 40% 줄인 것을 대시보드로 팀과 함께 확인했습니다.",
        "generic.motivation_what_drives":
            "정산 지연 때문에 가맹점 문의가 많았는데, 제가 만든 실시간 정산 시스템으로 지연을 1초 이하로 줄여 "
            "문의가 눈에 띄게 줄었을 때 가장 보람을 느꼈습니다.",
        "generic.self_intro_resume_walk":
            "토스페이에서 4년 동안 서버 개발자로 일하며 결제 API 성능 개선과 Kafka 기반 정산 파이프라인 구축을 "
            "맡았습니다. 응답 시간을 40% 줄였고, 하루 3천만 건의 이벤트를 안정적으로 처리했습니다.",
    },
    "en": {
        "generic.self_intro_1min":
            "Hello, I am Minji Kim, a backend engineer with four years at Toss Pay. I owned the payment API and cut "
            "its latency by forty percent, and I built a Kafka pipeline for real-time settlement.",
        "generic.weakness":
            "My weakness used to be trying to make everything perfect before shipping, which delayed my work. Now I "
            "ship a small version first, measure it and then improve it, and my last project landed on time.",
        "generic.culture_work_values":
            "What I value most is results I can measure. When I improved our payment API, I agreed on the metrics "
            "first and then showed the team the forty percent latency cut on a dashboard.",
        "generic.motivation_what_drives":
            "I felt most rewarded when the real-time settlement system I built brought the settlement delay under "
            "one second and merchant complaints dropped sharply.",
        "generic.self_intro_resume_walk":
            "At Toss Pay I spent four years as a backend engineer, improving the payment API and building a Kafka "
            "settlement pipeline. I cut API latency by forty percent and kept the pipeline reliable at scale.",
    },
}


def demo_live_answer(lang: str, bank_key: str | None) -> str:
    """The demo candidate's answer to the live screenshot's question ``bank_key``."""
    answers = DEMO_LIVE_ANSWERS[lang]
    if bank_key in answers:
        return answers[bank_key]
    return DEMO_ANSWERS[lang].get(bank_key or "", answers["generic.self_intro_1min"])


class SyntheticFaceCamera:
    """A drawn face at ``fps`` (paced in real time when ``realtime``), 640x480 BGR."""

    def __init__(self, *, fps: float = 30.0, realtime: bool = True, max_frames: int | None = None,
                 size: tuple[int, int] = (640, 480)) -> None:
        self.fps = fps
        self.size = size
        self.realtime = realtime
        self.max_frames = max_frames
        self._i = 0
        self._t0 = 0.0
        self._open = False

    def open(self) -> None:
        self._i = 0
        self._t0 = time.monotonic()
        self._open = True

    def draw(self, i: int) -> Any:
        import cv2
        import numpy as np

        w, h = self.size
        if getattr(self, "_bg", None) is None:
            yy, xx = np.mgrid[0:h, 0:w]
            self._bg = np.ascontiguousarray(np.stack([150 + 40 * yy / h, 130 + 30 * xx / w, 120 + 20 * yy / h],
                                                     axis=-1).astype(np.uint8))
        img = self._bg.copy()
        t = i / self.fps
        cx, cy = int(w / 2 + 6 * math.sin(t * 0.7)), int(h * 0.47 + 3 * math.sin(t * 1.1))
        fw, fh = 118, 150
        cv2.rectangle(img, (cx - 150, cy + 120), (cx + 150, h), (90, 70, 60), -1)  # shoulders
        cv2.rectangle(img, (cx - 40, cy + 100), (cx + 40, cy + 170), (150, 175, 215), -1)  # neck
        cv2.ellipse(img, (cx, cy), (fw, fh), 0, 0, 360, (160, 190, 228), -1)
        cv2.ellipse(img, (cx, cy - 95), (fw + 8, 70), 0, 180, 360, (40, 40, 55), -1)  # hair
        look = 5 * math.sin(t * 0.9)
        blink = (i % 120) < 4
        for side in (-1, 1):
            ex, ey = cx + side * 45, cy - 20
            cv2.ellipse(img, (ex, ey - 26), (26, 7), 0, 180, 360, (50, 50, 60), -1)  # brow
            if blink:
                cv2.line(img, (ex - 22, ey), (ex + 22, ey), (60, 60, 70), 3)
            else:
                cv2.ellipse(img, (ex, ey), (24, 12), 0, 0, 360, (245, 245, 245), -1)
                cv2.circle(img, (int(ex + look), ey), 9, (70, 50, 30), -1)
                cv2.circle(img, (int(ex + look), ey), 4, (10, 10, 10), -1)
                cv2.ellipse(img, (ex, ey), (24, 12), 0, 0, 360, (60, 60, 70), 1)
        cv2.line(img, (cx, cy - 5), (cx - 8, cy + 32), (120, 140, 180), 2)  # nose
        cv2.ellipse(img, (cx, cy + 62), (34, 12), 0, 0, 180, (90, 90, 170), 3)  # mouth
        return cv2.GaussianBlur(img, (3, 3), 0)

    def read(self) -> Frame | None:
        if not self._open or (self.max_frames is not None and self._i >= self.max_frames):
            return None
        t = self._i / self.fps
        if self.realtime:
            wait = self._t0 + t - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # paced like a camera
        f = Frame(image=self.draw(self._i), t=t, index=self._i)
        self._i += 1
        return f

    def close(self) -> None:
        self._open = False


class SyntheticMicrophone:
    """A speech-like signal (a voiced tone with syllable-rate amplitude) in real time."""

    sample_rate = SAMPLE_RATE

    def __init__(self, block_samples: int = 512) -> None:
        self.block_samples = block_samples
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_audio: Callable[[Any, float], None]) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(on_audio,), name="synthetic-mic", daemon=True)
        self._thread.start()

    def _run(self, on_audio) -> None:
        import numpy as np

        n, i, t0 = self.block_samples, 0, time.monotonic()
        while not self._stop.is_set():
            t = (np.arange(i, i + n) / SAMPLE_RATE).astype(np.float32)
            env = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * t)
            block = (0.2 * env * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
            due = t0 + (i + n) / SAMPLE_RATE
            if self._stop.wait(max(0.0, due - time.monotonic())):
                break
            on_audio(block, i / SAMPLE_RATE)
            i += n

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
