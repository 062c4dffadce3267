"""Interrupted interviews: find them, resume or discard them.

An interview is *interrupted* when it is still ``scheduled`` or ``live`` but no running
process owns it (the owner's pid, host and process start time are stored in
``interviews.plan["owner"]`` by :func:`owner_record`; a process killed with SIGKILL, a crash
or a power loss leaves it behind). The owner is judged by its process state and start time
(psutil), not by ``kill(pid, 0)``: a killed process that lingers as a zombie is dead, and a
pid the system has since given to another process is not the owner. Every command that opens the
database calls :func:`sweep_interrupted` first:

* an interrupted interview with no answer stored is deleted (with the resume row only it
  used): what failed before the first answer leaves no rows;
* one with answers is *resumable*: the desktop lists it with :func:`find_resumable` and
  offers :meth:`core.interview.session.InterviewSession.resume` or :func:`discard_interview`;
  ``big20 replay`` marks it cancelled with a reason (:func:`cancel_resumable`).

Pure database work on the caller's thread; each function opens its own short sessions from
the given ``sessionmaker``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, TypedDict

import psutil
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import Interview, InterviewQuestion, InterviewStatus, Resume, Speaker, Transcript
from core.interview.types import KeptSummary
from core.protocols import JsonObject

OPEN_STATES = (InterviewStatus.scheduled, InterviewStatus.live)


@dataclass
class InterruptedInterview:
    id: int
    uuid: str
    candidate_id: int
    company_id: str | None
    position: str
    language: str
    status: str
    started_at: datetime | None
    planned: int
    answered: int

    @property
    def resumable(self) -> bool:
        return self.status == InterviewStatus.live.value and self.answered > 0 and self.planned > 0


# a process start time is stored to the centisecond by some systems: allow this much skew
START_TIME_TOLERANCE_S = 1.0


def _start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


class OwnerRecord(TypedDict):
    """``interviews.plan["owner"]``: the process that runs the interview."""

    pid: int
    host: str
    started: float | None  # the process's start time, seconds since the epoch


def owner_record() -> OwnerRecord:
    """What identifies this process as an interview's owner: pid, host and the process's
    start time (seconds since the epoch), stored in ``interviews.plan["owner"]``."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "started": _start_time(pid)}


def _utc_ts(when: datetime | None) -> float | None:
    if when is None:
        return None
    return (when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)).timestamp()


