"""The imported templates: one small JSON file per attachment under
``<data folder>/pack-overrides/<pack id>/annex-N.json``, written atomically. Every load reads
them as received files (size capped, symlinks refused, schema-checked); one that is broken or
no longer fits the pack is skipped with a warning, and the pack loads as shipped."""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from forms.errors import UserError
from forms.paths import user_data_dir
from forms.text import Text

if TYPE_CHECKING:
    from forms.pack import Pack

log = logging.getLogger("forms.template")

FOLDER = "pack-overrides"
MAX_FILE_BYTES = 256 * 1024  # a letter is ~2 KB, a form's labels ~6 KB
MAX_FILES = 32
_PACK_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_ID = re.compile(r"annex-[1-9]")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    name: str = Field(max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    imported: str = Field(max_length=40)  # ISO 8601, UTC


class LetterOverride(_Strict):
    title: str = Field(min_length=1, max_length=300)
    intro: str = Field(min_length=1, max_length=2000)
    points: list[str] = Field(min_length=1, max_length=20)
    sign: list[str] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _texts(self) -> LetterOverride:
        if any(not p.strip() or len(p) > 2000 for p in self.points) or any(
            not s.strip() or len(s) > 300 for s in self.sign
        ):
            raise ValueError("a point or sign line is empty or too long")
        return self


class LabelOverride(_Strict):
    slot: str = Field(min_length=1, max_length=300)
    was: str = Field(max_length=300)
    zh: str = Field(min_length=1, max_length=300)
    note: str | None = Field(default=None, max_length=300)


class Override(_Strict):
    """One imported template: a letter's text, or a form's labels."""

    format: Literal[1] = 1
    pack: str = Field(pattern=_PACK_ID.pattern)
    id: str = Field(pattern=rf"^{_ID.pattern}$")
    annex: int = Field(ge=1, le=9)
    kind: Literal["letter", "form"]
    target: str = Field(pattern=r"^[A-Za-z0-9_]{1,64}$")
    title: str = Field(max_length=300)
    verified: bool = True
    source: Source
    letter: LetterOverride | None = None
    labels: list[LabelOverride] = Field(default=[], max_length=300)
    unmatched: list[str] = Field(default=[], max_length=300)

    @model_validator(mode="after")
    def _shape(self) -> Override:
        if self.id != f"annex-{self.annex}":
            raise ValueError("id and annex disagree")
        if (self.kind == "letter") != (self.letter is not None) or (self.kind == "form" and not self.labels):
            raise ValueError(f"a {self.kind} override lacks its text")
        if any(len(u) > 300 for u in self.unmatched):
            raise ValueError("an unmatched label is too long")
        return self


def overrides_dir(pack_id: str) -> Path:
    if not _PACK_ID.fullmatch(pack_id):
        raise UserError("template.pack", f"规则包名称无效：{pack_id}", f"Invalid rule pack id: {pack_id}")
    return user_data_dir() / FOLDER / pack_id


def save_override(override: Override) -> Path:
    from forms.atomic import write_text

    folder = overrides_dir(override.pack)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            "template.write",
            f"无法创建文件夹 {folder}：{exc.strerror or exc}",
            f"Cannot create the folder {folder}: {exc.strerror or exc}",
        ) from None
    dest = folder / f"{override.id}.json"
    text = json.dumps(override.model_dump(), ensure_ascii=False, indent=1)
    write_text(dest, text, Text("模板", "the template"))
    return dest


def _read(path: Path) -> Override:
    """One override file, checked as hostile; ValueError says why it is unusable."""
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
    data = json.loads(raw.decode("utf-8"))  # depth ≤ 4 in a valid file; json limits recursion
    override = Override.model_validate(data)
    if f"{override.id}.json" != path.name:
        raise ValueError("its name and its id disagree")
    return override


def scan(pack_id: str) -> list[tuple[Path, Override | str]]:
    """Every override file of ``pack_id``: the override, or why it cannot be used."""
    try:
        folder = overrides_dir(pack_id)
        names = sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("."))
    except (OSError, UserError):
        return []
    found: list[tuple[Path, Override | str]] = []
    for path in names[:MAX_FILES]:
        try:
            override = _read(path)
            if override.pack != pack_id:
                raise ValueError(f"it belongs to rule pack '{override.pack}'")
            found.append((path, override))
        except (OSError, ValueError, RecursionError, ValidationError, UnicodeDecodeError) as exc:
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            found.append((path, reason[:200]))
    return found


def list_overrides(pack_id: str) -> list[Override]:
    return [item for _, item in scan(pack_id) if isinstance(item, Override)]


