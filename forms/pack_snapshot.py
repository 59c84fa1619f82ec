"""A checked snapshot of a loaded pack in the user's cache folder, so that a start skips reading
and merging the TOML files.

A snapshot is keyed by every file the load read or looked for (the pack's and its ancestors'
TOML files, present or not, and the office's template overrides) with their size and mtime_ns,
by the app's version and by the files of the code that reads packs; any change rebuilds it. It
is our own file, but it is read like a received one: size-capped, parsed, and the pack in it is
validated again by the pack's schema and layout checks (``load``'s ``check``), which costs a
fraction of reading the TOML. A snapshot that is corrupt, stale or refused is ignored and
rebuilt; a cache folder that cannot be written only costs the speed-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

FORMAT = 1
MAX_BYTES = 4 * 1024 * 1024  # the 2023 pack's snapshot is ~35 KB
_CODE = ("pack.py", "pack_load.py", "pack_snapshot.py", "layout.py", "model.py", "derive.py")
_HERE = Path(__file__).resolve().parent

T = TypeVar("T")


def cache_dir() -> Path:
    """The per-user cache folder: ``CXY_CACHE_DIR``; else beside a ``CXY_DATA_DIR`` override (a
    portable install, the tests); else the platform's cache place."""
    override = os.environ.get("CXY_CACHE_DIR")
    if override:
        return Path(override)
    data = os.environ.get("CXY_DATA_DIR")
    if data:
        return Path(data) / "cache"
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "cxy-apply" / "cache"
    elif sys.platform == "darwin":
        base = home / "Library" / "Caches" / "cxy-apply"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME") or ""
        base = Path(xdg if os.path.isabs(xdg) else home / ".cache") / "cxy-apply"
    return base


def stamp(path: Path) -> list[Any]:
    """What identifies a file's content cheaply (the file itself, not where a link points); a
    folder stands for the files in it."""
    try:
        info = os.lstat(path)
    except OSError:
        return [str(path), None]
    if stat.S_ISDIR(info.st_mode):
        try:
            names = sorted(os.listdir(path))
        except OSError:
            names = []
        return [str(path), info.st_mtime_ns, [stamp(path / name) for name in names[:64]]]
    return [str(path), info.st_size, info.st_mtime_ns]


def _code_key() -> list[Any]:
    from .version import version

    return [FORMAT, version(), [stamp(_HERE / name)[1:] for name in _CODE]]


class Snapshot:
    """The snapshot of the pack in ``folder``."""

    def __init__(self, folder: Path) -> None:
        digest = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:24]
        self.path = cache_dir() / "packs" / f"{digest}.json"

    def load(self, check: Callable[[str], T]) -> T | None:
        """The snapshot's pack, rebuilt by ``check`` from its JSON text (which validates it), when
        the snapshot exists and every file it was made from is unchanged; otherwise None."""
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return None
            stored = json.loads(raw)
            if not isinstance(stored, dict) or stored.get("code") != _code_key():
                return None
            inputs = stored.get("inputs")
            if not isinstance(inputs, list) or not all(
                isinstance(i, list) and i and isinstance(i[0], str) for i in inputs
            ):
                return None
            if [stamp(Path(item[0])) for item in inputs] != inputs:
                return None
            text = stored.get("pack")
            if not isinstance(text, str):
                return None
            return check(text)
        except Exception:
            return None

    def save(self, pack_json: str, inputs: list[list[Any]]) -> None:
        """Keep ``pack_json``, the pack as loaded from the files ``inputs`` stamps (each stamped
        before it was read); silent when the cache folder cannot be written."""
        import tempfile

        record = {"code": _code_key(), "inputs": inputs, "pack": pack_json}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".snapshot-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(record, out, ensure_ascii=False)
                os.replace(name, self.path)
            except BaseException:
                os.unlink(name)
                raise
        except OSError:
            pass
