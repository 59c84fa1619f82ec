"""The attachments step's Undo/Redo of attachment operations (the draft's journal).

On the title's line, named by what they would do. A mixin of
:class:`desktop.pages.attachments_page.AttachmentsPage`, which calls :meth:`_undo_bar` once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QToolButton

from .page_view import undo_text

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ..session import Session

    class _Page(QWidget):
        """What this mixin uses of AttachmentsPage."""

        session: Session

        def _title_edited(self) -> None: ...

else:
    _Page = object  # at run time AttachmentsPage itself supplies all of it


class UndoBarMixin(_Page):
    def _undo_bar(self, height: int) -> QHBoxLayout:
        """Undo/Redo of every attachment operation (the draft's journal), named by what they would
        do. The shortcuts belong to this step: in the title field Ctrl+Z still undoes typing (a
        line edit claims its own undo keys first), and other steps keep theirs."""
        bar = QHBoxLayout()
        self.undo_action = QAction(self)
        self.redo_action = QAction(self)
        for action, key, keys, redo in (
            (self.undo_action, "undo", [QKeySequence("Ctrl+Z")], False),
            (self.redo_action, "redo", [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")], True),
        ):
            action.setObjectName(f"attachments.{key}_action")
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, r=redo: self.undo(redo=r))
            self.addAction(action)
            button = QToolButton()
            button.setObjectName(f"attachments.{key}")
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMaximumHeight(max(height, button.fontMetrics().height() + 4))
            bar.addWidget(button)
        self.undo_action.setToolTip("Ctrl+Z")
        self.redo_action.setToolTip("Ctrl+Shift+Z")
        bar.addStretch(1)
        return bar

    def _show_undo(self) -> None:
        undo, redo = self.session.undo_available()
        idle = self.session.page_job is None
        for action, name, is_redo in ((self.undo_action, undo, False), (self.redo_action, redo, True)):
            action.setText(undo_text(name, redo=is_redo))
            action.setEnabled(idle and name is not None)

    def undo(self, *, redo: bool = False) -> str | None:
        """Undo (or redo) the newest attachment operation; the list, its pictures and the
        findings follow (refresh on attachments_changed)."""
        self._title_edited()  # a title typed (focus still there) is stored first: it is the newest operation
        # What was undone shows on the Redo button (“重做：移除附件”), and the other way round;
        # no line of its own: the step must stay short enough for a small screen.
        return self.session.undo_attachments(redo=redo)