def resolve(pack_id: str, ident: str) -> Path:
    """The file of the override named ``ident``: annex-4, 4, 附件4, or its letter/form key."""
    text = ident.strip().lower().removeprefix("附件").removeprefix("annex").lstrip("-_ ")
    for path, item in scan(pack_id):
        keys = {path.stem, path.stem.removeprefix("annex-")}
        if isinstance(item, Override):
            keys.add(item.target.lower())
        if text in keys:
            return path
    raise UserError(
        "template.unknown",
        f"没有名为“{ident}”的已导入模板（用 cxy template list 查看）",
        f"No imported template named “{ident}” (see cxy template list)",
    )


def remove_override(pack_id: str, ident: str) -> Path:
    """Forget one imported template: the pack's own text prints again."""
    path = resolve(pack_id, ident)
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise UserError(
            "template.remove", f"无法删除 {path}：{exc.strerror or exc}", f"Cannot remove {path}: {exc.strerror or exc}"
        ) from None
    forget_loaded_packs()
    return path


_on_change: list[Callable[[], None]] = []


def on_change(forget: Callable[[], None]) -> None:
    """``forget`` is called whenever an override is saved or removed: the pack cache subscribes
    here (rather than this module importing :mod:`forms.pack`, which imports this one)."""
    if forget not in _on_change:
        _on_change.append(forget)


# forms.pack subscribes on a load only once this module is imported (a start that takes the pack
# from its snapshot does not import it): a pack loaded before is forgotten on a change too
if (_loaded := sys.modules.get("forms.pack")) is not None:
    on_change(_loaded.load_pack.cache_clear)


def forget_loaded_packs() -> None:
    """The next load_pack() reads the overrides again."""
    for forget in _on_change:
        forget()


# --------------------------------------------------------------------------------------------
# Applying (called once per pack load, from forms.pack.load_pack_dir)


def _warn(path: Path, why: Text) -> None:
    log.warning("已忽略导入的模板 %s：%s / Ignored the imported template %s: %s", path, why.zh, path.name, why.en)


def _apply_letter(data: dict[str, Any], item: Override) -> None:
    letter = data.get("letters", {}).get(item.target)
    text = item.letter
    if not isinstance(letter, dict) or text is None:
        raise ValueError("the pack has no such letter")
    if len(letter.get("points", [])) != len(text.points) or len(letter.get("sign", [])) != len(text.sign):
        raise ValueError("the pack's letter has another number of points or sign lines now")
    letter["title"] = {**letter["title"], "zh": text.title}
    letter["intro"] = {**letter["intro"], "zh": text.intro}
    letter["points"] = [{**point, "zh": zh} for point, zh in zip(letter["points"], text.points)]
    letter["sign"] = [{**sign, "zh": zh} for sign, zh in zip(letter["sign"], text.sign)]
    letter["verified"] = item.verified


def _apply_form(data: dict[str, Any], item: Override) -> list[str]:
    from .form_labels import apply_form

    documents = data.get("documents", {})
    doc = documents.get("documents", {}).get(item.target) if isinstance(documents, dict) else None
    if not isinstance(doc, dict) or doc.get("kind") != "form":
        raise ValueError("the pack has no such form")
    return apply_form(documents, item.target, [label.model_dump() for label in item.labels])


def with_overrides(pack: Pack, merged: dict[str, Any], *, rebuild: Callable[[dict[str, Any]], Pack]) -> Pack:
    """``pack`` with the imported templates of its id applied to its source ``merged``; the pack
    as it is when there are none, or when the result would not be a valid pack (``rebuild``: the
    pack's own validation of a merged source)."""
    try:
        return _with_overrides(pack, merged, rebuild)
    except Exception as exc:  # an override never stops the app or the CLI
        _warn(Path(FOLDER, pack.id), Text("读取时出错", f"{type(exc).__name__}: {str(exc)[:200]}"))
        return pack


def _with_overrides(pack: Pack, merged: dict[str, Any], rebuild: Callable[[dict[str, Any]], Pack]) -> Pack:
    found = scan(pack.id)
    if not found:
        return pack
    data = copy.deepcopy(merged)
    applied: list[Path] = []
    for path, item in found:
        if isinstance(item, str):
            _warn(path, Text(item, item))
            continue
        before = copy.deepcopy(data)
        try:
            if item.kind == "letter":
                _apply_letter(data, item)
            else:
                stale = _apply_form(data, item)
                if stale:
                    log.info(
                        "template %s: %d labels no longer in the pack: %s", path.name, len(stale), ", ".join(stale[:5])
                    )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            data = before
            _warn(path, Text(str(exc), str(exc)))
            continue
        applied.append(path)
    if not applied:
        return pack
    try:
        result = rebuild(data)
    except (ValidationError, UserError) as exc:
        names = ", ".join(p.name for p in applied)
        _warn(Path(names), Text("与规则包不符", f"the pack would not be valid with it ({str(exc)[:200]})"))
        return pack
    return result
