"""The research office's desk (科研管理部门): a folder of drafts and packages as one table, the
checks across applications (one per leader G5, one per enterprise G6), and the print queue.

The scan (forms.office.batch.scan_folder) runs on a worker with progress and can be cancelled;
it opens nothing for writing. A file changes only when the user opens it for editing, which
happens in the normal window (``make_window``), exactly as opening it from the start page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forms.errors import UserError
from forms.pack import Pack

from .. import i18n, workers
from ..i18n import tr
from ..pack_install import current_pack
from ..placement import fitted, screen_for
from ..services import Services
from ..widgets.editors import SEVERITY_COLOURS
from .model import KEYS, STATES, RowsFilter, RowsModel, has_issues

if TYPE_CHECKING:
    from .print_dialog import PrintQueueDialog

WIDTH_CAPS = {"file": 10, "category": 8, "project": 13, "university": 8, "enterprise": 10, "city": 4}  # in 国 widths
Scan = Callable[..., Any]  # scan_folder(folder, pack, lang, *, progress, cancel) -> Batch


def own_services(services: Services) -> Services:
    """Services for another top-level window: its own prompter (a prompter's dialogs are parented
    to one window, which may be closed while the other stays), the same password store."""
    return Services(prompter=type(services.prompter)(), secrets=services.secrets)


def default_scan(folder: Path, pack: Pack, lang: str, *, progress, cancel):
    from forms.office.batch import scan_folder

    return scan_folder(folder, pack, lang, progress=progress, cancel=cancel)


class DeskWindow(QMainWindow):
    def __init__(
        self,
        folder: Path,
        services: Services | None = None,
        lang: str = "zh",
        *,
        pack: Pack | None = None,
        scan: Scan = default_scan,
    ) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.folder = Path(folder)
        self.services = services or Services()
        self.services.prompter.window = self
        self.lang = lang
        # without one given, the pack of `cxy-apply --office DIR --pack ID|DIR` (else the default)
        self.pack = pack or current_pack()
        self.scan = scan
        self.batch = None
        self.job: workers.Job | None = None
        self.opened: list[QWidget] = []  # editing windows opened from here (Qt does not keep them)
        self.queue_dialog: PrintQueueDialog | None = None
        self.stale = False  # a draft opened from here changed since the last reading
        self.setObjectName("desk")
        self.setWindowTitle(tr("科研管理部门：{folder}").format(folder=self.folder.name or str(self.folder)))

        central = QWidget()
        column = QVBoxLayout(central)
        top = QHBoxLayout()
        self.folder_label = QLabel(str(self.folder))
        self.folder_label.setObjectName("desk.folder")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.folder_label, 1)
        self.refresh_button = QPushButton(tr("刷新(&R)"))
        self.refresh_button.setObjectName("desk.refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.cancel_button = QPushButton(tr("停止"))
        self.cancel_button.setObjectName("desk.cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setObjectName("desk.progress")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.refresh_button)
        column.addLayout(top)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("desk.search")
        self.search.setPlaceholderText(tr("筛选：项目、负责人、单位、企业、城市…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(tr("筛选"))
        filters.addWidget(self.search, 1)
        self.state = QComboBox()
        self.state.setObjectName("desk.state")
        self.state.setAccessibleName(tr("显示"))
        for key, label in STATES:
            self.state.addItem(tr(label), key)
        filters.addWidget(self.state)
        self.print_button = QPushButton(tr("打印队列(&P)…"))
        self.print_button.setObjectName("desk.print")
        self.print_button.setToolTip(tr("打印所选已定稿申请的纸质材料，或为每份申请保存打印稿 PDF"))
        self.print_button.clicked.connect(self.open_print_queue)
        filters.addWidget(self.print_button)
        self.export_button = QPushButton(tr("导出汇总表(&E)…"))
        self.export_button.setObjectName("desk.export")
        self.export_button.setToolTip(tr("把全部行导出为 Excel 表格（.xlsx）或 CSV，供上报汇总"))
        self.export_button.clicked.connect(self.export_sheet)
        filters.addWidget(self.export_button)
        column.addLayout(filters)

        self.model = RowsModel(self)
        self.proxy = RowsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search.textChanged.connect(self._filter_changed)
        self.state.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.table = QTableView()
        self.table.setObjectName("desk.table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the folder's order until a header is clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.table.activated.connect(
            self._activated
        )  # a double click, or Enter (and a single click where the platform opens on one)

        side = QWidget()
        side_column = QVBoxLayout(side)
        side_column.setContentsMargins(0, 0, 0, 0)
        self.cross_title = QLabel(tr("跨申请检查（同一负责人、同一企业只能申报一项）"))
        self.cross_title.setWordWrap(True)
        side_column.addWidget(self.cross_title)
        self.cross = QListWidget()
        self.cross.setObjectName("desk.cross")
        self.cross.setAccessibleName(tr("跨申请检查"))
        self.cross.setWordWrap(True)
        self.cross.itemActivated.connect(self._cross_activated)
        side_column.addWidget(self.cross, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 130])  # looked at: the panel took a third of a 728 px screen for a few lines
        column.addWidget(splitter, 1)
        self.summary = QLabel()
        self.summary.setObjectName("desk.summary")
        self.summary.setWordWrap(True)
        column.addWidget(self.summary)
        self.setCentralWidget(central)
        screen = screen_for()
        if screen is not None:
            self.setGeometry(fitted(screen.availableGeometry(), QSize(640, 420), preferred=QSize(1280, 760)))

    # -- scanning ---------------------------------------------------------------------------
    def refresh(self) -> workers.Job | None:
        """Scan the folder again on a worker; the table keeps its rows until the new ones come."""
        if self.job is not None:
            return self.job
        folder, pack, lang, scan = self.folder, self.pack, self.lang, self.scan
        self.job = workers.start(lambda progress, cancel: scan(folder, pack, lang, progress=progress, cancel=cancel))
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(self._scanned)
        self.job.failed.connect(self._failed)
        self.job.ended.connect(self._ended)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.refresh_button.setEnabled(False)
        self.summary.setText(tr("正在读取文件夹…"))
        return self.job

    def _draft_changed(self, *_: object) -> None:
        self.stale = True
        self._refresh_if_stale()

    def _refresh_if_stale(self) -> None:
        """Read the folder again once the desk is in front and no reading runs."""
        if self.stale and self.job is None and self.isActiveWindow():
            self.stale = False
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange:
            self._refresh_if_stale()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total}")

    def _scanned(self, batch) -> None:
        self.batch = batch
        self.model.set_rows(batch.rows)
        self.table.resizeColumnsToContents()
        # Looked at with 30 applications on 1366 px: uncapped, the long category and project
        # names pushed final / seal / attachments / last change off the screen. The full text
        # is in each cell's tooltip.
        em = self.fontMetrics().horizontalAdvance("国")
        for column, key in enumerate(KEYS):
            cap = WIDTH_CAPS.get(key, 18) * em
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))
        self._fill_cross()
        self._summarise()

    def _failed(self, exc) -> None:
        if isinstance(exc, UserError) and exc.code == "batch.cancelled":
            self._summarise()  # the rows of the last complete reading stay
            if self.batch is None:
                self.summary.setText(exc.message(self.lang))
            return
        message = exc.message(self.lang) if isinstance(exc, UserError) else tr("意外错误：{error}").format(error=exc)
        self.summary.setText(tr("无法读取文件夹：{message}").format(message=message))
        self.summary.setStyleSheet(f"color: {SEVERITY_COLOURS['error']}")

    def _ended(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.refresh_button.setEnabled(True)
        self._refresh_if_stale()  # a draft changed while this reading ran

    def _fill_cross(self) -> None:
        self.cross.clear()
        for row in self.model.rows:
            for issue in row.cross:
                item = QListWidgetItem(tr("{file}：{message}").format(file=row.file, message=issue.message))
                item.setData(Qt.ItemDataRole.UserRole, str(row.path))
                item.setToolTip(str(row.path))
                item.setForeground(Qt.GlobalColor.darkRed)
                self.cross.addItem(item)
        if not self.cross.count():
            item = QListWidgetItem(tr("没有发现同一负责人或同一企业的重复申报。"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.cross.addItem(item)

    def _summarise(self) -> None:
        rows = self.model.rows
        usable = [r for r in rows if r.usable]
        self.summary.setStyleSheet("")
        self.summary.setText(
            tr("共 {n} 个文件：{ok} 份可申报，{issues} 份有问题，{final} 份已定稿，{bad} 个无法读取。").format(
                n=len(rows),
                ok=sum(1 for r in rows if not has_issues(r)),
                issues=sum(1 for r in rows if has_issues(r)),
                final=sum(1 for r in usable if r.final),
                bad=len(rows) - len(usable),
            )
        )

    def _filter_changed(self) -> None:
        self.proxy.set_text(self.search.text())
        self.proxy.set_state(self.state.currentData())

    # -- rows -------------------------------------------------------------------------------
    def visible_rows(self) -> list[Any]:
        """The rows shown, in the table's order."""
        return [self.proxy.row_at(r) for r in range(self.proxy.rowCount())]

    def selected_rows(self) -> list[Any]:
        """The selected rows in the table's order (not the order they were clicked)."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.proxy.row_at(r) for r in rows]

    def _activated(self, index: QModelIndex) -> None:
        row = self.proxy.row_at(index.row())
        if row is not None:
            self.open_row(row)

    def _cross_activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        for proxy_row in range(self.proxy.rowCount()):
            if str(self.proxy.row_at(proxy_row).path) == path:
                self.table.selectRow(proxy_row)
                self.table.scrollTo(self.proxy.index(proxy_row, 0))
                return

    def open_row(self, row) -> QWidget | None:
        """Open the application for editing in the normal window (only now may its file
        change). A package is a finished PDF: its draft is what can be edited."""
        path = Path(row.path)
        if row.source == "package":
            self.statusBar().showMessage(
                tr("“{name}”是打包文件，不能编辑；请打开对应的草稿。").format(name=row.file), 10000
            )
            return None
        if not row.usable:
            self.statusBar().showMessage(
                tr("无法打开“{name}”：{reason}").format(name=row.file, reason=row.reason or ""), 10000
            )
            return None
        from ..factory import make_window

        # the program's language now (an editing window may have switched it), not the desk's
        window = make_window(path, i18n.lang(), own_services(self.services))
        if window.session is not None:  # what is done there (定稿 above all) shows here on return
            window.session.committed.connect(self._draft_changed)
            window.session.final_changed.connect(self._draft_changed)
        self.opened = [w for w in self.opened if w.isVisible()] + [window]
        window.show()
        window.bring_forward()
        return window

    def prompter(self):
        """The desk's prompter, its dialogs parented here (the print queue borrows it)."""
        self.services.prompter.window = self
        return self.services.prompter

    # -- summary table ----------------------------------------------------------------------
    def export_sheet(self) -> Path | None:
        """Every row (not only the filtered ones: the office reports the whole folder) as .xlsx,
        or CSV when the chosen name ends in .csv; forms checks the name is not an input."""
        if self.batch is None:
            return None
        from forms.office.sheet import write_csv, write_xlsx

        path = self.prompter().save_file(
            tr("导出汇总表"), self.folder / tr("申报汇总表.xlsx"), tr("Excel 表格 (*.xlsx);;CSV (*.csv)")
        )
        if path is None:
            return None
        path = Path(path)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + ".xlsx")
        try:
            (write_csv if path.suffix.lower() == ".csv" else write_xlsx)(self.batch, path, self.lang)
        except UserError as exc:
            self.prompter().error(tr("无法导出汇总表"), exc.message(self.lang))
            return None
        self.statusBar().showMessage(tr("已导出汇总表：{path}").format(path=path), 10000)
        return path

    # -- print queue ------------------------------------------------------------------------
    def open_print_queue(self):
        from .print_dialog import PrintQueueDialog

        rows = [
            r for r in (self.selected_rows() or self.visible_rows()) if r.usable and r.final and r.source == "draft"
        ]
        if not rows:
            self.prompter().info(tr("打印队列"), tr("请先在表格中选择已定稿的申请（草稿）。"))
            return None
        if self.queue_dialog is not None:
            self.queue_dialog.close()
        self.queue_dialog = PrintQueueDialog(
            [Path(r.path) for r in rows],
            self.pack,
            self.services,
            self.lang,
            self,
            flagged=[r.file for r in rows if has_issues(r)],
        )
        self.queue_dialog.show()
        return self.queue_dialog

    def closeEvent(self, event) -> None:
        self.cancel()
        super().closeEvent(event)


_desks: list[DeskWindow] = []  # open desks; Qt does not keep a window without a parent alive


def open_desk(folder: Path, services: Services | None = None, lang: str = "zh", **kwargs) -> DeskWindow:
    """A shown desk on ``folder``, scanning."""
    window = DeskWindow(folder, services, lang, **kwargs)
    _desks.append(window)
    window.destroyed.connect(lambda *_: _desks.remove(window) if window in _desks else None)
    window.show()
    window.refresh()
    return window
