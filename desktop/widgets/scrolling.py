"""A page (or part of one) whose content scrolls when the window is small."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget


def scrolled_column(page: QWidget, *, flush: bool = False) -> QVBoxLayout:
    """Give ``page`` a frameless scroll area and return the column layout inside it;
    ``flush`` drops the page's own margins (the field pages sit edge to edge with the step list)."""
    outer = QVBoxLayout(page)
    if flush:
        outer.setContentsMargins(0, 0, 0, 0)
    scroll, column = scroll_box()
    outer.addWidget(scroll)
    return column


def scroll_box() -> tuple[QScrollArea, QVBoxLayout]:
    """A frameless scroll area and the column inside it: a side column of buttons that a
    1366×768 screen at 150 % cannot show whole scrolls instead of making the window taller."""
    scroll = QScrollArea(widgetResizable=True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    body = QWidget()
    scroll.setWidget(body)
    return scroll, QVBoxLayout(body)
