"""Where a value of a merged pack comes from: the keyed collections of each pack file, and for a
problem the file, the entry (``categories.tech_vp.min_paid``) and, where it can be found, the line.
A leaf of :mod:`forms.pack_load`, which merges the files by these collections."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the merged source is pack_load's, which imports this module
    from .pack_load import Source

# The keyed collections of each file: top-level key -> the key of an entry (None: a table of
# tables keyed by name; "" in letters.toml: the file's own top-level tables are the entries).
ENTRIES: dict[str, dict[str, str | None]] = {
    "pack.toml": {"categories": "id", "declarations": "key", "copies": "key", "roles": "id", "attachment_kinds": "id"},
    "fields.toml": {"choices": None, "tables": None, "fields": None, "steps": "key"},
    "letters.toml": {"": None},
    "documents.toml": {"blocks": None, "documents": None, "uploads": "file"},
}


def explain(source: Source, loc: tuple[Any, ...]) -> tuple[Path, str, int | None]:
    """The file, the entry (``categories.tech_vp.min_paid``) and the line, where known, of the
    value at ``loc`` (a pydantic error location in the merged data)."""
    if not loc:
        return source.folder / "pack.toml", "(pack)", None
    head, rest = str(loc[0]), list(loc[1:])
    collection, key, inner = head, None, rest
    data = source.data
    if head == "letters" and rest:
        key, inner = str(rest[0]), rest[1:]
    elif head == "documents" and len(rest) >= 2 and str(rest[0]) in ENTRIES["documents.toml"]:
        collection, inner = str(rest[0]), rest[1:]
        data = source.data.get("documents", {})
        key, inner = _entry_of(data, collection, inner)
    elif head in ENTRIES["pack.toml"] or head in ENTRIES["fields.toml"]:
        key, inner = _entry_of(data, head, rest)
    path = source.origin.get((collection, key), None) if key is not None else None
    if path is None:
        path = source.top.get(head) or source.folder / (
            "fields.toml" if head in ENTRIES["fields.toml"] else "pack.toml"
        )
    words = [collection] + ([key] if key is not None else []) + [str(p) for p in inner]
    return path, ".".join(words), _find_line(path, collection, key, [p for p in inner if isinstance(p, str)])


def _entry_of(data: dict[str, Any], collection: str, rest: list[Any]) -> tuple[str | None, list[Any]]:
    """The entry key of ``rest[0]`` in ``collection``: the table name, or an item's id/key."""
    if not rest:
        return None, rest
    first = rest[0]
    items = data.get(collection)
    if (
        isinstance(first, int)
        and isinstance(items, list)
        and 0 <= first < len(items)
        and isinstance(items[first], dict)
    ):
        item = items[first]
        for name in ("id", "key", "file"):
            if isinstance(item.get(name), str):
                return item[name], rest[1:]
        return str(first), rest[1:]
    return str(first), rest[1:]


def _find_line(path: Path, collection: str, key: str | None, inner: list[str]) -> int | None:
    """Best effort: the line of the entry's header (or its ``id = "..."`` line), then of the first
    inner key below it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    start = 0
    if key is not None:
        quoted = re.escape(key)
        header = re.compile(
            rf'^\s*\[\[?\s*(?:{re.escape(collection)}\s*\.\s*)?(?:"{quoted}"|{quoted})\s*[\].]'
            if collection != "letters"
            else rf'^\s*\[\s*(?:"{quoted}"|{quoted})\s*[\].]'
        )
        ident = re.compile(rf'^\s*(?:id|key|file)\s*=\s*"{quoted}"')
        for number, line in enumerate(lines):
            if header.search(line) or ident.search(line):
                start = number
                break
        else:
            return None
    for name in inner:
        pattern = re.compile(rf'^\s*(?:"{re.escape(name)}"|{re.escape(name)})\s*=|[{{,]\s*{re.escape(name)}\s*=')
        for number in range(start, min(len(lines), start + 200)):
            if number > start and lines[number].lstrip().startswith("[") and key is not None:
                break
            if pattern.search(lines[number]):
                start = number
                break
    return start + 1 if (key is not None or inner) else None


def line_of_key(path: Path, name: str) -> int | str:
    found = _find_line(path, "", None, [name])
    return found if found is not None else "?"
