"""The attachments table of a draft: what a caller sees of one attachment (``AttachmentInfo``)
and the SQL that adds, lists, edits, reorders and removes them.

The functions run on a connection the caller already holds — inside ``Draft._tx`` for the
edits, so each edit stays one transaction, and inside ``Draft._read`` for the reads.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forms.draft import values
from forms.draft.errors import DraftError, invalid, too_large
from forms.text import Text


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    position: int
    kind: str
    title: str
    original_name: str
    source_format: str
    pages: int
    sha256: str
    size: int
    added: str
    damaged: bool = False  # its PDF no longer matches its digest, or cannot be read


_INSERT = (
    "INSERT INTO attachments(position, kind, title, original_name, source_format, pages, sha256, pdf, added) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def check_new(
    kind: str, title: str, original_name: str, source_format: str, pages: int, sha256: str, pdf: bytes
) -> str:
    """Check a new attachment's values; returns the verified SHA-256 of ``pdf``."""
    values.check_kind(kind)
    values.check_label("标题", title)
    values.check_label("原文件名", original_name)
    values.check_label("来源格式", source_format, 32)
    values.check_pages(pages)
    return values.check_pdf(pdf, sha256)


def insert(
    con: sqlite3.Connection,
    position: int,
    kind: str,
    title: str,
    original_name: str,
    source_format: str,
    pages: int,
    sha256: str,
    pdf: bytes,
    added: str,
) -> int:
    cur = con.execute(_INSERT, (position, kind, title, original_name, source_format, pages, sha256, pdf, added))
    assert cur.lastrowid is not None  # set by the INSERT just run
    return cur.lastrowid


def append(
    con: sqlite3.Connection,
    *,
    kind: str,
    title: str,
    original_name: str,
    source_format: str,
    pages: int,
    sha256: str,
    pdf: bytes,
    added: str,
) -> int:
    """Add an attachment after the last one, within the pack's limit (counted inside the
    caller's write transaction, so two writers can never pass it together); returns its id."""
    (count,) = con.execute("SELECT count(*) FROM attachments").fetchone()
    values.check_attachment_count(count)
    (position,) = con.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM attachments").fetchone()
    return insert(con, position, kind, title, original_name, source_format, pages, sha256, pdf, added)


# Issue 12: what intake learnt about an attachment (content key, preflight) is kept in ``meta``
# under ENTRY_PREFIX + the first 48 hex digits of its PDF's digest (meta keys are at most 64
# characters); forms.attachments.intake_record writes, signs and re-checks them.
ENTRY_PREFIX = "intake:"


def entry_key(sha256: str) -> str:
    return ENTRY_PREFIX + sha256[:48].lower()


def duplicate_of(con: sqlite3.Connection, content_key: str, known_keys: dict[str, str]) -> tuple[int, str] | None:
    """(number, title) of the first attachment whose content key (``known_keys``: by PDF
    digest, re-checked by the caller) is ``content_key``."""
    rows = con.execute("SELECT title, sha256 FROM attachments ORDER BY position, id").fetchall()
    return first_duplicate(rows, content_key, known_keys)


def first_duplicate(
    rows: list[tuple[Any, Any]], content_key: str, known_keys: dict[str, str]
) -> tuple[int, str] | None:
    """The rule itself, on (title, sha256) rows in their order: also asked by the app before an
    add, to list a duplicate with the other files it could not import."""
    for number, (title, sha256) in enumerate(rows, start=1):
        if isinstance(sha256, str) and known_keys.get(sha256.lower()) == content_key:
            return number, title if isinstance(title, str) else ""
    return None


def duplicate(number: int, title: str) -> DraftError:
    return DraftError(
        "attach.duplicate",
        f"此文件的内容与附件 {number}（{title:.80}）相同，已在草稿中，没有重复添加。",
        f"This file has the same content as attachment {number} ({title:.80}), which is already in the draft; "
        "it was not added again.",
    )


