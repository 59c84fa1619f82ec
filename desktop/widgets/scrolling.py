"""A page whose content scrolls when the window is small."""

from __future__ import annotations

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
