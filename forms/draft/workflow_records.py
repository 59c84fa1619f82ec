"""The workflow's rows of a draft (issue 10): the change history, the hand-off snapshots, 定稿
with its reason, and a merge's fields, attachments and history in one transaction. A mixin of
:class:`forms.draft.Draft`, which provides ``_read`` and ``_tx``; the SQL is
:mod:`forms.draft.history`'s and :mod:`forms.draft.attachments`'."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.draft import attachments as attachment_rows
from forms.draft import files, foreign, values
from forms.draft import history as history_rows
from forms.draft.history import HistoryEntry
from forms.text import Text


class WorkflowRecords:
    if TYPE_CHECKING:  # provided by Draft, which this class is a mixin of

        def _tx(self, *, final_ok: bool = False) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

        def _read(self) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

    def history(self) -> list[HistoryEntry]:
        """变更记录, oldest first."""
        with self._read() as con:
            return history_rows.read(con)

    def handoff_base(self, handoff_id: str) -> dict[str, str] | None:
        """The snapshot recorded at hand-off ``handoff_id`` (``field path`` → stored JSON text,
        ``attachment:<sha256>`` → ``{"kind", "title"}`` JSON), None when this draft has none."""
        with self._read() as con:
            return history_rows.read_base(con, handoff_id)

    def record_handoff(self, handoff_id: str, base: Mapping[str, str], entry: HistoryEntry) -> None:
        with self._tx() as con:
            history_rows.write_base(con, handoff_id, dict(base))
            history_rows.append(con, [entry])

    def set_final(self, final: bool, entry: HistoryEntry) -> None:
        """Set or clear 定稿 and record why, in one transaction (checks are the caller's)."""
        with self._tx(final_ok=True) as con:
            con.execute(
                "INSERT INTO meta(key, value) VALUES ('final', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                ("1" if final else "0",),
            )
            history_rows.append(con, [entry])

    def handoff_ids(self) -> list[str]:
        """The hand-offs this draft holds a base snapshot of, oldest first."""
        with self._read() as con:
            rows = con.execute(
                f"SELECT handoff_id FROM handoff_base GROUP BY handoff_id ORDER BY min(rowid) "
                f"LIMIT {history_rows.MAX_BASE_ROWS + 1}"
            ).fetchall()
        return [values.check_short_text(r[0], 64, Text("交接记录", "a hand-off record")) for r in rows]

    def carry_records(
        self,
        history: list[HistoryEntry],
        bases: Mapping[str, Mapping[str, str]],
        sources: Mapping[str, str],
    ) -> None:
        """A migration (forms.migrate) writes another draft's workflow records into this new one,
        in one transaction: its history, hand-off snapshots and attachment sources. The undo
        journal is emptied: the adds that built this draft are not the user's to undo."""
        with self._tx() as con:
            history_rows.append(con, list(history))
            for handoff_id, rows in bases.items():
                history_rows.write_base(con, handoff_id, dict(rows))
            con.executemany(
                "INSERT OR REPLACE INTO attachment_sources(sha256, source_sha256) VALUES (?, ?)",
                [(history_rows.check_digest(a), history_rows.check_digest(b)) for a, b in sources.items()],
            )
            con.execute("DELETE FROM undo_journal")
            con.execute("DELETE FROM undo_blobs")

    def attachment_sources(self) -> dict[str, str]:
        """Digest of a merged (rebuilt) attachment → the digest it had in the returned file."""
        with self._read() as con:
            return history_rows.read_sources(con)

    def stored_fields(self) -> dict[str, str]:
        """Every field row as stored (path → JSON text)."""
        with self._read() as con:
            rows = foreign.bounded(
                con, "SELECT path, value FROM fields", foreign.DEFAULT_LIMITS.max_fields, Text("字段", "fields")
            )
        return {values.check_path(path): text for path, text in rows}

    def apply(
        self,
        changes: Mapping[str, Any],
        *,
        add: list[dict[str, Any]] = (),  # type: ignore[assignment]
        remove: list[int] = (),  # type: ignore[assignment]
        relabel: list[tuple[int, str, str]] = (),  # type: ignore[assignment]
        history: list[HistoryEntry] = (),  # type: ignore[assignment]
        base: tuple[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Fields, attachments (``add``: keyword arguments of ``add_attachment``), history rows
        and the hand-off's moved base (``(handoff_id, rows)``) in ONE transaction: a merge lands
        whole or not at all."""
        encoded = values.checked_flat(dict(changes), validator=lambda _: None, as_typed=False)
        add = [dict(a) for a in add]
        sources = {}  # stored digest → the sender's digest (``source_sha256`` of an item of ``add``)
        checked = []
        for a in add:
            source = a.pop("source_sha256", None)
            digest = attachment_rows.check_new(**a)
            checked.append((a, digest))
            if source is not None:
                sources[digest] = history_rows.check_digest(source)
        for _, kind, title in relabel:
            values.check_kind(kind)
            values.check_label("标题", title)
        with self._tx() as con:
            write_fields(con, encoded)
            for att_id in remove:
                attachment_rows.remove(con, att_id)
            for att_id, kind, title in relabel:
                attachment_rows.update(con, att_id, kind, title)
            for a, digest in checked:
                attachment_rows.append(con, **{**a, "sha256": digest}, added=files.now())
                if sources.get(digest, digest) != digest:
                    con.execute(
                        "INSERT OR REPLACE INTO attachment_sources(sha256, source_sha256) VALUES (?, ?)",
                        (digest, sources[digest]),
                    )
            if add or remove or relabel:
                # the undo journal's states no longer describe the attachments: undoing an own
                # step now would drop what the merge took (and Undo said "cleared" yet kept it)
                con.execute("DELETE FROM undo_journal")
                con.execute("DELETE FROM undo_blobs")
            history_rows.append(con, list(history))
            if base is not None:
                history_rows.write_base(con, base[0], dict(base[1]))
            _check_whole(con)


def _check_whole(con: sqlite3.Connection) -> None:
    """Inside the transaction: the merged whole must still be an application."""
    rows = con.execute("SELECT path, value FROM fields").fetchall()
    values.validate_stored(values.unflatten({p: values.decode(p, t) for p, t in rows}))


def write_fields(con: sqlite3.Connection, encoded: Mapping[str, str | None]) -> None:
    """Upsert encoded field values; ``None`` deletes the row (the field is cleared)."""
    for path, text in encoded.items():
        if text is None:
            con.execute("DELETE FROM fields WHERE path = ?", (path,))
        else:
            con.execute(
                "INSERT INTO fields(path, value) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET value = excluded.value",
                (path, text),
            )
