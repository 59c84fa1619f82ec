"""The ``history`` (变更记录) and ``handoff_base`` tables of a schema-2 draft.

Both are read from files that may come from elsewhere, so every row is bounded and re-checked
here; a row that fails its check makes the draft "damaged" rather than reaching a caller.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from forms.draft import values
from forms.draft.errors import draft_error
from forms.draft.foreign import bounded
from forms.limits import MAX_VALUE_CHARS
from forms.text import Text

MAX_HISTORY = 100_000
MAX_BASE_ROWS = 25_000  # fields (20 000) and attachments (500) of one snapshot, with room
ACTIONS = ("handoff", "merge", "finalise", "unfinalise", "edit")
MAX_NOTE_CHARS = 2000
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    role: str
    action: str
    path: str
    old: Any
    new: Any
    note: str


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, allow_nan=False)


def _unjson(text: Any) -> Any:
    if text is None:
        return None
    if not isinstance(text, str) or len(text) > 6 * MAX_VALUE_CHARS:
        raise draft_error("draft.corrupt")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise draft_error("draft.corrupt") from None
    if isinstance(value, (dict, list)):
        raise draft_error("draft.corrupt")
    return value


def append(con: sqlite3.Connection, entries: list[HistoryEntry]) -> None:
    for e in entries:
        if e.action not in ACTIONS:
            raise ValueError(f"unknown history action {e.action!r}")
        con.execute(
            "INSERT INTO history(at, role, action, path, old, new, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.at, e.role, e.action, e.path, _json(e.old), _json(e.new), e.note[:MAX_NOTE_CHARS]),
        )


def read(con: sqlite3.Connection) -> list[HistoryEntry]:
    rows = bounded(
        con,
        "SELECT at, role, action, path, old, new, note FROM history ORDER BY id",
        MAX_HISTORY,
        Text("变更记录", "history rows"),
    )
    out = []
    for at, role, action, path, old, new, note in rows:
        for text in (at, role, path, note):
            values.check_short_text(text, 4 * MAX_NOTE_CHARS, Text("变更记录", "a history row"))
        if action not in ACTIONS:
            raise draft_error("draft.corrupt")
        out.append(HistoryEntry(at, role, action, path, _unjson(old), _unjson(new), note))
    return out


def write_base(con: sqlite3.Connection, handoff_id: str, rows: dict[str, str]) -> None:
    con.execute("DELETE FROM handoff_base WHERE handoff_id = ?", (handoff_id,))
    con.executemany(
        "INSERT INTO handoff_base(handoff_id, key, value) VALUES (?, ?, ?)",
        [(handoff_id, key, value) for key, value in rows.items()],
    )


def read_base(con: sqlite3.Connection, handoff_id: str) -> dict[str, str] | None:
    """The snapshot taken at hand-off ``handoff_id`` (key → stored text), None if unknown."""
    known = con.execute("SELECT 1 FROM handoff_base WHERE handoff_id = ? LIMIT 1", (handoff_id,)).fetchone()
    if known is None:
        return None
    rows = con.execute(
        f"SELECT key, value FROM handoff_base WHERE handoff_id = ? LIMIT {MAX_BASE_ROWS + 1}", (handoff_id,)
    ).fetchall()
    if len(rows) > MAX_BASE_ROWS:
        raise draft_error("draft.too_large", Text("交接时的快照过大", "the hand-off snapshot is too large"))
    out = {}
    for key, value in rows:
        values.check_short_text(key, 300, Text("交接快照", "the hand-off snapshot"))
        values.check_short_text(value, 6 * MAX_VALUE_CHARS, Text("交接快照", "the hand-off snapshot"))
        out[key] = value
    return out


def check_digest(text: object) -> str:
    if not isinstance(text, str) or not _SHA256.fullmatch(text):
        raise draft_error("draft.corrupt")
    return text


def read_sources(con: sqlite3.Connection) -> dict[str, str]:
    rows = bounded(
        con,
        "SELECT sha256, source_sha256 FROM attachment_sources",
        MAX_BASE_ROWS,
        Text("附件来源", "attachment sources"),
    )
    return {check_digest(a): check_digest(b) for a, b in rows}
