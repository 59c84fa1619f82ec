"""网上填报: what to type into 技联在线, in the order of the 申报书, each value with a copy button
that ticks it off; the upload files per slot against their limits, each with its folder; the
portal account (user name in the settings, password only in the system password store).
The list and the slots come from :mod:`forms.portal`; nothing here decides a value."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.errors import UserError
from forms.portal import PortalItem, plan_slots, portal_items, size_text
from forms.text import Text

from .. import settings, workers
from ..failures import user_text
from ..i18n import tr
from ..output_jobs import build_inputs
from ..secrets import PORTAL_PASSWORD, SecretsUnavailable
from ..steps import PORTAL
from ..widgets.editors import SEVERITY_COLOURS
from ..widgets.scrolling import scrolled_column
from .field_page import page_title

UPLOAD_FOLDER = (
    "upload"  # "<draft name>-upload" beside the draft unless the user chose another (one name in both languages)
)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


class PortalPage(QWidget):
    """The 网上填报 step.

    Signals:
        ticked_changed(): an item was ticked or unticked (the step's state may change)
    """

    key = PORTAL
    ticked_changed = Signal()

    def __init__(self, session, services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.services = services
        self.setObjectName("step.portal")
        self.items: list[PortalItem] = []
        self.ticks: dict[str, QCheckBox] = {}
        self.copy_buttons: dict[str, QPushButton] = {}
        self.slot_rows: list[QWidget] = []
        self.field_widgets: list[QWidget] = []
        self.slots: list = []
        self.job: workers.Job | None = None
        self.slots_at: tuple | None = None
        self._job_stamp: tuple | None = None
        self._secret_loaded = False

        column = scrolled_column(self)
        column.addWidget(page_title(tr("网上填报")))
        intro = QLabel(
            tr("技联在线（{url}）按下面的顺序填写申报书：点“复制”后粘贴到网站的对应栏目，复制过的会打勾。").format(
                url=session.pack.portal_url
            )
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(intro)
        column.addWidget(self._account_box())

        self.progress_label = QLabel()
        self.progress_label.setObjectName("portal.progress")
        column.addWidget(self.progress_label)
        self.fields_box = QGroupBox(tr("申报书各栏"))
        self.fields_grid = QGridLayout(self.fields_box)
        # labels get room enough not to break mid-word at 1366 px; values wrap in the rest
        self.fields_grid.setColumnStretch(1, 2)
        self.fields_grid.setColumnStretch(2, 3)
        column.addWidget(self.fields_box)

        self.uploads_box = QGroupBox(tr("上传文件"))
        uploads = QVBoxLayout(self.uploads_box)
        folder_row = QHBoxLayout()
        self.folder_label = QLabel()
        self.folder_label.setObjectName("portal.folder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        folder_row.addWidget(self.folder_label, 1)
        self.change_folder_button = QPushButton(tr("更改文件夹(&G)…"))
        self.change_folder_button.setObjectName("portal.change_folder")
        self.change_folder_button.clicked.connect(self.change_folder)
        folder_row.addWidget(self.change_folder_button)
        uploads.addLayout(folder_row)
        self.slots_status = QLabel()
        self.slots_status.setObjectName("portal.slots_status")
        self.slots_status.setWordWrap(True)
        uploads.addWidget(self.slots_status)
        self.slots_grid = QGridLayout()
        self.slots_grid.setColumnStretch(1, 1)
        uploads.addLayout(self.slots_grid)
        column.addWidget(self.uploads_box)
        column.addStretch(1)

        self.rebuild()
        session.data_reset.connect(self._data_changed)  # bound: dropped with the page
        session.reloaded.connect(self._data_changed)

    def _data_changed(self) -> None:
        # Later, from the event loop, and only while the page lives: rebuilding its rows inside
        # the session's signal (a reload from another process, a merge, the window closing)
        # replaced widgets Qt was still delivering to, and crashed when the window was freed.
        QTimer.singleShot(0, self, self.rebuild)

    # -- the fields -----------------------------------------------------------------------
    def rebuild(self) -> None:
        """The list from the draft's current values; ticks whose copied value still matches."""
        # The rows' widgets are kept in a list of our own: wrappers of the grid's layout items
        # (itemAt) outlive the items Qt deletes with their widgets, and shiboken then hands a
        # stale QWidgetItem for a new widget made at the same address (a later window crashed).
        for widget in self.field_widgets:
            widget.deleteLater()
        self.field_widgets = []
        self.ticks, self.copy_buttons = {}, {}
        try:
            self.items = portal_items(self.session.data(), self.session.pack, self.session.lang)
        except UserError as exc:
            self.items = []
            note = QLabel(exc.message(self.session.lang))
            note.setWordWrap(True)
            self.fields_grid.addWidget(note, 0, 0, 1, 4)
            self.field_widgets.append(note)
        copied = settings.portal_copied(self.session.path)
        for row, item in enumerate(self.items):
            tick = QCheckBox()
            tick.setObjectName(f"portal.tick.{item.path}")
            tick.setAccessibleName(tr("已复制：{label}").format(label=item.label))
            tick.setChecked(bool(item.value) and copied.get(item.path) == digest(item.value))
            tick.setEnabled(bool(item.value))
            tick.toggled.connect(lambda on, item=item: self._ticked(item, on))
            label = QLabel(item.label)
            label.setWordWrap(True)
            if self.session.lang == "en":  # the portal is Chinese: its box is found by the printed label
                label.setText(f"{item.label}\n{item.form_label}")
            value = QLabel(item.value if item.value else tr("（未填写）"))
            value.setObjectName(f"portal.value.{item.path}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if not item.value:
                value.setStyleSheet(f"color: {SEVERITY_COLOURS['quiet']}")
            button = QPushButton(tr("复制"))
            button.setObjectName(f"portal.copy.{item.path}")
            button.setAccessibleName(tr("复制“{label}”").format(label=item.label))
            button.setEnabled(bool(item.value))
            button.clicked.connect(lambda _=False, item=item: self.copy_item(item))
            self.fields_grid.addWidget(tick, row, 0, Qt.AlignmentFlag.AlignTop)
            self.fields_grid.addWidget(label, row, 1, Qt.AlignmentFlag.AlignTop)
            self.fields_grid.addWidget(value, row, 2, Qt.AlignmentFlag.AlignTop)
            self.fields_grid.addWidget(button, row, 3, Qt.AlignmentFlag.AlignTop)
            self.ticks[item.path], self.copy_buttons[item.path] = tick, button
            self.field_widgets += [tick, label, value, button]
        self._show_progress()

    def copy_item(self, item: PortalItem) -> None:
        QGuiApplication.clipboard().setText(item.value)
        self.ticks[item.path].setChecked(True)

    def _ticked(self, item: PortalItem, on: bool) -> None:
        copied = settings.portal_copied(self.session.path)
        if on:
            copied[item.path] = digest(item.value)
        else:
            copied.pop(item.path, None)
        settings.set_portal_copied(self.session.path, copied)
        self._show_progress()
        self.ticked_changed.emit()

    def _show_progress(self) -> None:
        done, total = self.counts()
        self.progress_label.setText(tr("已复制 {done} / {total} 项（未填写的不计）。").format(done=done, total=total))

    def counts(self) -> tuple[int, int]:
        filled = [i for i in self.items if i.value]
        return sum(1 for i in filled if self.ticks[i.path].isChecked()), len(filled)

    def state(self) -> str:
        """The step's state: complete when every entered value has been copied."""
        done, total = self.counts()
        return "complete" if total and done == total else "todo"

    # -- the upload files -----------------------------------------------------------------
    def folder(self) -> Path:
        chosen = settings.portal_folder(self.session.path)
        if chosen is not None:
            return chosen
        return self.session.path.parent / f"{self.session.path.stem}-{UPLOAD_FOLDER}"

    def activate(self) -> None:
        """Shown: the list from the current values, the upload files made again if the draft
        changed, the stored password read once."""
        self.session.flush()
        self.rebuild()
        self.ticked_changed.emit()
        if self._stamp() != self.slots_at:
            self.make_upload_files()
        if not self._secret_loaded:
            self._secret_loaded = True
            self._load_password()

    def _stamp(self) -> tuple:
        return (self.session.commits, len(self.session._pending), str(self.folder()))

    def make_upload_files(self) -> workers.Job | None:
        folder = self.folder()
        self.folder_label.setText(tr("上传文件保存在：{folder}").format(folder=folder))
        if self.job is not None:
            return None
        try:
            data, attachments, pack, final = build_inputs(self.session)
        except UserError as exc:
            self._slots_failed(exc)
            return None
        lang, inputs, stamp = self.session.lang, [self.session.path], self._stamp()

        def run(progress, cancel):
            return plan_slots(data, attachments, pack, folder, final=final, inputs=inputs, lang=lang)

        self.slots_status.setText(tr("正在生成上传文件…"))
        self._job_stamp = stamp
        self.job = workers.start(run)
        # Bound slots only: Qt drops them with the page, so a job ending after the window closed calls nothing.
        self.job.succeeded.connect(self._slots_done)
        self.job.failed.connect(self._slots_failed)
        self.job.ended.connect(self._job_ended)
        return self.job

    def _job_ended(self) -> None:
        self.job = None

    def _slots_done(self, slots: list) -> None:
        self._show_slots(slots, self._job_stamp)

    def _slots_failed(self, exc) -> None:
        self.slots_at = None
        self.slots_status.setText(user_text(exc, self.session.lang, logged=True))
        self.slots_status.setStyleSheet(f"color: {SEVERITY_COLOURS['error']}")

    def _show_slots(self, slots: list, stamp: tuple | None) -> None:
        self.slots, self.slots_at = slots, stamp
        for widget in self.slot_rows:
            widget.deleteLater()
        self.slot_rows = []
        over = [s for s in slots if s.over]
        if over:
            self.slots_status.setText(tr("有上传文件超过限制，未写出，见下面的说明。"))
            self.slots_status.setStyleSheet(f"color: {SEVERITY_COLOURS['error']}")
        else:
            self.slots_status.setText(tr("每个上传栏目一个 PDF，均在大小限制以内。"))
            self.slots_status.setStyleSheet(f"color: {SEVERITY_COLOURS['quiet']}")
        for row, slot in enumerate(slots):
            name = QLabel(Text(f"{slot.label}（{slot.file}）", f"{slot.label} ({slot.file})").get(self.session.lang))
            if slot.size is None:
                text, colour = tr("没有附件"), "quiet"
            else:
                text = tr("{n} 个附件，{size} / 限 {limit}").format(
                    n=slot.attachments, size=size_text(slot.size), limit=size_text(slot.limit)
                )
                colour = "error" if slot.over else "quiet"
                if slot.over:
                    text += "\n" + slot.note
            size = QLabel(text)
            size.setObjectName(f"portal.slot.{slot.file}")
            size.setWordWrap(True)
            size.setStyleSheet(f"color: {SEVERITY_COLOURS[colour]}")
            button = QPushButton(tr("打开文件夹"))
            button.setObjectName(f"portal.open.{slot.file}")
            button.setEnabled(slot.path is not None)
            button.clicked.connect(lambda _=False, slot=slot: self.open_folder(slot))
            for column, widget in enumerate((name, size, button)):
                self.slots_grid.addWidget(widget, row, column, Qt.AlignmentFlag.AlignTop)
                self.slot_rows.append(widget)

    def open_folder(self, slot) -> None:
        folder = slot.path.parent if slot.path is not None else self.folder()
        if not self.services.opener.open_folder(folder):
            self.services.prompter.error(tr("未能完成"), tr("无法打开文件夹：{folder}").format(folder=folder))

    def change_folder(self) -> None:
        folder = self.services.prompter.choose_folder(tr("选择保存上传文件的文件夹"), self.folder())
        if folder is None:
            return
        settings.set_portal_folder(self.session.path, Path(folder))
        self.make_upload_files()

    # -- the portal account ---------------------------------------------------------------
    def _account_box(self) -> QGroupBox:
        box = QGroupBox(tr("技联在线账号"))
        grid = QGridLayout(box)
        user_label = QLabel(tr("用户名(&U)"))
        self.user_edit = QLineEdit(settings.portal_user())
        self.user_edit.setObjectName("portal.user")
        self.user_edit.setAccessibleName(tr("技联在线用户名"))
        user_label.setBuddy(self.user_edit)
        self.user_edit.editingFinished.connect(lambda: settings.set_portal_user(self.user_edit.text().strip()))
        copy_user = QPushButton(tr("复制"))
        copy_user.setObjectName("portal.copy_user")
        copy_user.setAccessibleName(tr("复制用户名"))
        copy_user.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.user_edit.text().strip()))

        label = QLabel(tr("密码(&W)"))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("secrets.portal_password")
        self.password_edit.setAccessibleName(tr("技联在线密码（仅保存在系统密码库）"))
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        label.setBuddy(self.password_edit)
        copy_password = QPushButton(tr("复制"))
        copy_password.setObjectName("portal.copy_password")
        copy_password.setAccessibleName(tr("复制密码"))
        copy_password.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.password_edit.text()))
        self.remember_button = QPushButton(tr("记住密码"))
        self.remember_button.setObjectName("secrets.remember")
        self.remember_button.clicked.connect(self.remember_password)
        self.forget_button = QPushButton(tr("忘记密码"))
        self.forget_button.setObjectName("secrets.forget")
        self.forget_button.clicked.connect(self.forget_password)
        why = QLabel(tr("保存在本机系统钥匙串中，仅用于复制到技联在线网站登录框，从不发送到任何地方。"))
        why.setObjectName("portal.why")
        why.setWordWrap(True)
        why.setStyleSheet(f"color: {SEVERITY_COLOURS['quiet']}")
        self.secret_label = QLabel()
        self.secret_label.setObjectName("secrets.message")
        self.secret_label.setWordWrap(True)

        grid.addWidget(user_label, 0, 0)
        grid.addWidget(self.user_edit, 0, 1)
        grid.addWidget(copy_user, 0, 2)
        grid.addWidget(label, 1, 0)
        grid.addWidget(self.password_edit, 1, 1)
        grid.addWidget(copy_password, 1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remember_button)
        buttons.addWidget(self.forget_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 2, 1, 1, 2)
        grid.addWidget(why, 3, 0, 1, 3)
        grid.addWidget(self.secret_label, 4, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        return box

    def _load_password(self) -> None:
        try:
            stored = self.services.secrets.get(PORTAL_PASSWORD)
        except SecretsUnavailable as exc:
            self._secret_message(exc.message(self.session.lang), "warning")
            return
        if stored:
            self.password_edit.setText(stored)
            self._secret_message(tr("已从系统密码库读取密码。"))

    def remember_password(self) -> None:
        try:
            self.services.secrets.set(PORTAL_PASSWORD, self.password_edit.text())
        except SecretsUnavailable as exc:
            self._secret_message(exc.message(self.session.lang), "warning")
            return
        self._secret_message(tr("密码已保存到系统密码库。"))

    def forget_password(self) -> None:
        self.password_edit.clear()
        try:
            self.services.secrets.delete(PORTAL_PASSWORD)
        except SecretsUnavailable as exc:
            self._secret_message(exc.message(self.session.lang), "warning")
            return
        self._secret_message(tr("已从系统密码库删除密码。"))

    def _secret_message(self, text: str, severity: str = "quiet") -> None:
        self.secret_label.setText(text)
        self.secret_label.setStyleSheet(f"color: {SEVERITY_COLOURS[severity]}")
