"""Who may read an interview, per-interview consent to share it, and the audit of reads.

Rules (the server's tenancy, docs/ARCHITECTURE.md §1):

- an admin reads everything; a candidate reads only their own interviews;
- a recruiter reads an interview only while its candidate's consent for the recruiter's
  company is active (``share_consents.revoked_at IS NULL``). The check runs on every request
  against the database, so a revocation takes effect on the next request;
- every recruiter read is written to ``consent_access_log`` (what was read, when, by whom),
  which the candidate can list.

Callers own the session (one per thread or request) and commit. ``readable_interview``
raises :class:`~core.errors.NotFound` both for a missing and for a forbidden interview, so a
response never reveals that somebody else's interview exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, exists, select, text, true
from sqlalchemy.orm import Session

from core.db.models import (
    Company,
    ConsentAccessLog,
    EvaluationReport,
    Interview,
    RecruiterNote,
    ServerEvaluation,
    ShareConsent,
    User,
    UserRole,
)
from core.errors import NotFound


def _now() -> datetime:
    return datetime.now(timezone.utc)


def active_consent(session: Session, interview_id: int, company_id: str | None) -> ShareConsent | None:
    if company_id is None:
        return None
    return session.scalar(select(ShareConsent).where(
        ShareConsent.interview_id == interview_id, ShareConsent.company_id == company_id,
        ShareConsent.revoked_at.is_(None)))


def can_read(session: Session, user: User, interview: Interview) -> bool:
    if user.role is UserRole.admin:
        return True
    if user.role is UserRole.candidate:
        return interview.candidate_id == user.id
    return active_consent(session, interview.id, user.company_id) is not None


def _may_read(user: User) -> ColumnElement[bool]:
    """The read rule as a condition on ``interviews`` (see the module docstring)."""
    if user.role is UserRole.admin:
        return true()
    if user.role is UserRole.candidate:
        return Interview.candidate_id == user.id
    return exists().where(ShareConsent.interview_id == Interview.id, ShareConsent.company_id == (user.company_id or ""),
                          ShareConsent.revoked_at.is_(None))


def readable_interview(session: Session, user: User, interview_uuid: str, *, what: str | None = None) -> Interview:
    """The interview of ``interview_uuid`` (its public id: clients never see the integer key)
    if ``user`` may read it, else NotFound. A recruiter's read of ``what`` (e.g. "report") is
    logged (flushed; the caller commits). One statement whether the interview is missing,
    forbidden or readable: the answer's timing does not tell a stranger's interview from none
    (the rule was a second query before)."""
    interview = session.scalar(select(Interview).where(Interview.uuid == interview_uuid, _may_read(user)))
    if interview is None:
        raise NotFound("db.not_found", what="interview", id=interview_uuid)
    if what is not None and user.role is UserRole.recruiter:
        session.add(ConsentAccessLog(interview_id=interview.id, viewer_id=user.id, what=what[:40]))
        session.flush()
    return interview


def owned_interview(session: Session, user: User, interview_uuid: str) -> Interview:
    """The interview of ``interview_uuid`` if ``user`` is its candidate (or an admin), else
    NotFound: changes to an interview (status, questions, transcripts, sharing) are the
    candidate's alone. One statement either way (as :func:`readable_interview`)."""
    mine = true() if user.role is UserRole.admin else Interview.candidate_id == user.id
    interview = session.scalar(select(Interview).where(Interview.uuid == interview_uuid, mine))
    if interview is None:
        raise NotFound("db.not_found", what="interview", id=interview_uuid)
    return interview


def grant(session: Session, interview: Interview, company_id: str, *, include_video: bool = False,
          at: datetime | None = None) -> ShareConsent:
    """Share ``interview`` with ``company_id`` (re-granting a revoked consent reactivates it);
    NotFound for a company that does not exist."""
    if session.get(Company, company_id) is None:
        raise NotFound("db.not_found", what="company", id=company_id)
    row = session.scalar(select(ShareConsent).where(
        ShareConsent.interview_id == interview.id, ShareConsent.company_id == company_id))
    if row is None:
        row = ShareConsent(interview_id=interview.id, company_id=company_id)
        session.add(row)
    row.include_video = include_video
    row.granted_at = at or _now()
    row.revoked_at = None
    session.flush()
    return row


