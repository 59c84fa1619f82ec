"""Crop one page: the page as shown, a rectangle dragged on it, kept as the page (lossless:
forms.attachments.page_ops.crop sets the page box). The rectangle is passed on in mm from the
page's top-left corner as shown; the UI converts pixels, nothing else."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QRubberBand, QVBoxLayout, QWidget

from ..i18n import tr
from ..pdf_images import _Loaded

VIEW = QSize(560, 560)
MM_PER_PT = 25.4 / 72


def render_page(pdf: bytes, index: int) -> tuple[QImage, float] | None:
    """The page fitted into VIEW and its scale in pixels per point; None if QtPdf cannot read it."""
    from PySide6.QtPdf import QPdfDocument

    with _Loaded(pdf) as doc:
        if doc.status() != QPdfDocument.Status.Ready or not 0 <= index < doc.pageCount():
            return None
        size = doc.pagePointSize(index)
        if size.width() <= 0 or size.height() <= 0:
            return None
        scale = min(VIEW.width() / size.width(), VIEW.height() / size.height())
        image = doc.render(index, QSize(round(size.width() * scale), round(size.height() * scale)))
        return None if image.isNull() else (image, scale)


class PageCanvas(QLabel):
    """The page picture; dragging draws the rectangle to keep."""

    def __init__(self, image: QImage) -> None:
        super().__init__()
        white = QImage(image.size(), QImage.Format.Format_RGB32)
        white.fill(Qt.GlobalColor.white)
        from PySide6.QtGui import QPainter

        painter = QPainter(white)
        painter.drawImage(0, 0, image)
        painter.end()
        self.setPixmap(QPixmap.fromImage(white))
        self.setFixedSize(image.size())
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.band = QRubberBand(QRubberBand.Shape.Rectangle, self)
        self.origin = QPoint()
        self.chosen = QRect()

    def mousePressEvent(self, event) -> None:
        self.origin = event.position().toPoint()
        self.band.setGeometry(QRect(self.origin, QSize()))
        self.band.show()

    def mouseMoveEvent(self, event) -> None:
        self.band.setGeometry(QRect(self.origin, event.position().toPoint()).normalized().intersected(self.rect()))

    def mouseReleaseEvent(self, event) -> None:
        self.chosen = QRect(self.origin, event.position().toPoint()).normalized().intersected(self.rect())
        self.band.setGeometry(self.chosen)


class CropDialog(QDialog):
    def __init__(self, pdf: bytes, page: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pages.crop_dialog")
        self.setWindowTitle(tr("裁剪第 {n} 页").format(n=page))
        layout = QVBoxLayout(self)
        hint = QLabel(tr("在页面上拖出要保留的区域，然后点“确定”。"))
        layout.addWidget(hint)
        rendered = render_page(pdf, page - 1)
        self.scale = rendered[1] if rendered else 1.0
        self.canvas = PageCanvas(rendered[0]) if rendered else None
        if self.canvas is not None:
            self.canvas.setObjectName("pages.crop_canvas")
            layout.addWidget(self.canvas)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rectangle_mm(self) -> tuple[float, float, float, float] | None:
        """(left, top, right, bottom) in mm from the top-left corner of the page as shown."""
        if self.canvas is None or self.canvas.chosen.width() < 4 or self.canvas.chosen.height() < 4:
            return None
        rect, per_mm = self.canvas.chosen, self.scale / MM_PER_PT
        return (rect.left() / per_mm, rect.top() / per_mm, (rect.right() + 1) / per_mm, (rect.bottom() + 1) / per_mm)
