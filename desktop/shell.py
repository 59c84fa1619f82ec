"""The main window's shell: what ``cxy-apply`` paints before the rule pack's code is imported
(issue 14, start-up) — an empty step column and 正在打开…, in the real window at its remembered
place. Qt widgets and the translations only: this module must not import ``forms`` beyond its
light leaves, nor anything that imports pydantic; nor does it touch PySide6's ``Qt`` namespace,
whose first use costs as much as the rest of the shell."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QMenuBar, QWidget

from .i18n import tr

STEP_COLUMN_WIDTH = 210  # the wizard's step list: the content arrives where the shell showed it
MENU_TITLES = ("文件(&F)", "语言(&L)", "帮助(&H)")  # the window's menus (MainWindow._build_menus), empty until loaded


def add_shell_menus(bar: QMenuBar) -> None:
    """The menu bar's titles, disabled: the content does not move down when the real menus come."""
    for title in MENU_TITLES:
        bar.addMenu(tr(title)).setEnabled(False)


def opens_a_draft(path: Path | None, sample: str | None) -> bool:
    """Does the window's content start with a draft's wizard (a step column) or with the start
    page (none: no file, or JSON, which is imported from the start page)?"""
    return sample is not None or (path is not None and path.suffix.lower() != ".json")


def expect_content(window: QWidget, path: Path | None, sample: str | None) -> None:
    """The shell shows what the content will keep: the step column only where a wizard comes
    (else the start page would take it away again, moving everything left as it arrives)."""
    placeholder = window.findChild(OpeningPlaceholder)
    if placeholder is not None:
        placeholder.steps.setVisible(opens_a_draft(path, sample))


class OpeningPlaceholder(QWidget):
    """Where the content will be: the wizard's step column, empty, and 正在打开… beside it (the
    column hidden by :func:`expect_content` when the start page comes instead)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shell.placeholder")
        row = QHBoxLayout(self)
        self.steps = steps = QListWidget()
        steps.setObjectName("shell.steps")
        steps.setAccessibleName(tr("步骤列表"))
        steps.setFixedWidth(STEP_COLUMN_WIDTH)
        row.addWidget(steps)
        self.label = QLabel(tr("正在打开…"))
        self.label.setObjectName("shell.opening")
        row.addStretch(1)  # centred by stretches: Qt.AlignmentFlag would make the Qt namespace (~13 ms)
        row.addWidget(self.label)
        row.addStretch(1)
