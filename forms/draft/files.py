"""Whole-file steps behind ``Draft.create`` and ``Draft.import_foreign``: building a complete
new draft beside its destination and moving it into place, and reading a received draft into a
new one. (Opening a draft where it lies is :mod:`forms.draft.in_place`.)
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from forms.draft import attachments as attachment_rows
from forms.draft import foreign, safe_write, schema, values
from forms.draft.errors import (
    DraftError,
    draft_error,
    from_os_error,
    from_sqlite_error,
    invalid,
)
from forms.text import Text
from forms.version import version

PAGE_SIZE = 4096


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build(
    path: Path,
    *,
    meta: Mapping[str, str | None],
    fields: Mapping[str, str],
    attachments: Iterable[foreign.ForeignAttachment],
) -> None:
    """Write a complete new draft beside ``path`` and move it into place (safe write)."""
    if not isinstance(meta.get("pack"), str) or not meta["pack"]:
        raise invalid(Text("请选择规则包", "a rule pack is required"))
    for key in values.META_PATHS:
        if meta.get(key) is not None:
            values.validate_with_model({key: meta[key]})
    if path.exists():
        raise from_os_error(FileExistsError(17, "exists", str(path)), Text("草稿文件", "the draft file"))
    tmp = safe_write.temp_path(path)
    try:
        con = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            con.execute(f"PRAGMA page_size={PAGE_SIZE}")
            con.execute("PRAGMA journal_mode=DELETE")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("BEGIN IMMEDIATE")
            con.execute(f"PRAGMA application_id={schema.APPLICATION_ID}")
            schema.build_schema(con, schema.SCHEMA_VERSION)
            con.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION}")
            base = {"created": now(), "app_version": version()}
            rows = {**base, **{k: v for k, v in meta.items() if v is not None}}
            con.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", rows.items())
            con.executemany("INSERT INTO fields(path, value) VALUES (?, ?)", fields.items())
            for position, att in enumerate(attachments):  # received in order; renumbered 0..n-1
                attachment_rows.insert(
                    con,
                    position,
                    att.kind,
                    att.title,
                    att.original_name,
                    att.source_format,
                    att.pages,
                    att.sha256,
                    att.pdf,
                    att.added,
                )
            con.execute("COMMIT")
        finally:
            con.close()
        safe_write.fsync_file(tmp)
        safe_write.publish_new_durably(tmp, path)
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, reading=False) from exc
    except OSError as exc:
        raise from_os_error(exc, Text("草稿文件", "the draft file")) from exc
    finally:
        safe_write.remove_quietly(tmp, Path(f"{tmp}-journal"))


def import_foreign(src: Path, dest: Path, *, limits: foreign.ForeignLimits, validator: values.Validator) -> None:
    """Read a draft someone sent (hostile input) into a NEW draft file at ``dest``."""
    work: Path | None = None
    try:
        if dest.exists():
            raise FileExistsError(17, "exists", str(dest))
        size = src.stat().st_size
        if size > limits.max_file_bytes:
            raise _file_too_large(limits.max_file_bytes)
        deadline = foreign.Deadline(limits.deadline(size, time.monotonic()))
        schema.check_header(src, size)
        work = Path(tempfile.mkdtemp(prefix=".cxy-import-", dir=dest.parent))
        copy = work / "received.cxy"
        _copy_bounded(src, copy, limits.max_file_bytes)
        header = schema.check_header(copy, copy.stat().st_size)  # the source may have changed
        if header.user_version < schema.SCHEMA_VERSION:
            _migrate_copy(copy, header, limits, deadline)
            header = schema.check_header(copy, copy.stat().st_size)
        staged = work / "new.cxy"
        with foreign.hardened(copy, limits, deadline, pages=header.pages) as con:
            foreign.verify(con, header.user_version)
            deadline.check()
            payload = foreign.read_payload(con, limits, validator)
            deadline.check()
            meta = {k: v for k, v in payload.meta.items() if k not in ("created", "app_version")}
            meta["imported"] = now()
            for key in ("created", "app_version"):
                if key in payload.meta:
                    meta[f"source_{key}"] = payload.meta[key]
            fields = {p: values.encode(p, v) for p, v in payload.fields.items()}
            atts = foreign.iter_attachments(con, limits, deadline)
            build(staged, meta=meta, fields=fields, attachments=atts)
        deadline.check()
        safe_write.publish_new_durably(staged, dest)
    except DraftError:
        raise
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, reading=True) from exc
    except OSError as exc:
        raise from_os_error(exc, Text("草稿文件", "the draft file")) from exc
    except Exception as exc:  # hostile input must never surface a library exception
        raise draft_error("draft.corrupt") from exc
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def _file_too_large(limit: int) -> DraftError:
    return draft_error(
        "draft.too_large",
        Text(f"文件超过 {limit // foreign.MiB} MB", f"the file is larger than {limit // foreign.MiB} MB"),
    )


def _copy_bounded(src: Path, dest: Path, limit: int) -> None:
    copied = 0
    with open(src, "rb") as fin, open(dest, "xb") as fout:
        while chunk := fin.read(1 << 20):
            copied += len(chunk)
            if copied > limit:
                raise _file_too_large(limit)
            fout.write(chunk)


def _migrate_copy(copy: Path, header: schema.Header, limits: foreign.ForeignLimits, deadline: foreign.Deadline) -> None:
    """Upgrade a received older draft — our private copy, after checking its exact old schema."""
    with foreign.hardened(copy, limits, deadline, writable=True) as con:
        con.execute("PRAGMA journal_mode=DELETE")
        foreign.verify(con, header.user_version)
        schema.migrate(con, header.user_version)
