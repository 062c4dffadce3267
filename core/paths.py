"""Where the app keeps its files.

Platform directories come from platformdirs. ``BIG20_HOME`` (tests, portable installs) puts
everything under one folder instead. Pure functions of the environment: safe from any thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "big20-interview"
APP_AUTHOR = "Big20"


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    log_dir: Path
    cache_dir: Path
    models_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def database_file(self) -> Path:
        return self.data_dir / "big20.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "big20.log"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    def ensure(self) -> "AppPaths":
        for p in (self.config_dir, self.data_dir, self.log_dir, self.cache_dir, self.models_dir):
            p.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> AppPaths:
    """The directories in force for this process (read from the environment each call)."""
    home = os.environ.get("BIG20_HOME")
    models_override = os.environ.get("BIG20_MODELS_DIR")
    if home:
        root = Path(home).expanduser()
        paths = AppPaths(
            config_dir=root / "config",
            data_dir=root / "data",
            log_dir=root / "logs",
            cache_dir=root / "cache",
            models_dir=root / "models",
        )
    else:
        import platformdirs

        d = platformdirs.PlatformDirs(APP_NAME, APP_AUTHOR)
        data = Path(d.user_data_dir)
        paths = AppPaths(
            config_dir=Path(d.user_config_dir),
            data_dir=data,
            log_dir=Path(d.user_log_dir),
            cache_dir=Path(d.user_cache_dir),
            models_dir=data / "models",
        )
    if models_override:
        paths = AppPaths(paths.config_dir, paths.data_dir, paths.log_dir, paths.cache_dir,
                         Path(models_override).expanduser())
    return paths
