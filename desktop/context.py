"""What every controller is given: settings, database, events, secrets and device factories.

Views never see this object (they take plain values); controllers get it from the shell.
Devices are arguments (Buzz's ``custom_sounddevice=``): ``camera_factory()`` and
``microphone_factory()`` build a fresh source each time a screen needs one, so tests and the
screenshot tool pass file or synthesised sources and the real app passes the webcam and
PortAudio. Owned by the UI thread; ``sessions`` hands out one SQLAlchemy session per job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.config import Settings, save_settings
from core.db.session import open_database as open_db
from core.db.session import session_factory
from core.protocols import CameraSource, MicrophoneSource
from core.secrets import SecretStore
from desktop.events import AppEvents
from engines.capture.audio import MicrophoneAudioSource
from engines.capture.video import OpenCVCamera
from engines.models.manager import ModelManager
from sync.client.api import ServerClient

if TYPE_CHECKING:  # the engine assembly costs ~0.5 s at start (numpy, the interview flow); only its type here
    from engines.assembly import Probe

# devices are arguments: each call opens nothing yet, it builds a fresh source a screen opens
CameraFactory = Callable[[], CameraSource]
MicrophoneFactory = Callable[[], MicrophoneSource]


@dataclass
class CurrentUser:
    """The signed-in user. ``id`` is the local database's user id; for a recruiter (who has
    no local data) it is the server's. ``server_url`` is set for a server account."""

    id: int
    username: str
    full_name: str | None = None
    email: str | None = None
    role: str = "candidate"  # candidate | recruiter | admin (server accounts)
    server_url: str | None = None
    company_id: str | None = None

    @property
    def is_recruiter(self) -> bool:
        return self.role in ("recruiter", "admin")


def default_camera_factory(settings: Settings) -> CameraFactory:
    def make() -> CameraSource:
        v = settings.vision
        return OpenCVCamera(v.camera_index, size=(v.width, v.height), fps=float(v.fps))
    return make


def default_microphone_factory(settings: Settings) -> MicrophoneFactory:
    def make() -> MicrophoneSource:
        return MicrophoneAudioSource(settings.ui.microphone)
    return make


@dataclass
class AppContext:
    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    events: AppEvents
    camera_factory: CameraFactory
    microphone_factory: MicrophoneFactory
    secrets: SecretStore = field(default_factory=SecretStore)
    settings_path: Path | None = None  # None: the platform settings file
    user: CurrentUser | None = None
    # the signed-in server account's client (sync.client.api.ServerClient; thread-safe), or None
    server: ServerClient | None = None
    save_settings_to_disk: bool = True
    # a runtime check before a model is loaded (engines.runtime_probe when present); None: allow
    runtime_probe: Probe | None = None
    # where live-shared interviews are recorded while the server is out of reach; None: the
    # platform's media folder (core.paths.app_paths().media_dir / "recordings")
    recordings_dir: Path | None = None

    @property
    def lang(self) -> str:
        return self.settings.language

    def model_manager(self) -> ModelManager:
        """A manager that honours the user's model choice (never the bare default)."""
        return ModelManager(choice=self.settings.models)

    def apply_settings(self, new: Settings) -> None:
        """Adopt ``new`` (a settings dialog's edited copy), save it, tell every screen."""
        self.settings = new
        if self.save_settings_to_disk:
            save_settings(new, self.settings_path)
        self.events.settings_changed.emit(new)


def open_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """Engine + session factory for the settings' database, schema upgraded. Blocking (Alembic):
    call from a worker or before the window exists."""
    engine = open_db(settings.resolved_database_url())
    return engine, session_factory(engine)
