"""The preflight findings of one attachment, a row each: the warning, the suggested fix and, where
a click can apply it, a button at the right. The row is a widget (wrapped text beside the button,
never under it); the item keeps the same text for the accessible name and for tests, drawn
transparent beneath the widget."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QWidget

ICON = 16


class FindingList(QListWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)

    def add_row(self, text: str, data, icon: QIcon, button: QPushButton | None) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", " "))
        item.setForeground(QBrush(Qt.GlobalColor.transparent))
        self.addItem(item)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(4, 3, 4, 3)
        picture = QLabel()
        picture.setPixmap(icon.pixmap(ICON, ICON))
        line.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        words = QLabel(text)
        words.setWordWrap(True)
        words.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        line.addWidget(words, 1)
        if button is not None:
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setItemWidget(item, row)
        self._fit(item)
        return item

    def _fit(self, item: QListWidgetItem) -> None:
        row = self.itemWidget(item)
        layout = row.layout() if row is not None else None
        if layout is not None:
            width = max(120, self.viewport().width())
            item.setSizeHint(QSize(width, layout.totalHeightForWidth(width)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        for index in range(self.count()):
            self._fit(self.item(index))
