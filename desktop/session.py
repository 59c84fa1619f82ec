"""The application being edited: the one object that owns the draft.

Widgets report edits with :meth:`Session.set`; the session keeps an in-memory copy (so checks
and pages see an edit at once), commits edits to the draft file within ``COMMIT_MS`` (and at
once on focus-out, step change and close), and re-runs the checks shortly after each edit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from forms.checks import Issue, check
from forms.errors import UserError
from forms.model import flatten, pattern_of, unflatten
from forms.pack import FieldSpec, Pack

from .opening import data_stamp
from .steps import is_entered

REFUSED_VALUE = ("draft.invalid_value", "draft.too_large")
COMMIT_MS = 250  # never restarted by further typing: an edit is on disk within this time
CHECK_MS = 60
FOLLOW_MS = 500  # how often a read-only view looks for the writer's commits


class Session(QObject):
    """The draft being edited, its in-memory values and its current issues.

    Signals:
        issues_changed(): ``issues`` was recomputed
        save_state_changed(str): "saved" | "pending" | "failed"
        committed(int): edits are durable on disk; the number of edits committed so far
        value_changed(str, object): a field's value changed (path, value; None = cleared)
        data_reset(): values changed behind the widgets (a row removed, data replaced)
        attachments_changed(): the attachment list changed
        final_changed(bool): the application was marked final (or reopened for editing)
        failed(object): a UserError from the draft, to show to the user
        reloaded(): a read-only view picked up what another program committed
        storing(): an explicit flush is about to commit (before a language switch, a hand-off,
            closing…): a widget holding an edit of its own (an attachment's title, stored
            when the field is left) stores it now
    """

    issues_changed = Signal()
    value_changed = Signal(str, object)
    save_state_changed = Signal(str)
    committed = Signal(int)
    data_reset = Signal()
    attachments_changed = Signal()
    final_changed = Signal(bool)
    failed = Signal(object)
    reloaded = Signal()
    storing = Signal()

    def __init__(
        self,
        draft: Any,
        path: Path,
        pack: Pack,
        lang: str = "zh",
        parent: QObject | None = None,
        readonly: bool = False,
    ) -> None:
        super().__init__(parent)
        self.draft = draft
        self.path = Path(path)
        self.readonly = readonly
        self.pack = pack
        self.lang = lang
        self._flat: dict[str, Any] = flatten(draft.data())
        self.category: str | None = self._flat.get("category")
        self.fields: dict[str, FieldSpec] = pack.fields_for(self.category)
        self._pending: dict[str, Any] = {}
        self.touched: set[str] = set()
        self._shown_rows: dict[str, int] = {}  # rows added but not (all) filled yet
        self.issues: list[Issue] = []
        self.commits = 0
        self.closed = False  # background results arriving later are dropped
        self.page_job: Any = None  # the page fix running on a worker (one at a time per draft)
        self.save_state = "saved"
        self.final = draft.final
        self._commit_timer = QTimer(self, singleShot=True, interval=COMMIT_MS)
        self._commit_timer.timeout.connect(self._commit)
        self._storing = False
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_MS)
        self._check_timer.timeout.connect(self.recheck)
        self._stamp = data_stamp(draft, self.path)
        self._follow_timer = QTimer(self, interval=FOLLOW_MS)
        self._follow_timer.timeout.connect(self.follow)
        if readonly:
            # A read-only view follows the writer, so it never shows (or builds) a stale state.
            self._follow_timer.start()
        self.recheck()

    # -- values ---------------------------------------------------------------------------
    def get(self, path: str) -> Any:
        return self._flat.get(path)

    def data(self) -> dict[str, Any]:
        """The application as nested contract JSON (what is filled; edits not yet on disk included)."""
        return unflatten(self._flat)

    @property
    def editable(self) -> bool:
        """Neither a read-only view nor a final (定稿) application."""
        return not self.readonly and not self.final

    def set(self, path: str, value: Any) -> None:
        if not self.editable:
            return
        if isinstance(value, str) and not value.strip():
            value = None
        self.touched.add(path)
        if self._flat.get(path) == value:
            return
        if value is None:
            self._flat.pop(path, None)
        else:
            self._flat[path] = value
        self._pending[path] = value
        self.value_changed.emit(path, value)
        self._set_state("pending")
        if not self._commit_timer.isActive():
            self._commit_timer.start()
        self._check_timer.start()

    def flush(self) -> bool:
        """Commit every pending edit now, with what widgets hold of their own (``storing``);
        False (and ``failed`` emitted) when the disk refused."""
        if not self._storing and not self.closed:
            self._storing = True
            try:
                self.storing.emit()
            finally:
                self._storing = False
        return self._commit()

    def _commit(self) -> bool:
        """Commit the pending field edits (the commit timer's: a title being typed stays put)."""
        self._commit_timer.stop()
        if not self._pending:
            return True
        pending = dict(self._pending)
        try:
            if len(pending) == 1:
                self.draft.set(*next(iter(pending.items())))
            else:
                self.draft.set_many(pending)
        except UserError as exc:
            if exc.code in REFUSED_VALUE:
                # The draft will never take these values: keep them on screen, stop retrying.
                self._pending = {p: v for p, v in self._pending.items() if p not in pending}
            already = self.save_state == "failed"
            self._set_state("failed")
            if not already:  # one message per failure, not one per keystroke
                self.failed.emit(exc)
            return False
        for path, value in pending.items():
            if self._pending.get(path, object()) == value:
                del self._pending[path]
        self.commits += len(pending)
        self._set_state("saved" if not self._pending else "pending")
        self.committed.emit(self.commits)
        return True

    def _set_state(self, state: str) -> None:
        if state != self.save_state:
            self.save_state = state
            self.save_state_changed.emit(state)

    def replace_data(self, nested: dict[str, Any]) -> None:
        if not self.editable:
            return
        self.flush()
        self.draft.replace_data(nested)
        self._reload()

    def follow(self) -> bool:
        """Reload when another program committed; True when something changed."""
        stamp = data_stamp(self.draft, self.path)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        was_final = self.final
        try:
            self.final = self.draft.final
            self._reload()
        except UserError:
            return False  # mid-commit or briefly locked: the next tick tries again
        self.attachments_changed.emit()
        if self.final != was_final:  # the window rebuilds its pages on this: only on a real change
            self.final_changed.emit(self.final)
        self.committed.emit(self.commits)
        self.reloaded.emit()
        return True

    def _reload(self) -> None:
        # the draft changed behind the pages (a merge, data replaced, the writer's commits in a
        # read-only view): counted as a commit, so the preview and the upload files are made again
        self.commits += 1
        self._flat = flatten(self.draft.data())
        self.touched = {p for p in self.touched if p in self._flat}
        self._shown_rows.clear()
        self.recheck()
        self.data_reset.emit()

    # -- tables ---------------------------------------------------------------------------
    def data_rows(self, table: str) -> int:
        prefix = table + "."
        indexes = [int(p.split(".")[1]) for p in self._flat if p.startswith(prefix)]
        return max(indexes) + 1 if indexes else 0

    def rows(self, table: str) -> int:
        """Rows shown: the filled ones, the ones just added, at least the table's minimum."""
        spec = self.pack.tables.get(table)
        minimum = spec.min_rows if spec else 0
        return max(self.data_rows(table), self._shown_rows.get(table, 0), minimum)

    def add_row(self, table: str) -> None:
        if not self.editable:
            return
        spec = self.pack.tables.get(table)
        if spec is None or self.rows(table) < spec.max_rows:
            self._shown_rows[table] = self.rows(table) + 1
            self._check_timer.start()

    def remove_row(self, table: str, index: int) -> None:
        if not self.editable:
            return
        shown = self.rows(table)
        if index < self.data_rows(table):
            if not self.flush():
                return
            try:
                self.draft.remove_list_item(table, index)
            except UserError as exc:
                self.failed.emit(exc)
                return
            self._flat = flatten(self.draft.data())
            self.commits += 1
            self.committed.emit(self.commits)
        self._shown_rows[table] = shown - 1
        self.touched = {_shift(p, table, index) for p in self.touched if not p.startswith(f"{table}.{index}.")}
        self.recheck()
        self.data_reset.emit()

    # -- checks ---------------------------------------------------------------------------
    def check_input(self) -> dict[str, Any]:
        """What the checks see: the data, with rows just added as empty rows (so their
        required cells show) and the attachments by kind and title."""
        data = self.data()
        for table in self.pack.tables:
            shown = self.rows(table)
            if shown:
                items = list(data.get(table) or [])
                items += [{} for _ in range(shown - len(items))]
                data[table] = items
        try:
            items = [{"kind": a.kind, "title": a.title} for a in self.attachments()]
        except UserError:
            items = []
        if items:
            data["attachments"] = items
        return data

    def recheck(self) -> None:
        self._check_timer.stop()
        self.issues = check(self.check_input(), self.pack, self.lang)
        self.issues_changed.emit()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.recheck()

    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def issues_for(self, path: str) -> list[Issue]:
        return [i for i in self.issues if i.field == path]

    def is_quiet(self, issue: Issue) -> bool:
        """Shown quietly: a "required" issue on a field the user has not touched yet, or an error
        about a field nobody has entered or touched (a rule's "choose the contract type", an
        unticked declaration): nothing entered is nothing wrong yet, as the step list's ○ says."""
        if issue.field in self.touched:
            return False
        if issue.code == "required":
            return True
        return issue.severity == "error" and not is_entered(issue.field, self._flat.keys() | self.touched)

    def spec(self, path: str) -> FieldSpec | None:
        return self.fields.get(pattern_of(path))

    # -- finalising -----------------------------------------------------------------------
    # Only these two change 定稿, and only when the user asks: a final draft stays final
    # whatever the checks say later (a new pack, say) until someone unfinalises it with a reason.
    def finalise(self) -> None:
        """定稿 (forms.workflow.finalise, which refuses while errors remain); UserError when refused."""
        from forms.workflow import finalise

        if self.readonly or self.final:
            return
        if not self.flush():
            raise UserError(
                "final.unsaved",
                "还有未保存的修改，暂不能定稿。",
                "Some edits are not saved yet; the application cannot be marked final.",
            )
        finalise(self.draft, self.pack, lang=self.lang)
        self._final_now(True)

    def unfinalise(self, reason: str) -> None:
        """解除定稿, recording ``reason`` in the history (forms.workflow.unfinalise)."""
        from forms.workflow import unfinalise

        if self.readonly or not self.final:
            return
        unfinalise(self.draft, reason)
        self._final_now(False)

    def _final_now(self, final: bool) -> None:
        self.final = final
        self.commits += 1
        self.committed.emit(self.commits)
        self.recheck()
        self.final_changed.emit(final)

    # -- attachments ----------------------------------------------------------------------
    def attachments(self) -> list[Any]:
        return list(self.draft.attachments())

    def attachment_pdf(self, attachment_id: int) -> bytes:
        return self.draft.attachment_pdf(attachment_id)

    def _attachments_op(self, op: str, *args: Any, **kwargs: Any) -> Any:
        return self._attachments_call(op, *args, **kwargs)[1]

    def _attachments_call(self, op: str, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """(done, what the draft returned): one attachment operation, committed and announced."""
        if not self.editable:
            return False, None
        try:
            result = getattr(self.draft, op)(*args, **kwargs)
        except UserError as exc:
            self.failed.emit(exc)
            return False, None
        self.commits += 1
        self.committed.emit(self.commits)
        self.attachments_changed.emit()
        self._check_timer.start()
        return True, result

    def add_attachment(
        self, normalised: Any, kind: str, title: str, pdf_sha256: str | None = None, **intake: Any
    ) -> int | None:
        """Store an intake result. The draft records the digest of the stored PDF, while
        ``Normalised.sha256`` is that of the original file, so the PDF's digest is passed here
        (computed by the caller's worker when it can). ``intake``: the duplicate check and intake
        record of ``Draft.add_attachment`` (content_key, known_keys, entries)."""
        return self._attachments_op(
            "add_attachment",
            kind=kind,
            title=title,
            original_name=normalised.original_name,
            source_format=normalised.source_format,
            pages=normalised.pages,
            sha256=pdf_sha256 or hashlib.sha256(normalised.pdf).hexdigest(),
            pdf=normalised.pdf,
            **intake,
        )

    def replace_attachment(self, attachment_id: int, normalised: Any, pdf_sha256: str | None = None) -> int | None:
        """Put a new file in place of an attachment (a damaged one, say), keeping its kind,
        title and position; returns the id that now holds it."""
        new = {
            "original_name": normalised.original_name,
            "source_format": normalised.source_format,
            "pages": normalised.pages,
            "sha256": pdf_sha256 or hashlib.sha256(normalised.pdf).hexdigest(),
            "pdf": normalised.pdf,
        }
        done, _ = self._attachments_call("replace_attachment", attachment_id, **new)
        return attachment_id if done else None

    def update_attachment(self, attachment_id: int, **changes: Any) -> None:
        self._attachments_op("update_attachment", attachment_id, **changes)

    def reorder_attachments(self, ids: list[int]) -> None:
        self._attachments_op("reorder_attachments", ids)

    def remove_attachment(self, attachment_id: int) -> None:
        self._attachments_op("remove_attachment", attachment_id)

    def undo_available(self) -> tuple[str | None, str | None]:
        """(action Undo would reverse, action Redo would repeat) of the attachment journal."""
        if not self.editable or self.closed:
            return None, None
        try:
            return self.draft.undo_available()
        except UserError:
            return None, None

    def undo_attachments(self, *, redo: bool = False) -> str | None:
        """Undo (or redo) the newest attachment operation; the action's name, or None."""
        if self.page_job is not None:  # its result is stored when it ends: undo after that
            return None
        done, action = self._attachments_call("redo" if redo else "undo")
        return action if done else None

    # -- the file -------------------------------------------------------------------------
    def send_copy(self, dest: Path) -> None:
        self.flush()
        self.draft.send_copy(dest)

    def close(self) -> None:
        self._follow_timer.stop()
        self.flush()
        self._check_timer.stop()
        self.closed = True
        self.draft.close()


def _shift(path: str, table: str, removed: int) -> str:
    parts = path.split(".")
    if parts[0] == table and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) > removed:
        parts[1] = str(int(parts[1]) - 1)
    return ".".join(parts)
