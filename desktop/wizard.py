"""The wizard for one draft: the side list of steps with their state, the pages, Back/Next."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

from forms.errors import UserError
from forms.model import flatten

from . import roles, settings
from .i18n import N_, tr
from .pages.field_page import FieldPage
from .steps import ATTACHMENTS, OUTPUT, PORTAL, REVIEW, StepMap, entered_paths
from .widgets.step_icons import state_icon

if TYPE_CHECKING:
    from .pages.attachments_page import AttachmentsPage
    from .pages.output_page import OutputPage
    from .pages.portal_page import PortalPage
    from .pages.review_page import ReviewPage

    # the wizard's steps: each a QWidget with the step key it shows
    StepPage = FieldPage | AttachmentsPage | ReviewPage | OutputPage | PortalPage

STATE_TEXT = {"complete": N_("已完成"), "warning": N_("有警告"), "error": N_("有错误"), "todo": N_("待填写")}
LAST_STEPS = (ATTACHMENTS, REVIEW, OUTPUT, PORTAL)  # after the pack's steps, in this order


class WizardView(QWidget):
    """All steps of one draft. In the app a step's page is made when it is first shown (or asked
    for with :meth:`page`): opening a draft makes only the page it opens on (issue 14, start-up).

    Signals:
        step_changed(str): the key of the step now shown
        verify_requested(): the output page's 核验 (the page need not exist when this is connected)
    """

    step_changed = Signal(str)
    verify_requested = Signal()

    def __init__(
        self, session, services, parent: QWidget | None = None, step: str | None = None, lazy: bool = False
    ) -> None:
        """``step``: the key of the step to open on (the first when None or not one of them).
        ``lazy``: make only that step's page now, each other one when first shown or asked for
        (the app's windows); else every page now (a complete view for tests and scripts)."""
        super().__init__(parent)
        self.session = session
        self.services = services
        self.setObjectName("wizard")
        lang = session.lang
        self.step_map = StepMap(session.pack, session.category)
        titles = {s.key: s.get(lang) for s in session.pack.steps if s.key in self.step_map.fields}
        titles[ATTACHMENTS] = tr("附件")
        titles[REVIEW] = tr("检查")
        titles[OUTPUT] = tr("输出")
        titles[PORTAL] = tr("网上填报")
        self.titles = titles

        self.field_steps = {s.key: s for s in session.pack.steps if s.key in self.step_map.fields}
        field_keys = list(self.field_steps)
        self.role = roles.role_of(session.pack, roles.draft_role(session.draft))
        if self.role is not None:  # a hand-off copy: its role's steps first, the rest read-only
            order = roles.step_order(self.role, field_keys)
            field_keys.sort(key=order.index)
        self._keys = [*field_keys, *LAST_STEPS]
        self._made: dict[str, StepPage] = {}

        layout = QHBoxLayout(self)
        self.step_list = QListWidget()
        self.step_list.setObjectName("wizard.steps")
        self.step_list.setAccessibleName(tr("步骤列表"))
        self.step_list.setFixedWidth(210)
        for key in self._keys:
            item = QListWidgetItem(titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            if self.role is not None and key in self.field_steps and not roles.owns_step(self.role, key):
                item.setForeground(QColor("#808080"))  # another role's step: shown, read-only
            self.step_list.addItem(item)
        self.step_list.currentRowChanged.connect(self.go_to)
        layout.addWidget(self.step_list)

        right = QVBoxLayout()
        layout.addLayout(right, 1)
        self.stack = QStackedWidget()
        for _key in self._keys:
            self.stack.addWidget(QWidget())  # stands in for the step's page until it is first shown
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
        if not lazy:
            for key in self._keys:
                self.page(key)
        self.go_to(self._keys.index(step) if step in self._keys else 0)

    # -- the pages, made when first needed --------------------------------------------------
    def page(self, key: str) -> StepPage:
        """The page of step ``key``, made now if it has not been shown yet."""
        page = self._made.get(key)
        if page is None:
            page = self._made[key] = self._make(key)
            index = self._keys.index(key)
            stand_in = self.stack.widget(index)
            assert stand_in is not None  # one widget per step
            current = self.stack.currentIndex() == index
            self.stack.insertWidget(index, page)
            if current:
                self.stack.setCurrentIndex(index)
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
            if not self.session.editable:
                self._lock_page(page)
        return page

    def _make(self, key: str) -> StepPage:
        session, lang = self.session, self.session.lang
        if key in self.field_steps:
            field_page = FieldPage(self.field_steps[key], session, self.step_map)
            if self.role is not None:
                roles.apply_to_page(field_page, self.role, session.pack, lang)
                if key == self._keys[0]:
                    roles.instructions(field_page, self.role, lang)
            return field_page
        if key == ATTACHMENTS:
            from .pages.attachments_page import AttachmentsPage

            attachments = AttachmentsPage(session, self.services)
            if self.role is not None:
                roles.apply_to_attachments(attachments, self.role, session.pack, lang)
            return attachments
        if key == REVIEW:
            from .pages.review_page import ReviewPage

            review = ReviewPage(session, self.step_map, self.titles)
            review.jump.connect(self.jump_to_field)
            return review
        if key == OUTPUT:
            from .pages.output_page import OutputPage

            output = OutputPage(session, self.services)
            output.verify_requested.connect(self.verify_requested)
            return output
        from .pages.portal_page import PortalPage

        portal = PortalPage(session, self.services)
        portal.ticked_changed.connect(self.update_states)
        return portal

    @property
    def pages(self) -> list[StepPage]:
        """Every step's page in order (all of them made)."""
        return [self.page(key) for key in self._keys]

    def made_pages(self) -> list[StepPage]:
        """The pages made so far (shown, or asked for)."""
        return [self._made[key] for key in self._keys if key in self._made]

    @property
    def attachments_page(self) -> AttachmentsPage:
        return self.page(ATTACHMENTS)  # type: ignore[return-value]

    @property
    def review_page(self) -> ReviewPage:
        return self.page(REVIEW)  # type: ignore[return-value]

    @property
    def output_page(self) -> OutputPage:
        return self.page(OUTPUT)  # type: ignore[return-value]

    @property
    def portal_page(self) -> PortalPage:
        return self.page(PORTAL)  # type: ignore[return-value]

    def _lock_soon(self, *_: object) -> None:
        QTimer.singleShot(0, self, self.lock_editors)

    def lock_editors(self) -> None:
        """A read-only view or a final application: every editor shows its value and takes no edit."""
        self.setStyleSheet('QLineEdit:read-only, QPlainTextEdit[readOnly="true"] { background: #f2f2f2; }')
        for page in self.made_pages():
            self._lock_page(page)

    def _lock_page(self, page: QWidget) -> None:
        if page.key not in self.field_steps and page.key != REVIEW:  # type: ignore[attr-defined]
            return  # attachments, output and portal have their own read-only states
        for edit in page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit):
            edit.setReadOnly(True)
        for control in page.findChildren(QComboBox) + page.findChildren(QAbstractButton):
            control.setEnabled(False)

    # -- navigation -----------------------------------------------------------------------
    def keys(self) -> list[str]:
        return list(self._keys)

    def current_key(self) -> str:
        return self._keys[self.stack.currentIndex()]

    def go_to(self, index: int, focus: bool = True) -> None:
        if not 0 <= index < len(self._keys):
            return
        if index != self.stack.currentIndex():
            self.session.flush()  # leaving a step commits what was typed on it
        page = self.page(self._keys[index])
        self.stack.setCurrentIndex(index)
        self.step_list.blockSignals(True)
        self.step_list.setCurrentRow(index)
        self.step_list.blockSignals(False)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self._keys) - 1)
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
        if key == ATTACHMENTS:
            page.list.setFocus()  # type: ignore[union-attr]
            return True
        return False

    # -- states ---------------------------------------------------------------------------
    def step_state(self, key: str, entered: set[str] | None = None) -> str:
        """``entered``: the draft's entered paths (:func:`desktop.steps.entered_paths`), when the
        caller has them already."""
        session = self.session
        if key in self.step_map.fields:
            if entered is None:
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
            return self._portal_state()
        errors = session.errors()
        if key == REVIEW:
            if errors:
                return "error"
            return "warning" if session.issues else "complete"
        return "complete" if session.final else "todo"

    def _portal_state(self) -> str:
        """The portal page's state (complete: every entered value copied), without making the
        page before it is shown (forms.portal's list: about a millisecond)."""
        if PORTAL in self._made:
            return self.portal_page.state()
        from forms.portal import portal_items

        from .pages.portal_page import digest

        try:
            filled = [i for i in portal_items(self.session.data(), self.session.pack, self.session.lang) if i.value]
        except UserError:
            filled = []
        copied = settings.portal_copied(self.session.path)
        done = sum(1 for i in filled if copied.get(i.path) == digest(i.value))
        return "complete" if filled and done == len(filled) else "todo"

    def update_states(self) -> None:
        entered = entered_paths(flatten(self.session.data()), self.session.touched)  # once for every step
        for row, key in enumerate(self._keys):
            state = self.step_state(key, entered)
            item = self.step_list.item(row)
            item.setIcon(state_icon(state))
            item.setData(Qt.ItemDataRole.UserRole + 1, state)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{self.titles[key]} ({tr(STATE_TEXT[state])})")
            item.setToolTip(tr(STATE_TEXT[state]))
