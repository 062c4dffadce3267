"""Questions read aloud offline with espeak-ng (Korean and English voices), written to a WAV
the live screen plays. Blocking (a subprocess, ~0.1-0.3 s per sentence): call from the
interview's controller thread, never the UI thread. No espeak-ng: returns None and the
question is shown only (the screen says reading aloud is unavailable)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import wave
from pathlib import Path

log = logging.getLogger(__name__)
VOICES = {"ko": "ko", "en": "en-us"}


class EspeakReader:
    def __init__(self, folder: Path, *, speed_wpm: int = 165) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.speed = speed_wpm
        self.exe = shutil.which("espeak-ng")
        self._n = 0

    @property
    def available(self) -> bool:
        return self.exe is not None

    def __call__(self, text: str, language: str) -> tuple[str, float] | None:
        if self.exe is None:
            return None
        self._n += 1
        out = self.folder / f"q{self._n}.wav"
        try:
            subprocess.run([self.exe, "-v", VOICES.get(language, "en-us"), "-s", str(self.speed), "-w", str(out), text],
                           check=True, capture_output=True, timeout=20)
            with wave.open(str(out), "rb") as w:
                duration = w.getnframes() / float(w.getframerate())
        except (OSError, subprocess.SubprocessError, wave.Error) as exc:
            log.warning("espeak-ng could not read the question: %s", exc)
            return None
        return str(out), duration
