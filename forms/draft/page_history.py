"""Page fixes and undo/redo on a draft's attachments. A mixin of :class:`forms.draft.Draft`
(which provides ``_read``, ``_tx`` and ``snapshot``); the journal's SQL is
:mod:`forms.draft.undo_journal`'s, the page operations :mod:`forms.attachments.page_ops`'.

A page fix runs in the attachment worker outside any transaction (it may take seconds); its
result is stored only if the attachment is still what was edited, so a concurrent change is
never overwritten.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from forms.draft import attachments as attachment_rows
from forms.draft import files, undo_journal, values
from forms.draft.errors import DraftError
from forms.limits import MAX_LABEL_CHARS

if TYPE_CHECKING:
    from forms.attachments.page_ops import Edited
    from forms.draft.attachments import AttachmentInfo

Progress = Callable[[int, int], None] | None
Cancel = Callable[[], bool] | None


class PageHistory:
    if TYPE_CHECKING:  # provided by Draft, which this class is a mixin of

        def _tx(self, *, final_ok: bool = False) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

        def _read(self) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

        def snapshot(self) -> contextlib.AbstractContextManager[Any]: ...

        def attachments(self) -> list[AttachmentInfo]: ...

        def attachment_pdf(self, att_id: int) -> bytes: ...

    @contextlib.contextmanager
    def _journaled(self, con: sqlite3.Connection, action: str, keep: tuple[int, ...] = ()) -> Iterator[None]:
        """Record the operation run inside this block (in the caller's transaction) in the undo
        journal; ``keep``: attachments whose PDFs it may drop."""
        before = undo_journal.capture(con)
        undo_journal.keep_blobs(con, keep)
        yield
        undo_journal.record(con, action, before, files.now())

    # ------------------------------------------------------------ page fixes

    def _edited(
        self, att_id: int, ops: Sequence[dict[str, Any]], progress: Progress, cancel: Cancel
    ) -> tuple[AttachmentInfo, Edited]:
        from forms.attachments import page_ops

        with self.snapshot():
            info = self._info(att_id)
            pdf = self.attachment_pdf(att_id)
        return info, page_ops.edit(pdf, info.pages, ops, progress=progress, cancel=cancel, name=info.title)

    def _info(self, att_id: int) -> AttachmentInfo:
        for info in self.attachments():
            if info.id == att_id:
                return info
        raise attachment_rows.not_found(att_id)

    @staticmethod
    def _unchanged(con: sqlite3.Connection, info: Any) -> None:
        row = con.execute("SELECT sha256 FROM attachments WHERE id = ?", (info.id,)).fetchone()
        if row is None or row[0] != info.sha256:
            raise DraftError(
                "draft.changed_meanwhile",
                f"附件“{info.title:.80}”在处理期间被改动过，本次修改没有保存，请重试。",
                f"The attachment “{info.title:.80}” changed while it was being processed; nothing was saved. Try again.",
            )

    def edit_pages(
        self, att_id: int, ops: Sequence[dict[str, Any]], *, progress: Progress = None, cancel: Cancel = None
    ) -> int:
        """Apply page operations (forms.attachments.page_ops) to one attachment, as one undoable
        operation; returns its new page count."""
        info, edited = self._edited(att_id, ops, progress, cancel)
        values.check_pages(edited.pages)
        with self._tx() as con, self._journaled(con, "pages", keep=(att_id,)):
            self._unchanged(con, info)
            attachment_rows.replace(
                con,
                att_id,
                original_name=info.original_name,
                source_format=info.source_format,
                pages=edited.pages,
                sha256=values.check_pdf(edited.pdf, edited.sha256),
                pdf=edited.pdf,
                added=files.now(),
            )
        return edited.pages

    def split_attachment(self, att_id: int, at: int, *, progress: Progress = None, cancel: Cancel = None) -> int:
        """Pages ``at``… of an attachment become a new attachment right after it (same kind);
        one undoable operation. Returns the new attachment's id."""
        from forms.attachments import page_ops

        info = self._info(att_id)
        first_ops, second_ops = page_ops.split_orders(info.pages, at)
        info, first = self._edited(att_id, [first_ops], progress, cancel)
        _, second = self._edited(att_id, [second_ops], progress, cancel)
        title = f"{info.title}（第{at}页起）"
        if len(title) > MAX_LABEL_CHARS:
            title = info.title
        with self._tx() as con, self._journaled(con, "split", keep=(att_id,)):
            self._unchanged(con, info)
            (count,) = con.execute("SELECT count(*) FROM attachments").fetchone()
            values.check_attachment_count(count)
            attachment_rows.replace(
                con,
                att_id,
                original_name=info.original_name,
                source_format=info.source_format,
                pages=first.pages,
                sha256=values.check_pdf(first.pdf, first.sha256),
                pdf=first.pdf,
                added=files.now(),
            )
            (position,) = con.execute("SELECT position FROM attachments WHERE id = ?", (att_id,)).fetchone()
            con.execute("UPDATE attachments SET position = position + 1 WHERE position > ?", (position,))
            return attachment_rows.insert(
                con,
                position + 1,
                info.kind,
                title,
                info.original_name,
                info.source_format,
                second.pages,
                values.check_pdf(second.pdf, second.sha256),
                second.pdf,
                files.now(),
            )

    # ------------------------------------------------------------ undo / redo

    def undo(self) -> str:
        """Undo the newest attachment operation; returns its action (``add``, ``remove``,
        ``reorder``, ``update``, ``replace``, ``pages``, ``split``). ``draft.nothing_to_undo``
        when there is none."""
        with self._tx() as con:
            return undo_journal.step(con, redo=False)

    def redo(self) -> str:
        with self._tx() as con:
            return undo_journal.step(con, redo=True)

    def undo_available(self) -> tuple[str | None, str | None]:
        """(action Undo would reverse, action Redo would repeat), None where there is none."""
        with self._read() as con:
            return undo_journal.available(con)