def revoke(session: Session, interview: Interview, company_id: str, *, at: datetime | None = None) -> bool:
    """Withdraw the consent; True if there was an active one."""
    row = active_consent(session, interview.id, company_id)
    if row is None:
        return False
    row.revoked_at = at or _now()
    session.flush()
    return True


def consents(session: Session, interview_id: int) -> list[ShareConsent]:
    return list(session.scalars(select(ShareConsent).where(ShareConsent.interview_id == interview_id)
                                .order_by(ShareConsent.id)))


def access_log(session: Session, interview_id: int) -> list[tuple[ConsentAccessLog, User]]:
    rows = session.execute(select(ConsentAccessLog, User).join(User, User.id == ConsentAccessLog.viewer_id)
                           .where(ConsentAccessLog.interview_id == interview_id)
                           .order_by(ConsentAccessLog.id))
    return [(log, user) for log, user in rows]


def log_reads(session: Session, viewer: User, interview_ids: list[int], what: str) -> None:
    """Write one access-log row per interview read on the recruiter's side (listed, found by
    search; recruiters and admins). The caller commits."""
    session.add_all([ConsentAccessLog(interview_id=i, viewer_id=viewer.id, what=what[:40]) for i in interview_ids])


def notes_for(session: Session, interview_id: int, user: User) -> list[RecruiterNote]:
    """Notes are the reviewing company's own: a recruiter sees their company's, an admin all,
    a candidate none."""
    stmt = select(RecruiterNote).where(RecruiterNote.interview_id == interview_id)
    if user.role is UserRole.recruiter:
        stmt = stmt.join(User, User.id == RecruiterNote.author_id).where(User.company_id == user.company_id)
    elif user.role is not UserRole.admin:
        return []
    return list(session.scalars(stmt.order_by(RecruiterNote.id)))


def add_note(session: Session, interview: Interview, author: User, *, detail_index: int | None, note: str,
             score_override: float | None) -> RecruiterNote:
    row = RecruiterNote(interview_id=interview.id, author_id=author.id, detail_index=detail_index, note=note,
                        score_override=score_override)
    session.add(row)
    session.flush()
    return row


def server_evaluations(session: Session, interview_id: int) -> list[ServerEvaluation]:
    return list(session.scalars(select(ServerEvaluation).where(ServerEvaluation.interview_id == interview_id)
                                .order_by(ServerEvaluation.detail_index, ServerEvaluation.evaluator)))


def shared_listing(session: Session, recruiter: User, stmt: Select) -> list[tuple[Interview, str, datetime]]:
    """The interviews ``stmt`` selects (from :func:`shared_with_company`) with their candidate's
    display name and when the consent was given; each listing is logged ("listed")."""
    rows = list(session.scalars(stmt))
    ids = [iv.id for iv in rows]
    names = {uid: full or username for uid, full, username in session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_({iv.candidate_id for iv in rows})))}
    shared_at = dict(session.execute(select(ShareConsent.interview_id, ShareConsent.granted_at).where(
        ShareConsent.interview_id.in_(ids), ShareConsent.company_id == (recruiter.company_id or ""))).all())
    log_reads(session, recruiter, ids, "listed")
    return [(iv, names.get(iv.candidate_id, ""), shared_at[iv.id]) for iv in rows]


def shared_with_company(session: Session, company_id: str | None) -> Select:
    """A select of the interviews actively shared with ``company_id`` (filter/sort on top)."""
    return (select(Interview).join(ShareConsent, ShareConsent.interview_id == Interview.id)
            .where(ShareConsent.company_id == (company_id or ""), ShareConsent.revoked_at.is_(None)))