def _owner_alive(plan: JsonObject | None, since: datetime | None = None) -> bool:
    """True when the process recorded in ``plan["owner"]`` still runs: same host, the pid
    exists and is not a zombie, and it is the same process (its start time is the recorded
    one; for records without one, it started before the interview did, ``since``)."""
    owner = (plan or {}).get("owner") or {}
    pid, host = owner.get("pid"), owner.get("host")
    if not pid or host != socket.gethostname():
        return False
    try:
        proc = psutil.Process(int(pid))
        status = proc.status()
        created = proc.create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.AccessDenied:  # another user's live process: it exists, we cannot look closer
        return True
    if status in (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
        return False  # killed, not yet reaped by its parent: it will never write again
    if "started" in owner:  # recorded by owner_record(): the same pid must be the same process
        started = owner["started"]
        return started is None or abs(created - float(started)) <= START_TIME_TOLERANCE_S
    since_ts = _utc_ts(since)
    # an older record (no start time): a process younger than the interview cannot own it
    return since_ts is None or created <= since_ts + START_TIME_TOLERANCE_S


def _answered(db: Session, interview_id: int) -> int:
    return int(db.scalar(
        select(func.count(func.distinct(Transcript.interview_question_id)))
        .where(Transcript.interview_id == interview_id, Transcript.speaker == Speaker.User,
               Transcript.interview_question_id.is_not(None))) or 0)


def _describe(db: Session, iv: Interview) -> InterruptedInterview:
    planned = len((iv.plan or {}).get("questions") or [])
    return InterruptedInterview(id=iv.id, uuid=iv.uuid, candidate_id=iv.candidate_id, company_id=iv.company_id,
                                position=iv.position, language=iv.language, status=iv.status.value,
                                started_at=iv.started_at, planned=planned, answered=_answered(db, iv.id))


def find_interrupted(factory: Callable[[], Session], *, candidate_id: int | None = None) -> list[InterruptedInterview]:
    """Open interviews no running process owns, oldest first."""
    with factory() as db:
        q = select(Interview).where(Interview.status.in_(OPEN_STATES)).order_by(Interview.id)
        if candidate_id is not None:
            q = q.where(Interview.candidate_id == candidate_id)
        return [_describe(db, iv) for iv in db.scalars(q)
                if not _owner_alive(iv.plan, iv.started_at or iv.created_at)]


def _delete(db: Session, iv: Interview, delete_resume: bool | None) -> None:
    resume_id = iv.resume_id
    db.delete(iv)
    db.flush()
    if resume_id is None or delete_resume is False:
        return
    still_used = db.scalar(select(func.count()).select_from(Interview).where(Interview.resume_id == resume_id))
    if not still_used:
        row = db.get(Resume, resume_id)
        if row is not None:
            db.delete(row)


def discard_interview(factory: Callable[[], Session], interview_id: int, reason: str, *,
                      delete_resume: bool | None = None) -> KeptSummary:
    """End an open interview: ``cancelled`` with ``reason`` when it holds answers, deleted
    (with its resume row when no other interview uses it, unless ``delete_resume`` is False)
    when it holds none. Returns a :class:`core.interview.types.KeptSummary`."""

    with factory() as db:
        iv = db.get(Interview, interview_id)
        if iv is None:
            return KeptSummary(None, 0, 0, "none", reason)
        planned = len((iv.plan or {}).get("questions") or [])
        if iv.status not in OPEN_STATES:
            return KeptSummary(iv.id, _answered(db, iv.id), planned, iv.status.value, reason)
        answered = _answered(db, iv.id)
        if answered == 0:
            _delete(db, iv, delete_resume)
            db.commit()
            return KeptSummary(interview_id, 0, planned, "deleted", reason)
        # drop the question asked but never answered: the kept record is what was said
        for row in db.scalars(select(InterviewQuestion).where(InterviewQuestion.interview_id == iv.id)):
            has = db.scalar(select(func.count()).select_from(Transcript)
                            .where(Transcript.interview_question_id == row.id))
            if not has:
                db.delete(row)
        iv.status = InterviewStatus.cancelled
        iv.ended_at = datetime.now(timezone.utc)
        iv.cancel_reason = reason
        db.commit()
        return KeptSummary(iv.id, answered, planned, "cancelled", reason)


def sweep_interrupted(factory: Callable[[], Session]) -> list[InterruptedInterview]:
    """Delete interrupted interviews that hold no answer; return the ones that do (resumable
    or to be cancelled by the caller)."""
    kept: list[InterruptedInterview] = []
    for it in find_interrupted(factory):
        if it.answered == 0:
            discard_interview(factory, it.id, "interrupted before the first answer")
        else:
            kept.append(it)
    return kept


def find_resumable(factory: Callable[[], Session], *, candidate_id: int | None = None) -> list[InterruptedInterview]:
    """What the desktop offers to resume (after :func:`sweep_interrupted`)."""
    return [it for it in find_interrupted(factory, candidate_id=candidate_id) if it.resumable]


def cancel_resumable(factory: Callable[[], Session], reason: str) -> list[InterruptedInterview]:
    """``replay``'s policy: every interrupted interview with answers becomes ``cancelled``
    with ``reason``; returns what it cancelled."""
    done: list[InterruptedInterview] = []
    for it in sweep_interrupted(factory):
        discard_interview(factory, it.id, reason)
        done.append(it)
    return done
