"""The undo journal of a draft's attachments (schema v3): ``undo_journal`` and ``undo_blobs``.

Every attachment operation (add, remove, reorder, kind/title change, new content, page fixes,
split) is recorded, inside its own transaction, as the attachments' rows before and after it
(without the PDFs, which are named by digest). Undo and redo move the table from one of those
states to the other. A PDF a state needs that no attachment holds any more is kept once in
``undo_blobs``: it is copied there, inside SQLite, before the operation that drops it.

Bounds: the last ``MAX_ENTRIES`` (20) operations, and the oldest are dropped while the kept PDFs
exceed ``MAX_BLOB_BYTES`` (200 MB) — even the newest, so a 200 MB scan's removal may not be
undoable; the file never grows past that for history. A journal is never sent: ``send_copy``
clears it in the copy (a removed attachment must not travel inside a copy someone else gets).

A journal in a received draft is hostile like the rest of the file: its JSON is size-capped and
every row it would restore is checked as any attachment row is, and a PDF is restored only if it
matches its digest.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from forms.draft import values
from forms.draft.errors import DraftError
from forms.text import Text

MAX_ENTRIES = 20
MAX_BLOB_BYTES = 200 * 1024 * 1024
MAX_STATE_CHARS = 1 << 20
_COLUMNS = ("id", "position", "kind", "title", "original_name", "source_format", "pages", "sha256", "added")
_SHA = re.compile(r"[0-9a-f]{64}")

State = list[dict[str, Any]]


def _error(code: str, message: Text) -> DraftError:
    return DraftError(code, message)


def capture(con: sqlite3.Connection) -> State:
    rows = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM attachments ORDER BY position, id").fetchall()
    return [dict(zip(_COLUMNS, row)) for row in rows]


def keep_blobs(con: sqlite3.Connection, att_ids: tuple[int, ...]) -> None:
    """Before an operation that may drop these attachments' PDFs: keep a copy (in SQLite)."""
    for att_id in att_ids:
        con.execute(
            "INSERT OR IGNORE INTO undo_blobs(sha256, pdf) SELECT sha256, pdf FROM attachments "
            "WHERE id = ? AND typeof(pdf) = 'blob' AND typeof(sha256) = 'text'",
            (att_id,),
        )


def record(con: sqlite3.Connection, action: str, before: State, at: str) -> None:
    """Journal one operation (after it ran, inside its transaction); a new operation ends the
    redo branch."""
    after = capture(con)
    if after == before:
        return
    con.execute("DELETE FROM undo_journal WHERE undone = 1")
    con.execute(
        "INSERT INTO undo_journal(at, action, before, after, undone) VALUES (?, ?, ?, ?, 0)",
        (at, action, _dump(before), _dump(after)),
    )
    trim(con)


def trim(con: sqlite3.Connection) -> None:
    ids = [row[0] for row in con.execute("SELECT id FROM undo_journal ORDER BY id DESC")]
    for old in ids[MAX_ENTRIES:]:
        con.execute("DELETE FROM undo_journal WHERE id = ?", (old,))
    collect(con)
    while _blob_bytes(con) > MAX_BLOB_BYTES:
        oldest = con.execute("SELECT MIN(id) FROM undo_journal").fetchone()[0]
        if oldest is None:
            break
        con.execute("DELETE FROM undo_journal WHERE id = ?", (oldest,))
        collect(con)