# One statement for a report read on PostgreSQL: the reader (the access token's user, not
# disabled, their session not ended by logout), the access rule, the audit row (recruiters) and
# the answer itself, built as JSON by the database and handed over as UTF-8 bytes, sent as they
# are (the report is already JSONB there, so the server neither parses nor re-serialises ~50 kB
# per read). Measured before: 7 statements in 2 transactions per read (8.6 ms in the app); the
# access check and audit row alone were 27%; then 2 statements (the user through the ORM, then
# this) in one transaction, the user's ORM load 19% of the request's Python time (py-spy --gil).
_REPORT_READ = text("""
WITH u AS (
    SELECT u.id, u.role::text AS role, coalesce(u.company_id, '') AS company FROM users u
    WHERE u.id = :uid AND u.disabled_at IS NULL AND EXISTS (  -- core.services.tokens.session_open, in SQL
        SELECT 1 FROM refresh_tokens t WHERE t.family = :sid AND t.revoked_at IS NULL)
), iv AS (
    SELECT i.id, i.uuid FROM interviews i JOIN u ON true
    WHERE i.uuid = :iid AND (
        u.role = 'admin'
        OR (u.role = 'candidate' AND i.candidate_id = u.id)
        OR (u.role = 'recruiter' AND EXISTS (
            SELECT 1 FROM share_consents c
            WHERE c.interview_id = i.id AND c.company_id = u.company AND c.revoked_at IS NULL)))
), logged AS (
    INSERT INTO consent_access_log (interview_id, viewer_id, what, at)
    SELECT iv.id, u.id, :what, now() FROM iv JOIN u ON u.role = 'recruiter'
    RETURNING 1
), rep AS (
    SELECT r.*, r.xmin::text AS version FROM evaluation_reports r JOIN iv ON r.interview_id = iv.id
    ORDER BY r.id DESC LIMIT 1
)
SELECT iv.id AS interview_key,
    (SELECT count(*) FROM logged) AS logged,
    (SELECT r.details_json IS NOT NULL AND r.details_json <> '{}'::jsonb FROM rep r) AS has_report,
    (SELECT r.id FROM rep r) AS report_key,
    (SELECT r.version FROM rep r) AS report_version,
    (SELECT convert_to(jsonb_build_object(
        'summary', coalesce(nullif(r.details_json -> 'summary', '{}'::jsonb),
                            jsonb_build_object('technical', r.technical_score, 'communication',
                                               r.communication_score, 'cultural', r.cultural_fit_score)),
        'details', coalesce(nullif(r.details_json -> 'details', 'null'::jsonb), '[]'::jsonb),
        'emotions', coalesce(nullif(r.details_json -> 'emotions', '{}'::jsonb),
                             '{"confidence": null, "nervousness": null}'::jsonb),
        'meta', coalesce(nullif(r.details_json -> 'meta', 'null'::jsonb), '{}'::jsonb)
     )::text, 'UTF8') FROM rep r
     WHERE r.id IS DISTINCT FROM CAST(:kept_key AS integer) OR r.version IS DISTINCT FROM CAST(:kept_version AS text)
        OR r.version = '2') AS report_body,  -- '2': FrozenTransactionId, a version never kept
    (SELECT convert_to(jsonb_build_object(
        'interview_id', iv.uuid,
        'recruiter_notes', (SELECT coalesce(jsonb_agg(to_jsonb(n) ORDER BY n.id), '[]'::jsonb) FROM (
            SELECT n.id, n.author_id, n.detail_index, n.note, n.score_override, n.created_at
            FROM recruiter_notes n JOIN users a ON a.id = n.author_id
            WHERE n.interview_id = iv.id
              AND (u.role = 'admin' OR (u.role = 'recruiter' AND a.company_id = u.company))) n),
        'server_evaluations', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.detail_index, e.evaluator),
                                               '[]'::jsonb) FROM (
            SELECT detail_index, evaluator, score, criteria, feedback, reason, created_at
            FROM server_evaluations WHERE interview_id = iv.id) e)
     )::text, 'UTF8') FROM rep r) AS reader_body
FROM u LEFT JOIN iv ON true
""")


class ReportRead(NamedTuple):
    """A report read on PostgreSQL: ``authenticated`` False when the token's user is disabled
    or gone or its session ended (nothing else was done); ``body`` the answer as UTF-8 JSON (the
    bytes the response sends: nothing decoded and encoded again), None when the interview has no
    report yet."""

    authenticated: bool
    body: bytes | None


class ReportPart(NamedTuple):
    """The part of a report answer that is the same for every reader (summary, details,
    emotions, meta: ~50 kB of JSON) for one version of the stored report (its row and that
    row's ``xmin``). A caller may keep it and pass it to the next read of the interview: the
    database then checks the version instead of building the JSON again (measured: 0.5 ms of
    PostgreSQL CPU of a read's 0.8 ms). The reader's part (notes, server evaluations) is built
    on every read."""

    key: int
    version: str
    body: bytes


def read_report_json(session: Session, user_id: int, session_id: str, interview_uuid: str) -> ReportRead:
    """The report answer (``ReportOut``'s shape) for the access token's user and session, in one
    statement that also checks the user and session, applies the read rule and writes a
    recruiter's audit row (atomic on its own: run it in autocommit, or commit after). NotFound
    when the user may not read the interview (or it does not exist). PostgreSQL only (see
    :func:`read_report` for any database; :func:`report_read_query` for a driver's own
    connection)."""
    row = session.execute(_REPORT_READ, _report_read_params(user_id, session_id, interview_uuid, None)).first()
    return report_read_result(row, interview_uuid)[0]


