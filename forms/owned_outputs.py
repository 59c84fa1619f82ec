"""A folder of outputs (the upload files, the exported attachments) is shared with the user: a
manifest beside our files lists what we wrote, and only a file still holding exactly what we
wrote there is ever replaced or removed."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .atomic import write_bytes, write_text
from .errors import UserError
from .outputs import _io_error, _lstat, check_output
from .text import Text

MANIFEST = ".cxy-outputs.json"
OUTPUT_FILE = Text("输出文件", "the output file")
MAX_MANIFEST_BYTES = 1 << 20  # a few hundred names; anything bigger is not ours


def _open_no_follow(path: Path) -> BinaryIO:
    """A regular file for reading, never through a symlink put there after we looked."""
    fd = os.open(
        path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    )
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"not a regular file: {path}")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with _open_no_follow(path) as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Written:
    """What ``write_owned`` did: the paths written (in the order given), files of someone else's
    that were kept, and one line per such decision for the user."""

    paths: dict[str, Path] = field(default_factory=dict)  # wanted name -> path actually written
    kept: list[Path] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)


def _read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """{set name: {file name: sha256}}; a missing, damaged or foreign manifest owns nothing."""
    path = folder / MANIFEST
    st = _lstat(path)
    if st is None:
        return {}
    if not stat.S_ISREG(st.st_mode):
        raise UserError(
            "output.symlink",
            f"{path} 不是普通文件（可能是符号链接），为安全起见不写入该文件夹。",
            f"{path} is not a regular file (perhaps a symbolic link); for safety nothing is written to that folder.",
        )
    if st.st_size > MAX_MANIFEST_BYTES:
        return {}
    try:
        with _open_no_follow(path) as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:  # a disk error is reported, never taken for "nothing here is ours"
        raise _io_error(exc, Text("输出清单", "the output manifest")) from None
    try:
        data = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_MANIFEST_BYTES else {}
    except (ValueError, RecursionError):
        return {}
    sets = data.get("sets") if isinstance(data, dict) else None
    if not isinstance(sets, dict):
        return {}
    clean: dict[str, dict[str, str]] = {}
    for name, files in sets.items():
        if isinstance(name, str) and isinstance(files, dict):
            clean[name] = {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str) and _plain(k)}
    return clean


def _plain(name: str) -> bool:
    return (
        bool(name) and name not in (".", "..", MANIFEST) and "/" not in name and "\\" not in name and "\x00" not in name
    )


def _ours(
    folder: Path, name: str, owned: Mapping[str, str], inputs: frozenset[tuple[int, int]] = frozenset()
) -> bool | None:
    """True: ours, unchanged; False: someone else's (or changed since, or an input of this very
    command, by device and inode); None: no such file. A symlink or other non-regular file is
    refused outright."""
    path = folder / name
    st = _lstat(path)
    if st is None:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise UserError(
            "output.symlink",
            f"{path} 是符号链接或不是普通文件，为安全起见未做任何改动。",
            f"{path} is a symbolic link or not a regular file; for safety nothing was changed.",
        )
    if name not in owned or (st.st_dev, st.st_ino) in inputs:
        return False
    try:
        return sha256_of(path) == owned[name]
    except OSError as exc:
        raise _io_error(exc, Text("输出文件", "the output file")) from None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _free_name(
    folder: Path, wanted: str, owned: Mapping[str, str], taken: set[str], inputs: frozenset[tuple[int, int]]
) -> str:
    """``wanted`` if it is free or ours; else ``stem-2.ext``, ``stem-3.ext``… (the first that is)."""
    stem, dot, ext = wanted.rpartition(".")
    if not dot:
        stem, ext = wanted, ""
    number = 1
    name = wanted
    while True:
        if name not in taken and _ours(folder, name, owned, inputs) is not False:
            return name
        number += 1
        name = f"{stem}-{number}{dot}{ext}"


def write_owned(
    folder: Path,
    files: Mapping[str, bytes | Callable[[], bytes]],
    *,
    owner: str,
    inputs: Iterable[Path] = (),
    what: Text = OUTPUT_FILE,
) -> Written:
    """Write ``files`` (name -> bytes, or a function giving them, called one at a time so that
    many large files are never all in memory) into ``folder`` as the set ``owner``.

    Files this set wrote before and the user left unchanged are replaced or, when no longer
    part of the set, removed. Any other file is left alone: ours is written beside it under
    the next free name (``contract-2.pdf``) and a note says so. Nothing is followed through a
    symlink. Everything is checked before the first byte is written."""
    folder, inputs = Path(folder), list(inputs)
    check_output(folder, inputs, directory=True)
    manifest = _read_manifest(folder) if folder.exists() else {}
    owned = manifest.get(owner, {})
    identities = frozenset(found for found in map(_identity, inputs) if found is not None)
    result = Written()
    taken: set[str] = set()
    for wanted in files:
        if not _plain(wanted):
            raise ValueError(f"not a plain file name: {wanted!r}")  # our own names: a bug, not input
        name = _free_name(folder, wanted, owned, taken, identities)
        taken.add(name)
        result.paths[wanted] = folder / name
        if name != wanted:
            result.kept.append(folder / wanted)
            result.notes.append(
                Text(
                    f"{folder / wanted} 不是本程序写入的（或已被修改），已保留原样；新文件保存为 {name}",
                    f"{folder / wanted} was not written by this program (or was changed since), so it was kept; the new file is {name}",
                )
            )
    stale = [name for name in owned if name not in taken and _ours(folder, name, owned, identities)]
    for name in owned:
        if name not in taken and name not in stale and (folder / name).exists():
            result.kept.append(folder / name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            "output.folder",
            f"无法创建文件夹 {folder}：{exc.strerror or exc}",
            f"Cannot create the folder {folder}: {exc.strerror or exc}",
        ) from None
    check_output(folder, inputs, directory=True)  # it may have been swapped while we looked
    written: dict[str, str] = {}
    for wanted, data in files.items():
        path = result.paths[wanted]
        if callable(data):
            data = data()
        write_bytes(path, data, what, inputs=inputs)
        written[path.name] = hashlib.sha256(data).hexdigest()
        manifest[owner] = {**owned, **written}  # recorded as we go: a failure half-way still knows its files
        _write_manifest(folder, manifest)
    for name in stale:
        try:
            os.unlink(folder / name)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise UserError(
                "output.remove",
                f"无法删除旧的输出文件 {folder / name}：{exc.strerror or exc}",
                f"Cannot remove the old output file {folder / name}: {exc.strerror or exc}",
            ) from None
    manifest[owner] = written
    if written or owned:
        _write_manifest(folder, manifest)
    return result


def _write_manifest(folder: Path, manifest: Mapping[str, Mapping[str, str]]) -> None:
    text = json.dumps(
        {"app": "cxy-apply", "version": 1, "sets": manifest}, ensure_ascii=False, indent=1, sort_keys=True
    )
    write_text(folder / MANIFEST, text + "\n", Text("输出清单", "the output manifest"))
