"""The wizard for one draft: the side list of steps with their state, the pages, Back/Next."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from forms.model import flatten

from . import roles
from .i18n import N_, tr
from .pages.attachments_page import AttachmentsPage
from .pages.field_page import FieldPage
from .pages.output_page import OutputPage
from .pages.portal_page import PortalPage
from .pages.review_page import ReviewPage
from .steps import ATTACHMENTS, OUTPUT, PORTAL, REVIEW, StepMap, entered_paths
from .widgets.step_icons import state_icon

# the wizard's steps: each a QWidget with the step key it shows
StepPage = FieldPage | AttachmentsPage | ReviewPage | OutputPage | PortalPage

STATE_TEXT = {"complete": N_("已完成"), "warning": N_("有警告"), "error": N_("有错误"), "todo": N_("待填写")}


class WizardView(QWidget):
    """All steps of one draft.

    Signals:
        step_changed(str): the key of the step now shown
    """

    step_changed = Signal(str)

    def __init__(self, session, services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.services = services
        self.setObjectName("wizard")
        lang = session.lang
        self.step_map = StepMap(session.pack, session.category)
        titles = {s.key: (s.en if lang == "en" else s.zh) for s in session.pack.steps if s.key in self.step_map.fields}
        titles[ATTACHMENTS] = tr("附件")
        titles[REVIEW] = tr("检查")
        titles[OUTPUT] = tr("输出")
        titles[PORTAL] = tr("网上填报")
        self.titles = titles

        self.pages: list[StepPage] = []
        for step in session.pack.steps:
            if step.key in self.step_map.fields:
                self.pages.append(FieldPage(step, session, self.step_map))
        self.role = roles.role_of(session.pack, roles.draft_role(session.draft))
        if self.role is not None:  # a hand-off copy: its role's steps first, the rest read-only
            order = roles.step_order(self.role, [p.key for p in self.pages])
            self.pages.sort(key=lambda p: order.index(p.key))
            for page in self.pages:
                if isinstance(page, FieldPage):
                    roles.apply_to_page(page, self.role, session.pack, lang)
            if self.pages:
                roles.instructions(self.pages[0], self.role, lang)
        self.attachments_page = AttachmentsPage(session, services)
        self.review_page = ReviewPage(session, self.step_map, titles)
        self.output_page = OutputPage(session, services)
        self.portal_page = PortalPage(session, services)
        self.pages += [self.attachments_page, self.review_page, self.output_page, self.portal_page]
        self.portal_page.ticked_changed.connect(self.update_states)
        if self.role is not None:
            roles.apply_to_attachments(self.attachments_page, self.role, session.pack, lang)
        self.review_page.jump.connect(self.jump_to_field)

        layout = QHBoxLayout(self)
        self.step_list = QListWidget()
        self.step_list.setObjectName("wizard.steps")
        self.step_list.setAccessibleName(tr("步骤列表"))
        self.step_list.setFixedWidth(210)
        for page in self.pages:
            item = QListWidgetItem(titles[page.key])
            item.setData(Qt.ItemDataRole.UserRole, page.key)
            if self.role is not None and isinstance(page, FieldPage) and not roles.owns_step(self.role, page.key):
                item.setForeground(QColor("#808080"))  # another role's step: shown, read-only
            self.step_list.addItem(item)
        self.step_list.currentRowChanged.connect(self.go_to)
        layout.addWidget(self.step_list)

        right = QVBoxLayout()
        layout.addLayout(right, 1)
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(page)
        right.addWidget(self.stack, 1)
        nav = QHBoxLayout()
        self.back_button = QPushButton(tr("上一步(&B)"))
        self.back_button.setObjectName("wizard.back")
        self.back_button.setToolTip("Alt+B / Ctrl+PgUp")
        self.next_button = QPushButton(tr("下一步(&N)"))
        self.next_button.setObjectName("wizard.next")
        self.next_button.setToolTip("Alt+N / Ctrl+PgDown")
        self.next_button.setDefault(False)
        self.back_button.clicked.connect(lambda: self.go_to(self.stack.currentIndex() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.stack.currentIndex() + 1))
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self.go_to(self.stack.currentIndex() + 1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self.go_to(self.stack.currentIndex() - 1))
        nav.addStretch(1)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        right.addLayout(nav)

        session.issues_changed.connect(self.update_states)
        session.attachments_changed.connect(self.update_states)
        session.final_changed.connect(self.update_states)  # bound: dropped with the view
        self.update_states()
        if session.readonly:
            # After the pages' own slots, which rebuild and re-enable their editors.
            for signal in (session.data_reset, session.issues_changed, session.reloaded, session.final_changed):
                signal.connect(self._lock_soon)
        if not session.editable:  # read-only, or 定稿 (the window builds a new view when that changes)
            self.lock_editors()
        self.go_to(0)

    def _lock_soon(self, *_: object) -> None:
        QTimer.singleShot(0, self, self.lock_editors)

    def lock_editors(self) -> None:
        """A read-only view or a final application: every editor shows its value and takes no edit."""
        self.setStyleSheet('QLineEdit:read-only, QPlainTextEdit[readOnly="true"] { background: #f2f2f2; }')
        for page in [p for p in self.pages if isinstance(p, FieldPage)] + [self.review_page]:
            for edit in page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit):
                edit.setReadOnly(True)
            for control in page.findChildren(QComboBox) + page.findChildren(QAbstractButton):
                control.setEnabled(False)

    # -- navigation -----------------------------------------------------------------------
    def keys(self) -> list[str]:
        return [page.key for page in self.pages]

    def current_key(self) -> str:
        return self.pages[self.stack.currentIndex()].key

    def page(self, key: str) -> StepPage:
        return self.pages[self.keys().index(key)]

    def go_to(self, index: int, focus: bool = True) -> None:
        if not 0 <= index < len(self.pages):
            return
        if index != self.stack.currentIndex():
            self.session.flush()  # leaving a step commits what was typed on it
        self.stack.setCurrentIndex(index)
        self.step_list.blockSignals(True)
        self.step_list.setCurrentRow(index)
        self.step_list.blockSignals(False)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.pages) - 1)
        page = self.pages[index]
        if hasattr(page, "activate"):
            page.activate()
        if focus and isinstance(page, FieldPage):
            first = page.first_input()
            if first is not None:
                first.setFocus()
        self.step_changed.emit(page.key)

    def go_to_key(self, key: str) -> None:
        self.go_to(self.keys().index(key))

    def jump_to_field(self, path: str) -> bool:
        key = self.step_map.step_of(path)
        if key not in self.keys():
            key = REVIEW
        self.go_to(self.keys().index(key), focus=False)
        page = self.page(key)
        if isinstance(page, FieldPage):
            return page.focus_field(path)
        if isinstance(page, AttachmentsPage):
            page.list.setFocus()
            return True
        return False

    # -- states ---------------------------------------------------------------------------
    def step_state(self, key: str) -> str:
        session = self.session
        if key in self.step_map.fields:
            entered = entered_paths(flatten(session.data()), session.touched)
            return self.step_map.state(key, session.issues, session.is_quiet, entered)
        if key == ATTACHMENTS:
            attachments = session.attachments()
            if any(a.damaged for a in attachments):
                return "error"  # it must be removed or replaced before anything is built
            entered = {f"{ATTACHMENTS}.{a.kind}" for a in attachments}
            state = self.step_map.state(key, session.issues, session.is_quiet, entered)
            return "todo" if state == "complete" and not attachments else state
        if key == PORTAL:
            return self.portal_page.state()
        errors = session.errors()
        if key == REVIEW:
            if errors:
                return "error"
            return "warning" if session.issues else "complete"
        return "complete" if session.final else "todo"

    def update_states(self) -> None:
        for row, page in enumerate(self.pages):
            state = self.step_state(page.key)
            item = self.step_list.item(row)
            item.setIcon(state_icon(state))
            item.setData(Qt.ItemDataRole.UserRole + 1, state)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{self.titles[page.key]} ({tr(STATE_TEXT[state])})")
            item.setToolTip(tr(STATE_TEXT[state]))
