"""Light and dark palettes for the glass-like QSS in resources/theme/glass.qss.

``apply_theme(app, "dark")`` fills the stylesheet's ``@tokens`` from the palette and sets it on
the application; :func:`palette` gives the same colours to painted widgets (charts, overlay).
UI thread only.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QColor, QPalette

PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "bg0": "#eef3fb", "bg1": "#dfe8f6", "glass": "rgba(255, 255, 255, 0.72)",
        "glassBorder": "rgba(120, 140, 170, 0.35)", "text": "#1f2937", "muted": "#6b7280",
        "heading": "#1d3d6b", "accent": "#3867d6", "accentHover": "#2f58ba",
        "accentSoft": "rgba(56, 103, 214, 0.12)", "button": "rgba(255, 255, 255, 0.85)",
        "buttonHover": "#ffffff", "field": "rgba(255, 255, 255, 0.9)", "fieldSolid": "#ffffff",
        "danger": "#c0392b", "warnBg": "#fff4e5", "warnText": "#7a4b00", "warnBorder": "#f0c27a",
        "good": "#2e9d6a", "bad": "#d9534f", "grid": "#c9d4e5", "interim": "#9aa3af",
        "onAccent": "#ffffff",
        # a marker behind text (the transcript line at the playhead) and the text on it
        "mark": "#fff3bf", "markText": "#1f2937",
    },
    "dark": {
        "bg0": "#141a26", "bg1": "#1d2636", "glass": "rgba(255, 255, 255, 0.06)",
        "glassBorder": "rgba(255, 255, 255, 0.14)", "text": "#e5e9f0", "muted": "#9aa5b8",
        "heading": "#cfe0ff", "accent": "#6b93ff", "accentHover": "#86a7ff",
        "accentSoft": "rgba(107, 147, 255, 0.18)", "button": "rgba(255, 255, 255, 0.08)",
        "buttonHover": "rgba(255, 255, 255, 0.16)", "field": "rgba(0, 0, 0, 0.25)", "fieldSolid": "#232d40",
        "danger": "#e05d4f", "warnBg": "#3a2d17", "warnText": "#f5d49a", "warnBorder": "#8a6a2e",
        "good": "#4cc38a", "bad": "#ff7a70", "grid": "#3a4660", "interim": "#7d8799",
        # text on the accent/danger colour: white on the dark theme's light blue read poorly
        "onAccent": "#0d1526",
        "mark": "#5c4b12", "markText": "#fdf3c4",
    },
}


def palette(theme: str) -> dict[str, str]:
    return PALETTES.get(theme, PALETTES["light"])


def stylesheet(theme: str) -> str:
    text = resources.files("resources").joinpath("theme/glass.qss").read_text("utf-8")
    pal = palette(theme)
    # check marks and arrows are drawn from SVG files: a styled indicator has none of its own
    icons = Path(str(resources.files("resources").joinpath("icons"))).as_posix()
    text = text.replace("@iconDir", icons).replace("@themeName", "dark" if theme == "dark" else "light")
    # longest tokens first so @accentHover is not cut by @accent
    for key in sorted(pal, key=len, reverse=True):
        text = text.replace("@" + key, pal[key])
    return text


def _qpalette(theme: str):
    pal, qp = palette(theme), QPalette()
    role = QPalette.ColorRole
    for r, key in ((role.Window, "bg0"), (role.Base, "fieldSolid"), (role.AlternateBase, "bg1"),
                   (role.Button, "fieldSolid"), (role.Text, "text"), (role.WindowText, "text"),
                   (role.ButtonText, "text"), (role.ToolTipBase, "fieldSolid"), (role.ToolTipText, "text"),
                   (role.PlaceholderText, "muted"), (role.Highlight, "accent")):
        qp.setColor(r, QColor(pal[key]))
    qp.setColor(role.HighlightedText, QColor(pal["onAccent"]))
    return qp


def apply_theme(app: QApplication, theme: str) -> None:
    app.setStyle("Fusion")  # the same metrics on every platform; the QSS draws on top
    app.setPalette(_qpalette(theme))  # what the stylesheet does not paint follows the theme too
    app.setStyleSheet(stylesheet(theme))
    app.setProperty("big20_theme", theme)


def current_theme() -> str:
    app = QApplication.instance()
    return str(app.property("big20_theme") or "light") if app is not None else "light"
