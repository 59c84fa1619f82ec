"""The main window's File-menu entries for the three roles: hand a copy to another role, merge
the copy that comes back, and show the change history. A mixin of :class:`MainWindow`: it uses
the window's session, pack, prompter, status bar and error display."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from forms.errors import UserError

from .i18n import tr

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from forms.pack import Pack

    from .services import Services
    from .session import Session

    class _Window(QMainWindow):
        """What this mixin uses of MainWindow."""

        services: Services
        pack: Pack
        lang: str
        session: Session | None
        menu_actions: dict[str, QAction]

        def _error(self, title: str, exc: Exception) -> None: ...

        def _update_title(self, *_: object) -> None: ...

        def _refuse_open_file(self, path: Path) -> None: ...

else:
    _Window = object  # at run time MainWindow itself supplies all of it


class WorkflowMenu(_Window):
    @property
    def draft_pack(self) -> Pack:
        """The open draft's pack (a draft of another call keeps its own roles), else the window's."""
        return self.session.pack if self.session is not None else self.pack

    def _build_workflow_menu(self, file_menu) -> None:
        """Before "close": one hand-off entry per role the pack lets fill a copy, merge, history."""
        from . import roles  # the rule pack's code: not on the window shell's import path

        pack = self.draft_pack
        if not roles.pack_roles(pack):
            return  # a pack without roles: one person fills everything
        before = self.menu_actions["close"]
        writes = self._exchanges()
        entries: list[tuple[str, str, Callable[..., bool], bool]] = [
            (
                f"handoff.{r.id}",
                tr("交给{role}填写…").format(role=roles.label(r, self.lang)),
                lambda _=False, r=r.id: self.handoff(r),
                writes,
            )
            for r in roles.handoff_roles(pack)
        ]
        entries += [
            ("merge", tr("合并返回的文件(&M)…"), self.merge_returned, writes),
            ("history", tr("变更记录(&R)"), self.show_history, self.session is not None),
        ]
        for key, text, slot, enabled in entries:
            action = QAction(text, self)
            action.setObjectName(f"action.{key}")
            action.triggered.connect(slot)
            action.setEnabled(enabled)
            action.setProperty("needs_draft", True)
            file_menu.insertAction(before, action)
            self.menu_actions[key] = action
        file_menu.insertSeparator(before)

    def _is_copy(self) -> bool:
        """A hand-off copy: filled and sent back, never the one others' copies return to."""
        from . import roles

        return self.session is not None and roles.draft_role(self.session.draft) is not None

    def _exchanges(self) -> bool:
        """Hand-off copies go out of, and come back into, an original draft this window may
        change: not a read-only view, a hand-off copy, nor a final (定稿) one (解除定稿 first: its
        copy would be final too, and nothing returned could be merged), nor one whose pack this
        program lacks (both read the draft's own pack; the pack bar offers to install it)."""
        from .migrate_bar import missing_pack

        return self.session is not None and self.session.editable and not self._is_copy() and missing_pack(self) is None

    def handoff(self, role_id: str) -> bool:
        """Write a copy for ``role_id`` to fill; the user's own draft stays as it is."""
        from . import roles

        role = roles.role_of(self.draft_pack, role_id)
        if not self._exchanges() or role is None:
            return False
        assert self.session is not None
        name = roles.label(role, self.lang)
        suggested = Path.home() / f"{self.session.path.stem}-{name}.cxy"
        dest = self.services.prompter.save_file(
            tr("交给{role}填写").format(role=name), suggested, tr("申报草稿 (*.cxy)")
        )
        if dest is None:
            return False
        if dest.suffix.lower() != ".cxy":
            dest = dest.with_name(dest.name + ".cxy")
        try:
            from forms import workflow

            self._refuse_open_file(dest)
            if not self.session.flush():
                return False
            # The open draft hands off itself: this window stays its one writer throughout.
            workflow.handoff(self.session.draft, role_id, dest, lang=self.lang)
        except UserError as exc:
            self._error(tr("无法交出"), exc)
            return False
        self.statusBar().showMessage(
            tr("已保存“{name}”。请把它发给{role}；对方填好发回后，用“文件 ▸ 合并返回的文件”合并。").format(
                name=dest.name, role=name
            ),
            30000,
        )
        return True

    def merge_returned(self) -> bool:
        """Choose the returned copy, show how it differs; the dialog's choices merge in one call.
        The returned file is only read."""
        from . import opening, roles

        if not self._exchanges():
            return False
        assert self.session is not None
        path = self.services.prompter.open_file(tr("合并返回的文件"), tr("申报草稿 (*.cxy)"))
        if path is None:
            return False
        path = Path(path)
        try:
            from forms import workflow

            if opening.same_file(path, self.session.path):
                raise UserError(
                    "merge.same_file",
                    "不能把草稿与它自己合并，请选择对方发回的文件。",
                    "A draft cannot be merged with itself: choose the file that was sent back.",
                )
            self.session.flush()
            theirs = opening._open(path, True)
            try:
                diff = workflow.diff(self.session.draft, theirs, self.session.pack)
                role = roles.role_of(self.session.pack, roles.draft_role(theirs))
            finally:
                theirs.close()
        except UserError as exc:
            self._error(tr("无法合并“{name}”").format(name=path.name), exc)
            return False
        if diff.same:
            self.statusBar().showMessage(tr("“{name}”与您的草稿相同，无需合并。").format(name=path.name), 10000)
            return False
        from .pages.merge_dialog import MergeDialog

        session = self.session

        def in_role(what) -> bool:  # a field path, or the kinds of an attachment's two sides
            if role is None:
                return True
            if isinstance(what, str):
                return roles.owns_field(role, what)
            return all(kind in role.attachment_kinds for kind in what)

        dialog = MergeDialog(
            diff,
            path.name,
            self,
            in_role=in_role,
            label_of=lambda p: spec.label(session.lang) if (spec := session.spec(p)) else None,
        )
        dialog.merge_requested.connect(lambda choices: self.apply_merge(path, choices))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()  # window-modal, not blocking: tests and the event loop keep running
        self.merge_dialog = dialog
        return True

    def apply_merge(self, path: Path, choices: dict[str, str]) -> bool:
        assert self.session is not None  # merging is offered only with a draft open
        try:
            from forms import workflow

            self.session.flush()
            result = workflow.merge(self.session.draft, path, choices=choices)
        except UserError as exc:
            self._error(tr("无法合并“{name}”").format(name=path.name), exc)
            return False
        self.session._reload()  # the merge wrote the draft behind the session's back
        self.session.attachments_changed.emit()
        self._update_title()
        applied = len(getattr(result, "taken", None) or getattr(result, "applied", None) or [])
        left = len(result.conflicts_left or [])
        self.statusBar().showMessage(
            tr("已合并“{name}”：采用对方 {applied} 处，未解决的冲突 {left} 处。").format(
                name=path.name, applied=applied, left=left
            ),
            15000,
        )
        return True

    def show_history(self) -> bool:
        if self.session is None:
            return False
        from .widgets.history_view import HistoryDialog

        try:
            entries = self.session.draft.history()
        except UserError as exc:
            self._error(tr("变更记录"), exc)
            return False
        dialog = HistoryDialog(self.session, entries, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.history_dialog = dialog
        return True
