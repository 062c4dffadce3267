"""End of an answer from voice activity: configurable trailing silence, minimum answer
length and a hard cap, counted in samples (stream time), so the decision is the same
whether audio arrives in real time or faster.

Use: ``det = EndpointDetector(SileroVad(), end_silence_s=1.2, ...)``; call ``push(pcm)``
with each audio block (on the audio worker's thread; not thread-safe) and read the returned
:class:`EndpointState`. ``state.remaining_silence_s`` drives the UI countdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from core.config import SpeechSettings
from core.protocols import SAMPLE_RATE, VoiceActivityDetector
from engines.vad.silero import FrameSplitter

if TYPE_CHECKING:
    import numpy as np

ON_THRESHOLD = 0.5
OFF_THRESHOLD = 0.35  # hysteresis: a word's soft tail must not count as silence


@dataclass
class EndpointState:
    speaking: bool = False          # a voiced frame was the latest decision
    started: bool = False           # any speech seen yet
    speech_start_s: float | None = None
    last_voiced_s: float | None = None   # end of the last voiced frame (stream seconds)
    silence_s: float = 0.0          # trailing silence after the last voiced frame
    remaining_silence_s: float = 0.0  # until the answer ends (countdown; 0 when not counting)
    ended: bool = False
    reason: Literal["silence", "max_length", ""] = ""
    end_s: float | None = None      # stream time at which the end was decided
    position_s: float = 0.0         # stream time of all audio processed


class EndpointDetector:
    def __init__(self, vad: VoiceActivityDetector, *, end_silence_s: float = 1.2,
                 min_answer_s: float = 2.0, max_answer_s: float = 180.0,
                 on_threshold: float = ON_THRESHOLD, off_threshold: float = OFF_THRESHOLD) -> None:
        self.vad = vad
        self.end_silence_s = end_silence_s
        self.min_answer_s = min_answer_s
        self.max_answer_s = max_answer_s
        self.on_threshold = on_threshold
        self.off_threshold = off_threshold
        self.reset()

    @classmethod
    def from_settings(cls, vad: VoiceActivityDetector, speech_settings: SpeechSettings) -> "EndpointDetector":
        """Build from :class:`core.config.SpeechSettings`."""
        return cls(vad, end_silence_s=speech_settings.end_silence_s,
                   min_answer_s=speech_settings.min_answer_s, max_answer_s=speech_settings.max_answer_s)

    def reset(self) -> None:
        self.vad.reset()
        self._split = FrameSplitter(self.vad.frame_samples)
        self._samples = 0
        self.state = EndpointState()

    def push(self, pcm: "np.ndarray") -> EndpointState:
        st = self.state
        for frame in self._split.push(pcm):
            if st.ended:
                break
            p = self.vad.speech_probability(frame)
            self._samples += len(frame)
            now = self._samples / SAMPLE_RATE
            voiced = p >= (self.off_threshold if st.speaking else self.on_threshold)
            st.speaking = voiced
            if voiced:
                if not st.started:
                    st.started = True
                    st.speech_start_s = now - len(frame) / SAMPLE_RATE
                st.last_voiced_s = now
            st.position_s = now
            if st.started and st.speech_start_s is not None:
                st.silence_s = 0.0 if voiced else now - (st.last_voiced_s or now)
                long_enough = (st.last_voiced_s or now) - st.speech_start_s >= self.min_answer_s
                st.remaining_silence_s = (max(0.0, self.end_silence_s - st.silence_s)
                                          if (not voiced and long_enough) else 0.0)
                if not voiced and long_enough and st.silence_s >= self.end_silence_s:
                    st.ended, st.reason, st.end_s = True, "silence", now
                elif now - st.speech_start_s >= self.max_answer_s:
                    st.ended, st.reason, st.end_s = True, "max_length", now
        return st
