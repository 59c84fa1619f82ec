"""The packs a user has: :func:`list_packs` (bundled and installed, loaded to say whether each is
verified) and :func:`install` (a pack folder or .zip into ``<data>/packs/<id>``).

What is installed is received: only regular ``.toml`` files at the top of the folder (a .zip may
wrap them in one folder), no links, no paths out of the folder, bounded sizes and counts. The pack
is read and checked from a staging folder beside the installed packs, and only a pack that loads
is moved into place; a broken one is refused with the one message that names its file and line.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import UserError
from .pack import Pack, load_pack, load_pack_dir
from .pack_load import MAX_FILE_BYTES, read_toml
from .pack_registry import bundled_ids, folder_of, installed_dir, installed_ids, is_pack_id
from .text import Text

MAX_FILES = 16
NO_TITLE = Text("", "")
MAX_ZIP_BYTES = 8 * 1024 * 1024


@dataclass
class PackInfo:
    id: str
    where: str  # "bundled" | "installed"
    folder: Path
    verified: bool
    year: int | None = None
    title: Text = NO_TITLE  # a pack that does not load
    categories: list[str] = field(default_factory=list)
    category_titles: list[Text] = field(default_factory=list)  # the categories' subtitles
    problem: UserError | None = None

    def as_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "id": self.id,
            "where": self.where,
            "folder": str(self.folder),
            "year": self.year,
            "title": self.title.get(lang),
            "categories": self.categories,
            "verified": self.verified,
            "problem": self.problem.message(lang) if self.problem else None,
        }


def _info(pack_id: str, where: str, folder: Path) -> PackInfo:
    try:
        pack = load_pack(pack_id) if folder_of(pack_id) == folder else load_pack_dir(folder)
    except UserError as exc:
        info = PackInfo(pack_id, where, folder, verified=False, problem=exc)
        try:  # what a broken pack says of itself, where it can be read
            raw = read_toml(folder / "pack.toml")
            info.year = raw["year"] if isinstance(raw.get("year"), int) else None
            info.categories = [str(c.get("id")) for c in raw.get("categories", []) if isinstance(c, dict)]
        except (UserError, AttributeError, TypeError):
            pass
        return info
    return _described(pack, where, folder)


def _described(pack: Pack, where: str, folder: Path) -> PackInfo:
    return PackInfo(
        pack.id,
        where,
        folder,
        verified=True,
        year=pack.year,
        title=pack.title,
        categories=[c.id for c in pack.categories],
        category_titles=[c.subtitle for c in pack.categories],
    )


def list_packs() -> list[PackInfo]:
    from .paths import packs_dir

    found = [_info(pack_id, "bundled", packs_dir() / pack_id) for pack_id in bundled_ids()]
    bundled = {info.id for info in found}
    found += [
        _info(pack_id, "installed", installed_dir() / pack_id) for pack_id in installed_ids() if pack_id not in bundled
    ]
    return found


# ---------------------------------------------------------------------------------------------
# Installing


def _refuse(code: str, why: Text) -> UserError:
    return UserError(code, f"无法安装规则包：{why.zh}", f"Cannot install the rule pack: {why.en}")


def _files_of_folder(source: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    try:
        entries = sorted(os.scandir(source), key=lambda e: e.name)
    except OSError as exc:
        raise _refuse(
            "pack.install.read", Text(f"无法读取 {source}：{exc.strerror}", f"cannot read {source}: {exc.strerror}")
        ) from None
    for entry in entries:
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            raise _refuse("pack.install.link", Text(f"{entry.name} 是链接", f"{entry.name} is a link"))
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(
                "pack.install.file",
                Text(f"{entry.name} 不是 TOML 文件", f"{entry.name} is not a TOML file (a folder?)"),
            )
        _admit(entry.name, info.st_size, len(files))
        with open(entry.path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        _admit(entry.name, len(data), len(files))
        files[entry.name] = data
    return files


def _files_of_zip(source: Path) -> dict[str, bytes]:
    import zipfile

    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _refuse(
            "pack.install.zip", Text(f"{source.name} 不是有效的 zip 文件", f"{source.name} is not a valid zip ({exc})")
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_FILES * 2:
            raise _refuse("pack.install.count", Text("文件过多", f"more than {MAX_FILES} files"))
        names = [m for m in members if not m.is_dir()]
        parts = [_safe_parts(m.filename) for m in names]
        # one wrapping folder (a zipped pack folder) is allowed and taken off
        tops = {p[0] for p in parts if len(p) > 1}
        strip = 1 if parts and all(len(p) == 2 for p in parts) and len(tops) == 1 else 0
        files: dict[str, bytes] = {}
        total = 0
        for member, name_parts in zip(names, parts):
            inner = name_parts[strip:]
            if len(inner) != 1:
                raise _refuse(
                    "pack.install.file",
                    Text(
                        f"{member.filename} 在子文件夹中（规则包只含顶层的 .toml 文件）",
                        f"{member.filename} is in a subfolder (a pack holds .toml files at its top only)",
                    ),
                )
            if stat.S_ISLNK(member.external_attr >> 16):
                raise _refuse("pack.install.link", Text(f"{member.filename} 是链接", f"{member.filename} is a link"))
            _admit(inner[0], member.file_size, len(files))
            with archive.open(member) as handle:  # the declared size is not trusted: read at most the cap
                data = handle.read(MAX_FILE_BYTES + 1)
            _admit(inner[0], len(data), len(files))
            total += len(data)
            if total > MAX_ZIP_BYTES:
                raise _refuse("pack.install.size", Text("内容过大", "its content is too large"))
            if inner[0] in files:
                raise _refuse("pack.install.file", Text(f"{inner[0]} 重复", f"{inner[0]} appears twice"))
            files[inner[0]] = data
    return files


def _safe_parts(name: str) -> list[str]:
    """The parts of a member's path; a path that could leave the folder (absolute, ``..``, a
    drive, a backslash) is refused (zip-slip)."""
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        raise _refuse("pack.install.path", Text(f"不安全的路径 {name!r}", f"unsafe path {name!r}"))
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise _refuse("pack.install.path", Text(f"不安全的路径 {name!r}", f"unsafe path {name!r}"))
    return parts


def _admit(name: str, size: int, count: int) -> None:
    if not name.endswith(".toml") or name.startswith("."):
        raise _refuse("pack.install.file", Text(f"{name} 不是 TOML 文件", f"{name} is not a TOML file"))
    if size > MAX_FILE_BYTES:
        raise _refuse("pack.install.size", Text(f"{name} 过大", f"{name} is larger than {MAX_FILE_BYTES // 1024} KB"))
    if count >= MAX_FILES:
        raise _refuse("pack.install.count", Text("文件过多", f"more than {MAX_FILES} files"))


def _plain(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum() or ch in "-_.")[:64].lstrip(".")


def install(source: Path, replace: bool = False) -> PackInfo:
    """Install the pack in the folder or .zip ``source`` into the user's data folder, checked
    first; ``replace`` allows a new version of an installed pack (never a bundled one)."""
    source = Path(source)
    if source.is_dir() and not source.is_symlink():
        files = _files_of_folder(source)
    elif source.is_file() and source.suffix.lower() == ".zip":
        files = _files_of_zip(source)
    else:
        raise _refuse(
            "pack.install.source",
            Text(f"{source} 既不是文件夹也不是 .zip 文件", f"{source} is neither a folder nor a .zip file"),
        )
    if "pack.toml" not in files:
        raise _refuse("pack.install.missing", Text("缺少 pack.toml", "it has no pack.toml"))
    root = installed_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))
        # named as the user's folder (or zip), so that a problem names the file they know
        staging = incoming / (_plain(source.stem if source.is_file() else source.name) or "pack")
        staging.mkdir()
    except OSError as exc:
        raise _refuse(
            "pack.install.write", Text(f"无法写入 {root}：{exc.strerror}", f"cannot write {root}: {exc.strerror}")
        ) from None
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        pack_id = read_toml(staging / "pack.toml").get("id")
        if not isinstance(pack_id, str) or not is_pack_id(pack_id):
            raise _refuse(
                "pack.install.id",
                Text(
                    f"pack.toml 的 id 无效：{pack_id!r}（小写字母、数字、-、_）",
                    f"the id in pack.toml is invalid: {pack_id!r} (lower-case letters, digits, - and _)",
                ),
            )
        if pack_id in bundled_ids():
            raise _refuse(
                "pack.install.bundled",
                Text(f"“{pack_id}”是程序自带的规则包", f"'{pack_id}' is a pack the program ships"),
            )
        pack = load_pack_dir(staging, snapshot=False)  # the whole check, before anything is in place
        target = root / pack_id
        if target.exists():
            if not replace:
                raise _refuse(
                    "pack.install.exists",
                    Text(
                        f"已安装“{pack_id}”（替换请用 --replace）",
                        f"'{pack_id}' is installed already (use --replace to replace it)",
                    ),
                )
            old = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
            os.replace(target, old / pack_id)
            try:
                os.replace(staging, target)
            except OSError:
                os.replace(old / pack_id, target)  # the installed version stays
                raise
            finally:
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except OSError as exc:
        raise _refuse(
            "pack.install.write", Text(f"无法写入 {root}：{exc.strerror}", f"cannot write {root}: {exc.strerror}")
        ) from None
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    load_pack.cache_clear()
    return _described(pack, "installed", target)
