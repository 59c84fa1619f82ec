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


# The folder name matches desktop/settings.py::data_dir (QStandardPaths' GenericDataLocation plus
# "cxy-apply"), so the CLI and the app share one data folder and one attachment ledger.
_DATA_FOLDER = "cxy-apply"


def user_data_dir() -> Path:
    """The per-user data folder (not created here). ``CXY_DATA_DIR`` overrides it (tests, a
    portable install); otherwise the platform's usual place, as Qt's GenericDataLocation:
    ``%LOCALAPPDATA%``, ``~/Library/Application Support``, ``$XDG_DATA_HOME`` (``~/.local/share``)."""
    override = os.environ.get("CXY_DATA_DIR")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(home / "Library" / "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or ""
        if not os.path.isabs(base):  # the XDG spec: a relative value is invalid, ignore it
            base = str(home / ".local" / "share")
    return Path(base) / _DATA_FOLDER
