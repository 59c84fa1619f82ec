"""The on-disk layout of a ``.cxy`` draft: file magic, schema versions and migrations.

The schema of version N is, by definition, the version-1 DDL followed by migrations 1…N-1.
A fresh draft is built the same way, so a migrated file and a new file can never differ, and
the loader's exact schema comparison holds for both.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from forms.draft.errors import draft_error
from forms.text import Text

APPLICATION_ID = 0x43585941  # "CXYA"
SCHEMA_VERSION = 3
SQLITE_MAGIC = b"SQLite format 3\x00"

# Never edit these statements: their exact text is what every shipped draft contains.
DDL_V1: tuple[str, ...] = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE fields(path TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE attachments(id INTEGER PRIMARY KEY, position INTEGER, kind TEXT, title TEXT, "
    "original_name TEXT, source_format TEXT, pages INTEGER, sha256 TEXT, pdf BLOB, added TEXT)",
)

Migration = Callable[[sqlite3.Connection], None]
# from-version → function bringing a connection (inside a transaction) to from-version + 1.
# Migrations must only run fixed SQL of ours: they also run on received files (after the exact
# schema check for their version).

# Version 2 (issue 10, roles and hand-off): the change history, and the hand-off base
# snapshot (field values and attachment digests at hand-off time, by hand-off id) that a
# three-way compare needs. Never edit: shipped drafts contain this exact text.
DDL_V2: tuple[str, ...] = (
    "CREATE TABLE history(id INTEGER PRIMARY KEY, at TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, "
    "path TEXT NOT NULL, old TEXT, new TEXT, note TEXT NOT NULL)",
    "CREATE TABLE handoff_base(handoff_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, "
    "PRIMARY KEY(handoff_id, key))",
    # A merged attachment is rebuilt by our intake, so its digest is not the sender's: this maps
    # it back, so the next compare sees the same attachment on both sides.
    "CREATE TABLE attachment_sources(sha256 TEXT PRIMARY KEY, source_sha256 TEXT NOT NULL)",
)


def _to_v2(con: sqlite3.Connection) -> None:
    for statement in DDL_V2:
        con.execute(statement)


# Version 3 (issue 12, page fixes): the undo journal of attachment operations. Each entry holds
# the attachments' rows (without PDFs) before and after one operation, as JSON; a PDF an entry
# needs that no attachment holds any more is kept once in undo_blobs, by its digest. Never edit.
DDL_V3: tuple[str, ...] = (
    "CREATE TABLE undo_journal(id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, "
    "before TEXT NOT NULL, after TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE undo_blobs(sha256 TEXT PRIMARY KEY, pdf BLOB NOT NULL)",
)


def _to_v3(con: sqlite3.Connection) -> None:
    for statement in DDL_V3:
        con.execute(statement)


MIGRATIONS: dict[int, Migration] = {1: _to_v2, 2: _to_v3}


def build_schema(con: sqlite3.Connection, version: int) -> None:
    for statement in DDL_V1:
        con.execute(statement)
    for from_version in range(1, version):
        MIGRATIONS[from_version](con)


def expected_schema(version: int) -> set[tuple[str, str, str, str | None]]:
    """The rows of ``sqlite_master`` (type, name, tbl_name, sql) a draft of ``version`` has."""
    if not 1 <= version <= SCHEMA_VERSION or any(v not in MIGRATIONS for v in range(1, version)):
        raise draft_error("draft.schema")
    con = sqlite3.connect(":memory:")
    try:
        build_schema(con, version)
        return set(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        con.close()


def migrate(con: sqlite3.Connection, from_version: int) -> None:
    """Bring an open (autocommit) connection to SCHEMA_VERSION in one transaction."""
    con.execute("BEGIN EXCLUSIVE")
    try:
        for version in range(from_version, SCHEMA_VERSION):
            MIGRATIONS[version](con)
        con.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION)}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class Header:
    page_size: int
    pages: int | None  # None when the in-header size is not trustworthy (legacy writers)
    user_version: int
    application_id: int


def check_header(path: Path, size: int) -> Header:
    """Decide from the first 100 bytes alone what a file is, before SQLite sees it."""
    if size == 0:
        raise draft_error("draft.truncated", Text("文件是空的（0 字节）", "the file is empty (0 bytes)"))
    with open(path, "rb") as f:
        head = f.read(100)
    if not head.startswith(SQLITE_MAGIC[: len(head)]) or (len(head) >= 16 and head[:16] != SQLITE_MAGIC):
        raise draft_error("draft.not_sqlite")
    if len(head) < 100:
        raise draft_error("draft.truncated")
    (raw_page_size,) = struct.unpack(">H", head[16:18])
    page_size = 65536 if raw_page_size == 1 else raw_page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise draft_error("draft.corrupt")
    change_counter, pages = struct.unpack(">II", head[24:32])
    (valid_for,) = struct.unpack(">I", head[92:96])
    (user_version,) = struct.unpack(">i", head[60:64])
    (application_id,) = struct.unpack(">I", head[68:72])
    if application_id != APPLICATION_ID:
        raise draft_error("draft.wrong_app")
    if user_version > SCHEMA_VERSION:
        raise draft_error("draft.newer_version")
    if user_version < 1:
        raise draft_error("draft.schema")
    trusted_pages = pages if pages and valid_for == change_counter else None
    if size < page_size or (trusted_pages is not None and size < trusted_pages * page_size):
        raise draft_error("draft.truncated")
    if size % page_size:
        # A database is whole pages: a partial last page means the file was cut off (or, when
        # the header says it should be shorter, that bytes were added to it).
        raise draft_error("draft.truncated" if trusted_pages is None else "draft.corrupt")
    return Header(page_size, trusted_pages, user_version, application_id)
