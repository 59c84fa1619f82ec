"""合并返回的文件: every difference between our draft and the returned copy side by side (field
label, ours, theirs; attachments added / removed / changed), conflicts highlighted, a choice per
row. The dialog only collects choices; the merge itself is one call made by the main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import placement
from ..i18n import N_, tr

CONFLICT_BACKGROUND = "#fde2e1"
CHANGES = {"added": N_("对方新增"), "removed": N_("对方删除"), "changed": N_("对方更改")}
TAKE, LABEL, OURS, THEIRS = range(4)


def show_value(value: Any) -> str:
    if value is None or value == "":
        return tr("（空）")
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    return str(value)


def show_attachment(info: Any) -> str:
    if info is None:
        return tr("（无）")
    pages = getattr(info, "pages", None)
    text = f"{getattr(info, 'title', '')} [{getattr(info, 'kind', '')}]"
    return text + (tr("，{pages} 页").format(pages=pages) if pages else "")


def _text(label: Any) -> str:
    """A label given as pack Text or as a plain string."""
    if hasattr(label, "get") and not isinstance(label, dict):
        from .. import i18n

        return label.get(i18n.lang())
    return str(label or "")


def _theirs_changed(row: Any) -> bool:
    """forms says whether their side changed since the hand-off; without that, compare to the base."""
    if hasattr(row, "theirs_changed"):
        return bool(row.theirs_changed)
    return getattr(row, "base", object()) != row.theirs


def attachment_key(row: Any) -> str:
    """The choice key forms' merge reads: ``attachment:<sha256>`` of the file the row is about."""
    if isinstance(getattr(row, "key", None), str):
        return row.key
    info = row.theirs if row.theirs is not None else row.ours
    return f"attachment:{info.sha256}"


