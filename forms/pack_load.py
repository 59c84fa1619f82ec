"""Reading a pack folder into one merged source: its TOML files, read as received files, and the
files of the packs it ``extends``, inherited entry by entry.

Inheritance (``extends = "<pack id>"`` in ``pack.toml``): every top-level key a child file does
not set is the parent's; in the keyed collections of :data:`forms.pack_lines.ENTRIES` (categories, fields, steps,
letters, documents, ...) the child adds entries or replaces single entries whole, keyed by their
``id``/``key``/table name, and the parent's other entries stay, in the parent's order, with new
ones after them. A child removes an inherited entry with a ``drop`` table in the same file, e.g.
``drop = { categories = ["tech_trade"] }`` in ``pack.toml`` or
``drop = { documents = ["form_tech_trade"] }`` in ``documents.toml``.

Errors name the file and, where it can be found, the line (see :func:`forms.pack_lines.explain`). The merged
source is validated in :func:`load_dir` by the pack's model, which :mod:`forms.pack` passes in
(it imports this module, so this one does not import it); ``load_dir`` also keeps and uses the
snapshot of a load (:mod:`forms.pack_snapshot`).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UserError
from .pack_lines import ENTRIES, explain, line_of_key
from .pack_registry import folder_of, is_pack_id
from .text import Text

if TYPE_CHECKING:  # the model is the caller's (forms.pack), which imports this module
    from pydantic import ValidationError

    from .pack import Pack

FILES = ("pack.toml", "fields.toml", "letters.toml", "documents.toml")
OPTIONAL = ("documents.toml",)  # a pack without printed documents is refused later, by category
MAX_FILE_BYTES = 1024 * 1024  # the 2023 documents.toml is ~20 KB
MAX_DEPTH = 4  # a pack extends at most this many generations

# pack.toml keys that say where the pack comes from rather than what it is
_OWN_ONLY = ("id", "extends")


@dataclass
class Source:
    """A pack's merged data, the files read for it, and where each entry came from."""

    folder: Path
    data: dict[str, Any]
    # every file a load read or looked for, stamped (size, mtime_ns) before it was read: a file
    # that changes while it is read makes the snapshot stale, never a snapshot of old content
    stamps: dict[Path, list[Any]] = field(default_factory=dict)
    folders: list[Path] = field(default_factory=list)  # the pack, then its ancestors
    origin: dict[tuple[str, str], Path] = field(default_factory=dict)  # (collection, entry key) -> file
    top: dict[str, Path] = field(default_factory=dict)  # top-level key -> the file that set it
    dropped_categories: set[str] = field(default_factory=set)  # a child's drop = { categories = [...] }


def pack_error(code: str, path: Path, problem: Text) -> UserError:
    """``problem`` (after the file's name: "：…" / ": …") in the file ``path`` of a pack."""
    return UserError(code, f"规则包文件 {_shown(path)}{problem.zh}", f"The rule pack file {_shown(path)}{problem.en}")


def _shown(path: Path) -> str:
    """``<pack folder name>/<file>``: which pack of a chain, and which of its files."""
    return f"{path.parent.name}/{path.name}"