def write_entries(con: sqlite3.Connection, entries: dict[str, str]) -> None:
    """Store intake entries and drop those of attachments no longer in the draft (the meta table
    is capped: a draft whose attachments were replaced many times must not outgrow it)."""
    live = {entry_key(sha) for (sha,) in con.execute("SELECT sha256 FROM attachments") if isinstance(sha, str)}
    for key, value in entries.items():
        if not key.startswith(ENTRY_PREFIX):
            raise invalid(Text("附件记录的名称无效", f"invalid attachment entry {key!r:.80}"))
        con.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
    stale = [
        key
        for (key,) in con.execute("SELECT key FROM meta WHERE substr(key, 1, ?) = ?", (len(ENTRY_PREFIX), ENTRY_PREFIX))
        if key not in live
    ]
    con.executemany("DELETE FROM meta WHERE key = ?", [(key,) for key in stale])


def list_all(con: sqlite3.Connection, cap: int) -> list[AttachmentInfo]:
    rows = con.execute(
        "SELECT id, position, kind, title, original_name, source_format, pages, sha256, length(pdf), added "
        f"FROM attachments ORDER BY position, id LIMIT {int(cap) + 1}"
    ).fetchall()
    if len(rows) > cap:
        raise too_large(Text(f"附件超过 {cap} 个", f"more than {cap} attachments"))
    # A digest of another type (a received file's, or a damaged row) is no digest: "" matches no
    # PDF, so the attachment shows as damaged, and compares and sorts as text like every other.
    return [
        AttachmentInfo(i, pos, kind, title, name, fmt, pages, sha if isinstance(sha, str) else "", size or 0, added)
        for i, pos, kind, title, name, fmt, pages, sha, size, added in rows
    ]


CHUNK = 1 << 20


def blob_intact(con: sqlite3.Connection, att_id: int, sha256: Any) -> bool:
    """Whether the stored PDF is a PDF matching ``sha256``, read a chunk at a time (a big scan
    never sits in memory just to be checked)."""
    try:
        (kind,) = con.execute("SELECT typeof(pdf) FROM attachments WHERE id = ?", (att_id,)).fetchone()
        if kind != "blob":
            return False
        digest = hashlib.sha256()
        with con.blobopen("attachments", "pdf", att_id, readonly=True) as blob:
            head = blob.read(5)
            if head != b"%PDF-":
                return False
            digest.update(head)
            while chunk := blob.read(CHUNK):
                digest.update(chunk)
    except (sqlite3.Error, TypeError):
        return False
    return isinstance(sha256, str) and digest.hexdigest() == sha256.lower()


def pdf_of(con: sqlite3.Connection, att_id: int) -> bytes:
    row = con.execute("SELECT title, position, sha256, typeof(pdf) FROM attachments WHERE id = ?", (att_id,)).fetchone()
    if row is None:
        raise not_found(att_id)
    title, position, sha256, kind = row
    try:
        pdf = (
            con.execute("SELECT pdf FROM attachments WHERE id = ?", (att_id,)).fetchone()[0] if kind == "blob" else None
        )
        values.check_pdf(pdf, sha256)
    except (DraftError, sqlite3.DatabaseError) as exc:
        (before,) = con.execute(
            "SELECT COUNT(*) FROM attachments WHERE position < ? OR (position = ? AND id < ?)",
            (position, position, att_id),
        ).fetchone()
        raise damaged(before + 1, title) from exc
    assert isinstance(pdf, bytes)  # check_pdf refused anything else
    return pdf


@dataclass(frozen=True)
class StoredPdf:
    """An attachment's PDF copied out of the draft into a file of ours: read lazily by whoever
    needs it (qpdf reads pages from it as it writes), never held whole. ``sha256`` was computed
    over the bytes as they were copied, so it describes the file (not just the draft's claim)."""

    path: Path
    sha256: str
    size: int

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


