"""Where a draft comes from: a new file, the sample, JSON, one of our own files, or a file from
someone else (always copied through the hardened loader into a working file of our own)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from forms.pack import Pack

from . import settings


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


def create(path: Path, pack: Pack, category: str):
    from forms.draft import Draft

    if path.exists():
        path.unlink()  # the save dialog has already asked before replacing a file
    draft = Draft.create(path, pack=pack.id, category=category)
    settings.add_recent(path)
    return draft


def create_sample(pack: Pack, category: str):
    from forms.samples import sample

    cat = pack.category(category)
    path = unique_path(settings.data_dir(), "示例-" + (cat.subtitle.zh if cat else category))
    draft = create(path, pack, category)
    draft.replace_data(sample(category, pack))
    return draft, path


def open_own(path: Path):
    from forms.draft import Draft

    draft = Draft.open(path)
    settings.add_recent(path)
    return draft


def import_foreign(source: Path):
    """A received draft becomes a new working file in the data folder; the original is untouched."""
    from forms.draft import Draft

    dest = unique_path(settings.data_dir(), source.stem)
    draft = Draft.import_foreign(source, dest)
    settings.add_recent(dest)
    return draft, dest


def read_json(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Contract JSON, read under forms' limits and shape-checked; the attachments list separately
    (its files are imported by the attachments page, off the GUI thread). Their paths are checked
    here already, so a path leading out of the JSON's folder is refused before a draft is made."""
    from forms.transfer import check_shape, resolve_attachment_files
    from forms.transfer import read_json as read

    data = read(path)
    check_shape(data)
    attachments = data.pop("attachments", [])
    resolve_attachment_files(attachments, path.parent)
    return data, attachments


def attachment_files(attachments: list[dict[str, Any]], base: Path) -> list[tuple[Path, str, str]]:
    """(path, kind, title) per attachment file: forms' rule, paths only inside ``base``."""
    from forms.transfer import resolve_attachment_files

    return resolve_attachment_files(attachments, base)
