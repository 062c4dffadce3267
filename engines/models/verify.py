"""``big20 models verify``: every installed and every active model, each OK, BAD or MISSING.

*Installed* here means any of a model's files is on disk (a half-copied or truncated model
counts: it is exactly what must be reported). *Active* is, per capability, the model the
settings choose, else the best installed one, else the embedded default the app expects to
find. Checks per file: present, size as catalogued, SHA-256 as catalogued or as recorded at
download. A settings choice that is unknown, of another capability or not installed is BAD or
MISSING with the message naming the settings key.

Reads files only (hashes them: seconds for a GGUF); call from a worker or the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ModelError
from core.i18n import tr
from engines.models.download import verify_file
from engines.models.manager import ModelManager

OK, BAD, MISSING = "ok", "bad", "missing"


@dataclass
class VerifyRow:
    model_id: str
    capability: str
    state: str  # ok | bad | missing
    detail: str
    active: bool = False


def _any_file_present(manager: ModelManager, model_id: str) -> bool:
    owner = manager.owner(model_id)
    if owner.source in ("library", "system"):
        return manager.is_installed(model_id)
    return any((manager.models_dir / owner.id / f.name).exists() for f in owner.files)


def check_model(manager: ModelManager, model_id: str, lang: str = "en",
                cache: dict | None = None) -> tuple[str, str]:
    """(state, detail) of one model's files; ``cache`` (path -> result) spares hashing the
    files several entries share (the gemma GGUF serves three roles) more than once."""
    cache = {} if cache is None else cache
    owner = manager.owner(model_id)
    if owner.source in ("library", "system"):
        ok = manager.is_installed(model_id)
        if ok:
            return OK, str(manager.path(model_id))
        return MISSING, ", ".join(f.name for f in owner.files)
    present = [f for f in owner.files if (manager.models_dir / owner.id / f.name).exists()]
    if not present:
        return MISSING, str(manager.models_dir / owner.id)
    problems: list[str] = []
    notes: list[str] = []
    for f in owner.files:
        path = manager.models_dir / owner.id / f.name
        if not path.exists():
            problems.append(tr("models.verify.required_file", lang, file=f.name))
            continue
        if path not in cache:
            cache[path] = verify_file(path, f)
        ok, detail = cache[path]
        (notes if ok else problems).append(f"{f.name}: {detail}")
    if problems:
        return BAD, "; ".join(problems)
    return OK, "; ".join(notes)


def _expected_active(manager: ModelManager, capability: str, lang: str) -> tuple[str | None, str | None]:
    """(model id, error text) that should serve ``capability`` now."""
    try:
        entry = manager.active(capability)
    except ModelError as exc:
        return getattr(manager.choice, capability, None), exc.localized(lang)
    if entry is not None:
        return entry.id, None
    defaults = [m for m in manager.catalog.for_capability(capability) if m.role == "embedded"]
    return (defaults[0].id if defaults else None), None


def verify_all(manager: ModelManager, ids: list[str] | None = None, lang: str = "en") -> list[VerifyRow]:
    """Rows for ``ids`` (validated: unknown -> ModelError), or for every installed and every
    active model when ``ids`` is empty; the active ones first, by capability."""
    known = {m.id for m in manager.catalog.models}
    cache: dict = {}

    def row(model_id: str, capability: str, active: bool, err: str | None) -> VerifyRow:
        if model_id not in known:  # a settings choice that names no catalog model
            return VerifyRow(model_id, capability, BAD, err or "", active)
        state, detail = check_model(manager, model_id, lang, cache)
        if err is not None:  # the settings name it for a capability it cannot serve, or it is absent
            detail = err if state == OK else f"{err} ({detail})"
            state = BAD if state == OK else state
        return VerifyRow(model_id, capability, state, detail, active)

    if ids:
        wanted = [manager.get(i).id for i in ids]
        actives = set()
        for cap in {m.capability for m in manager.catalog.models}:
            model_id, _err = _expected_active(manager, cap, lang)
            actives.add(model_id)
        return [row(i, manager.get(i).capability, i in actives, None) for i in wanted]
    rows: list[VerifyRow] = []
    listed: set[str] = set()
    for cap in sorted({m.capability for m in manager.catalog.models}):
        model_id, err = _expected_active(manager, cap, lang)
        if model_id is None:
            rows.append(VerifyRow("-", cap, MISSING, tr("models.verify.none_active", lang, capability=cap), True))
            continue
        rows.append(row(model_id, cap, True, err))
        if err is None:
            listed.add(model_id)
    for m in manager.catalog.models:
        if m.id not in listed and _any_file_present(manager, m.id):
            rows.append(row(m.id, m.capability, False, None))
    return rows
