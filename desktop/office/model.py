"""The desk's table: one row per file of the folder (forms.office.batch.Row), sorted by the
value a column means (amounts as numbers, the last change as a time) and filtered by text and
state. Rows come from forms; nothing here decides whether an application is right."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ..i18n import N_, tr
from ..widgets.editors import SEVERITY_COLOURS

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

# (key, heading): the columns the issue names, in the order an office reads them
COLUMNS: tuple[tuple[str, str], ...] = (
    ("file", N_("文件")),
    ("category", N_("类别")),
    ("project", N_("项目名称")),
    ("leader", N_("项目负责人")),
    ("university", N_("申报单位")),
    ("enterprise", N_("合作企业")),
    ("city", N_("所在市")),
    ("contract", N_("合同金额（万元）")),
    ("paid", N_("到账金额（万元）")),
    ("errors", N_("错误")),
    ("warnings", N_("警告")),
    ("final", N_("定稿")),
    ("seal", N_("封存核验")),
    ("attachments", N_("附件齐全")),
    ("modified", N_("最后修改")),
)
KEYS = [key for key, _ in COLUMNS]
SEAL_TEXT = {"verified": N_("✔ 一致"), "mismatch": N_("✖ 不一致"), "none": N_("无打包文件"), "unchecked": N_("未核验")}
# (key, label) of the state filter
STATES: tuple[tuple[str, str], ...] = (
    ("all", N_("全部")),
    ("issues", N_("有问题的")),
    ("final", N_("已定稿")),
    ("not_final", N_("未定稿")),
)


def has_issues(row: Any) -> bool:
    return (not row.usable) or row.errors > 0 or bool(row.cross)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _when(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


class RowsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section][1])
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, key = self.rows[index.row()], KEYS[index.column()]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, key)
        if role == SORT_ROLE:
            return self.sort_key(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if not row.usable:
                return row.reason
            if key == "file":
                return str(row.path)
            if key in ("errors", "warnings") and row.issues:
                wanted = "error" if key == "errors" else "warning"
                return "\n".join(i.message for i in row.issues if str(i.severity) == wanted) or None
            return self.text(row, key) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.usable and key == "project":
                return QBrush(QColor(SEVERITY_COLOURS["error"]))
            if key == "errors" and row.errors:
                return QBrush(QColor(SEVERITY_COLOURS["error"]))
            if key == "warnings" and row.warnings:
                return QBrush(QColor(SEVERITY_COLOURS["warning"]))
            if key == "seal" and row.seal == "mismatch":
                return QBrush(QColor(SEVERITY_COLOURS["error"]))
            if key == "file" and row.cross:
                return QBrush(QColor(SEVERITY_COLOURS["error"]))
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("contract", "paid", "errors", "warnings"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def text(row: Any, key: str) -> str:
        if key == "file":
            return row.file
        if key == "modified":
            return _when(row.modified)
        if not row.usable:
            return (tr("无法读取：{reason}").format(reason=row.reason or "")) if key == "project" else ""
        if key == "category":
            return row.category_label or row.category or ""
        if key in ("project", "leader", "university", "enterprise", "city"):
            return getattr(row, key) or ""
        if key == "contract":
            return _amount(row.contract_wan)
        if key == "paid":
            return _amount(row.paid_wan)
        if key in ("errors", "warnings"):
            return str(getattr(row, key))
        if key == "final":
            return tr("✔ 已定稿") if row.final else tr("未定稿")
        if key == "seal":
            return tr(SEAL_TEXT.get(row.seal, row.seal))
        if key == "attachments":
            return tr("✔ 齐全") if row.attachments_complete else tr("✖ 不齐")
        return ""

    @staticmethod
    def sort_key(row: Any, key: str):
        """Comparable within a column; an unreadable file sorts after every readable one."""
        if key == "modified":
            return row.modified.timestamp()
        if key == "file":
            return row.file.casefold()
        if not row.usable:
            return None
        if key in ("contract", "paid"):
            value = row.contract_wan if key == "contract" else row.paid_wan
            return None if value is None else float(value)
        if key in ("errors", "warnings"):
            return getattr(row, key)
        if key == "final":
            return int(row.final)
        if key == "attachments":
            return int(row.attachments_complete)
        return RowsModel.text(row, key).casefold()


class RowsFilter(QSortFilterProxyModel):
    """Text (any column, case-insensitive) and state (all / with issues / final / not final)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.state = "all"
        self.needle = ""
        self.setSortRole(SORT_ROLE)

    def set_state(self, state: str) -> None:
        self.beginFilterChange()  # Qt 6.9+: invalidateFilter() is deprecated
        self.state = state
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model: RowsModel = self.sourceModel()  # type: ignore[assignment]
        row = model.rows[source_row]
        if self.state == "issues" and not has_issues(row):
            return False
        if self.state == "final" and not (row.usable and row.final):
            return False
        if self.state == "not_final" and (row.usable and row.final):
            return False
        if not self.needle:
            return True
        return any(self.needle in RowsModel.text(row, key).casefold() for key in KEYS)

    def lessThan(self, left, right) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            # unreadable last whichever way the column is sorted
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            return (a is not None) != descending if (a is None) != (b is None) else False
        return a < b

    def row_at(self, proxy_row: int):
        return self.data(self.index(proxy_row, 0), ROW_ROLE)
