"""Where rule packs live: bundled with the program, installed in the user's data folder
(``<data>/packs/<id>``), or a folder named on the command line (``--pack FOLDER``), remembered
for the rest of the run so that the drafts it makes find it again by id.

A leaf: it knows folders and ids, never what a pack holds (:mod:`forms.pack` loads them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .paths import packs_dir, user_data_dir

# Pack ids arrive in received drafts: only plain names, never a path out of the packs folders.
PACK_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
INSTALLED = "packs"

_named: dict[str, Path] = {}  # id -> folder given with --pack FOLDER in this run


def is_pack_id(text: str) -> bool:
    return PACK_ID.fullmatch(text) is not None


def installed_dir() -> Path:
    """The user's installed packs (not created here)."""
    return user_data_dir() / INSTALLED


def bundled_ids() -> list[str]:
    return _ids_in(packs_dir())


def installed_ids() -> list[str]:
    return _ids_in(installed_dir())


def _ids_in(root: Path) -> list[str]:
    try:
        names = sorted(entry.name for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False))
    except OSError:
        return []
    return [name for name in names if is_pack_id(name)]


def folder_of(pack_id: str) -> Path | None:
    """The folder of the pack ``pack_id``: bundled first (an installed pack never shadows the
    program's own), then installed, then one named on the command line; None if unknown."""
    if not is_pack_id(pack_id):
        return None
    for root in (packs_dir(), installed_dir()):
        folder = root / pack_id
        if folder.is_dir() and not folder.is_symlink():
            return folder
    return _named.get(pack_id)


def remember(pack_id: str, folder: Path) -> None:
    """``--pack FOLDER`` loaded the pack ``pack_id``: later look-ups by id find that folder."""
    if is_pack_id(pack_id):
        _named[pack_id] = folder


def looks_like_folder(ref: str) -> bool:
    """A ``--pack`` value names a folder (rather than an id) when it is a path: it holds a
    separator, starts with a dot or a drive, or is not an id at all."""
    return not is_pack_id(ref) or os.sep in ref or "/" in ref or ref.startswith(".")
