"""Small drawn icons for a step's state: ✖ errors, ! warnings only, ✓ complete, ○ to do.

The marks are drawn as strokes, not font glyphs: no icon theme or symbol font is needed, so they
look the same on every platform (a Windows or Kylin font without ✓/✖ would show a box) and
offscreen."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

STATES = {
    "complete": ("#2e7d32", "check"),
    "warning": ("#b26a00", "bang"),
    "error": ("#c62828", "cross"),
    "todo": ("#9e9e9e", ""),
}


def _mark(kind: str, box: QRectF) -> QPainterPath:
    """The white mark inside the disc, in the disc's coordinates."""
    x, y, w, h = box.x(), box.y(), box.width(), box.height()
    path = QPainterPath()
    if kind == "check":
        path.moveTo(QPointF(x + 0.27 * w, y + 0.52 * h))
        path.lineTo(QPointF(x + 0.44 * w, y + 0.69 * h))
        path.lineTo(QPointF(x + 0.74 * w, y + 0.34 * h))
    elif kind == "cross":
        for (x1, y1), (x2, y2) in (((0.32, 0.32), (0.68, 0.68)), ((0.68, 0.32), (0.32, 0.68))):
            path.moveTo(QPointF(x + x1 * w, y + y1 * h))
            path.lineTo(QPointF(x + x2 * w, y + y2 * h))
    elif kind == "bang":
        path.moveTo(QPointF(x + 0.5 * w, y + 0.24 * h))
        path.lineTo(QPointF(x + 0.5 * w, y + 0.56 * h))
        path.moveTo(QPointF(x + 0.5 * w, y + 0.75 * h))
        path.lineTo(QPointF(x + 0.5 * w, y + 0.76 * h))
    return path


@cache
def state_icon(state: str, size: int = 18) -> QIcon:
    colour, mark = STATES.get(state, STATES["todo"])
    scale = 2  # drawn at 2x for high-DPI screens
    pixmap = QPixmap(size * scale, size * scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(3, 3, size * scale - 6, size * scale - 6)
    if mark:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawEllipse(box)
        pen = QPen(QColor("white"), size * scale * 0.13)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(_mark(mark, box))
    else:
        painter.setPen(QPen(QColor(colour), 3))
        painter.drawEllipse(box)
    painter.end()
    pixmap.setDevicePixelRatio(scale)
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the current step keeps its colours, not a tint
    return icon
