"""The main window's shell: what ``cxy-apply`` paints before the rule pack's code is imported
(issue 14, start-up) — an empty step column and 正在打开…, in the real window at its remembered
place. Qt and the translations only: this module must not import ``forms`` beyond its light
leaves, nor anything that imports pydantic."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QWidget

from .i18n import tr

STEP_COLUMN_WIDTH = 210  # the wizard's step list: the content arrives where the shell showed it


class OpeningPlaceholder(QWidget):
    """Where the content will be: the wizard's step column, empty, and 正在打开… beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shell.placeholder")
        row = QHBoxLayout(self)
        steps = QListWidget()
        steps.setObjectName("shell.steps")
        steps.setAccessibleName(tr("步骤列表"))
        steps.setFixedWidth(STEP_COLUMN_WIDTH)
        steps.setEnabled(False)
        row.addWidget(steps)
        self.label = QLabel(tr("正在打开…"))
        self.label.setObjectName("shell.opening")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.label, 1)