def _blob_bytes(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT COALESCE(SUM(length(pdf)), 0) FROM undo_blobs").fetchone()[0])


def collect(con: sqlite3.Connection) -> None:
    """Drop kept PDFs that an attachment holds again or that no entry needs."""
    needed: set[str] = set()
    for before, after in con.execute("SELECT before, after FROM undo_journal"):
        for text in (before, after):
            try:
                needed.update(row["sha256"] for row in _load(text))
            except DraftError:
                continue
    held = {row[0] for row in con.execute("SELECT sha256 FROM attachments")}
    for (sha,) in con.execute("SELECT sha256 FROM undo_blobs").fetchall():
        if sha in held or sha not in needed:
            con.execute("DELETE FROM undo_blobs WHERE sha256 = ?", (sha,))


def available(con: sqlite3.Connection) -> tuple[str | None, str | None]:
    """(action undo would reverse, action redo would repeat)."""
    undo = con.execute("SELECT action FROM undo_journal WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
    redo = con.execute("SELECT action FROM undo_journal WHERE undone = 1 ORDER BY id LIMIT 1").fetchone()
    return (undo[0] if undo else None), (redo[0] if redo else None)


def step(con: sqlite3.Connection, *, redo: bool) -> str:
    """Undo the newest done operation (or redo the oldest undone one); returns its action."""
    row = con.execute(
        "SELECT id, action, before, after FROM undo_journal WHERE undone = ? ORDER BY id "
        + ("LIMIT 1" if redo else "DESC LIMIT 1"),
        (1 if redo else 0,),
    ).fetchone()
    if row is None:
        if redo:
            raise _error("draft.nothing_to_redo", Text("没有可以重做的操作。", "There is nothing to redo."))
        raise _error(
            "draft.nothing_to_undo", Text("没有可以撤销的附件操作。", "There is no attachment operation to undo.")
        )
    entry_id, action, before, after = row
    source, target = (before, after) if redo else (after, before)
    current = capture(con)
    if _load(source) != current:
        # Something changed the attachments without the journal (an older version of this
        # program, a merge): its states no longer describe the file, so they are dropped.
        con.execute("DELETE FROM undo_journal")
        collect(con)
        raise _error(
            "draft.undo_stale",
            Text(
                "附件在记录之后被改动过，撤销记录已失效并已清除。",
                "The attachments were changed outside the undo history; the history no longer applies and was cleared.",
            ),
        )
    _apply(con, current, _checked(_load(target)))
    con.execute("UPDATE undo_journal SET undone = ? WHERE id = ?", (0 if redo else 1, entry_id))
    collect(con)
    return str(action)


def _apply(con: sqlite3.Connection, current: State, target: State) -> None:
    now = {row["id"]: row for row in current}
    wanted = {row["id"]: row for row in target}
    for att_id, row in now.items():  # PDFs about to go are kept first
        if att_id not in wanted or wanted[att_id]["sha256"] != row["sha256"]:
            keep_blobs(con, (att_id,))
    for att_id, row in wanted.items():
        if att_id in now and now[att_id]["sha256"] == row["sha256"]:
            continue
        _restorable(con, row)
    for att_id in now:
        if att_id not in wanted:
            con.execute("DELETE FROM attachments WHERE id = ?", (att_id,))
    for att_id, row in wanted.items():
        meta = (
            row["position"],
            row["kind"],
            row["title"],
            row["original_name"],
            row["source_format"],
            row["pages"],
            row["sha256"],
            row["added"],
        )
        if att_id in now:
            con.execute(
                "UPDATE attachments SET position = ?, kind = ?, title = ?, original_name = ?, source_format = ?, "
                "pages = ?, sha256 = ?, added = ? WHERE id = ?",
                (*meta, att_id),
            )
            if now[att_id]["sha256"] == row["sha256"]:
                continue
        else:
            con.execute(
                "INSERT INTO attachments(id, position, kind, title, original_name, source_format, pages, sha256, added) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (att_id, *meta),
            )
        con.execute(
            "UPDATE attachments SET pdf = (SELECT pdf FROM undo_blobs WHERE sha256 = ?) WHERE id = ?",
            (row["sha256"], att_id),
        )


def _restorable(con: sqlite3.Connection, row: dict[str, Any]) -> None:
    """The PDF ``row`` needs must be kept, and be what its digest says."""
    sha = row["sha256"]
    found = con.execute("SELECT pdf FROM undo_blobs WHERE sha256 = ?", (sha,)).fetchone()
    if found is None:
        held = con.execute(
            "SELECT id FROM attachments WHERE sha256 = ? AND typeof(pdf) = 'blob' LIMIT 1", (sha,)
        ).fetchone()
        if held is not None:
            keep_blobs(con, (held[0],))
            found = con.execute("SELECT pdf FROM undo_blobs WHERE sha256 = ?", (sha,)).fetchone()
    if found is None:
        raise _error(
            "draft.undo_missing",
            Text(
                "撤销所需的附件内容已不在草稿中，无法撤销。",
                "The attachment content needed to undo this is no longer in the draft.",
            ),
        )
    try:
        values.check_pdf(found[0] if isinstance(found[0], bytes) else None, sha)
    except DraftError as exc:
        raise _error(
            "draft.undo_missing",
            Text("撤销所需的附件内容已损坏，无法撤销。", "The attachment content needed to undo this is damaged."),
        ) from exc


def _dump(state: State) -> str:
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def _load(text: Any) -> State:
    bad = _error("draft.undo_stale", Text("撤销记录已损坏。", "The undo history is damaged."))
    if not isinstance(text, str) or len(text) > MAX_STATE_CHARS:
        raise bad
    try:
        state = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise bad from exc
    if not isinstance(state, list) or not all(isinstance(row, dict) and set(row) == set(_COLUMNS) for row in state):
        raise bad
    return state


def _checked(state: State) -> State:
    """A state about to be written: every row as valid as an attachment row must be."""
    values.check_attachment_count(0, len(state))
    ids = set()
    for row in state:
        for key in ("id", "position"):
            if isinstance(row[key], bool) or not isinstance(row[key], int) or not 0 <= row[key] < 2**62:
                raise values_error()
        ids.add(row["id"])
        values.check_kind(row["kind"])
        values.check_label("标题", row["title"])
        values.check_label("原文件名", row["original_name"])
        values.check_label("来源格式", row["source_format"], 32)
        values.check_label("添加时间", row["added"] or "", 64)
        values.check_pages(row["pages"])
        if not isinstance(row["sha256"], str) or not _SHA.fullmatch(row["sha256"]):
            raise values_error()
    if len(ids) != len(state):
        raise values_error()
    return state


def values_error() -> DraftError:
    return _error("draft.undo_stale", Text("撤销记录已损坏。", "The undo history is damaged."))