def read_toml(path: Path) -> dict[str, Any]:
    """One pack file, read as a received file: a regular file (no link), of bounded size, TOML."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise UserError(
            "pack.missing", f"规则包缺少文件：{_shown(path)}", f"The rule pack lacks {_shown(path)}"
        ) from None
    except OSError as exc:
        raise pack_error(
            "pack.read", path, Text(f" 无法读取：{exc.strerror}", f" cannot be read: {exc.strerror}")
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise pack_error("pack.file", path, Text(" 不是普通文件", " is not a regular file"))
    if info.st_size > MAX_FILE_BYTES:
        raise pack_error("pack.size", path, Text(" 过大", f" is larger than {MAX_FILE_BYTES // 1024} KB"))
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise pack_error("pack.size", path, Text(" 过大", f" is larger than {MAX_FILE_BYTES // 1024} KB"))
        return tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise pack_error(
            "pack.read", path, Text(f" 无法读取：{exc.strerror}", f" cannot be read: {exc.strerror}")
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        # tomllib says "(at line N, column M)"; a decoding error gives the byte offset
        raise pack_error("pack.syntax", path, Text(f" 格式错误：{exc}", f" is malformed: {exc}")) from None


def read_source(folder: Path) -> Source:
    """The merged data of the pack in ``folder`` and of every pack it extends."""
    from .pack_snapshot import stamp

    stamps: dict[Path, list[Any]] = {}

    def stamped(path: Path) -> dict[str, Any]:
        stamps[path] = stamp(path)
        return read_toml(path)

    chain = [folder]
    own = stamped(folder / "pack.toml")
    mains = [own]
    while (parent_id := mains[-1].get("extends")) is not None:
        here = chain[-1] / "pack.toml"
        parent = folder_of(parent_id) if isinstance(parent_id, str) else None
        if parent is None:
            raise pack_error(
                "pack.extends",
                here,
                Text(
                    f" 第 {line_of_key(here, 'extends')} 行：继承的规则包“{parent_id}”不存在",
                    f" line {line_of_key(here, 'extends')}: extends unknown pack '{parent_id}'",
                ),
            )
        if parent in chain or len(chain) > MAX_DEPTH:
            raise pack_error(
                "pack.extends",
                here,
                Text("：继承关系成环或过深", f": its 'extends' chain loops or is deeper than {MAX_DEPTH}"),
            )
        chain.append(parent)
        mains.append(stamped(parent / "pack.toml"))
    source = Source(folder=folder, data={}, folders=chain, stamps=stamps)
    # from the oldest ancestor down: each generation overrides what it sets
    for depth in range(len(chain) - 1, -1, -1):
        here = chain[depth]
        for name in FILES:
            path = here / name
            if name == "pack.toml":
                part = dict(mains[depth])
                if depth:  # an ancestor's identity is not inherited
                    for key in _OWN_ONLY:
                        part.pop(key, None)
                else:
                    part.pop("extends", None)
            elif path.exists() or path.is_symlink():
                part = stamped(path)
            elif depth < len(chain) - 1 or name in OPTIONAL:
                stamps[path] = stamp(path)  # absent: its appearing rebuilds the snapshot
                continue  # inherited whole
            else:
                read_toml(path)  # raises pack.missing, naming the file
                continue
            _merge(source, name, part, path)
    _without_dropped_categories(source)
    return source


def _without_dropped_categories(source: Source) -> None:
    """A dropped category takes its own fields with it (those declared for it alone), off the
    steps that list them: a child drops a category with one line, not one per field."""
    gone = source.dropped_categories - {c.get("id") for c in source.data.get("categories", []) if isinstance(c, dict)}
    fields = source.data.get("fields")
    if not gone or not isinstance(fields, dict):
        return
    removed = set()
    for path, spec in list(fields.items()):
        categories = spec.get("categories") if isinstance(spec, dict) else None
        if isinstance(categories, list) and categories and set(categories) <= gone:
            removed.add(path)
            del fields[path]
    for step in source.data.get("steps", []):
        if isinstance(step, dict) and isinstance(step.get("fields"), list):
            step["fields"] = [f for f in step["fields"] if f not in removed]


def _merge(source: Source, name: str, part: dict[str, Any], path: Path) -> None:
    collections = ENTRIES[name]
    drop = part.pop("drop", None)
    if drop is not None and not isinstance(drop, dict):
        raise pack_error("pack.invalid", path, Text("：drop 须为表", ": 'drop' must be a table"))
    if name == "letters.toml":
        target = source.data.setdefault("letters", {})
        _merge_table(source, "letters", target, part, path)
        _drop(source, "letters", target, (drop or {}).get("letters", []), path)
        return
    # documents.toml is one value of the pack (its layouts); the others spread over the top level
    target = source.data.setdefault("documents", {}) if name == "documents.toml" else source.data
    for key, value in part.items():
        entry_key = collections.get(key, "-")
        if entry_key == "-" or key not in target:
            target[key] = value if entry_key == "-" else _copy(value)
            source.top[key] = path
            if entry_key != "-":
                _note_origins(source, key, value, entry_key, path)
        elif entry_key is None and isinstance(value, dict) and isinstance(target[key], dict):
            _merge_table(source, key, target[key], value, path)
        elif isinstance(entry_key, str) and isinstance(value, list) and isinstance(target[key], list):
            target[key] = _merge_list(source, key, target[key], value, entry_key, path)
        else:
            target[key] = value  # a shape the schema refuses; it says so, naming the key
            source.top[key] = path
    for key, names in (drop or {}).items():
        entry_key = collections.get(key, "-")
        if entry_key == "-" or key not in target:
            raise pack_error(
                "pack.invalid",
                path,
                Text(f"：drop 中的“{key}”不是可继承的条目集合", f": 'drop' names '{key}', not an inherited collection"),
            )
        if entry_key is None:
            _drop(source, key, target[key], names, path)
        else:
            wanted = set(_names(names, key, path))
            if key == "categories":
                source.dropped_categories |= wanted
            kept = [item for item in target[key] if not (isinstance(item, dict) and item.get(entry_key) in wanted)]
            _missing(wanted - {item.get(entry_key) for item in target[key] if isinstance(item, dict)}, key, path)
            target[key] = kept


def _merge_table(source: Source, collection: str, target: dict[str, Any], part: dict[str, Any], path: Path) -> None:
    for key, value in part.items():
        target[key] = value
        source.origin[(collection, key)] = path


def _merge_list(
    source: Source, collection: str, inherited: list[Any], own: list[Any], entry_key: str, path: Path
) -> list[Any]:
    merged = list(inherited)
    where = {item.get(entry_key): index for index, item in enumerate(merged) if isinstance(item, dict)}
    for item in own:
        ident = item.get(entry_key) if isinstance(item, dict) else None
        if ident is not None and ident in where:
            merged[where[ident]] = item
        else:
            merged.append(item)
        if ident is not None:
            source.origin[(collection, str(ident))] = path
    return merged


def _note_origins(source: Source, collection: str, value: Any, entry_key: str | None, path: Path) -> None:
    if entry_key is None and isinstance(value, dict):
        for key in value:
            source.origin[(collection, str(key))] = path
    elif isinstance(entry_key, str) and isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item.get(entry_key) is not None:
                source.origin[(collection, str(item[entry_key]))] = path


def _drop(source: Source, collection: str, target: dict[str, Any], names: Any, path: Path) -> None:
    wanted = _names(names, collection, path)
    _missing({n for n in wanted if n not in target}, collection, path)
    for name in wanted:
        target.pop(name, None)


def _names(names: Any, collection: str, path: Path) -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise pack_error(
            "pack.invalid",
            path,
            Text(f"：drop.{collection} 须为名称列表", f": drop.{collection} must be a list of names"),
        )
    return names


def _missing(names: set[Any], collection: str, path: Path) -> None:
    if names:
        shown = ", ".join(sorted(str(n) for n in names))
        raise pack_error(
            "pack.invalid",
            path,
            Text(
                f"：drop.{collection} 删除的条目不存在：{shown}",
                f": drop.{collection} removes entries it does not inherit: {shown}",
            ),
        )


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value


def unprinted_categories(data: dict[str, Any]) -> list[str]:
    """Ids of the categories that have no printed form and do not say ``printed = false``."""
    documents = data.get("documents", {}).get("documents", {})
    printed = {doc.get("category") for doc in documents.values() if isinstance(doc, dict) and doc.get("kind") == "form"}
    return [
        str(cat.get("id"))
        for cat in data.get("categories", [])
        if isinstance(cat, dict) and cat.get("printed", True) and cat.get("id") not in printed
    ]


def repeated_annexes(data: dict[str, Any]) -> list[tuple[int, list[str]]]:
    """Annex numbers (附件N) that two things of the call carry: each category's form and each
    integrity letter is one numbered attachment of the notice."""
    seen: dict[int, list[str]] = {}
    for cat in data.get("categories", []):
        if isinstance(cat, dict) and isinstance(cat.get("annex"), int):
            seen.setdefault(cat["annex"], []).append(f"categories.{cat.get('id')}")
    for name, letter in data.get("letters", {}).items():
        if isinstance(letter, dict) and isinstance(letter.get("annex"), int):
            seen.setdefault(letter["annex"], []).append(f"letters.{name}")
    return [(annex, names) for annex, names in sorted(seen.items()) if len(names) > 1]


def load_dir(folder: Path, model: type[Pack], snapshot: bool = True) -> Pack:
    """:func:`forms.pack.load_pack_dir`: the pack in ``folder`` (validated by ``model``, the pack's
    schema) from a valid snapshot of an earlier load, else from its files and its ancestors',
    snapshotted for the next start."""
    import json

    from . import pack_snapshot

    if not snapshot:  # a pack being installed: checked from its files, nothing kept
        return _load_sources(folder, model)[0]
    kept = pack_snapshot.Snapshot(folder)
    # written here from a pack that passed every check, and taken only with its digest intact:
    # rebuilt without validating it again (pack_snapshot.rebuilt)
    pack = kept.load(lambda text: pack_snapshot.rebuilt(model, json.loads(text)))
    if pack is not None:
        return pack
    pack, inputs = _load_sources(folder, model)
    kept.save(pack.model_dump_json(by_alias=True), inputs)
    return pack


def _load_sources(folder: Path, model: type[Pack]) -> tuple[Pack, list[list[Any]]]:
    """The checked pack from the files in ``folder``, and the stamps of every file it read."""
    from pydantic import ValidationError

    from .layout import check_documents
    from .pack_snapshot import stamp
    from .template import store

    source = read_source(folder)
    merged = source.data
    try:
        pack = model.model_validate(merged)
    except ValidationError as exc:
        raise _invalid(source, exc) from None
    try:
        check_documents(pack)
    except UserError as exc:
        raise _in_documents(source, exc) from None
    if not is_pack_id(pack.id):  # it names folders (installed packs, templates) and is written in drafts
        path = folder / "pack.toml"
        raise pack_error(
            "pack.invalid",
            path,
            Text(
                f"：id “{pack.id}” 无效（小写字母、数字、-、_，以字母或数字开头）",
                f": the id '{pack.id}' is invalid (lower-case letters, digits, - and _, starting with a letter or digit)",
            ),
        )
    repeated = repeated_annexes(merged)
    if repeated:
        annex, names = repeated[0]
        files = sorted({_where(source, name) for name in names})
        raise UserError(
            "pack.annex",
            f"规则包“{folder.name}”中附件{annex}重复：{'、'.join(names)}（{', '.join(files)}）",
            f"The rule pack '{folder.name}' numbers two attachments 附件{annex}: {', '.join(names)} ({', '.join(files)})",
        )
    unprinted = unprinted_categories(merged)
    if unprinted:
        path, entry, line = explain(source, ("categories", [c.id for c in pack.categories].index(unprinted[0])))
        where = f"{path.parent.name}/{path.name}" + (f":{line}" if line else "")
        shown = ", ".join(unprinted)
        raise UserError(
            "pack.unprinted",
            f"规则包文件 {where}（{entry}）：类别 {shown} 没有打印表单（documents.toml 中 category = 该类别的 form），"
            "或在类别中声明 printed = false",
            f"The rule pack file {where} ({entry}): category {shown} has no printed form (a form in documents.toml "
            "with category = it); add one, or say printed = false on the category",
        )
    inputs = [*source.stamps.values(), stamp(store.overrides_dir(pack.id))]  # before they are read
    return store.with_overrides(pack, merged, rebuild=lambda data: _checked(data, model)), inputs


def _where(source: Source, entry: str) -> str:
    """``folder/file:line`` of an entry named ``collection.key``."""
    collection, key = entry.split(".", 1)
    items = source.data.get(collection)
    index: Any = key
    if isinstance(items, list):
        index = next((i for i, item in enumerate(items) if isinstance(item, dict) and item.get("id") == key), 0)
    path, _, line = explain(source, (collection, index, "annex"))
    return f"{path.parent.name}/{path.name}" + (f":{line}" if line else "")


def _invalid(source: Source, exc: ValidationError) -> UserError:
    """One message for a pack the schema refuses: the file, entry and line of the first problem,
    then (briefly) the others."""
    parts = []
    for err in exc.errors()[:5]:
        path, entry, line = explain(source, tuple(err["loc"]))
        where = f"{path.parent.name}/{path.name}" + (f":{line}" if line else "")
        parts.append(f"{where} {entry}: {err['msg']}")
    detail = "; ".join(parts)
    return UserError(
        "pack.invalid",
        f"规则包“{source.folder.name}”有误：{detail}",
        f"The rule pack '{source.folder.name}' is invalid: {detail}",
    )


def _in_documents(source: Source, exc: UserError) -> UserError:
    """A layout problem, with the documents.toml that holds the document it names."""
    found = re.search(r"document '([A-Za-z0-9_]+)'", exc.en)
    path = source.origin.get(("documents", found.group(1))) if found else None
    if path is None:
        return exc
    where = f"{path.parent.name}/{path.name}"
    return UserError(exc.code, f"{where}：{exc.zh}", f"{where}: {exc.en}")


def _checked(data: dict[str, Any], model: type[Pack]) -> Pack:
    """A pack from its merged source, its printed layouts checked; raises as pydantic or
    :func:`check_documents` does."""
    from .layout import check_documents

    pack = model.model_validate(data)
    check_documents(pack)
    return pack
