"""A table of the pack (payments, members): its columns are the fields declared under
``<table>.*``, each cell a real input widget named ``<table>.<row>.<column>``."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from forms.pack import FieldSpec

from ..i18n import tr
from .editors import Binding, make_binding
from .messages import MessageLabel


class TableEditor(QWidget):
    """Rows of editors with add/remove.

    Signals:
        rebuilt(): the rows (and so the bindings) were recreated
    """

    rebuilt = Signal()

    def __init__(
        self, table: str, columns: list[tuple[str, FieldSpec]], session, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.columns = columns
        self.session = session
        self.spec = session.pack.tables[table]
        self.bindings: dict[str, Binding] = {}
        self.setObjectName(table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        layout.addWidget(self.grid_host)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(tr("添加一行(&A)"))
        self.add_button.setObjectName(f"{table}.add")
        self.add_button.setAccessibleName(tr("添加一行：{table}").format(table=self.spec.get(session.lang)))
        self.add_button.clicked.connect(self.add_row)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = MessageLabel()
        layout.addWidget(self.message)
        self.rebuild()

    def rebuild(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.hide()  # deleteLater alone leaves it painted (and findable) until the next loop
                old.setParent(None)
                old.deleteLater()
        self.bindings = {}
        lang = self.session.lang
        for col, (_, spec) in enumerate(self.columns, start=1):
            header = QLabel(spec.label(lang) + (" *" if spec.required else ""))
            header.setStyleSheet("font-weight: bold")
            header.setWordWrap(True)  # a long English heading takes two lines, not a sideways scroll bar
            self.grid.addWidget(header, 0, col)
        rows = self.session.rows(self.table)
        for row in range(rows):
            self.grid.addWidget(QLabel(str(row + 1)), row + 1, 0)
            for col, (pattern, spec) in enumerate(self.columns, start=1):
                path = pattern.replace("*", str(row), 1)
                binding = make_binding(path, spec, self.session.pack, lang, self.session.category, check_text=" ")
                binding.widget.setAccessibleName(tr("{label}（第{n}行）").format(label=spec.label(lang), n=row + 1))
                binding.load(self.session.get(path))
                binding.edited.connect(self.session.set)
                binding.left.connect(lambda _p: self.session.flush())
                self.bindings[path] = binding
                self.grid.addWidget(binding.container, row + 1, col)
                if spec.kind == "bool" and isinstance(binding.widget, QAbstractButton):  # a check box
                    binding.widget.setText("")
            remove = QToolButton()
            remove.setText(tr("删除"))
            remove.setObjectName(f"{self.table}.{row}.remove")
            remove.setAccessibleName(tr("删除第{n}行").format(n=row + 1))
            remove.clicked.connect(lambda _=False, r=row: self.remove_row(r))
            remove.setEnabled(rows > self.spec.min_rows)
            self.grid.addWidget(remove, row + 1, len(self.columns) + 1)
        for col in range(1, len(self.columns) + 1):
            self.grid.setColumnStretch(col, 0 if self.columns[col - 1][1].kind == "bool" else 1)
        self.add_button.setEnabled(rows < self.spec.max_rows)
        if self.grid_host.isVisible():  # show new cells now, so one can take the focus at once
            for index in range(self.grid.count()):
                cell = self.grid.itemAt(index)
                widget = cell.widget() if cell is not None else None
                if widget is not None:
                    widget.show()
        self.rebuilt.emit()

    def add_row(self) -> None:
        self.session.add_row(self.table)
        self.rebuild()
        row = self.session.rows(self.table) - 1
        first = self.bindings.get(self.columns[0][0].replace("*", str(row), 1))
        if first is not None:
            first.widget.setFocus()

    def remove_row(self, row: int) -> None:
        self.session.remove_row(self.table, row)  # data_reset rebuilds the page

    def show_issues(self) -> None:
        session = self.session
        lines: list[tuple[str, str]] = []
        for path, binding in self.bindings.items():
            issues = [i for i in session.issues_for(path) if not session.is_quiet(i)]
            worst = _worst(issues)
            binding.mark(worst, "\n".join(i.message for i in issues))
            row = int(path.split(".")[1]) + 1
            lines += [(i.severity, tr("第{n}行：").format(n=row) + i.message) for i in issues]
        lines += [(i.severity, i.message) for i in session.issues_for(self.table) if not session.is_quiet(i)]
        self.message.show_lines(lines)


def _worst(issues) -> str | None:
    if any(i.severity == "error" for i in issues):
        return "error"
    return "warning" if issues else None
