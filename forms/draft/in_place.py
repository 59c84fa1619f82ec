"""Opening a ``.cxy`` file where it lies — ours or received — through SQLite's own locks.

No raw copy and no raw read of the file: a copy taken during another program's commit, or
beside a hot journal, shows a state that was never committed. Everything is read inside one
SQLite read transaction instead, so a killed writer's journal is rolled back first, a WAL
file's committed content is honoured, and a commit in progress is waited for (busy timeout).
The checks are those of a received file (:mod:`forms.draft.foreign`): hardened connection,
header values, exact schema before any table is read, bounded ``quick_check``, every row.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from pathlib import Path

from forms.draft import foreign, schema, values
from forms.draft.errors import DraftError, draft_error, from_os_error, from_sqlite_error
from forms.text import Text

# A read waits this long for another program's commit before giving up (a commit of a whole
# scanned contract on a slow USB stick takes seconds, not minutes).
READ_BUSY_TIMEOUT_S = 15.0
WRITE_BUSY_TIMEOUT_S = 2.0  # an edit waits this long for another program's lock before "locked"
SQLITE_DEFAULT_MAX_PAGES = 0xFFFFFFFE


def regular_file(path: Path) -> os.stat_result:
    """The draft must be an existing regular file (a FIFO or device would block or never end)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise from_os_error(exc, Text("草稿文件", "the draft file")) from exc
    if not stat.S_ISREG(st.st_mode):
        raise draft_error("draft.not_regular")
    return st


def writable(path: Path) -> bool:
    """Whether the draft and its folder (journal and lock file live there) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _uri(path: Path, *, readonly: bool) -> str:
    # A file another program left in WAL mode is read through a read-only connection: a writable
    # one, closing last, folds the -wal log into the main file and deletes it, which rewrites
    # the input of a command that only reads. (No hot rollback journal exists in WAL mode, so
    # nothing a read-only connection cannot do is needed.)
    # SQLite still makes the log's index (-shm) beside it if there is none: a scratch file of
    # SQLite's own, which deleting could pull from under another program reading the log too.
    mode = "ro" if readonly and _wal_header(path) and _has_log(path) else "rw"
    return f"{path.resolve().as_uri()}?mode={mode}"


def _has_log(path: Path) -> bool:
    """A -wal file with frames in it (without one, a writable connection changes nothing of the
    draft and removes the empty log and index it made; a read-only one would leave them)."""
    try:
        return os.stat(f"{path}-wal").st_size > 0
    except OSError:
        return False


def _wal_header(path: Path) -> bool:
    """Bytes 18-19 of a SQLite header are 2, 2 in WAL mode (read and write versions)."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError:
        return False
    return head[:16] == schema.SQLITE_MAGIC and head[18:20] == b"\x02\x02"


def connect(
    path: Path, *, readonly: bool, limits: foreign.ForeignLimits = foreign.DEFAULT_LIMITS
) -> tuple[sqlite3.Connection, int]:
    """A checked connection to the draft at ``path`` and its schema version.

    ``readonly``: ``query_only`` — nothing of ours is ever written (SQLite may still roll a
    hot journal back, which restores the last committed state). Otherwise the file is brought
    to the current schema and single-file (rollback journal) mode.
    """
    size = regular_file(path).st_size
    if size == 0:
        raise draft_error("draft.truncated", Text("文件是空的（0 字节）", "the file is empty (0 bytes)"))
    if size > limits.max_file_bytes:
        raise draft_error(
            "draft.too_large",
            Text(
                f"文件超过 {limits.max_file_bytes // foreign.MiB} MB",
                f"the file is larger than {limits.max_file_bytes // foreign.MiB} MB",
            ),
        )
    deadline = foreign.Deadline(limits.deadline(size, time.monotonic()))
    try:
        con = sqlite3.connect(
            _uri(path, readonly=readonly),
            uri=True,
            isolation_level=None,
            timeout=READ_BUSY_TIMEOUT_S,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, reading=True) from exc
    try:
        foreign._harden(con, limits, deadline, pages=None)
        if readonly:
            con.execute("PRAGMA query_only=ON")
        version = _check(con, path, limits, deadline)
        if not readonly:
            _make_current(con, version)
            version = schema.SCHEMA_VERSION
        _relax(con, limits, readonly=readonly)
    except sqlite3.Error as exc:
        con.close()
        raise _diagnosed(path, from_sqlite_error(exc, reading=True)) from exc
    except DraftError as exc:
        con.close()
        if exc.code in ("draft.not_sqlite", "draft.corrupt", "draft.wrong_app"):
            raise _diagnosed(path, exc) from exc
        raise
    except BaseException:
        con.close()
        raise
    return con, version


