"""Where each catalog model lives on disk, whether it is installed, and which one is active.

Layout: ``<models_dir>/<model id>/<file name>``. ``library`` models (Haar cascades, Silero
VAD) are read in place from the package that ships them; ``system`` models are programs on
PATH. An entry with ``files_from`` uses another entry's folder (same weights, another role).

The manager never touches the network; downloads are :mod:`engines.models.download`.
Instances are cheap and hold no open resources; use one per thread if in doubt.

Build it with :meth:`ModelManager.from_settings` wherever the user's choice applies (every
runtime path): a bare ``ModelManager()`` knows no choice and serves the best installed model.
A model chosen in settings that is unknown, of another capability or not installed is an
error naming the settings key (``models.<capability>``), never a silent fallback.
"""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

from core.catalog import Catalog, ModelEntry, ModelFile, load_catalog
from core.config import ModelChoice, Settings, load_settings
from core.errors import ModelError
from core.paths import app_paths


def package_data_path(spec: str) -> Path | None:
    """Resolve ``"module:relative/path"`` to a file inside an installed package, or None."""
    module, _, rel = spec.partition(":")
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    for root in found.submodule_search_locations:
        candidate = Path(root) / rel
        if candidate.exists():
            return candidate
    return None


@dataclass
class ModelStatus:
    entry: ModelEntry
    path: Path | None
    installed: bool
    active: bool

    def as_json(self) -> dict:
        e = self.entry
        return {
            "id": e.id,
            "capability": e.capability,
            "name": e.name,
            "role": e.role,
            "source": e.source,
            "format": e.format,
            "installed": self.installed,
            "active": self.active,
            "path": str(self.path) if self.path else None,
            "size": e.size,
            "licence": e.licence,
            "dim": e.dim,
        }


class ModelManager:
    def __init__(self, models_dir: Path | None = None, catalog: Catalog | None = None,
                 choice: ModelChoice | None = None) -> None:
        self.models_dir = models_dir or app_paths().models_dir
        self.catalog = catalog or load_catalog()
        self.choice = choice or ModelChoice()

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, models_dir: Path | None = None) -> "ModelManager":
        """A manager that honours the user's model choice (``settings.models``; default: the
        saved settings)."""
        if settings is None:
            settings = load_settings().settings
        return cls(models_dir=models_dir, choice=settings.models)

    # ------------------------------------------------------------------ locations
    def get(self, model_id: str) -> ModelEntry:
        return self.catalog.get(model_id)

    def owner(self, model_id: str) -> ModelEntry:
        """The entry whose files ``model_id`` uses (itself, or its ``files_from`` entry)."""
        entry = self.get(model_id)
        return self.catalog.get(entry.files_from) if entry.files_from else entry

    def model_dir(self, model_id: str) -> Path:
        return self.models_dir / self.owner(model_id).id

    def file_path(self, model_id: str, f: ModelFile | None = None) -> Path | None:
        """Where ``f`` (default: the model's first file) is, or should be, on disk."""
        owner = self.owner(model_id)
        f = f or (owner.files[0] if owner.files else None)
        if f is None:
            return None
        if owner.source == "library":
            return package_data_path(f.parts[0]) if f.parts else None
        if owner.source == "system":
            found = shutil.which(f.name)
            return Path(found) if found else None
        return self.models_dir / owner.id / f.name

    def path(self, model_id: str) -> Path | None:
        """The path a runtime loads: the file for single-file models, the folder otherwise."""
        owner = self.owner(model_id)
        if owner.source in ("library", "system") or len(owner.files) == 1:
            return self.file_path(model_id)
        return self.models_dir / owner.id

    def is_installed(self, model_id: str) -> bool:
        owner = self.owner(model_id)
        for f in owner.files:
            p = self.file_path(owner.id, f)
            if p is None or not p.exists():
                return False
            if f.size is not None and owner.source in ("pypi", "url") and p.stat().st_size != f.size:
                return False
        return bool(owner.files)

    # ------------------------------------------------------------------ active choice
    def active(self, capability: str) -> ModelEntry | None:
        """The model serving ``capability``: the configured one if installed, else the
        installed one with the highest priority, else None (the capability is missing)."""
        chosen = self.chosen(capability)
        if chosen is not None:
            return chosen
        for entry in self.catalog.for_capability(capability):
            if self.is_installed(entry.id):
                return entry
        return None

    def chosen(self, capability: str) -> ModelEntry | None:
        """The model the settings name for ``capability`` (None when they name none).
        Raises ModelError naming the settings key when that model is unknown, serves another
        capability, or is not installed."""
        chosen = getattr(self.choice, capability, None)
        if not chosen:
            return None
        key = f"models.{capability}"
        known = {m.id for m in self.catalog.models}
        if chosen not in known:
            raise ModelError("models.chosen_unknown", key=key, id=chosen,
                             options=", ".join(m.id for m in self.catalog.for_capability(capability)))
        entry = self.get(chosen)
        if entry.capability != capability:
            raise ModelError("models.chosen_wrong_capability", key=key, id=chosen, capability=capability,
                             actual=entry.capability,
                             options=", ".join(m.id for m in self.catalog.for_capability(capability)))
        if not self.is_installed(chosen):
            raise ModelError("models.chosen_missing", key=key, id=chosen)
        return entry

    def require(self, capability: str) -> tuple[ModelEntry, Path]:
        """The active model and its path, or a clear error naming what to install."""
        entry = self.active(capability)
        if entry is None:
            options = ", ".join(m.id for m in self.catalog.for_capability(capability))
            raise ModelError("models.capability_missing", capability=capability, options=options)
        path = self.path(entry.id)
        assert path is not None
        return entry, path

    def statuses(self) -> list[ModelStatus]:
        """Every catalog model; a capability whose settings choice is broken shows no active
        model here (``models verify`` and the runtime paths report why)."""
        actives: dict[str, ModelEntry | None] = {}
        for cap in {m.capability for m in self.catalog.models}:
            try:
                actives[cap] = self.active(cap)
            except ModelError:
                actives[cap] = None
        out = []
        for entry in self.catalog.models:
            act = actives.get(entry.capability)
            out.append(ModelStatus(entry=entry, path=self.path(entry.id),
                                   installed=self.is_installed(entry.id),
                                   active=act is not None and act.id == entry.id))
        return out
