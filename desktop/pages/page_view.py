"""The page view of one attachment: every page as a thumbnail, selection, drag to reorder, the
page fixes of forms.attachments.page_ops, and Undo/Redo (Ctrl+Z / Ctrl+Shift+Z) of every
attachment operation, kept in the draft. Fixes run on a worker (the attachment worker process
does the work) with a cancellable progress dialog; the UI only says which pages and which fix."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.attachments import page_ops
from forms.errors import UserError

from .. import workers
from ..i18n import N_, kind_labels, tr
from ..pdf_images import _Loaded
from .attachment_job import AttachmentJob

THUMB_BOX = QSize(130, 170)
MM_PER_PT = 25.4 / 72


def render_pages(pdf: bytes, cancel) -> list[tuple[int, QImage, float, float]]:
    """(index, picture fitted into THUMB_BOX, width mm, height mm as shown) of every page; on a
    worker thread (each call has its own QPdfDocument)."""
    from PySide6.QtPdf import QPdfDocument

    out: list[tuple[int, QImage, float, float]] = []
    with _Loaded(pdf) as doc:
        if doc.status() != QPdfDocument.Status.Ready:
            return out
        for index in range(doc.pageCount()):
            if cancel():
                break
            size = doc.pagePointSize(index)
            if size.width() <= 0 or size.height() <= 0:
                continue
            scale = min(THUMB_BOX.width() / size.width(), THUMB_BOX.height() / size.height())
            pixels = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
            out.append((index, doc.render(index, pixels), size.width() * MM_PER_PT, size.height() * MM_PER_PT))
    return out


def framed(image: QImage) -> QPixmap:
    """The page on a grey ground with a dark edge: a blank white page is still a visible page."""
    canvas = QPixmap(THUMB_BOX.width() + 8, THUMB_BOX.height() + 8)
    canvas.fill(QColor("#d9d9d9"))
    painter = QPainter(canvas)
    x, y = (canvas.width() - image.width()) // 2, (canvas.height() - image.height()) // 2
    painter.fillRect(x, y, image.width(), image.height(), QColor("white"))  # QtPdf leaves paper transparent
    painter.drawImage(x, y, image)
    painter.setPen(QColor("#505050"))
    painter.drawRect(x - 1, y - 1, image.width() + 1, image.height() + 1)
    painter.end()
    return canvas


class PageList(QListWidget):
    """Thumbnails in reading order; dragging one to another place stores the new order."""

    def __init__(self, moved) -> None:
        super().__init__()
        self._moved = moved
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB_BOX.width() + 8, THUMB_BOX.height() + 8))
        self.setGridSize(QSize(THUMB_BOX.width() + 60, THUMB_BOX.height() + 40))
        self.setWordWrap(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Snap)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setWrapping(True)
        self.setSpacing(8)

    def dropEvent(self, event) -> None:
        super().dropEvent(event)
        self.store_order()

    def store_order(self) -> None:
        order = [self.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.count())]
        if order != sorted(order):
            self._moved(order)


class PageView(QDialog):
    changed = Signal()  # this view changed the attachments (a fix, an undo, a redo)

    def __init__(self, session, services, attachment_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.services = services
        self.attachment_id = attachment_id
        self.job: AttachmentJob | None = None
        self.showing: str | None = None  # the digest of the pages shown
        self.setObjectName("pages.view")
        self.resize(900, 640)

        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        self.list = PageList(self._reorder)
        self.list.setObjectName("pages.list")
        self.list.setAccessibleName(tr("页面"))
        self.list.itemSelectionChanged.connect(self._enable)
        body.addWidget(self.list, 1)

        actions = QGridLayout()
        body.addLayout(actions)
        self.buttons: dict[str, QPushButton] = {}
        specs = [
            ("rotate_left", tr("向左旋转"), lambda: self._each([page_ops.rotate(p, 270) for p in self.selected()])),
            ("rotate_right", tr("向右旋转"), lambda: self._each([page_ops.rotate(p, 90) for p in self.selected()])),
            ("delete", tr("删除所选页"), self._delete),
            ("split", tr("从所选页拆分"), self._split),
            ("a4", tr("缩放到 A4"), lambda: self._run([page_ops.fit_a4(self.selected() or None)])),
            ("dpi150", tr("降至 150 dpi"), lambda: self._run([page_ops.downsample(150)])),
            ("dpi200", tr("降至 200 dpi"), lambda: self._run([page_ops.downsample(200)])),
            ("grey", tr("转为灰度"), lambda: self._run([page_ops.grey()])),
            (
                "straighten_left",
                tr("逆时针校正 1°"),
                lambda: self._each([page_ops.straighten(p, 1) for p in self.selected()]),
            ),
            (
                "straighten_right",
                tr("顺时针校正 1°"),
                lambda: self._each([page_ops.straighten(p, -1) for p in self.selected()]),
            ),
            ("crop", tr("裁剪所选页…"), self.crop),
            ("undo", tr("撤销"), self.undo),
            ("redo", tr("重做"), self.redo),
        ]
        for index, (key, label, slot) in enumerate(specs):
            button = QPushButton(label)
            button.setObjectName(f"pages.{key}")
            button.clicked.connect(slot)
            actions.addWidget(button, index // 2, index % 2)
            self.buttons[key] = button
        self.buttons["undo"].setToolTip("Ctrl+Z")
        self.buttons["redo"].setToolTip("Ctrl+Shift+Z")
        QShortcut(QKeySequence("Ctrl+Z"), self, self.undo)
        QShortcut(QKeySequence("Ctrl+Shift+Z"), self, self.redo)
        QShortcut(QKeySequence("Ctrl+Y"), self, self.redo)
        actions.setRowStretch(len(specs), 1)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setObjectName("pages.info")
        layout.addWidget(self.info)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        session.attachments_changed.connect(self.reload)
        self.reload()

    # -- what is shown ------------------------------------------------------------------
    def attachment(self) -> Any:
        return next((a for a in self.session.attachments() if a.id == self.attachment_id), None)

    def selected(self) -> list[int]:
        """The selected pages, 1-based, in reading order."""
        return sorted(self.list.row(item) + 1 for item in self.list.selectedItems())

    def reload(self) -> None:
        if self.session.closed:
            return
        info = self.attachment()
        if info is None or info.damaged:
            self.heading.setText(tr("此附件已不在申请中（可能已被撤销或移除）。"))
            self.list.clear()
            self._enable()
            return
        kind = kind_labels(self.session.pack).get(info.kind, info.kind)
        self.heading.setText(tr("{title} · {kind} · {pages} 页").format(title=info.title, kind=kind, pages=info.pages))
        try:
            pdf = self.session.attachment_pdf(info.id)
        except UserError as exc:
            self.info.setText(exc.message(self.session.lang))
            return
        self.list.clear()
        for index in range(info.pages):
            item = QListWidgetItem(tr("第 {n} 页").format(n=index + 1))
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.list.addItem(item)
        # A drawing of the pages as they were (before a fix or an undo) may finish after the
        # newer one: each says whose pages it drew and only the shown digest's are used.
        self.showing = info.sha256
        job = workers.start(lambda progress, cancel, sha=info.sha256: (sha, render_pages(pdf, cancel)))
        job.succeeded.connect(self._thumbnails)
        self._enable()

    def _thumbnails(self, drawn) -> None:
        sha, images = drawn
        if self.session.closed or sha != self.showing:
            return
        for index, image, width_mm, height_mm in images:
            if index < self.list.count() and not image.isNull():
                item = self.list.item(index)
                item.setIcon(QIcon(framed(image)))
                item.setText(tr("第 {n} 页 · {w}×{h} mm").format(n=index + 1, w=round(width_mm), h=round(height_mm)))
        self.list.doItemsLayout()

    def _enable(self) -> None:
        has_pages = self.list.count() > 0
        chosen = bool(self.list.selectedItems())
        editable = self.session.editable and self.job is None and has_pages
        for key in ("rotate_left", "rotate_right", "delete", "straighten_left", "straighten_right"):
            self.buttons[key].setEnabled(editable and chosen)
        self.buttons["split"].setEnabled(editable and len(self.selected()) == 1 and self.selected()[0] > 1)
        self.buttons["crop"].setEnabled(editable and len(self.selected()) == 1)
        for key in ("a4", "dpi150", "dpi200", "grey"):
            self.buttons[key].setEnabled(editable)
        undo, redo = self.session.undo_available()
        idle = self.session.page_job is None
        self.buttons["undo"].setEnabled(idle and undo is not None)
        self.buttons["redo"].setEnabled(idle and redo is not None)
        self.buttons["undo"].setText(undo_text(undo, redo=False))
        self.buttons["redo"].setText(undo_text(redo, redo=True))

    # -- actions --------------------------------------------------------------------------
    def _each(self, ops: list[dict]) -> None:
        if ops:
            self._run(ops)

    def _delete(self) -> None:
        info, chosen = self.attachment(), self.selected()
        if info is None or not chosen:
            return
        if len(chosen) == info.pages:
            self.services.prompter.error(
                tr("不能删除全部页面"), tr("附件至少要保留一页；要去掉整个附件，请在附件列表中移除它。")
            )
            return
        self._run([page_ops.delete(info.pages, *chosen)])

    def crop(self) -> None:
        """A rectangle dragged on the selected page becomes the page (nothing is resampled)."""
        from .crop_dialog import CropDialog

        chosen = self.selected()
        if len(chosen) != 1 or self.job is not None:
            return
        dialog = CropDialog(self.session.attachment_pdf(self.attachment_id), chosen[0], self)
        self.crop_dialog: CropDialog | None = dialog  # tests drive it while it is open
        if dialog.exec() == QDialog.DialogCode.Accepted and (rectangle := dialog.rectangle_mm()) is not None:
            self._run([page_ops.crop(chosen[0], *rectangle)])
        self.crop_dialog = None

    def _reorder(self, order: list[int]) -> None:
        self._run([page_ops.arrange(order)])

    def _split(self) -> None:
        chosen = self.selected()
        if len(chosen) == 1:
            self._start(
                lambda progress, cancel: self.session.draft.split_attachment(
                    self.attachment_id, chosen[0], progress=progress, cancel=cancel
                )
            )

    def _run(self, ops: list[dict]) -> None:
        self._start(
            lambda progress, cancel: self.session.draft.edit_pages(
                self.attachment_id, ops, progress=progress, cancel=cancel
            )
        )

    def _start(self, work) -> None:
        if self.job is not None or self.session.page_job is not None or not self.session.editable:
            return
        self.job = AttachmentJob(self, self.session, self.services, work)
        self.job.done.connect(lambda _result: self.changed.emit())
        self.job.ended.connect(self._ended)
        self._enable()

    def _ended(self) -> None:
        self.job = None
        self._enable()

    def undo(self) -> None:
        self._step(redo=False)

    def redo(self) -> None:
        self._step(redo=True)

    def _step(self, *, redo: bool) -> None:
        if self.job is not None or not self.session.editable:
            return
        action = self.session.undo_attachments(redo=redo)
        if action is not None:
            self.changed.emit()
            self.info.setText(
                (tr("已重做：{action}") if redo else tr("已撤销：{action}")).format(action=action_label(action))
            )


ACTION_LABELS = {
    "add": N_("添加附件"),
    "remove": N_("移除附件"),
    "reorder": N_("调整附件顺序"),
    "update": N_("修改类型或标题"),
    "replace": N_("替换附件"),
    "pages": N_("修正页面"),
    "split": N_("拆分附件"),
}


def action_label(action: str) -> str:
    return tr(ACTION_LABELS.get(action, action))


def undo_text(action: str | None, *, redo: bool) -> str:
    """An Undo/Redo entry names what it would do: “撤销：添加附件”; plain when there is nothing."""
    if action is None:
        return tr("重做") if redo else tr("撤销")
    return (tr("重做：{action}") if redo else tr("撤销：{action}")).format(action=action_label(action))


def open_page_view(page, attachment_id: int | None) -> PageView | None:
    """Open the page view of an attachment from the attachments step (``page``). The step
    redraws its pictures itself: they are cached by the PDF's digest, so a fix or an undo made
    here shows on the step as soon as the list is refreshed."""
    if attachment_id is None:
        return None
    view = PageView(page.session, page.services, attachment_id, page)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.setWindowTitle(tr("页面"))
    view.show()
    return view
