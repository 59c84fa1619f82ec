"""The hardened reader for draft files that come from elsewhere (research/reliability.md §1.4).

A received ``.cxy`` is hostile input: SQLite executes whatever views, triggers and index
expressions the file defines as soon as they are queried, so nothing is queried before the
schema has been compared, row for row, with our own. The file is read from a private copy,
read-only and immutable, under tight SQLite limits and a wall-clock deadline; only SELECTs of
our known tables ever run, every value is re-checked, and the caller copies the result into a
fresh draft of its own.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms.draft import schema, values
from forms.draft.attachments import AttachmentInfo
from forms.draft.errors import DraftError, draft_error, from_sqlite_error, invalid, too_large
from forms.text import Text

GiB = 1 << 30
MiB = 1 << 20


@dataclass(frozen=True)
class ForeignLimits:
    max_file_bytes: int = 2 * GiB
    max_attachment_bytes: int = 256 * MiB  # one PDF; the intake's own limit is lower
    max_text_bytes: int = 1 * MiB  # one meta or field value
    max_fields: int = 20_000
    max_meta: int = 200
    max_attachments: int = 500
    time_budget_s: float = 1.5
    # Big legitimate drafts need time to read and hash; the budget grows with the file size so
    # that nothing hangs but a 200 MB draft with scanned contracts still opens.
    seconds_per_gib: float = 20.0

    def deadline(self, size: int, start: float) -> float:
        return start + self.time_budget_s + self.seconds_per_gib * size / GiB


DEFAULT_LIMITS = ForeignLimits()


class Deadline:
    def __init__(self, at: float) -> None:
        self.at = at

    def expired(self) -> bool:
        return time.monotonic() > self.at

    def check(self) -> None:
        if self.expired():
            raise draft_error(
                "draft.corrupt",
                Text(
                    "检查文件用时过长，已停止（文件可能被恶意构造）",
                    "checking the file took too long and was stopped (it may have been crafted)",
                ),
            )


def _harden(con: sqlite3.Connection, limits: ForeignLimits, deadline: Deadline, pages: int | None) -> None:
    # Limits first: they govern how SQLite parses the schema it is about to read.
    con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limits.max_text_bytes)
    con.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
    con.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, 64)
    con.setlimit(sqlite3.SQLITE_LIMIT_EXPR_DEPTH, 64)
    con.setlimit(sqlite3.SQLITE_LIMIT_COMPOUND_SELECT, 2)
    con.setlimit(sqlite3.SQLITE_LIMIT_VDBE_OP, 100_000)
    con.setlimit(sqlite3.SQLITE_LIMIT_FUNCTION_ARG, 8)
    con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    con.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 64)
    con.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32)
    con.setlimit(sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH, 1)
    con.setlimit(sqlite3.SQLITE_LIMIT_WORKER_THREADS, 0)
    con.set_progress_handler(deadline.expired, 1000)
    for pragma in ("trusted_schema=OFF", "cell_size_check=ON", "mmap_size=0", "temp_store=MEMORY"):
        con.execute(f"PRAGMA {pragma}")
    if pages:
        con.execute(f"PRAGMA max_page_count={int(pages)}")
    # PRAGMA hard_heap_limit is process-wide in SQLite: it would also cap the working draft's
    # connection, so memory is bounded here by SQLITE_LIMIT_LENGTH and the row caps instead.


@contextmanager
def hardened(
    path: Path, limits: ForeignLimits, deadline: Deadline, *, pages: int | None = None, writable: bool = False
) -> Iterator[sqlite3.Connection]:
    """A connection to a *private copy* of a foreign file (never the original)."""
    mode = "mode=rw" if writable else "mode=ro&immutable=1"
    con = sqlite3.connect(
        f"{path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None, timeout=0, check_same_thread=False
    )
    try:
        _harden(con, limits, deadline, pages)
        yield con
    finally:
        con.close()


def verify(
    con: sqlite3.Connection, version: int, *, full: bool = True, before_schema: Callable[[], None] | None = None
) -> None:
    """The one check of a draft file, ours or received, copied or opened in place: application
    id, version, (``before_schema``: the caller's header checks,) exact schema, then integrity —
    in this order, because an integrity check evaluates index expressions, which a hostile
    schema could define."""
    (app_id,) = con.execute("PRAGMA application_id").fetchone()
    (user_version,) = con.execute("PRAGMA user_version").fetchone()
    if app_id != schema.APPLICATION_ID:
        raise draft_error("draft.wrong_app")
    if user_version > schema.SCHEMA_VERSION:
        raise draft_error("draft.newer_version")
    if user_version != version:
        raise draft_error("draft.corrupt")
    if before_schema is not None:
        before_schema()
    check_schema(con, version)
    check = "integrity_check(1)" if full else "quick_check(1)"
    if con.execute(f"PRAGMA {check}").fetchall() != [("ok",)]:
        raise draft_error("draft.corrupt")


def check_schema(con: sqlite3.Connection, version: int) -> None:
    """Exactly the tables, indexes and triggers of a draft of ``version``, nothing more."""
    try:
        found = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master LIMIT 100").fetchall()
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc).lower():
            raise
        raise draft_error("draft.schema") from exc
    if len(found) != len(set(found)) or set(found) != schema.expected_schema(version):
        raise draft_error("draft.schema")


@dataclass(frozen=True)
class Payload:
    meta: dict[str, str]
    fields: dict[str, Any]  # path → decoded leaf value


def bounded(con: sqlite3.Connection, sql: str, cap: int, what: Text) -> list[tuple[Any, ...]]:
    rows = con.execute(f"{sql} LIMIT {int(cap) + 1}").fetchall()
    if len(rows) > cap:
        raise too_large(Text(f"{what.zh}超过 {cap} 条", f"more than {cap} {what.en}"))
    return rows


META_KEY_CHARS = 64


def check_meta_key(key: Any) -> str:
    if not isinstance(key, str) or not 0 < len(key) <= META_KEY_CHARS or not key.isascii() or not key.isprintable():
        raise invalid(Text("草稿信息的名称无效", f"invalid meta key {key!r:.80}"))
    return key


def check_meta_value(key: str, value: Any) -> str:
    return values.check_short_text(value, 4096, Text(f"草稿信息 {key} ", f"the meta value {key}"))


def read_payload(con: sqlite3.Connection, limits: ForeignLimits, validator: values.Validator) -> Payload:
    meta: dict[str, str] = {}
    for key, value in bounded(con, "SELECT key, value FROM meta", limits.max_meta, Text("草稿信息", "meta rows")):
        meta[check_meta_key(key)] = check_meta_value(key, value)
    if not meta.get("pack"):
        raise invalid(Text("草稿没有注明申报年度的规则包", "the draft names no rule pack"))
    fields: dict[str, Any] = {}
    rows = bounded(con, "SELECT path, value FROM fields", limits.max_fields, Text("字段", "fields"))
    for path, text in rows:
        values.check_path(path)
        fields[path] = values.decode(path, text)
    nested = values.unflatten(fields)
    for key in values.META_PATHS:
        if key in meta:
            nested[key] = meta[key]
    try:
        validator(nested)
    except DraftError:
        raise
    except Exception as exc:
        raise invalid(
            Text("草稿内容不符合申报数据格式", f"the draft does not match the data contract ({exc})")
        ) from exc
    return Payload(meta, fields)


@dataclass(frozen=True)
class ForeignAttachment(AttachmentInfo):
    """A checked attachment of a received file, with its PDF; ``id`` and ``position`` are the
    sender's (the new draft renumbers them)."""

    pdf: bytes = field(kw_only=True)


def iter_attachments(con: sqlite3.Connection, limits: ForeignLimits, deadline: Deadline) -> Iterator[ForeignAttachment]:
    """Checked attachments in order. The rows are checked now; the blobs are read one at a time
    while the caller consumes them (so at most one PDF is in memory)."""
    try:
        rows = bounded(
            con,
            "SELECT id, position, kind, title, original_name, source_format, pages, sha256, added, "
            "typeof(pdf), length(pdf) FROM attachments ORDER BY position, id",
            limits.max_attachments,
            Text("附件", "attachments"),
        )
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, reading=True) from exc
    checked = []
    for att_id, position, kind, title, original_name, source_format, pages, sha256, added, blob_type, size in rows:
        if not isinstance(att_id, int) or isinstance(position, bool) or not isinstance(position, int):
            raise invalid(Text("附件编号无效", "invalid attachment id or position"))
        if blob_type != "blob":
            raise invalid(Text("附件不是 PDF 文件", "the attachment is not a PDF file"))
        if size > limits.max_attachment_bytes:
            raise too_large(
                Text(
                    f"附件超过 {limits.max_attachment_bytes // MiB} MB",
                    f"an attachment is larger than {limits.max_attachment_bytes // MiB} MB",
                ),
            )
        checked.append(
            (
                att_id,
                position,
                values.check_kind(kind),
                values.check_label("标题", title),
                values.check_label("原文件名", original_name),
                values.check_label("来源格式", source_format, 32),
                values.check_pages(pages),
                sha256,
                values.check_label("添加时间", added or "", 64),
            )
        )
    return _read_blobs(con, checked, limits, deadline)


