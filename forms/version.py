"""The application's version, declared once: ``[project] version`` in pyproject.toml.

In a source checkout that file is read itself (an editable install's metadata is a copy taken at
install time, stale once the file changes); an installed or frozen app reads its distribution's
metadata, which pip or PyInstaller made from that same file."""

from __future__ import annotations

import functools
from pathlib import Path

DIST_NAME = "cxy-apply"
_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@functools.cache
def version() -> str:
    declared = _declared(_PYPROJECT)
    if declared is not None:
        return declared
    from importlib import metadata

    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:  # neither a checkout nor installed: say so, do not guess
        return "0+unknown"


def _declared(pyproject: Path) -> str | None:
    """The version ``pyproject`` declares when it is this project's, else None."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    import tomllib

    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return None
    if project.get("name") != DIST_NAME or not isinstance(project.get("version"), str):
        return None  # some other project's file beside an installed copy
    return str(project["version"])
