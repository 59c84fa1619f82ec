"""Per-user settings (QSettings) and the per-user data folder, both overridable for tests and a
portable mode: ``CXY_CONFIG_DIR`` holds the settings file, ``CXY_DATA_DIR`` the working drafts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QSettings, QStandardPaths

ORG = "CXY Apply"
APP = "cxy-apply"
MAX_RECENT = 8


def settings() -> QSettings:
    folder = os.environ.get("CXY_CONFIG_DIR")
    if folder:
        return QSettings(str(Path(folder) / f"{APP}.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


def data_dir() -> Path:
    """Where new applications and samples are saved unless the user chooses another folder."""
    folder = os.environ.get("CXY_DATA_DIR")
    if folder:
        path = Path(folder)
    else:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
        path = Path(base or Path.home()) / APP
    path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(key: str) -> list[Path]:
    value = cast(list[str], settings().value(key, [], type=list))  # type=list: QSettings gives a list
    return [Path(p) for p in value if p]


def _store(key: str, paths: list[Path]) -> None:
    store = settings()
    store.setValue(key, [str(p) for p in paths])
    store.sync()


def recent_drafts() -> list[Path]:
    return [p for p in _paths("drafts/recent") if p.exists()]


def add_recent(path: Path) -> None:
    path = path.resolve()
    recent = [p for p in _paths("drafts/recent") if p != path]
    _store("drafts/recent", [path, *recent][:MAX_RECENT])


def language(default: str = "zh") -> str:
    value = settings().value("ui/lang", default)
    return value if value in ("zh", "en") else default


def set_language(lang: str) -> None:
    store = settings()
    store.setValue("ui/lang", lang)
    store.sync()


def window_geometry() -> tuple[tuple[int, int, int, int], bool] | None:
    """The main window's last normal (not maximised) geometry x, y, w, h and whether it was
    maximised; None when never saved or not four sensible numbers (the file may be edited)."""
    store = settings()
    value = cast(list[Any], store.value("window/geometry", [], type=list))  # type=list: a list
    try:
        rect = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        return None
    if len(rect) != 4 or not all(-100_000 < v < 100_000 for v in rect) or rect[2] <= 0 or rect[3] <= 0:
        return None
    return rect, bool(store.value("window/maximized", False, type=bool))


def set_window_geometry(rect: tuple[int, int, int, int], maximized: bool) -> None:
    store = settings()
    store.setValue("window/geometry", [str(v) for v in rect])
    store.setValue("window/maximized", bool(maximized))
    store.sync()


# -- the portal kit (issue 13) ---------------------------------------------------------------
# What was copied for the portal is UI state, not part of the application: it is kept here per
# draft (keyed by the draft's place), never in the draft file, which may be someone else's.


def _draft_key(draft: Path) -> str:
    import hashlib

    return hashlib.sha256(str(Path(draft).resolve()).encode()).hexdigest()[:16]


def portal_copied(draft: Path) -> dict[str, str]:
    """Field path → digest of the value copied for it (a changed value is no longer ticked)."""
    import json

    try:
        value = json.loads(str(settings().value(f"portal/{_draft_key(draft)}/copied", "{}")))
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def set_portal_copied(draft: Path, copied: dict[str, str]) -> None:
    import json

    store = settings()
    store.setValue(f"portal/{_draft_key(draft)}/copied", json.dumps(copied, ensure_ascii=False, sort_keys=True))
    store.sync()


def portal_folder(draft: Path) -> Path | None:
    """Where the user chose to keep this draft's upload files (None: beside the draft)."""
    value = settings().value(f"portal/{_draft_key(draft)}/folder", "")
    return Path(str(value)) if value else None


def set_portal_folder(draft: Path, folder: Path) -> None:
    store = settings()
    store.setValue(f"portal/{_draft_key(draft)}/folder", str(folder))
    store.sync()


def portal_user() -> str:
    """The portal account's user name (not a secret; its password lives in the keyring)."""
    return str(settings().value("portal/user", "") or "")


def set_portal_user(name: str) -> None:
    store = settings()
    store.setValue("portal/user", name)
    store.sync()
