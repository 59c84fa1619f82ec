"""Where bundled resources live, from a source checkout and from a PyInstaller bundle alike.

Tests and frozen builds may override the root with the ``CXY_RESOURCES`` environment variable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    override = os.environ.get("CXY_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return _PACKAGE_DIR.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def packs_dir() -> Path:
    return _PACKAGE_DIR / "packs"
