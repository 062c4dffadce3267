"""Output files: checked before any work starts, written atomically.

:func:`check_outputs` refuses, with an InputError naming the option and the path, an output
that is a directory, a device or other non-regular file, one of the inputs, the same file as
another output, or in a place the user cannot write (probed by creating and removing a file
there: permissions, read-only mounts and full disks all show). :func:`atomic_path` yields a
temporary path beside the target and renames it over the target only when the writer
succeeded, so a failed or interrupted write never leaves a half-written or clobbered file.

Pure file-system work on the caller's thread.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from core.errors import InputError


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:  # an unreadable path cannot be compared by inode: compare the names
        return a.resolve() == b.resolve()
    return a.resolve() == b.resolve()


def _probe_dir(folder: Path, option: str, path: Path) -> None:
    """Create the folder if needed and prove a file can be written there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError("output.parent_not_dir", option=option, file=str(path), folder=str(folder)) from None
    except OSError as exc:
        raise InputError("output.not_writable", option=option, file=str(path),
                         reason=exc.strerror or str(exc)) from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".big20-probe-", dir=folder)
        try:
            os.write(fd, b"\0" * 4096)  # a full disk accepts an empty file, not data
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise InputError("output.not_writable", option=option, file=str(path),
                         reason=exc.strerror or str(exc)) from None


def check_outputs(outputs: Mapping[str, Path | str | None], inputs: Sequence[Path | str | None]) -> None:
    """Validate every output (``{"--out": path, ...}``; None entries are skipped) against the
    rules in the module docstring. Raises InputError ``output.*``."""
    given = [(opt, Path(p).expanduser()) for opt, p in outputs.items() if p is not None]
    ins = [Path(p).expanduser() for p in inputs if p is not None]
    for i, (opt, path) in enumerate(given):
        if path.is_dir():
            raise InputError("output.is_directory", option=opt, file=str(path))
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            raise InputError("output.not_regular", option=opt, file=str(path))
        for src in ins:
            if _same(path, src):
                raise InputError("output.is_input", option=opt, file=str(path))
        for other_opt, other in given[:i]:
            if _same(path, other):
                raise InputError("output.duplicate", option=opt, other=other_opt, file=str(path))
        if path.exists() and not os.access(path, os.W_OK):
            raise InputError("output.not_writable", option=opt, file=str(path), reason="read-only file")
        _probe_dir(path.parent, opt, path)


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path in the target's folder (same suffix, so writers that look at it
    behave); renamed over ``path`` when the block succeeds, removed when it fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes 0600; keep the mode of the file being replaced, else the usual 0644
    os.chmod(tmp, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
    try:
        yield tmp
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write_text(path: Path | str, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
