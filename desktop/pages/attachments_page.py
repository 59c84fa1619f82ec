"""Attachments: drop or choose files, see page 1 of each, set kind and title, reorder, remove.
Intake (repair, sanitise, image → PDF) runs on a worker with a cancellable progress dialog."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.errors import UserError
from forms.limits import check_attachment_count

from .. import workers
from ..failures import user_text
from ..i18n import tr
from ..pdf_images import thumbnail
from ..steps import ATTACHMENTS
from ..widgets.messages import MessageLabel
from .field_page import page_title
from .page_view import open_page_view

FILE_FILTER = "PDF / JPEG / PNG / TIFF / BMP / WebP (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)"


def kind_labels() -> dict[str, str]:
    return {"contract": tr("技术合同"), "payment_proof": tr("到账证明"), "other": tr("其他材料")}


def _local_files(mime) -> list[Path]:
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []


class AttachmentList(QListWidget):
    """Drag inside to reorder; drop files from outside to add them.

    Signals:
        files_dropped(list): local paths dropped on the list
        reordered(): the user moved an item
    """

    files_dropped = Signal(list)
    reordered = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setIconSize(QSize(86, 120))
        self.setSpacing(4)
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if _local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if _local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802
        files = _local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
            return
        super().dropEvent(event)
        self.reordered.emit()


class AttachmentsPage(QWidget):
    key = ATTACHMENTS

    def __init__(self, session, services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.services = services
        self.thumbs: dict[int, QPixmap] = {}
        self.job: workers.Job | None = None
        self._meta: dict[Path, tuple[str, str]] = {}
        self.progress: QProgressDialog | None = None
        self.setObjectName("step.attachments")
        self.setAcceptDrops(True)

        layout = QVBoxLayout(self)
        layout.addWidget(page_title(tr("附件")))
        hint = QLabel(tr("把技术合同、到账证明等文件拖到这里，或点击“添加文件”。支持 PDF 和图片（JPEG、PNG、TIFF 等），"
                         "导入时会统一转换为 PDF。拖动列表项可调整顺序。"))
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
        details = QFormLayout()
        self.kind_combo = QComboBox()
        for key, label in kind_labels().items():
            self.kind_combo.addItem(label, key)
        self.kind_combo.currentIndexChanged.connect(self._kind_edited)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(session.pack.limits.max_title_chars)
        self.title_edit.editingFinished.connect(self._title_edited)
        kind_label, title_label = QLabel(tr("类型(&K)")), QLabel(tr("标题(&T)"))
        kind_label.setBuddy(self.kind_combo)
        title_label.setBuddy(self.title_edit)
        self.kind_combo.setAccessibleName(tr("类型"))
        self.title_edit.setAccessibleName(tr("标题"))
        details.addRow(kind_label, self.kind_combo)
        details.addRow(title_label, self.title_edit)
        side.addLayout(details)
        self.info = QLabel()
        self.info.setWordWrap(True)
        side.addWidget(self.info)
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

    def show_issues(self) -> None:
        lines = [(i.severity, i.message) for i in self.session.issues if i.field.split(".")[0] == ATTACHMENTS]
        self.messages.show_lines(lines)

    # -- list -----------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self._current_id()
        self.list.blockSignals(True)
        self.list.clear()
        labels = kind_labels()
        placeholder = QPixmap(86, 120)
        placeholder.fill(Qt.GlobalColor.white)
        damaged_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for number, info in enumerate(self.session.attachments(), start=1):
            if info.damaged:
                text = tr("{n}. {title}\n已损坏，无法使用：请移除或替换 · {name}").format(
                    n=number, title=info.title, name=info.original_name)
                icon = damaged_icon
            else:
                text = tr("{n}. {title}\n{kind} · {pages} 页 · {name}").format(
                    n=number, title=info.title, kind=labels.get(info.kind, info.kind), pages=info.pages,
                    name=info.original_name)
                icon = QIcon(self.thumbs.get(info.id, placeholder))
            item = QListWidgetItem(icon, text)
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, info.damaged)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", " "))
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = self._row_of(current)
        self.list.setCurrentRow(row if row is not None else (0 if self.list.count() else -1))
        self._select(self.list.currentRow())

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
        has = info is not None
        for widget in (self.kind_combo, self.title_edit, self.up_button, self.down_button, self.remove_button,
                       self.replace_button):
            widget.setEnabled(has and self.session.editable)
        # The details edit the selected item, so they carry its contract path.
        self.kind_combo.setObjectName(f"attachments.{row}.kind" if has else "attachments.kind")
        self.title_edit.setObjectName(f"attachments.{row}.title" if has else "attachments.title")
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(info.kind)) if has else 0)
        self.kind_combo.blockSignals(False)
        self.title_edit.setText(info.title if has else "")
        if has and info.damaged:
            self.info.setText(tr("此附件的数据已损坏（校验不符），不会用于任何输出。请移除它，或用原文件替换。"))
            self.info.setStyleSheet("color: #b00020")
        else:
            self.info.setText(tr("原文件：{name}（{fmt}），{pages} 页").format(
                name=info.original_name, fmt=info.source_format, pages=info.pages) if has else "")
            self.info.setStyleSheet("")

    def _info(self, attachment_id: int | None):
        return next((a for a in self.session.attachments() if a.id == attachment_id), None)

    def _kind_edited(self) -> None:
        attachment_id = self._current_id()
        if attachment_id is not None:
            self.session.update_attachment(attachment_id, kind=self.kind_combo.currentData())

    def _title_edited(self) -> None:
        attachment_id, title = self._current_id(), self.title_edit.text().strip()
        info = self._info(attachment_id)
        if info is not None and title and title != info.title:
            self.session.update_attachment(attachment_id, title=title)

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
                tr("移除附件"), tr("从申请中移除“{title}”？").format(title=info.title)):
            self.session.remove_attachment(info.id)

    # -- intake ---------------------------------------------------------------------------
    def choose_replacement(self) -> workers.Job | None:
        info = self._info(self._current_id())
        if info is None or not self.session.editable:
            return None
        path = self.services.prompter.open_file(tr("选择替换“{title}”的文件").format(title=info.title), FILE_FILTER)
        return self.import_files([path], replace=info.id) if path is not None else None

    def choose_files(self) -> None:
        paths = self.services.prompter.open_files(tr("选择附件文件"), FILE_FILTER)
        if paths:
            self.import_files(paths)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if _local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        files = _local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    def import_files(self, paths: list[Path], meta: dict[Path, tuple[str, str]] | None = None,
                     replace: int | None = None) -> workers.Job | None:
        """Intake ``paths`` on a worker; ``meta`` gives (kind, title) per path (JSON import);
        ``replace``: the one file takes the place of that attachment."""
        if self.job is not None or not self.session.editable:
            return None
        self._replacing = replace
        from forms.attachments import normalise

        paths = [Path(p) for p in paths]
        if replace is None:
            try:  # refused before any intake work, in one line naming the pack's limit
                check_attachment_count(len(self.session.attachments()), self.session.pack, len(paths))
            except UserError as exc:
                self.services.prompter.error(tr("无法添加附件"), exc.message(self.session.lang))
                return None
        self._meta = dict(meta or {})

        def intake(progress, cancel):
            done, refused = [], []
            for number, path in enumerate(paths):
                if cancel():
                    break
                try:
                    result = normalise(path, path.name, cancel=cancel,
                                       progress=lambda d, t, n=number: progress(n * 100 + 100 * d // max(t, 1), len(paths) * 100))
                except UserError as exc:
                    if cancel():
                        break
                    refused.append((path.name, exc))
                    continue
                done.append((path, result, thumbnail(result.pdf), hashlib.sha256(result.pdf).hexdigest()))
                progress((number + 1) * 100, len(paths) * 100)
            return done, refused

        self.progress = QProgressDialog(tr("正在导入附件…"), tr("取消"), 0, len(paths) * 100, self)
        self.progress.setWindowTitle(tr("导入附件"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.job = workers.start(intake)
        self.progress.canceled.connect(self.job.cancel)
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(self._imported)
        self.job.failed.connect(self._failed)
        self.job.ended.connect(self._ended)
        self.add_button.setEnabled(False)
        return self.job

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(min(done, total))

    def _imported(self, outcome) -> None:
        done, refused = outcome
        replacing, self._replacing = self._replacing, None
        if replacing is not None and done:
            _path, result, image, digest = done[0]
            attachment_id = self.session.replace_attachment(replacing, result, pdf_sha256=digest)
            if attachment_id is not None and image is not None:
                self.thumbs[attachment_id] = QPixmap.fromImage(image)
            self.refresh()
            done = []
        for path, result, image, digest in done:
            kind, title = self._meta.get(path, ("other", Path(result.original_name).stem))
            attachment_id = self.session.add_attachment(result, kind=kind, title=title, pdf_sha256=digest)
            if attachment_id is not None and image is not None:
                self.thumbs[attachment_id] = QPixmap.fromImage(image)
        if done:
            self.refresh()
            self.list.setCurrentRow(self.list.count() - 1)
        if refused:
            lang = self.session.lang
            self.services.prompter.error(tr("有文件未能导入"), "\n\n".join(tr("{name}：{message}").format(name=name, message=exc.message(lang)) for name, exc in refused))

    def _failed(self, exc) -> None:
        text = user_text(exc, self.session.lang, logged=True)  # the worker logged it
        self.services.prompter.error(tr("导入失败"), text)

    def _ended(self) -> None:
        self.job = None
        self._replacing = None
        self.add_button.setEnabled(True)
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _load_thumbnails(self) -> None:
        missing = []
        for info in self.session.attachments():
            if info.id in self.thumbs or info.damaged:
                continue
            try:
                missing.append((info.id, self.session.attachment_pdf(info.id)))
            except UserError:
                continue  # shown as damaged in the list; the rest still get their pictures
        if not missing:
            return

        def render(progress, cancel):
            return [(attachment_id, thumbnail(pdf)) for attachment_id, pdf in missing if not cancel()]

        job = workers.start(render)
        job.succeeded.connect(self._thumbnails_ready)

    def _thumbnails_ready(self, images) -> None:
        if self.session.closed:  # the draft was closed while its pictures were drawn
            return
        for attachment_id, image in images:
            if image is not None:
                self.thumbs[attachment_id] = QPixmap.fromImage(image)
        self.refresh()
