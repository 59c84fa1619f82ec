"""The attachments step: add, see, name, sort and remove the application's attachments.

Drop or choose files, see page 1 of each, set kind and title, reorder, remove. Its parts are in
modules of their own: the list (attachment_list), the intake on a worker (attachment_intake), the
pictures (attachment_thumbnails), Undo/Redo (attachment_undo) and the preflight findings
(attachment_findings)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from .. import workers
from ..i18n import kind_labels, tr
from ..steps import ATTACHMENTS
from ..widgets.messages import MessageLabel
from .attachment_findings import FindingsMixin
from .attachment_intake import IntakeMixin
from .attachment_list import AttachmentList
from .attachment_thumbnails import ThumbnailsMixin
from .attachment_undo import UndoBarMixin
from .field_page import page_title
from .finding_list import FindingList
from .page_view import open_page_view

if TYPE_CHECKING:
    from forms.draft.attachments import AttachmentInfo

    from .attachment_job import AttachmentJob


class AttachmentsPage(UndoBarMixin, ThumbnailsMixin, IntakeMixin, FindingsMixin, QWidget):
    key = ATTACHMENTS

    def __init__(self, session, services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.services = services
        # Page 1 of each attachment, by its PDF's digest: a fix or an undo changes the pages
        # behind an id, never behind a digest, so a late drawing cannot show an old page.
        self.thumbs: dict[str, QPixmap | None] = {}
        self._drawing: set[str] = set()
        self.fix_job: AttachmentJob | None = None  # a finding's fix
        self.job: workers.Job | None = None
        # Preflight (issue 12), by the PDF's digest: an Examination, or the UserError that
        # stopped it; the kind inferred for an attachment added in this window, and how.
        self.examinations: dict[str, object] = {}
        self.inferred: dict[int, str] = {}
        self.preflight_job: workers.Job | None = None
        self._meta: dict[Path, tuple[str, str]] = {}
        self.progress: QProgressDialog | None = None
        self.setObjectName("step.attachments")
        self.setAcceptDrops(True)

        layout = QVBoxLayout(self)
        # Undo/Redo on the title's line, no taller than the title: the step must still fit a
        # 1366×728 screen at 150 %.
        title = page_title(tr("附件"))
        heading = self._undo_bar(title.sizeHint().height())
        heading.insertWidget(0, title)
        heading.insertSpacing(1, 24)
        layout.addLayout(heading)
        hint = QLabel(
            tr(
                "把技术合同、到账证明等文件拖到这里，或点击“添加文件”。支持 PDF 和图片（JPEG、PNG、TIFF 等），"
                "导入时会统一转换为 PDF。拖动列表项可调整顺序。"
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        # What the checks say about the attachments as a whole: a line per missing required upload.
        self.messages = MessageLabel()
        self.messages.setObjectName("attachments.issues")
        layout.addWidget(self.messages)
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        self.list = AttachmentList()
        self.list.setObjectName("attachments.list")
        self.list.setAccessibleName(tr("附件列表"))
        self.list.files_dropped.connect(self.import_files)
        self.list.reordered.connect(self._store_order)
        self.list.currentRowChanged.connect(self._select)
        self.list.itemActivated.connect(lambda item: open_page_view(self, item.data(Qt.ItemDataRole.UserRole)))
        body.addWidget(self.list, 3)

        side = QVBoxLayout()
        body.addLayout(side, 2)
        self.add_button = QPushButton(tr("添加文件(&O)…"))
        self.add_button.setObjectName("attachments.add")
        self.add_button.clicked.connect(self.choose_files)
        side.addWidget(self.add_button)
        labels = kind_labels(session.pack)
        add_as = QFormLayout()
        self.add_kind = QComboBox()
        self.add_kind.setObjectName("attachments.add_kind")
        self.add_kind.addItem(tr("自动识别"), None)
        for key, label in labels.items():
            self.add_kind.addItem(label, key)
        self.add_kind.setToolTip(tr("新添加的文件按这里的类型保存；“自动识别”按文件名和首页文字判断，之后可一键更改"))
        add_kind_label = QLabel(tr("添加为(&A)"))
        add_kind_label.setBuddy(self.add_kind)
        self.add_kind.setAccessibleName(tr("添加为"))
        add_as.addRow(add_kind_label, self.add_kind)
        side.addLayout(add_as)
        details = QFormLayout()
        self.kind_combo = QComboBox()
        for key, label in labels.items():
            self.kind_combo.addItem(label, key)
        self.kind_combo.currentIndexChanged.connect(self._kind_edited)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(session.pack.limits.max_title_chars)
        self.title_edit.editingFinished.connect(self._title_edited)
        # a menu or a shortcut (语言, 关闭草稿, 交给…) leaves no field: the session asks first
        session.storing.connect(self._title_edited)
        kind_label, title_label = QLabel(tr("类型(&K)")), QLabel(tr("标题(&T)"))
        kind_label.setBuddy(self.kind_combo)
        title_label.setBuddy(self.title_edit)
        self.kind_combo.setAccessibleName(tr("类型"))
        self.title_edit.setAccessibleName(tr("标题"))
        details.addRow(kind_label, self.kind_combo)
        details.addRow(title_label, self.title_edit)
        side.addLayout(details)
        # One click changes the kind: a button per kind, the current one held down. They follow
        # the kind box's enabled state (a role may lock it, see desktop/roles.py).
        self.kind_note = QLabel()
        self.kind_note.setObjectName("attachments.kind_note")
        self.kind_note.setWordWrap(True)
        side.addWidget(self.kind_note)
        quick = QHBoxLayout()
        self.kind_buttons: dict[str, QPushButton] = {}
        for key, label in labels.items():
            button = QPushButton(label)
            button.setObjectName(f"attachments.kind.{key}")
            button.setCheckable(True)
            button.setToolTip(tr("把所选附件的类型改为“{kind}”").format(kind=label))
            button.clicked.connect(lambda _checked=False, k=key: self._set_kind(k))
            quick.addWidget(button)
            self.kind_buttons[key] = button
        side.addLayout(quick)
        self._mirror = _EnabledMirror(list(self.kind_buttons.values()), self)
        self.kind_combo.installEventFilter(self._mirror)
        self.info = QLabel()
        self.info.setWordWrap(True)
        side.addWidget(self.info)
        findings_title = QLabel(tr("预检"))
        findings_title.setObjectName("attachments.findings_title")
        side.addWidget(findings_title)
        self.findings = FindingList()
        self.findings.setObjectName("attachments.findings")
        self.findings.setAccessibleName(tr("预检发现的问题"))
        self.findings.setMaximumHeight(170)
        side.addWidget(self.findings)
        moves = QHBoxLayout()
        self.up_button = QPushButton(tr("上移"))
        self.down_button = QPushButton(tr("下移"))
        self.remove_button = QPushButton(tr("移除(&R)"))
        self.replace_button = QPushButton(tr("替换(&P)…"))
        self.replace_button.setObjectName("attachments.replace")
        self.replace_button.setToolTip(tr("用另一个文件替换所选附件，类型、标题和顺序不变"))
        self.replace_button.clicked.connect(self.choose_replacement)
        self.up_button.setObjectName("attachments.up")
        self.down_button.setObjectName("attachments.down")
        self.remove_button.setObjectName("attachments.remove")
        self.up_button.setToolTip("Ctrl+Up")
        self.down_button.setToolTip("Ctrl+Down")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.remove_button.clicked.connect(self._remove)
        QShortcut(QKeySequence("Ctrl+Up"), self, lambda: self._move(-1))
        QShortcut(QKeySequence("Ctrl+Down"), self, lambda: self._move(1))
        for button in (self.up_button, self.down_button, self.remove_button):
            moves.addWidget(button)
        side.addLayout(moves)
        side.addWidget(self.replace_button)
        side.addStretch(1)
        self._replacing: int | None = None
        self.add_button.setEnabled(session.editable)
        self.setAcceptDrops(session.editable)
        self.list.setAcceptDrops(session.editable)
        if not session.editable:
            self.list.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        session.attachments_changed.connect(self.refresh)
        session.issues_changed.connect(self.show_issues)
        self.show_issues()
        self.refresh()
        self._load_thumbnails()
        self._examine_missing()

    def show_issues(self) -> None:
        lines = [(i.severity, i.message) for i in self.session.issues if i.field.split(".")[0] == ATTACHMENTS]
        self.messages.show_lines(lines)

    # -- list -----------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self._current_id()
        self.list.blockSignals(True)
        self.list.clear()
        labels = kind_labels(self.session.pack)
        placeholder = QPixmap(86, 120)
        placeholder.fill(Qt.GlobalColor.white)
        damaged_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for number, info in enumerate(self.session.attachments(), start=1):
            if info.damaged:
                text = tr("{n}. {title}\n已损坏，无法使用：请移除或替换 · {name}").format(
                    n=number, title=info.title, name=info.original_name
                )
                icon = damaged_icon
            else:
                text = tr("{n}. {title}\n{kind} · {pages} 页 · {name}").format(
                    n=number,
                    title=info.title,
                    kind=labels.get(info.kind, info.kind),
                    pages=info.pages,
                    name=info.original_name,
                )
                found = self._findings_of(info)
                if found:
                    text += tr("\n预检：{count} 项问题").format(count=len(found))
                icon = QIcon(self.thumbs.get(info.sha256) or placeholder)
            item = QListWidgetItem(icon, text)
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, info.damaged)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", " "))
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = self._row_of(current)
        self.list.setCurrentRow(row if row is not None else (0 if self.list.count() else -1))
        self._select(self.list.currentRow())
        self._show_undo()
        self._load_thumbnails()
        self._examine_missing()

    def _current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _row_of(self, attachment_id: int | None) -> int | None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == attachment_id:
                return row
        return None

    def _select(self, row: int) -> None:
        info = self._info(self._current_id())
        for widget in (
            self.kind_combo,
            self.title_edit,
            self.up_button,
            self.down_button,
            self.remove_button,
            self.replace_button,
        ):
            widget.setEnabled(info is not None and self.session.editable)
        # The details edit the selected item, so they carry its contract path.
        self.kind_combo.setObjectName(f"attachments.{row}.kind" if info is not None else "attachments.kind")
        self.title_edit.setObjectName(f"attachments.{row}.title" if info is not None else "attachments.title")
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(info.kind)) if info is not None else 0)
        self.kind_combo.blockSignals(False)
        self.title_edit.setText(info.title if info is not None else "")
        if info is not None and info.damaged:
            self.info.setText(tr("此附件的数据已损坏（校验不符），不会用于任何输出。请移除它，或用原文件替换。"))
            self.info.setStyleSheet("color: #b00020")
        else:
            self.info.setText(
                tr("原文件：{name}（{fmt}），{pages} 页").format(
                    name=info.original_name, fmt=info.source_format, pages=info.pages
                )
                if info is not None
                else ""
            )
            self.info.setStyleSheet("")
        for key, button in self.kind_buttons.items():
            button.setChecked(info is not None and info.kind == key)
        how = self.inferred.get(info.id) if info is not None else None
        notes = {
            "name": tr("类型是按文件名自动识别的；不对请点击下面的按钮更改。"),
            "text": tr("类型是按首页文字自动识别的；不对请点击下面的按钮更改。"),
            "none": tr("没能识别类型，暂定为“{kind}”；请点击下面的按钮选择。").format(
                kind=kind_labels(self.session.pack).get("other", "")
            ),
        }
        self.kind_note.setText(notes.get(how or "", ""))
        self.kind_note.setVisible(bool(how))
        self._show_findings(info if info is not None and not info.damaged else None)

    def _info(self, attachment_id: int | None) -> AttachmentInfo | None:
        return next((a for a in self.session.attachments() if a.id == attachment_id), None)

    def _kind_edited(self) -> None:
        attachment_id = self._current_id()
        if attachment_id is not None:
            self.inferred.pop(attachment_id, None)  # the user's choice now
            self.session.update_attachment(attachment_id, kind=self.kind_combo.currentData())

    def _set_kind(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index >= 0 and index != self.kind_combo.currentIndex():
            self.kind_combo.setCurrentIndex(index)  # stored by _kind_edited
        else:
            self._select(self.list.currentRow())  # a click on the current kind keeps it held down

    # -- preflight --------------------------------------------------------------------------
    def _relabel(self) -> None:
        """The list's texts (the findings count) without rebuilding it."""
        labels = kind_labels(self.session.pack)
        infos = {a.id: a for a in self.session.attachments()}
        for row in range(self.list.count()):
            item = self.list.item(row)
            info = infos.get(item.data(Qt.ItemDataRole.UserRole))
            if info is None or info.damaged:
                continue
            text = tr("{n}. {title}\n{kind} · {pages} 页 · {name}").format(
                n=row + 1,
                title=info.title,
                kind=labels.get(info.kind, info.kind),
                pages=info.pages,
                name=info.original_name,
            )
            found = self._findings_of(info)
            if found:
                text += tr("\n预检：{count} 项问题").format(count=len(found))
            item.setText(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", " "))

    def _title_edited(self) -> None:
        attachment_id, title = self._current_id(), self.title_edit.text().strip()
        info = self._info(attachment_id)
        if info is not None and title and title != info.title:
            self.session.update_attachment(info.id, title=title)

    def _store_order(self) -> None:
        ids = [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())]
        self.session.reorder_attachments(ids)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        ids = [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())]
        ids.insert(target, ids.pop(row))
        self.session.reorder_attachments(ids)
        self.list.setCurrentRow(target)

    def _remove(self) -> None:
        info = self._info(self._current_id())
        if info is not None and self.services.prompter.confirm(
            tr("移除附件"), tr("从申请中移除“{title}”？").format(title=info.title)
        ):
            self.session.remove_attachment(info.id)


class _EnabledMirror(QObject):
    """Enables ``targets`` whenever the watched widget is enabled, and disables them with it."""

    def __init__(self, targets: list[QWidget], parent: QObject) -> None:
        super().__init__(parent)
        self.targets = targets

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.EnabledChange:
            for target in self.targets:
                target.setEnabled(watched.isEnabled())
        return False