def copy_out(con: sqlite3.Connection, att_id: int, dest: Path) -> StoredPdf:
    """Stream one attachment's PDF to ``dest`` (a new file) a chunk at a time through SQLite's
    incremental blob I/O, checking on the way what ``pdf_of`` checks: a PDF matching its stored
    digest. Anything else raises ``draft.attachment_damaged`` naming it."""
    row = con.execute(
        "SELECT title, position, sha256, typeof(pdf), length(pdf) FROM attachments WHERE id = ?", (att_id,)
    ).fetchone()
    if row is None:
        raise not_found(att_id)
    title, position, sha256, kind, size = row
    digest = hashlib.sha256()
    try:
        if kind != "blob":
            raise invalid(Text("附件不是PDF", "the attachment is not a PDF"))
        with con.blobopen("attachments", "pdf", att_id, readonly=True) as blob, open(dest, "xb") as out:
            for chunk in iter(lambda: blob.read(CHUNK), b""):
                if out.tell() == 0 and not chunk.startswith(b"%PDF-"):
                    raise invalid(Text("附件不是PDF", "the attachment is not a PDF"))
                digest.update(chunk)
                out.write(chunk)
        if not isinstance(sha256, str) or digest.hexdigest() != sha256.lower():
            raise invalid(Text("附件与其摘要不符", "the attachment does not match its digest"))
    except (DraftError, sqlite3.DatabaseError, OSError) as exc:
        dest.unlink(missing_ok=True)
        raise damaged(_number(con, position, att_id), title) from exc
    return StoredPdf(dest, digest.hexdigest(), int(size or 0))


def _number(con: sqlite3.Connection, position: Any, att_id: int) -> int:
    (before,) = con.execute(
        "SELECT COUNT(*) FROM attachments WHERE position < ? OR (position = ? AND id < ?)",
        (position, position, att_id),
    ).fetchone()
    return int(before) + 1


def damaged(number: int, title: Any) -> DraftError:
    name = title if isinstance(title, str) else ""
    return DraftError(
        "draft.attachment_damaged",
        f"附件 {number}（{name:.80}）已损坏，无法读取。请用 cxy detach 移除它，或换上原文件。",
        f"Attachment {number} ({name:.80}) is damaged and cannot be read. Remove it (cxy detach) or replace it "
        "with the original file.",
    )


def replace(
    con: sqlite3.Connection,
    att_id: int,
    *,
    original_name: str,
    source_format: str,
    pages: int,
    sha256: str,
    pdf: bytes,
    added: str,
) -> None:
    cur = con.execute(
        "UPDATE attachments SET original_name = ?, source_format = ?, pages = ?, sha256 = ?, pdf = ?, added = ? "
        "WHERE id = ?",
        (original_name, source_format, pages, sha256, pdf, added, att_id),
    )
    if cur.rowcount == 0:
        raise not_found(att_id)


def update(con: sqlite3.Connection, att_id: int, kind: str | None, title: str | None) -> None:
    cur = con.execute(
        "UPDATE attachments SET kind = COALESCE(?, kind), title = COALESCE(?, title) WHERE id = ?",
        (kind, title, att_id),
    )
    if cur.rowcount == 0:
        raise not_found(att_id)


def reorder(con: sqlite3.Connection, ids: list[int]) -> None:
    current = {row[0] for row in con.execute("SELECT id FROM attachments")}
    if len(ids) != len(current) or set(ids) != current:
        raise invalid(Text("附件顺序必须包含全部附件且不重复", "the new order must list every attachment exactly once"))
    con.executemany("UPDATE attachments SET position = ? WHERE id = ?", list(enumerate(ids)))


def remove(con: sqlite3.Connection, att_id: int) -> None:
    """Delete one attachment and renumber the rest 0..n-1."""
    if con.execute("DELETE FROM attachments WHERE id = ?", (att_id,)).rowcount == 0:
        raise not_found(att_id)
    ids = [row[0] for row in con.execute("SELECT id FROM attachments ORDER BY position, id")]
    con.executemany("UPDATE attachments SET position = ? WHERE id = ?", list(enumerate(ids)))


def not_found(att_id: Any) -> DraftError:
    return invalid(Text(f"找不到附件 {att_id}", f"attachment {att_id} not found"))
