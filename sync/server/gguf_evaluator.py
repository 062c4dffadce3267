"""The server's GGUF answer evaluator: ``BIG20_SERVER_EVALUATOR=llm:/path/to/model.gguf``.

The AI worker (a Celery process, :mod:`sync.server.worker`) re-scores synced answers with a
capable model (Solar-10.7B-Instruct is the one the desktop recommends) through llama.cpp and
the same LLM evaluator the desktop uses (:mod:`core.evaluation.llm`: schema, quotes verified
against the transcript, "not evaluated" with the reason when the model returns junk twice:
never a made-up number). The server's API process imports nothing of this; only the worker
(or the in-process runner when no broker is configured) loads it, lazily, once per process.

Before llama.cpp loads in-process, the runtime is probed in a child (engines.runtime_probe):
a build that crashes on this CPU is refused with a log line, and answers are not re-scored,
rather than the worker dying on every task. Not thread-safe beyond what the language model's own
lock gives (one generation at a time per process); the worker runs one task at a time.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from core.errors import Big20Error
from engines.assembly import llm_evaluator_file

log = logging.getLogger(__name__)

PREFIX = "llm:"


def is_gguf_spec(name: str) -> bool:
    """True for ``llm:<path>`` evaluator settings."""
    return name.startswith(PREFIX) and len(name) > len(PREFIX)


def load_gguf_evaluator(name: str, *, n_ctx: int = 4096) -> Any | None:
    """The LLM evaluator over the GGUF named by ``llm:<path>``, or None (logged) when the file is
    missing or damaged or llama.cpp cannot run here. Loads the model (seconds to a minute for 7-11B
    models on a CPU); call once per process."""
    path = Path(name[len(PREFIX):]).expanduser()
    try:
        evaluator = llm_evaluator_file(path, n_ctx=n_ctx)
    except Big20Error as exc:  # missing/corrupt model file, runtime refused by the probe
        log.warning("server evaluator %s not loaded (%s: %s); answers are not re-scored",
                    path.name, exc.code, exc.localized("en"))
        return None
    except ImportError as exc:  # llama-cpp-python not installed on this worker
        log.warning("server evaluator %s needs llama-cpp-python on the worker (%s); answers are not re-scored",
                    path.name, exc)
        return None
    log.info("server evaluator: %s (llama.cpp)", evaluator.model_id)
    return evaluator
