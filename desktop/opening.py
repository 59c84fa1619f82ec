"""Where a draft comes from: a new file, the sample, JSON, or an existing draft (ours or someone
else's), which is always edited where it lies, after the draft's own hardened checks."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forms.errors import UserError
from forms.pack import Pack
from forms.text import Text

from . import settings

LOCKED = "draft.locked"
READONLY_MEDIA = "draft.readonly_media"


def unique_path(folder: Path, stem: str, suffix: str = ".cxy") -> Path:
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", stem).strip() or "draft"
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def suggested_new_path(pack: Pack, category: str) -> Path:
    cat = pack.category(category)
    label = cat.subtitle.zh if cat else category
    return unique_path(settings.data_dir(), f"{label}-{dt.date.today().isoformat()}")


def create(
    path: Path, pack: Pack, category: str, data: dict[str, Any] | None = None, fill: Callable[[Any], None] | None = None
):
    """A new draft at ``path`` holding ``data`` (or what ``fill(draft)`` puts in it), all or
    nothing: it is made beside ``path`` and only then takes its name, so a failure leaves no
    half-made draft and keeps the file the user chose to replace. A draft someone is editing is
    never replaced."""
    from forms.atomic import atomic_path
    from forms.draft import Draft

    path = Path(path).absolute()
    if path.exists():
        _refuse_if_edited(path)
    # the save dialog has already asked before replacing a file
    with (
        atomic_path(path, Text("草稿文件", "the draft file")) as tmp,
        Draft.create(tmp, pack=pack.id, category=category) as draft,
    ):
        if data is not None:
            draft.replace_data(data)
        if fill is not None:
            fill(draft)
    draft = _open(path, False)
    settings.add_recent(path)
    return draft


def _refuse_if_edited(path: Path) -> None:
    try:
        existing = _open(path, False)
    except UserError as exc:
        if exc.code == LOCKED:
            raise
        return  # not a readable draft: the user chose to replace it
    existing.close()


def create_sample(pack: Pack, category: str):
    """The category's sample with the scans the notice requires (forms.samples.fill_sample), so
    it is eligible as it stands."""
    from forms.samples import fill_sample

    cat = pack.category(category)
    path = unique_path(settings.data_dir(), "示例-" + (cat.subtitle.zh if cat else category))
    return create(path, pack, category, fill=lambda draft: fill_sample(draft, category, pack)), path


@dataclass
class Opened:
    """A draft opened in place. ``readonly`` says why it cannot be edited: None (it can),
    "media" (the file or its folder cannot be written) or "locked" (another program edits it;
    ``holder`` names it)."""

    draft: Any
    path: Path
    readonly: str | None = None
    holder: Any = None  # forms' LockInfo, when known


def _open(path: Path, readonly: bool):
    from forms.draft import Draft

    return Draft.open(path, readonly=readonly)


def open_in_place(path: Path) -> Opened:
    """Open ``path`` where it lies: for editing when it can be written and nobody else edits
    it, read-only otherwise (never a copy)."""
    path = Path(path).absolute()
    try:
        opened = Opened(_open(path, False), path)
    except UserError as exc:
        if exc.code == READONLY_MEDIA:
            opened = Opened(_open(path, True), path, "media")
        elif exc.code == LOCKED:
            # a lock taken at the OS level only (no lock file to read) names no holder
            opened = Opened(_open(path, True), path, "locked", getattr(exc, "holder", None))
        else:
            raise
    settings.add_recent(path)
    return opened


def holder_text(holder: Any, lang: str = "zh") -> str:
    """Who holds the lock (forms' LockInfo: user, host, program, pid, since); empty when unknown."""
    if holder is None:
        return ""
    return holder.describe().get(lang)


def data_stamp(draft: Any, path: Path) -> Any:
    """Changes whenever another program commits to the draft."""
    try:
        return draft.data_version()
    except UserError:
        return None  # mid-commit or briefly unreadable: the next look tries again


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).absolute() == Path(b).absolute()


def import_json_job(source: Path, dest: Path, default_pack: str) -> Callable:
    """For desktop.workers: the CLI's own all-or-nothing import (forms.transfer.import_json_file),
    so the app and ``cxy import`` refuse the same files the same way and leave nothing behind."""

    def run(progress, cancel):
        from forms.transfer import import_json_file

        notes: list = []  # values converted on the way in (123456元 → 12.3456)
        import_json_file(source, dest, default_pack=default_pack, notes=notes)
        return notes

    return run
