"""``Draft``: one application being filled in, kept in a single SQLite file (``.cxy``).

Every edit is one small transaction (only the touched pages are written, whatever the size of
the attachments), so what the user typed is on disk as soon as the call returns. A draft is
opened where it lies, ours or received, after the checks of :mod:`forms.draft.in_place`; one
writer at a time (:mod:`forms.draft.lock`), any number of read-only views. The live file is
never mailed: ``send_copy`` writes a vacuumed, verified snapshot. Building and importing whole
files lives in :mod:`forms.draft.files`, the attachments' SQL in :mod:`forms.draft.attachments`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from forms.draft import attachments as attachment_rows
from forms.draft import files, foreign, in_place, lock, safe_write, schema, values
from forms.draft.attachments import AttachmentInfo
from forms.draft.errors import (
    DraftError,
    draft_error,
    from_os_error,
    from_sqlite_error,
    invalid,
    io_error,
)
from forms.draft.page_history import PageHistory
from forms.draft.workflow_records import WorkflowRecords, write_fields
from forms.text import Text

BUSY_TIMEOUT_S = in_place.WRITE_BUSY_TIMEOUT_S


class Draft(WorkflowRecords, PageHistory):
    """An open ``.cxy`` draft. Methods raise ``DraftError`` for anything a user can cause."""

    def __init__(
        self, path: Path, con: sqlite3.Connection, *, readonly: bool = False, writer: lock.WriterLock | None = None
    ) -> None:
        self.path = path
        self.readonly = readonly
        self._con: sqlite3.Connection | None = con
        self._writer = writer
        self._lock = threading.RLock()
        # (id, sha256, size) → damaged?, valid while nobody else commits (see data_version)
        self._blob_state: dict[tuple[int, str, int], bool] = {}
        self._blob_state_version: int | None = None

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

    # ---------------------------------------------------------------- attachments

    def add_attachment(
        self,
        *,
        kind: str,
        title: str,
        original_name: str,
        source_format: str,
        pages: int,
        sha256: str,
        pdf: bytes,
        content_key: str | None = None,
        known_keys: Mapping[str, str] | None = None,
        entries: Mapping[str, str] | None = None,
    ) -> int:
        """Append an attachment. With ``content_key``, one whose content key (``known_keys``, by
        PDF digest) is the same is refused as ``attach.duplicate``, naming it; ``entries``
        (intake records, see ``attachment_rows.ENTRY_PREFIX``) are stored in the same transaction."""
        digest = attachment_rows.check_new(kind, title, original_name, source_format, pages, sha256, pdf)
        entries = dict(entries or {})
        for key, value in entries.items():
            foreign.check_meta_key(key)
            foreign.check_meta_value(key, value)
        with self._tx() as con, self._journaled(con, "add"):
            if content_key is not None:
                found = attachment_rows.duplicate_of(con, content_key, dict(known_keys or {}))
                if found is not None:
                    raise attachment_rows.duplicate(*found)
            att_id = attachment_rows.append(
                con,
                kind=kind,
                title=title,
                original_name=original_name,
                source_format=source_format,
                pages=pages,
                sha256=digest,
                pdf=pdf,
                added=files.now(),
            )
            attachment_rows.write_entries(con, entries)
            return att_id

    def store_attachment_entries(self, entries: Mapping[str, str]) -> None:
        """Store intake records of attachments already in the draft (recomputed ones); those of
        attachments no longer there are dropped."""
        for key, value in entries.items():
            foreign.check_meta_key(key)
            foreign.check_meta_value(key, value)
        with self._tx() as con:
            attachment_rows.write_entries(con, dict(entries))

    def attachments(self, *, verify: bool = True) -> list[AttachmentInfo]:
        """In their order (``N`` of ``cxy detach`` is the 1-based place in this list), each with
        ``damaged`` set when its PDF no longer matches its digest or cannot be read.
        ``verify=False``: no PDF is read (``damaged`` stays False), for a caller that reads each
        one through :meth:`attachment_file`, which checks it on the way."""
        with self.snapshot(), self._read() as con:
            infos = attachment_rows.list_all(con, foreign.DEFAULT_LIMITS.max_attachments)
            if not verify:
                return infos
            (version,) = con.execute("PRAGMA data_version").fetchone()
            if version != self._blob_state_version:
                self._blob_state, self._blob_state_version = {}, version
            out = []
            for info in infos:
                key = (info.id, info.sha256, info.size)
                if key not in self._blob_state:
                    self._blob_state[key] = not attachment_rows.blob_intact(con, info.id, info.sha256)
                out.append(dataclasses.replace(info, damaged=self._blob_state[key]))
            return out

    def attachment_pdf(self, att_id: int) -> bytes:
        """The PDF of one attachment; ``draft.attachment_damaged`` (naming it) when it is."""
        with self._read() as con:
            return attachment_rows.pdf_of(con, att_id)

    def attachment_file(self, att_id: int, folder: Path) -> attachment_rows.StoredPdf:
        """The PDF of one attachment copied into a new file in ``folder`` (streamed, never whole in
        memory), checked as :meth:`attachment_pdf` checks it."""
        with self._read() as con:
            return attachment_rows.copy_out(con, att_id, Path(folder) / f"attachment-{int(att_id)}.pdf")

    def replace_attachment(
        self, att_id: int, *, original_name: str, source_format: str, pages: int, sha256: str, pdf: bytes
    ) -> None:
        """New content for an attachment (a damaged one, a better scan); kind, title and place stay."""
        values.check_label("原文件名", original_name)
        values.check_label("来源格式", source_format, 32)
        values.check_pages(pages)
        digest = values.check_pdf(pdf, sha256)
        with self._tx() as con, self._journaled(con, "replace", keep=(att_id,)):
            attachment_rows.replace(
                con,
                att_id,
                original_name=original_name,
                source_format=source_format,
                pages=pages,
                sha256=digest,
                pdf=pdf,
                added=files.now(),
            )

    def update_attachment(self, att_id: int, *, kind: str | None = None, title: str | None = None) -> None:
        if kind is not None:
            values.check_kind(kind)
        if title is not None:
            values.check_label("标题", title)
        with self._tx() as con, self._journaled(con, "update"):
            attachment_rows.update(con, att_id, kind, title)

    def reorder_attachments(self, ids: list[int]) -> None:
        """``ids``: every attachment id, in the new order."""
        with self._tx() as con, self._journaled(con, "reorder"):
            attachment_rows.reorder(con, ids)

    def remove_attachment(self, att_id: int) -> None:
        with self._tx() as con, self._journaled(con, "remove", keep=(att_id,)):
            attachment_rows.remove(con, att_id)

    # ---------------------------------------------------------------- send a copy

    def send_copy(self, dest: Path) -> None:
        """Write a portable single-file copy to ``dest`` (replacing it only once the copy is
        complete, synced and verified; on any failure ``dest`` is untouched)."""
        dest = Path(dest)
        if _same_file(dest, self.path):
            raise io_error(
                Text(
                    "不能把副本保存到正在编辑的草稿本身，请换一个文件名。",
                    "A copy cannot replace the draft being edited; choose another file name.",
                ),
            )
        tmp = safe_write.temp_path(dest)
        try:
            with self._lock:
                _vacuum_into(self._db(), tmp)
            _without_undo(tmp)
            safe_write.fsync_file(tmp)
            try:
                foreign.verify_file(tmp)
            except DraftError as exc:
                raise io_error(
                    Text(
                        f"写出的副本未通过校验，没有保存（{exc.zh}）",
                        f"The written copy failed verification and was not saved ({exc.en})",
                    ),
                ) from exc
            if not dest.exists():
                safe_write.publish_new_durably(tmp, dest)  # nothing to lose: undone if not durable
                return
            safe_write.replace_with_retry(tmp, dest)
            try:
                safe_write.fsync_dir(dest.parent)
            except OSError as exc:
                # The complete copy is in place; only its durability is in doubt.
                raise io_error(
                    Text(
                        f"副本已写入，但磁盘没有确认已安全保存（{exc.strerror or exc}）。请检查该磁盘后重新保存一次。",
                        f"The copy was written but the disk did not confirm it is safely stored ({exc.strerror or exc}). "
                        "Check the disk and save the copy again.",
                    ),
                ) from exc
        except sqlite3.Error as exc:
            err = from_sqlite_error(exc, reading=False)
            if err.code != "draft.io":
                err = io_error(Text(f"保存副本时出错：{err.zh}", f"Could not save the copy: {err.en}"))
            raise err from exc
        except OSError as exc:
            raise from_os_error(exc, Text("副本文件", "the copy")) from exc
        finally:
            safe_write.remove_quietly(tmp, Path(f"{tmp}-journal"))


def _is_final(con: sqlite3.Connection) -> bool:
    row = con.execute("SELECT value FROM meta WHERE key = 'final'").fetchone()
    return bool(row) and row[0] == "1"


def _vacuum_into(con: sqlite3.Connection, target: Path) -> None:
    """A compact, consistent snapshot of the whole draft (its own function: tests inject faults)."""
    con.execute("VACUUM INTO ?", (str(target),))


def _without_undo(copy: Path) -> None:
    """A copy travels without the undo journal: a removed attachment must not go with it."""
    con = sqlite3.connect(copy, isolation_level=None)
    try:
        if (
            con.execute("SELECT 1 FROM sqlite_master WHERE name = 'undo_journal'").fetchone()
            and con.execute("SELECT EXISTS(SELECT 1 FROM undo_journal) OR EXISTS(SELECT 1 FROM undo_blobs)").fetchone()[
                0
            ]
        ):
            con.execute("PRAGMA secure_delete = ON")  # the freed pages are zeroed, not just unlinked
            con.execute("DELETE FROM undo_journal")
            con.execute("DELETE FROM undo_blobs")
            (free,) = con.execute("PRAGMA freelist_count").fetchone()
            (page_size,) = con.execute("PRAGMA page_size").fetchone()
            if free * page_size > (1 << 20):  # kept PDFs: give the space back too
                con.execute("VACUUM")
    finally:
        con.close()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