def _read_blobs(
    con: sqlite3.Connection, checked: list[Any], limits: ForeignLimits, deadline: Deadline
) -> Iterator[ForeignAttachment]:
    con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limits.max_attachment_bytes + MiB)
    for att_id, position, kind, title, original_name, source_format, pages, sha256, added in checked:
        deadline.check()
        try:
            row = con.execute("SELECT pdf FROM attachments WHERE id = ?", (att_id,)).fetchone()
        except sqlite3.Error as exc:  # raised inside the consumer's write loop: map it here
            raise from_sqlite_error(exc, reading=True) from exc
        pdf = row[0] if row else None
        digest = values.check_pdf(pdf, sha256)
        assert isinstance(pdf, bytes)  # check_pdf refused anything else
        deadline.check()
        yield ForeignAttachment(
            att_id, position, kind, title, original_name, source_format, pages, digest, len(pdf), added, pdf=pdf
        )


def verify_file(path: Path, limits: ForeignLimits = DEFAULT_LIMITS) -> None:
    """Check a file we just wrote (send-a-copy) the way a recipient will: header, id, version,
    exact schema, integrity. Raises DraftError."""
    size = path.stat().st_size
    header = schema.check_header(path, size)
    deadline = Deadline(limits.deadline(size, time.monotonic()))
    try:
        with hardened(path, limits, deadline, pages=header.pages) as con:
            verify(con, header.user_version)
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, reading=True) from exc


def is_expected_failure(exc: BaseException) -> bool:
    """Failures a hostile file can legitimately provoke (anything else is a bug of ours)."""
    return isinstance(
        exc, (DraftError, sqlite3.Error, OSError, ValueError, UnicodeError, MemoryError, RecursionError, OverflowError)
    )