def _report_read_params(user_id: int, session_id: str, interview_uuid: str,
                        kept: ReportPart | None) -> dict[str, Any]:
    return {"iid": interview_uuid, "uid": user_id, "sid": session_id, "what": "report",
            "kept_key": kept.key if kept else None, "kept_version": kept.version if kept else None}


@lru_cache(maxsize=1)
def _report_read_sql() -> str:
    from sqlalchemy.dialects.postgresql.psycopg import dialect

    return str(_REPORT_READ.compile(dialect=dialect()))


def report_read_query(user_id: int, session_id: str, interview_uuid: str,
                      kept: ReportPart | None = None) -> tuple[str, dict[str, Any]]:
    """:func:`read_report_json`'s statement as psycopg runs it (``%(name)s`` parameters) and its
    parameters, for a caller with a connection of its own (the server's event-loop pool, in
    autocommit); ``kept``: the interview's report part from an earlier read, if the caller kept
    one. Its first row goes to :func:`report_read_result` (with the same ``kept``)."""
    return _report_read_sql(), _report_read_params(user_id, session_id, interview_uuid, kept)


def report_read_result(row: Sequence[Any] | None, interview_uuid: str,
                       kept: ReportPart | None = None) -> tuple[ReportRead, ReportPart | None]:
    """What the report read's row says, and the report part to keep for the next read (None:
    nothing to keep). NotFound when the interview is not the user's to read. The answer is the
    reader's part and the report part joined as one JSON object: ``kept``'s body when the
    database found it still current (it sent none), else the one it sent."""
    if row is None:
        return ReportRead(False, None), None
    interview_key, _logged, has_report, report_key, report_version, report_body, reader_body = row
    if interview_key is None:
        raise NotFound("db.not_found", what="interview", id=interview_uuid)
    if not has_report:
        return ReportRead(True, None), None
    if report_body is None:  # the kept part is the current version
        if kept is None or (kept.key, kept.version) != (report_key, report_version):
            raise RuntimeError("the report read sent no report part for a version it was not given")
        part = kept
    else:
        part = ReportPart(report_key, report_version, bytes(report_body))
    # two JSON objects with their own keys: {reader...} + {report...} -> {reader..., report...}
    body = bytes(reader_body)[:-1] + b", " + part.body[1:]
    return ReportRead(True, body), (part if part.version != "2" else None)


def read_report(session: Session, user: User, interview_uuid: str) -> dict[str, Any]:
    """The interview's latest report for ``user`` under the read rule (a recruiter's read is
    logged; the caller commits): {"interview_id", "report": {details, technical, communication,
    cultural} or None, "notes": [...], "server_evaluations": [...]}. NotFound when ``user`` may
    not read it. Any database; PostgreSQL has the one-statement :func:`read_report_json`."""
    interview = readable_interview(session, user, interview_uuid, what="report")
    rep = session.scalars(select(EvaluationReport).where(EvaluationReport.interview_id == interview.id)
                          .order_by(EvaluationReport.id.desc())).first()
    notes = []
    if user.role in (UserRole.recruiter, UserRole.admin):
        stmt = select(RecruiterNote).where(RecruiterNote.interview_id == interview.id)
        if user.role is UserRole.recruiter:
            stmt = stmt.join(User, User.id == RecruiterNote.author_id).where(User.company_id == user.company_id)
        notes = [{c: getattr(n, c) for c in ("id", "author_id", "detail_index", "note", "score_override",
                                              "created_at")} for n in session.scalars(stmt.order_by(RecruiterNote.id))]
    evals = [{c: getattr(e, c) for c in ("detail_index", "evaluator", "score", "criteria", "feedback", "reason",
                                         "created_at")}
             for e in session.scalars(select(ServerEvaluation).where(ServerEvaluation.interview_id == interview.id)
                                      .order_by(ServerEvaluation.detail_index, ServerEvaluation.evaluator))]
    report = None if rep is None else {"details": rep.details_json, "technical": rep.technical_score,
                                       "communication": rep.communication_score,
                                       "cultural": rep.cultural_fit_score}
    return {"interview_id": interview.uuid, "report": report, "notes": notes, "server_evaluations": evals}
