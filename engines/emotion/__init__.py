"""emotion engines (adapters conforming to core.protocols)."""

import os


def quiet_tensorflow() -> None:
    """Keep TensorFlow's C++ start-up chatter (CUDA probing, CPU flags) off the user's console;
    real errors still surface as Python exceptions. Call before the first TensorFlow import."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
