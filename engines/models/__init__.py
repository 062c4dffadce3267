"""Model manager: where models live, which are installed and active, downloads, defaults."""

from engines.models.manager import ModelManager, ModelStatus

__all__ = ["ModelManager", "ModelStatus"]
