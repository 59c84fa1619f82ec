"""Small drawn icons for a step's state (no icon theme is needed, so they look the same on every
platform and offscreen)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

STATES = {
    "complete": ("#2e7d32", "✓"),
    "warning": ("#b26a00", "!"),
    "error": ("#c62828", "✕"),
    "todo": ("#9e9e9e", ""),
}


@lru_cache(maxsize=None)
def state_icon(state: str, size: int = 18) -> QIcon:
    colour, glyph = STATES.get(state, STATES["todo"])
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x for high-DPI screens
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(3, 3, size * 2 - 6, size * 2 - 6)
    if glyph:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawEllipse(box)
        painter.setPen(QColor("white"))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 1.2))
        painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, glyph)
    else:
        painter.setPen(QPen(QColor(colour), 3))
        painter.drawEllipse(box)
    painter.end()
    pixmap.setDevicePixelRatio(2)
    return QIcon(pixmap)
