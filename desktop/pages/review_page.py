"""Every issue of the application, errors first; activating one jumps to its field. Marking the
application final needs zero errors (warnings never block)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.errors import UserError

from ..i18n import kind_labels, tr
from ..steps import ATTACHMENTS, REVIEW, StepMap
from ..widgets.editors import SEVERITY_COLOURS
from .field_page import page_title


class ReviewPage(QWidget):
    """The checklist before output.

    Signals:
        jump(str): go to the field with this dotted path ("" = the application as a whole)
    """

    jump = Signal(str)
    key = REVIEW

    def __init__(self, session, step_map: StepMap, step_titles: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.step_map = step_map
        self.step_titles = step_titles
        self.setObjectName("step.review")
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(tr("检查")))
        self.summary = QLabel()
        self.summary.setObjectName("review.summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setObjectName("review.issues")
        self.tree.setAccessibleName(tr("问题列表"))
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([tr("级别"), tr("步骤"), tr("字段"), tr("说明")])
        self.tree.setWordWrap(True)
        header = self.tree.header()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        layout.addWidget(self.tree, 1)
        self.detail = QLabel()
        self.detail.setObjectName("review.detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree.currentItemChanged.connect(
            lambda item, _old: self.detail.setText(item.text(3) if item is not None else "")
        )
        layout.addWidget(self.detail)
        row = QHBoxLayout()
        self.final_label = QLabel()
        self.final_label.setObjectName("review.final_state")
        row.addWidget(self.final_label, 1)
        self.final_button = QPushButton()
        self.final_button.setObjectName("review.finalise")
        self.final_button.clicked.connect(self._finalise)
        row.addWidget(self.final_button)
        layout.addLayout(row)
        session.issues_changed.connect(self.refresh)
        session.final_changed.connect(self.refresh)  # bound: dropped with the page
        self.refresh()

    def refresh(self) -> None:
        session = self.session
        issues = sorted(session.issues, key=lambda i: (i.severity != "error", self._order(i.field)))
        self.tree.clear()
        self.detail.clear()
        style = self.style()
        icons = {
            "error": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            "warning": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
        }
        for issue in issues:
            step = self.step_map.step_of(issue.field)
            item = QTreeWidgetItem(
                [
                    tr("错误") if issue.severity == "error" else tr("警告"),
                    self.step_titles.get(step, ""),
                    self._field_label(issue.field),
                    issue.message,
                ]
            )
            item.setIcon(0, icons[issue.severity])
            item.setForeground(0, _brush(SEVERITY_COLOURS[issue.severity]))
            item.setData(0, Qt.ItemDataRole.UserRole, issue.field)
            item.setToolTip(3, issue.message)
            self.tree.addTopLevelItem(item)
        errors = len(session.errors())
        warnings = len(issues) - errors
        if not issues:
            self.summary.setText(tr("没有发现问题，可以定稿。"))
        else:
            self.summary.setText(
                tr(
                    "{errors} 个错误，{warnings} 个警告。错误须全部改正后才能定稿；警告不影响定稿。点击一项可转到该字段。"
                ).format(errors=errors, warnings=warnings)
            )
        self.final_label.setStyleSheet("")
        self.final_button.setText(tr("定稿(&D)"))
        if session.final:
            # One way back: the banner's 解除定稿, which asks for a reason.
            self.final_label.setText(tr("已定稿。要修改，请点击窗口顶部的“解除定稿”。"))
            self.final_button.setEnabled(False)
        else:
            self.final_label.setText(
                tr("尚未定稿。") if not errors else tr("还有 {n} 个错误，暂不能定稿。").format(n=errors)
            )
            self.final_button.setEnabled(errors == 0 and session.editable)

    def _order(self, field: str) -> int:
        keys = list(self.step_titles)
        step = self.step_map.step_of(field)
        return keys.index(step) if step in keys else len(keys)

    def _field_label(self, field: str) -> str:
        if not field:
            return tr("整个申请")
        spec = self.session.spec(field)
        if spec is not None:
            label = spec.label(self.session.lang)
            parts = field.split(".")
            if len(parts) > 2 and parts[1].isdigit():
                label = tr("{label}（第{n}行）").format(label=label, n=int(parts[1]) + 1)
            return label
        parts = field.split(".")
        if parts[0] == ATTACHMENTS and len(parts) == 2 and parts[1] in kind_labels():
            return tr("附件：{kind}").format(kind=kind_labels()[parts[1]])  # a required upload
        table = self.session.pack.tables.get(field)
        if table is not None:
            return table.get(self.session.lang)
        return field

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.jump.emit(item.data(0, Qt.ItemDataRole.UserRole))

    def _finalise(self) -> None:
        try:
            self.session.finalise()
        except UserError as exc:  # errors appeared meanwhile, or the disk refused: said here, not in a box
            self.refresh()
            self.final_label.setText(exc.message(self.session.lang))
            self.final_label.setStyleSheet(f"color: {SEVERITY_COLOURS['error']}")
            return
        self.refresh()


def _brush(colour: str):
    from PySide6.QtGui import QBrush, QColor

    return QBrush(QColor(colour))
