"""Questions read aloud: Qt's text-to-speech where the platform has a voice for the interview's
language, else espeak-ng (offline, Korean and English voices), else nothing.

Two readers share one small protocol, used by the interview worker and the live screen:

- ``reader.engine``: what the engine status line shows ("espeak-ng", "Qt speechd" ...).
- ``reader.prepare(text, language) -> Utterance | None``: on the interview's controller
  thread, never the UI thread. espeak-ng synthesises a WAV here (a subprocess, ~0.1-0.3 s per
  sentence); the Qt reader only estimates the duration (it speaks itself, later). None: this
  question is shown only.
- ``reader.say(utterance, done)``: on the UI thread. The Qt reader speaks through its
  QTextToSpeech; ``done()`` is called when it is back to ready (or failed). espeak-ng's WAV is
  played by the live screen's media player instead (``say`` is not used for it).

:func:`choose_reader` picks one: a QTextToSpeech engine other than Qt's "mock" (or those the
caller allows, tests included) that has a voice for the language, else espeak-ng when it is on
PATH, else None. QTextToSpeech lives on the UI thread: build the Qt reader there.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:  # QtTextToSpeech loads the platform's speech service: imported where a reader is built
    from PySide6.QtCore import QObject
    from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)
VOICES = {"ko": "ko", "en": "en-us"}
LOCALES = {"ko": "ko_KR", "en": "en_US"}
# a spoken question's length for engines that do not say it: ~14 characters per second read
# aloud in English, ~7 Hangul syllables per second in Korean, plus a margin
CHARS_PER_S = {"ko": 7.0, "en": 14.0}


@dataclass
class Utterance:
    text: str
    language: str
    path: str | None  # a WAV to play; None: the reader speaks it itself (``say``)
    duration_s: float  # measured (WAV) or estimated


def estimated_duration(text: str, language: str) -> float:
    chars = len("".join(text.split()))
    return 1.0 + chars / CHARS_PER_S.get(language, 12.0)


class EspeakReader:
    """espeak-ng to a WAV file in ``folder``; thread-safe enough for one controller thread."""

    engine = "espeak-ng"

    def __init__(self, folder: Path, *, speed_wpm: int = 165) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.speed = speed_wpm
        self.exe = shutil.which("espeak-ng")
        self._n = 0

    @property
    def available(self) -> bool:
        return self.exe is not None

    def prepare(self, text: str, language: str) -> Utterance | None:
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
        return Utterance(text, language, str(out), duration)

    def __call__(self, text: str, language: str) -> tuple[str, float] | None:
        """(wav path, seconds) - the older call form, kept for scripts."""
        u = self.prepare(text, language)
        return None if u is None else (u.path or "", u.duration_s)

    def say(self, utterance: Utterance, done: Callable[[], None]) -> None:  # pragma: no cover - played as a WAV
        raise NotImplementedError("espeak-ng utterances are WAV files: play utterance.path")


class QtSpeechReader:
    """One QTextToSpeech engine with a voice for ``language``. UI thread only (build, say)."""

    def __init__(self, tts: QTextToSpeech, engine_name: str, language: str) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        self.tts = tts
        self.engine_name = engine_name
        self.language = language
        self._done: Callable[[], None] | None = None
        self._states = QTextToSpeech.State
        self._started = False
        tts.stateChanged.connect(self._state)
        tts.errorOccurred.connect(lambda *_a: self._finish())

    @property
    def engine(self) -> str:
        return f"Qt {self.engine_name}"

    def prepare(self, text: str, language: str) -> Utterance | None:
        """Any thread: no Qt call, only the text and an estimated duration."""
        if not text.strip():
            return None
        return Utterance(text, language, None, estimated_duration(text, language))

    def say(self, utterance: Utterance, done: Callable[[], None]) -> None:
        self._finish()  # a previous question still being read ends here
        self._done = done
        self._started = False
        self.tts.say(utterance.text)

    def stop(self) -> None:
        self._done = None
        self.tts.stop()

    def _state(self, state: QTextToSpeech.State) -> None:
        s = self._states
        if state in (s.Speaking, getattr(s, "Synthesizing", s.Speaking)):
            self._started = True
        elif state == s.Error:
            log.warning("Qt text-to-speech failed: %s", self.tts.errorString())
            self._finish()
        elif state == s.Ready and self._started:
            self._finish()

    def _finish(self) -> None:
        done, self._done = self._done, None
        if done is not None:
            done()


def qt_reader(language: str, *, allowed: Iterable[str] | None = None,
              parent: QObject | None = None) -> QtSpeechReader | None:
    """A Qt reader for ``language`` on the first engine (other than "mock", unless ``allowed``
    names it) that has a voice for it; None when there is none. UI thread."""
    try:
        from PySide6.QtCore import QLocale
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError as exc:  # a Qt build without the module
        log.info("no QtTextToSpeech: %s", exc)
        return None
    want = QLocale(LOCALES.get(language, language)).language()
    names = list(QTextToSpeech.availableEngines())
    names = [n for n in names if n in set(allowed)] if allowed is not None else [n for n in names if n != "mock"]
    for name in names:
        tts = QTextToSpeech(name, parent)
        if tts.state() == QTextToSpeech.State.Error:
            log.info("Qt text-to-speech engine %s is not usable: %s", name, tts.errorString())
            tts.deleteLater()
            continue
        locales = [loc for loc in tts.availableLocales() if loc.language() == want]
        voices = []
        for loc in locales:
            tts.setLocale(loc)
            voices = list(tts.availableVoices())
            if voices:
                break
        if not voices:
            log.info("Qt text-to-speech engine %s has no %s voice", name, language)
            tts.deleteLater()
            continue
        tts.setVoice(voices[0])
        return QtSpeechReader(tts, name, language)
    return None


def audio_output_available() -> bool:
    """True when the system has an audio output device (speaker, headphones). Without one, a
    question "read aloud" would only hold the interview for its length. UI thread."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as exc:  # a Qt build without multimedia plays nothing
        log.info("no QtMultimedia: %s", exc)
        return False
    return bool(QMediaDevices.audioOutputs())


def choose_reader(language: str, folder: Path, *, qt_engines: Iterable[str] | None = None,
                  parent: QObject | None = None) -> EspeakReader | QtSpeechReader | None:
    """Qt text-to-speech when the platform has a voice for ``language``, else espeak-ng, else
    None. UI thread (the Qt reader's object lives there)."""
    reader = qt_reader(language, allowed=qt_engines, parent=parent)
    if reader is not None:
        return reader
    espeak = EspeakReader(folder)
    return espeak if espeak.available else None