class MergeDialog(QDialog):
    """Signals:
    merge_requested(dict): choices (field path or ``attachment:<sha256>`` → "theirs"/"ours")
    """

    merge_requested = Signal(dict)

    def __init__(
        self, diff: Any, returned_name: str, parent: QWidget | None = None, label_of=None, in_role=None
    ) -> None:
        """``label_of(path)``: the field's label in the UI language; ``in_role(path_or_kinds)``:
        whether the returned copy's role fills it (a change outside the role is not taken unless
        the user ticks it)."""
        super().__init__(parent)
        self.setObjectName("merge")
        self.setWindowTitle(tr("合并返回的文件"))
        placement.resize_within(self, QSize(900, 520))  # 150 % scaling on 1366×768: 911×485
        self.keys: list[str] = []
        self.conflicts: list[str] = []
        column = QVBoxLayout(self)
        conflicts = sum(1 for f in diff.fields if f.conflict) + sum(1 for a in diff.attachments if a.conflict)
        rows = len(diff.fields) + len(diff.attachments)
        summary = QLabel(
            tr(
                "“{name}”与您的草稿有 {rows} 处不同，其中 {conflicts} 处冲突（交出后双方都改过，红色）。"
                "勾选的行采用对方的内容，不勾选的保留我方。"
            ).format(name=returned_name, rows=rows, conflicts=conflicts)
        )
        summary.setObjectName("merge.summary")
        summary.setWordWrap(True)
        column.addWidget(summary)

        self.table = QTableWidget(rows, 4)
        self.table.setObjectName("merge.table")
        self.table.setAccessibleName(tr("差异列表"))
        self.table.setHorizontalHeaderLabels([tr("采用对方"), tr("项目"), tr("我方"), tr("对方")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TAKE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(OURS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(THEIRS, QHeaderView.ResizeMode.Stretch)
        row = 0
        # Conflicts first: they are what the user must decide.
        for field in sorted(diff.fields, key=lambda f: not f.conflict):
            label = (label_of(field.path) if label_of else None) or _text(field.label) or field.path
            self._add_row(
                row,
                field.path,
                label,
                show_value(field.ours),
                show_value(field.theirs),
                field.conflict,
                base=show_value(field.base) if field.conflict else None,
                theirs_changed=_theirs_changed(field) and (in_role is None or in_role(field.path)),
            )
            row += 1
        for attachment in sorted(diff.attachments, key=lambda a: not a.conflict):
            change = tr(CHANGES.get(attachment.change, attachment.change))
            kinds = [a.kind for a in (attachment.ours, attachment.theirs) if a is not None]
            self._add_row(
                row,
                attachment_key(attachment),
                tr("附件（{change}）").format(change=change),
                show_attachment(attachment.ours),
                show_attachment(attachment.theirs),
                attachment.conflict,
                theirs_changed=_theirs_changed(attachment) and (in_role is None or in_role(kinds)),
            )
            row += 1
        self.table.resizeRowsToContents()
        column.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.all_theirs = QPushButton(tr("全部采用对方(&T)"))
        self.all_theirs.setObjectName("merge.all_theirs")
        self.all_theirs.clicked.connect(lambda: self.take_all(True))
        self.all_ours = QPushButton(tr("全部保留我方(&K)"))
        self.all_ours.setObjectName("merge.all_ours")
        self.all_ours.clicked.connect(lambda: self.take_all(False))
        self.merge_button = QPushButton(tr("合并(&M)"))
        self.merge_button.setObjectName("merge.merge")
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self._merge)
        cancel = QPushButton(tr("取消"))
        cancel.setObjectName("merge.cancel")
        cancel.clicked.connect(self.reject)
        for button in (self.all_theirs, self.all_ours):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(cancel)
        column.addLayout(buttons)

    def _add_row(
        self,
        row: int,
        key: str,
        label: str,
        ours: str,
        theirs: str,
        conflict: bool,
        base: str | None = None,
        theirs_changed: bool = True,
    ) -> None:
        take = QTableWidgetItem()
        take.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        # A change made only on their side is what the hand-off was for: taken unless unticked.
        # A conflict, or a change made only on our side, keeps ours until the user decides.
        take.setCheckState(Qt.CheckState.Checked if theirs_changed and not conflict else Qt.CheckState.Unchecked)
        take.setData(Qt.ItemDataRole.UserRole, key)
        take.setData(Qt.ItemDataRole.AccessibleTextRole, tr("采用对方：{label}").format(label=label))
        self.table.setItem(row, TAKE, take)
        name = QTableWidgetItem(tr("{label}（冲突）").format(label=label) if conflict else label)
        self.table.setItem(row, LABEL, name)
        ours_item = QTableWidgetItem(ours)
        theirs_item = QTableWidgetItem(theirs)
        if base is not None:
            tip = tr("交出时：{base}").format(base=base)
            ours_item.setToolTip(tip)
            theirs_item.setToolTip(tip)
        self.table.setItem(row, OURS, ours_item)
        self.table.setItem(row, THEIRS, theirs_item)
        if conflict:
            for column in range(4):
                self._item(row, column).setBackground(QBrush(QColor(CONFLICT_BACKGROUND)))
            self.conflicts.append(key)
        self.keys.append(key)

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # every cell of a row is set when the row is added
        return item

    def row_of(self, key: str) -> int:
        return self.keys.index(key)

    def set_take(self, key: str, theirs: bool) -> None:
        state = Qt.CheckState.Checked if theirs else Qt.CheckState.Unchecked
        self._item(self.row_of(key), TAKE).setCheckState(state)

    def take_all(self, theirs: bool) -> None:
        for key in self.keys:
            self.set_take(key, theirs)

    def choices(self) -> dict[str, str]:
        return {
            key: "theirs" if self._item(row, TAKE).checkState() == Qt.CheckState.Checked else "ours"
            for row, key in enumerate(self.keys)
        }

    def _merge(self) -> None:
        self.merge_requested.emit(self.choices())
        self.accept()
