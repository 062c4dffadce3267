"""Model downloads: HTTP with resume (Range), SHA-256 verification, atomic rename.

Each file streams into ``<name>.part`` beside its destination. An interrupted download keeps
its ``.part`` and the next attempt asks for the rest with ``Range: bytes=N-`` (a server that
ignores Range restarts from zero). The finished file is hashed (the ``.part`` bytes already on
disk included) and compared with the catalog's SHA-256, or, when the catalog pins none, with
the SHA-256 the host publishes for it (Hugging Face's ``X-Linked-Etag`` for LFS files). A
mismatch deletes the file and raises; a match renames ``.part`` over the destination, so a
model file is either complete and verified or absent.

Blocking; run it in a worker. Cancellation through a :class:`CancelToken` between chunks.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING

from core.catalog import ModelFile
from core.errors import ModelError
from core.tasks import CancelToken, ProgressFn
from engines.models.manager import ModelManager

if TYPE_CHECKING:  # httpx itself is imported when a download starts (start-up time)
    import httpx

log = logging.getLogger(__name__)
_CHUNK = 1 << 20
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def _published_sha256(headers: Mapping[str, str]) -> str | None:
    for name in ("x-linked-etag", "x-checksum-sha256", "etag"):
        value = headers.get(name)
        if value:
            value = value.strip().strip('"').removeprefix("W/").strip('"').lower()
            if _SHA_RE.match(value):
                return value
    return None


def _hash_file(path: Path) -> "hashlib._Hash":
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h


def download_file(url: str, dest: Path, *, sha256: str | None, allow_unverified: bool = False,
                  progress: ProgressFn | None = None, cancel: CancelToken | None = None,
                  client: httpx.Client | None = None, timeout: float = 30.0) -> Path:
    """Download ``url`` to ``dest`` (resuming ``dest.part``) and verify it. Returns ``dest``."""
    import httpx

    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    own_client = client is None
    client = client or httpx.Client(follow_redirects=True, timeout=timeout)
    try:
        try:
            with client.stream("GET", url, headers=headers) as resp:
                if resp.status_code == 416 and have:
                    expected = sha256
                else:
                    if resp.status_code not in (200, 206):
                        raise ModelError("models.http_status", status=resp.status_code, url=url)
                    if resp.status_code == 200 and have:
                        log.info("server ignored Range for %s; restarting", url)
                        have = 0
                    expected = sha256 or _published_sha256(resp.headers)
                    if expected is None and not allow_unverified:
                        raise ModelError("models.no_checksum", file=dest.name)
                    length = resp.headers.get("content-length")
                    total = have + int(length) if length and length.isdigit() else None
                    with open(part, "ab" if have else "wb") as out:
                        done = have
                        for chunk in resp.iter_bytes():  # as received: a drop keeps every byte so far
                            if cancel is not None:
                                cancel.raise_if_cancelled()
                            out.write(chunk)
                            done += len(chunk)
                            if progress:
                                progress(done, total, dest.name)
                        out.flush()
                        os.fsync(out.fileno())
        except httpx.HTTPError as exc:
            reason = type(exc).__name__ + (f": {exc}" if str(exc) else "")
            raise ModelError("models.network", url=url, reason=reason) from exc
    finally:
        if own_client:
            client.close()

    actual = _hash_file(part).hexdigest()
    if expected is not None and actual != expected.lower():
        part.unlink(missing_ok=True)
        raise ModelError("models.checksum_mismatch", file=str(dest), expected=expected, actual=actual)
    if expected is None:
        log.warning("%s downloaded without a published checksum (sha256 %s)", dest.name, actual)
    os.replace(part, dest)
    # Remember what was verified so `models verify` can check the file later.
    dest.with_name(dest.name + ".sha256").write_text(actual + "\n")
    return dest


def download_model(manager: ModelManager, model_id: str, *, progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None, allow_unverified: bool = False,
                   client: httpx.Client | None = None) -> Path:
    """Download every file of a ``url`` model into its folder; returns the model's path."""
    owner = manager.owner(model_id)
    if owner.source != "url":
        raise ModelError("models.not_downloadable", id=model_id, source=owner.source)
    for f in owner.files:
        dest = manager.models_dir / owner.id / f.name
        if dest.exists() and verify_file(dest, f)[0]:
            continue
        assert f.url is not None
        download_file(f.url, dest, sha256=f.sha256, allow_unverified=allow_unverified,
                      progress=progress, cancel=cancel, client=client)
    path = manager.path(model_id)
    assert path is not None
    return path


def verify_file(path: Path, f: ModelFile) -> tuple[bool, str]:
    if not path.exists():
        return False, "missing"
    if f.size is not None and path.stat().st_size != f.size:
        return False, f"size {path.stat().st_size} != {f.size}"
    expected = f.sha256
    sidecar = path.with_name(path.name + ".sha256")
    if expected is None and sidecar.exists():
        expected = sidecar.read_text().strip()
    if expected is None:
        return True, "present (no checksum known)"
    actual = _hash_file(path).hexdigest()
    return (actual == expected, "sha256 ok" if actual == expected else f"sha256 {actual} != {expected}")


def verify_model(manager: ModelManager, model_id: str) -> tuple[bool, str]:
    owner = manager.owner(model_id)
    if owner.source in ("library", "system"):
        ok = manager.is_installed(model_id)
        return ok, "present" if ok else "missing"
    details = []
    ok_all = True
    for f in owner.files:
        ok, detail = verify_file(manager.models_dir / owner.id / f.name, f)
        ok_all &= ok
        details.append(f"{f.name}: {detail}")
    return ok_all, "; ".join(details)
