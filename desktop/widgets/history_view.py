"""变更记录: the draft's history, newest first — when, which role, which field, old → new, note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import placement, roles
from ..i18n import N_, tr
from ..pages.merge_dialog import show_value

WHEN, ROLE, FIELD, CHANGE, NOTE = range(5)
# What forms records besides a field's change; an action not listed shows as recorded.
ACTIONS = {
    "handoff": N_("交出填写"),
    "merge": N_("合并返回的文件"),
    "finalise": N_("定稿"),
    "unfinalise": N_("解除定稿"),
}


def show_time(at: Any) -> str:
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return at
    if isinstance(at, datetime):
        return at.astimezone().strftime("%Y-%m-%d %H:%M")
    return str(at or "")


def field_label(session: Any, path: str | None) -> str:
    if not path:
        return ""
    if path.startswith("attachment:"):  # forms keys an attachment by its digest
        return tr("附件")
    spec = session.spec(path)
    return spec.label(session.lang) if spec is not None else path


def action_text(action: Any) -> str:
    return tr(ACTIONS[action]) if action in ACTIONS else str(action or "")


class HistoryDialog(QDialog):
    def __init__(self, session: Any, entries: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        self.setWindowTitle(tr("变更记录"))
        placement.resize_within(self, QSize(860, 460))  # 150 % scaling on 1366×768: 911×485
        column = QVBoxLayout(self)
        if not entries:
            empty = QLabel(tr("还没有变更记录。交给他人填写、合并返回的文件和解除定稿都会记在这里。"))
            empty.setObjectName("history.empty")
            empty.setWordWrap(True)
            column.addWidget(empty)
        entries = list(reversed(entries))  # forms keeps them in the order they happened: newest first
        self.table = QTableWidget(len(entries), 5)
        self.table.setObjectName("history.table")
        self.table.setAccessibleName(tr("变更记录"))
        self.table.setHorizontalHeaderLabels([tr("时间"), tr("角色"), tr("项目"), tr("原值 → 新值"), tr("备注")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for col in (WHEN, ROLE, FIELD):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CHANGE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        for row, entry in enumerate(entries):
            role = roles.role_of(session.pack, entry.role)
            change = f"{show_value(entry.old)} → {show_value(entry.new)}" if entry.path else ""
            cells = (
                show_time(entry.at),
                roles.label(role, session.lang) if role else (entry.role or ""),
                field_label(session, entry.path) or action_text(entry.action),
                change,
                entry.note or "",
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        column.addWidget(self.table, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        column.addWidget(close)
