"""Attachments: drop or choose files, see page 1 of each, set kind and title, reorder, remove.
Intake (repair, sanitise, image → PDF) runs on a worker with a cancellable progress dialog."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from forms.errors import UserError
from forms.limits import check_attachment_count

from .. import workers
from ..failures import user_text
from ..i18n import kind_labels, tr
from ..pdf_images import thumbnail
from ..steps import ATTACHMENTS
from ..widgets.messages import MessageLabel
from .attachment_findings import FindingsMixin, examine_stored_items
from .field_page import page_title
from .finding_list import FindingList
from .page_view import open_page_view, undo_text

if TYPE_CHECKING:
    from forms.draft.attachments import AttachmentInfo

    from .attachment_job import AttachmentJob

THUMBS_KEPT = 64  # pictures cached beyond those of the attachments in the list (undo shows them at once)
FILE_FILTER = "PDF / JPEG / PNG / TIFF / BMP / WebP (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)"


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

    def dragEnterEvent(self, event) -> None:
        if _local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if _local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        files = _local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
            return
        super().dropEvent(event)
        self.reordered.emit()


class AttachmentsPage(FindingsMixin, QWidget):
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

    def dragEnterEvent(self, event) -> None:
        if _local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = _local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    def import_files(
        self, paths: list[Path], meta: dict[Path, tuple[str, str]] | None = None, replace: int | None = None
    ) -> workers.Job | None:
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
        pack = self.session.pack
        # Attachments not examined yet are examined first: a duplicate of one must be caught.
        unexamined = self._unexamined() if replace is None else []

        def intake(progress, cancel):
            from forms.attachments.kinds import infer_kind
            from forms.attachments.preflight import Examination, examine

            done, refused = [], []
            for number, path in enumerate(paths):
                if cancel():
                    break
                try:
                    result = normalise(
                        path,
                        path.name,
                        cancel=cancel,
                        progress=functools.partial(_overall, progress, number, len(paths)),
                    )
                except UserError as exc:
                    if cancel():
                        break
                    refused.append((path.name, exc))
                    continue
                try:  # preflight and the first page's text, in the worker like the intake
                    examination: Examination | UserError = examine(result.pdf, cancel=cancel)
                except UserError as exc:
                    if cancel():
                        break
                    examination = exc
                text = examination.text if not isinstance(examination, UserError) else ""
                done.append(
                    (
                        path,
                        result,
                        thumbnail(result.pdf),
                        hashlib.sha256(result.pdf).hexdigest(),
                        examination,
                        infer_kind(pack, path.name, text),
                    )
                )
                progress((number + 1) * 100, len(paths) * 100)
            return done, refused, examine_stored_items(unexamined, cancel)

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
        done, refused, examined = outcome
        self._keep(examined)
        replacing, self._replacing = self._replacing, None
        if replacing is not None and done:
            _path, result, image, digest, examination, _guess = done[0]
            if image is not None:  # before the list shows it: it is not drawn twice
                self.thumbs[digest] = QPixmap.fromImage(image)
            attachment_id = self.session.replace_attachment(replacing, result, pdf_sha256=digest)
            if attachment_id is not None:
                self._keep([(digest, examination)])  # its record, now that it is in the draft
            self.refresh()
            done = []
        # the added files' records are written with them (Draft.add_attachment)
        self.examinations.update((item[3], item[4]) for item in done)
        chosen = self.add_kind.currentData()
        refused = list(refused)
        for path, result, image, digest, examination, guess in done:
            given, title = self._meta.get(path, (None, Path(result.original_name).stem))
            kind = given or chosen or guess.kind
            duplicate = self._duplicate(examination)
            if duplicate is not None:  # listed with the other files not imported (the draft refuses it too)
                refused.append((path.name, duplicate))
                continue
            if image is not None:  # before the list shows it: it is not drawn twice
                self.thumbs[digest] = QPixmap.fromImage(image)
            attachment_id = self.session.add_attachment(
                result, kind=kind, title=title, pdf_sha256=digest, **self._duplicate_check(digest, examination)
            )
            if attachment_id is not None and not given and not chosen:
                self.inferred[attachment_id] = guess.source
        if done:
            self.refresh()
            self.list.setCurrentRow(self.list.count() - 1)
        if refused:
            lang = self.session.lang
            self.services.prompter.error(
                tr("有文件未能导入"),
                "\n\n".join(
                    tr("{name}：{message}").format(name=name, message=exc.message(lang)) for name, exc in refused
                ),
            )

    def _duplicate(self, examination) -> UserError | None:
        from forms.attachments.preflight import Examination
        from forms.draft.attachments import duplicate, first_duplicate

        if not isinstance(examination, Examination):
            return None
        keys = {sha: found.key for sha, found in self.examinations.items() if isinstance(found, Examination)}
        rows = [(info.title, info.sha256) for info in self.session.attachments()]
        found = first_duplicate(rows, examination.key, keys)
        return duplicate(*found) if found is not None else None

    def _duplicate_check(self, digest: str, examination) -> dict:
        """What the draft needs to refuse a duplicate and to keep the intake record with the
        attachment (the content keys of what is attached, from their examinations)."""
        from forms.attachments.intake_record import encode
        from forms.attachments.preflight import Examination
        from forms.draft.attachments import entry_key

        if not isinstance(examination, Examination):
            return {}
        keys = {sha: found.key for sha, found in self.examinations.items() if isinstance(found, Examination)}
        record = encode(digest, examination)
        return {
            "content_key": examination.key,
            "known_keys": keys,
            "entries": {entry_key(digest): record} if record else None,
        }

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
        """Draw page 1 of every attachment whose digest has no picture yet, on a worker."""
        if getattr(self.session, "closed", False):
            return
        missing = []
        for info in self.session.attachments():
            if info.damaged or info.sha256 in self.thumbs or info.sha256 in self._drawing:
                continue
            try:
                missing.append((info.sha256, self.session.attachment_pdf(info.id)))
            except UserError:
                continue  # shown as damaged in the list; the rest still get their pictures
        if not missing:
            return
        self._drawing.update(sha for sha, _pdf in missing)

        def render(progress, cancel):
            return [(sha, thumbnail(pdf) if not cancel() else None) for sha, pdf in missing]

        job = workers.start(render)
        job.succeeded.connect(self._thumbnails_ready)

    def _thumbnails_ready(self, images) -> None:
        for sha, _image in images:
            self._drawing.discard(sha)
        if self.session.closed:  # the draft was closed while its pictures were drawn
            return
        current = {info.sha256 for info in self.session.attachments()}
        if len(self.thumbs) > THUMBS_KEPT:  # pages undone long ago are drawn again if needed
            for sha in [sha for sha in self.thumbs if sha not in current]:
                del self.thumbs[sha]
        for sha, image in images:  # the same pages always look the same: a picture is never redrawn
            if self.thumbs.get(sha) is None:
                self.thumbs[sha] = QPixmap.fromImage(image) if image is not None else None  # None: not drawable
        self.refresh()


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


def _overall(progress: Callable[[int, int], None], number: int, count: int, done: int, total: int) -> None:
    """One file's intake progress as part of the whole batch (100 steps a file, 90 for its intake)."""
    progress(number * 100 + 90 * done // max(total, 1), count * 100)
