"""Send a copy: a draft's portable snapshot, written without its undo journal and verified.

The live file is never mailed: the copy is vacuumed into a temporary file, synced and checked
as a received draft is before it replaces anything. A mixin of :class:`forms.draft.Draft`,
which provides ``path``, ``_lock`` and ``_db``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from forms.draft import foreign, safe_write
from forms.draft.errors import DraftError, from_os_error, from_sqlite_error, io_error
from forms.text import Text


class SendCopy:
    if TYPE_CHECKING:  # provided by Draft, which this class is a mixin of
        path: Path
        _lock: threading.RLock

        def _db(self) -> sqlite3.Connection: ...

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
