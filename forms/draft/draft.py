"""``Draft``: one application being filled in, kept in a single SQLite file (``.cxy``).

Every edit is one small transaction (only the touched pages are written, whatever the size of
the attachments), so what the user typed is on disk as soon as the call returns. A draft is
opened where it lies, ours or received, after the checks of :mod:`forms.draft.in_place`; one
writer at a time (:mod:`forms.draft.lock`), any number of read-only views. The live file is
never mailed: ``send_copy`` (:mod:`forms.draft.send_copy`) writes a vacuumed, verified snapshot.
Building and importing whole files lives in :mod:`forms.draft.files`; the attachments are
:mod:`forms.draft.draft_attachments`' (their SQL :mod:`forms.draft.attachments`'), the page fixes
and undo :mod:`forms.draft.page_history`'s, the workflow's rows :mod:`forms.draft.workflow_records`'.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from forms.draft import files, foreign, in_place, lock, schema, values
from forms.draft.draft_attachments import DraftAttachments
from forms.draft.errors import DraftError, draft_error, from_sqlite_error, invalid
from forms.draft.send_copy import SendCopy
from forms.draft.workflow_records import WorkflowRecords, write_fields
from forms.text import Text

BUSY_TIMEOUT_S = in_place.WRITE_BUSY_TIMEOUT_S


class Draft(WorkflowRecords, DraftAttachments, SendCopy):
    """An open ``.cxy`` draft. Methods raise ``DraftError`` for anything a user can cause."""

    def __init__(
        self, path: Path, con: sqlite3.Connection, *, readonly: bool = False, writer: lock.WriterLock | None = None
    ) -> None:
        self.path = path
        self.readonly = readonly
        self._con: sqlite3.Connection | None = con
        self._writer = writer
        self._lock = threading.RLock()
        self._blob_state = {}  # see DraftAttachments
        self._blob_state_version = None

    # ---------------------------------------------------------------- creating and opening

    @classmethod
    def create(cls, path: Path, *, pack: str, category: str | None) -> Draft:
        """A new, empty draft at ``path``; refuses to overwrite an existing file."""
        path = Path(path)
        files.build(path, meta={"pack": pack, "category": category}, fields={}, attachments=())
        return cls.open(path)

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> Draft:
        """Open a draft where it lies — ours or received, the checks are the same.

        For writing (the default) this process becomes its one writer: ``DraftError``
        ``draft.locked`` (with ``.holder``) when someone else is, ``draft.readonly_media`` when
        the file or its folder cannot be written; an older schema is upgraded in place.
        ``readonly``: no lock, nothing written, every change raises ``draft.readonly``.
        """
        path = Path(path)
        in_place.regular_file(path)
        real = path.resolve()
        if not readonly and not in_place.writable(real):
            raise lock.readonly_media_error(path)
        writer = None
        try:
            if not readonly:
                writer = lock.acquire(real)
            con, version = in_place.connect(real, readonly=readonly)
        except BaseException:  # Ctrl+C included: the lock goes with the failed open
            if writer is not None:
                writer.release()
            raise
        if readonly and version != schema.SCHEMA_VERSION:
            con.close()
            raise draft_error("draft.needs_upgrade")
        return cls(path, con, readonly=readonly, writer=writer)

    @classmethod
    def import_foreign(
        cls,
        src: Path,
        dest: Path,
        *,
        limits: foreign.ForeignLimits | None = None,
        validator: values.Validator | None = None,
    ) -> Draft:
        """Read a draft someone sent (hostile input) into a NEW working draft at ``dest``."""
        src, dest = Path(src), Path(dest)
        files.import_foreign(
            src, dest, limits=limits or foreign.DEFAULT_LIMITS, validator=validator or values.validate_stored
        )
        return cls.open(dest)

    # ---------------------------------------------------------------- plumbing

    def _db(self) -> sqlite3.Connection:
        if self._con is None:
            raise RuntimeError("the draft is closed")
        return self._con

    @contextlib.contextmanager
    def _tx(self, *, final_ok: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction; the user's edit is durable when this exits. A final draft
        refuses it (checked inside the transaction, so no writer slips past a 定稿) unless
        ``final_ok`` (the 定稿 flag itself)."""
        if self.readonly:
            raise draft_error("draft.readonly")
        with self._lock:
            con = self._db()
            try:
                con.execute("BEGIN IMMEDIATE")
                try:
                    if not final_ok and _is_final(con):
                        raise draft_error("draft.final")
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        con.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise from_sqlite_error(exc, reading=False) from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db()
            except sqlite3.Error as exc:
                raise from_sqlite_error(exc, reading=True) from exc

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Draft]:
        """Several reads that see one committed state (one read transaction). Keep it short:
        another program's commit waits for it to end."""
        with self._lock:
            con = self._db()
            if con.in_transaction:
                yield self
                return
            try:
                con.execute("BEGIN")
                con.execute("SELECT 1 FROM meta LIMIT 1").fetchall()  # takes the snapshot now
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
                raise from_sqlite_error(exc, reading=True) from exc
            try:
                yield self
            finally:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("COMMIT")

    def data_version(self) -> int:
        """Changes whenever another connection or process commits to the file: a read-only
        view polls it to know when to refresh."""
        with self._read() as con:
            return int(con.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
            if self._writer is not None:
                self._writer.release()
                self._writer = None

    def __enter__(self) -> Draft:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Draft({str(self.path)!r})"

    # ---------------------------------------------------------------- meta

    def meta(self) -> dict[str, str]:
        with self._read() as con:
            return dict(con.execute("SELECT key, value FROM meta"))

    def set_meta(self, key: str, value: str) -> None:
        if key in values.META_PATHS:  # same rules as set("pack"/"category", …)
            self.set(key, value)
            return
        foreign.check_meta_key(key)
        foreign.check_meta_value(key, value)
        with self._tx(final_ok=key == "final") as con:
            con.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def role(self) -> str | None:
        """The role a hand-off copy was made for; None for the original (everyone's)."""
        return self.meta().get("role") or None

    @property
    def final(self) -> bool:
        """定稿: every write through this API is refused (``draft.final``) while set."""
        with self._read() as con:
            return _is_final(con)

    # ---------------------------------------------------------------- fields

    def data(self) -> dict[str, Any]:
        """The application as contract JSON (filled keys only), with ``pack`` and ``category``."""
        limits = foreign.DEFAULT_LIMITS
        with self._read() as con:
            rows = foreign.bounded(con, "SELECT path, value FROM fields", limits.max_fields, Text("字段", "fields"))
            meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('pack', 'category')"))
        try:
            nested = values.unflatten({values.check_path(path): values.decode(path, text) for path, text in rows})
        except DraftError as exc:
            raise draft_error("draft.corrupt") from exc
        head = {key: meta[key] for key in values.META_PATHS if meta.get(key)}
        return {**head, **nested}

    def get(self, path: str) -> Any:
        if path in values.META_PATHS:
            return self.meta().get(path)
        with self._read() as con:
            row = con.execute("SELECT value FROM fields WHERE path = ?", (path,)).fetchone()
        if row is None:
            return None
        try:
            return values.decode(path, row[0])
        except DraftError as exc:
            raise draft_error("draft.corrupt") from exc

    def set(self, path: str, value: Any) -> None:
        """Save one field in its own transaction; ``None`` or ``""`` clears it. A value is
        stored as the contract holds it (２０２３年７月１日 → 2023-07-01, 123456元 → 12.3456; see
        :mod:`forms.typed`)."""
        self.set_many({path: value})

    def set_many(self, changes: Mapping[str, Any]) -> None:
        """Save several fields in one transaction."""
        meta_changes = {k: v for k, v in changes.items() if k in values.META_PATHS}
        for key, value in meta_changes.items():
            if key == "pack" and (value is None or value == ""):
                raise invalid(Text("不能清除规则包", "the rule pack cannot be cleared"))
            if value is not None and value != "":
                values.validate_with_model({key: value})
        # judged with the draft's pack: its category blocks are that pack's (forms.model)
        pack = {"pack": meta_changes.get("pack") or self.meta().get("pack")}
        encoded = values.checked_flat(
            {k: v for k, v in changes.items() if k not in values.META_PATHS},
            validator=lambda nested: values.validate_with_model({**nested, **pack}),
        )
        with self._tx() as con:
            for key, value in meta_changes.items():
                if value is None or value == "":
                    con.execute("DELETE FROM meta WHERE key = ?", (key,))
                else:
                    con.execute(
                        "INSERT INTO meta(key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, value),
                    )
            write_fields(con, encoded)

    def remove_list_item(self, list_path: str, index: int) -> None:
        """Delete item ``index`` of a list (``members``) and move the later items up by one."""
        if f"{list_path}.*" not in {p.rsplit(".", 1)[0] for p in values.field_patterns() if ".*." in p}:
            raise invalid(Text(f"{list_path} 不是列表", f"{list_path} is not a list"))
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise invalid(Text("列表序号无效", "invalid list index"))
        prefix = f"{list_path}."
        with self._tx() as con:
            # '/' sorts right after '.', so this range is exactly the paths under the prefix.
            rows = con.execute(
                "SELECT path, value FROM fields WHERE path >= ? AND path < ?", (prefix, f"{list_path}/")
            ).fetchall()
            moved = []
            for path, text in rows:
                head, _, tail = path[len(prefix) :].partition(".")
                position = int(head)
                if position < index:
                    continue
                con.execute("DELETE FROM fields WHERE path = ?", (path,))
                if position > index:
                    moved.append((f"{prefix}{position - 1}" + (f".{tail}" if tail else ""), text))
            con.executemany("INSERT INTO fields(path, value) VALUES (?, ?)", moved)

    def replace_data(self, nested: dict[str, Any]) -> None:
        """Replace every field (and pack/category) with ``nested``, in one transaction.

        The contract's ``attachments`` list is checked but not stored: attachments carry PDF
        bytes and enter the draft through ``add_attachment`` after intake.
        """
        flat = values.flatten(nested)
        values.validate_with_model(nested)
        meta = {k: flat.pop(k) for k in values.META_PATHS if k in flat}
        flat = {p: v for p, v in flat.items() if not p.startswith(values.ATTACHMENTS_KEY + ".")}
        encoded = values.checked_flat(flat, validator=lambda _: None, as_typed=False)
        with self._tx() as con:
            con.execute("DELETE FROM fields")
            con.executemany(
                "INSERT INTO fields(path, value) VALUES (?, ?)", [(p, t) for p, t in encoded.items() if t is not None]
            )
            if "pack" in meta:
                con.execute("UPDATE meta SET value = ? WHERE key = 'pack'", (meta["pack"],))
            con.execute("DELETE FROM meta WHERE key = 'category'")
            if meta.get("category"):
                con.execute("INSERT INTO meta(key, value) VALUES ('category', ?)", (meta["category"],))


def _is_final(con: sqlite3.Connection) -> bool:
    row = con.execute("SELECT value FROM meta WHERE key = 'final'").fetchone()
    return bool(row) and row[0] == "1"
