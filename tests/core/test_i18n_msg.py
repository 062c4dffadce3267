"""A message given as another message's parameter is translated with it (an engine's error
reads in one language), and n=1 takes the singular form where the catalog has one."""

from __future__ import annotations

from core.errors import DeviceError
from core.i18n import Msg, tr


def test_a_msg_parameter_follows_the_outer_language():
    err = DeviceError("speech.no_microphone", looked_for=Msg("speech.looked.default"), present=Msg("speech.devices.none"))
    assert str(err) == "No microphone found: looked for the default input device; input devices on this computer: none."
    ko = err.localized("ko")
    assert "기본 입력 장치" in ko and "없음" in ko and "default" not in ko and "none" not in ko
    assert str(Msg("speech.looked.index", device=2)) == "input device #2"


def test_one_takes_the_singular_form():
    assert tr("ui.new.plan_bank", "en", n=1) == "1 question ready"
    assert tr("ui.new.plan_bank", "en", n=3) == "3 questions ready"
    assert tr("report.summary.evaluated", "en", n=1, total=2, overall=5).startswith("1 of 2")  # no .one: unchanged
