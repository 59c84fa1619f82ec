"""A page (or part of one) whose content scrolls when the window is small."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget


def scrolled_column(page: QWidget, *, flush: bool = False) -> QVBoxLayout:
    """Give ``page`` a frameless scroll area and return the column layout inside it;
    ``flush`` drops the page's own margins (the field pages sit edge to edge with the step list)."""
    outer = QVBoxLayout(page)
    if flush:
        outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea(widgetResizable=True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    outer.addWidget(scroll)
    body = QWidget()
    scroll.setWidget(body)
    return QVBoxLayout(body)


def scroll_box() -> tuple[QScrollArea, QVBoxLayout]:
    """A frameless scroll area and the column inside it: a side column of buttons that a
    1366×768 screen at 150 % cannot show whole scrolls up and down instead of making the window
    taller; it keeps its content's width (a sideways scroll bar would cut every line)."""
    scroll = ColumnScroll(widgetResizable=True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    body = QWidget()
    scroll.setWidget(body)
    return scroll, QVBoxLayout(body)


class ColumnScroll(QScrollArea):
    """Scrolls vertically only: never narrower than its content."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        width = body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(max(hint.width(), width), hint.height())
