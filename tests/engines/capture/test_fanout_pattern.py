"""One capture, many consumers (FanoutCamera / FanoutMicrophone), and the test pattern whose
frames carry their index and capture time."""

from __future__ import annotations

import numpy as np

from engines.capture.audio import FileAudioSource
from engines.capture.fanout import FanoutCamera, FanoutMicrophone
from engines.capture.pattern import PatternCamera, age_ms, draw_stamp, read_stamp


def test_camera_opened_once_every_frame_to_every_listener():
    cam = FanoutCamera(PatternCamera((160, 120), 30, frames=20, realtime=False))
    a, b = [], []
    cam.add_listener(lambda f: a.append(f.index))

    def broken(_f):
        raise RuntimeError("a consumer with a bug")

    cam.add_listener(broken)
    cam.add_listener(lambda f: b.append(f.index))
    cam.open()
    read = []
    while (f := cam.read()) is not None:
        read.append(f.index)
    cam.close()
    assert cam.opens == 1 and read == a == b == list(range(20))  # the broken one was dropped, nobody else


def test_microphone_started_once_for_all_listeners():
    mic = FanoutMicrophone(FileAudioSource(audio=np.zeros(16000, np.float32), speed=0))
    engine, publisher = [], []
    mic.add_listener(lambda block, t: publisher.append(len(block)))
    mic.start(lambda block, t: engine.append(len(block)))
    mic.source.done.wait(10)
    mic.stop()
    assert mic.starts == 1 and sum(engine) == sum(publisher) >= 16000


def test_stamp_survives_and_rejects_garbage():
    img = np.full((240, 320, 3), 90, np.uint8)
    draw_stamp(img, 123_456, 7_654_321)
    assert read_stamp(img) == (123_456, 7_654_321)
    noisy = np.clip(img.astype(int) + np.random.default_rng(1).integers(-40, 40, img.shape), 0, 255).astype(np.uint8)
    assert read_stamp(noisy) == (123_456, 7_654_321)
    assert read_stamp(np.full((240, 320), 128, np.uint8)) is None  # no stamp: checksum fails
    assert age_ms(2**24 - 10, 5) == 15  # across the wrap of the 24-bit clock
