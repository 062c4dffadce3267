"""What the live screen is given to start an interview: the new-interview screen makes it at
Start, the recovery service when an interrupted interview resumes. Plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.vision.calibration import GazeCalibration

if TYPE_CHECKING:  # the planning module brings the engine assembly (~0.5 s at start): its type only
    from desktop.workers.planning import PreparedInterview


@dataclass
class InterviewSetup:
    """Everything the live screen needs; plain data."""

    language: str
    company_id: str | None
    company_name: str | None
    position: str
    resume_path: Path | None
    resume: dict[str, Any]
    resume_text: str
    plan: PreparedInterview
    calibration: GazeCalibration | None = None
    share_live: bool = False  # the candidate chose to share it live with the company, video included
    camera_ok: bool = False
    microphone_ok: bool = False
    notes: list[str] = field(default_factory=list)
