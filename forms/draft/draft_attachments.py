"""A draft's attachments: add, list, read, replace, retitle, reorder and remove (edits undoable).

A mixin of :class:`forms.draft.Draft` (which provides ``_read``, ``_tx`` and ``snapshot``) on
:class:`forms.draft.page_history.PageHistory` (the undo journal); the SQL is
:mod:`forms.draft.attachments`'.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from forms.draft import attachments as attachment_rows
from forms.draft import files, foreign, values
from forms.draft.attachments import AttachmentInfo
from forms.draft.page_history import PageHistory


class DraftAttachments(PageHistory):
    # (id, sha256, size) → damaged?, valid while nobody else commits (see data_version); set by Draft
    _blob_state: dict[tuple[int, str, int], bool]
    _blob_state_version: int | None

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