def _check(con: sqlite3.Connection, path: Path, limits: foreign.ForeignLimits, deadline: foreign.Deadline) -> int:
    """All checks inside one read transaction: they see one committed state."""
    con.execute("BEGIN")
    try:
        # The first read takes SQLite's shared lock (rolling back a hot journal if needed).
        (version,) = con.execute("PRAGMA user_version").fetchone()
        foreign.verify(con, version, full=False, before_schema=lambda: _check_size(con, path))
        deadline.check()
        foreign.read_payload(con, limits, values.validate_stored)
        foreign.iter_attachments(con, limits, deadline)  # rows checked now; blobs when read
        deadline.check()
    finally:
        with contextlib.suppress(sqlite3.Error):
            con.execute("COMMIT")
    return int(version)


def _check_size(con: sqlite3.Connection, path: Path) -> None:
    """Under the shared lock the main file cannot change (rollback-journal mode), so its size
    must be whole pages and at least what the header says."""
    (mode,) = con.execute("PRAGMA journal_mode").fetchone()
    if str(mode).lower() == "wal":  # pages may still live in the -wal file
        return
    (page_size,) = con.execute("PRAGMA page_size").fetchone()
    (pages,) = con.execute("PRAGMA page_count").fetchone()
    size = os.stat(path).st_size
    if size < pages * page_size:
        raise draft_error("draft.truncated")
    if size % page_size:
        raise draft_error("draft.corrupt")


def _make_current(con: sqlite3.Connection, version: int) -> None:
    # DELETE, never WAL: committed edits must live in the one file people copy and mail; a
    # WAL file another program left is folded into the main file here.
    mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()
    if not mode or str(mode[0]).lower() != "delete":
        raise draft_error("draft.io", Text("无法把草稿设为单文件模式", "could not put the draft in single-file mode"))
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA fullfsync=ON")  # macOS only; ignored elsewhere
    if version == schema.SCHEMA_VERSION:
        return
    try:
        schema.migrate(con, version)
    except (DraftError, sqlite3.Error):
        raise
    except Exception as exc:  # a bug in a migration: the file is rolled back, unchanged
        raise draft_error(
            "draft.schema",
            Text("无法把草稿升级到新格式，文件保持原样", "the draft could not be upgraded; the file is unchanged"),
        ) from exc
    foreign.check_schema(con, schema.SCHEMA_VERSION)  # what the migration made, checked as any draft is


def _relax(con: sqlite3.Connection, limits: foreign.ForeignLimits, *, readonly: bool) -> None:
    """From checking to working: no deadline, blobs up to an attachment's size, room to grow.
    ``trusted_schema``, ``cell_size_check`` and no mmap stay."""
    con.set_progress_handler(None, 0)
    con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limits.max_attachment_bytes + foreign.MiB)
    con.setlimit(sqlite3.SQLITE_LIMIT_VDBE_OP, 1_000_000_000)
    con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 1)  # VACUUM INTO (send a copy) attaches its target
    con.execute(f"PRAGMA max_page_count={SQLITE_DEFAULT_MAX_PAGES}")
    if not readonly:
        con.execute(f"PRAGMA busy_timeout={int(WRITE_BUSY_TIMEOUT_S * 1000)}")


def _diagnosed(path: Path, exc: DraftError) -> DraftError:
    """SQLite said "not a database" or "damaged": the header says more precisely why (empty,
    cut off, another program's file). Read only now, with our connection closed."""
    try:
        schema.check_header(path, os.stat(path).st_size)
    except DraftError as precise:
        return precise
    except OSError:
        pass
    return exc
