"""The desk's print queue: the chosen final applications in the table's order, their page count
and the paper they need (counted before anything is printed), then either every three-copy set
in one print job (each copy starts with its routing slip, as the print set has it) or one
print-set PDF per application written into a chosen folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from forms.errors import UserError
from forms.office import print_queue
from forms.pack import Pack

from .. import workers
from ..i18n import tr
from ..output_jobs import PRINT_DPI
from ..pdf_images import pages
from ..placement import resize_within
from ..services import Services
from ..widgets.editors import SEVERITY_COLOURS


def print_all_job(queue: print_queue.Plan, pack: Pack, printer):
    """Every set of ``queue`` onto ``printer`` as one job, one set in memory at a time; returns
    the number of pages sent."""

    def run(progress, cancel):
        dpi = min(PRINT_DPI, max(150, printer.resolution()))
        painter = QPainter()
        if not painter.begin(printer):
            raise UserError(
                "print.start",
                "无法启动打印机，请检查打印机设置。",
                "The printer could not be started; check its settings.",
            )
        sent, total = 0, queue.pages()
        try:
            for entry in queue.entries:
                if cancel():
                    break
                pdf = print_queue.print_set(entry.path, pack, include_attachments=queue.include_attachments)
                for _index, _count, image in pages(pdf, dpi, cancel):
                    if sent:
                        printer.newPage()
                    target = painter.viewport()
                    size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                    painter.drawImage(QRect(target.x(), target.y(), size.width(), size.height()), image)
                    sent += 1
                    progress(sent, total)
        finally:
            painter.end()
        return sent

    return run


class PrintQueueDialog(QDialog):
    """Not modal: the desk stays usable while the queue is counted or printed."""

    def __init__(
        self, paths: list[Path], pack: Pack, services: Services, lang: str, parent=None, *, flagged: Sequence[str] = ()
    ) -> None:
        """``flagged``: names of queued files the desk shows with an error or a cross-check
        problem (a final draft can still share its leader with another), said before printing."""
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("print_queue")
        self.setWindowTitle(tr("打印队列"))
        self.paths, self.pack, self.services, self.lang = list(paths), pack, services, lang
        self.plan: print_queue.Plan | None = None
        self.job: workers.Job | None = None
        self.written: list[Path] = []
        self.sent = 0
        column = QVBoxLayout(self)
        intro = QLabel(
            tr("按表格中的顺序打印。每份申请打印 {n} 套纸质材料，每套前附报送清单。").format(n=len(pack.copies))
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("print_queue.list")
        self.list.setAccessibleName(tr("打印顺序"))
        for number, path in enumerate(self.paths, start=1):
            self.list.addItem(QListWidgetItem(f"{number}. {path.name}"))
        column.addWidget(self.list, 1)
        options = QHBoxLayout()
        self.include_attachments = QCheckBox(tr("打印稿包含附件"))
        self.include_attachments.setObjectName("print_queue.attachments")
        self.include_attachments.toggled.connect(lambda _on: self.count())
        self.duplex = QCheckBox(tr("双面打印"))
        self.duplex.setObjectName("print_queue.duplex")
        self.duplex.setToolTip(tr("只影响用纸估算；双面与否请在打印对话框中设置"))
        self.duplex.toggled.connect(lambda _on: self._show_plan())
        options.addWidget(self.include_attachments)
        options.addWidget(self.duplex)
        options.addStretch(1)
        column.addLayout(options)
        self.estimate = QLabel()
        self.estimate.setObjectName("print_queue.estimate")
        self.estimate.setWordWrap(True)
        font = self.estimate.font()
        font.setBold(True)
        self.estimate.setFont(font)
        column.addWidget(self.estimate)
        self.skipped = QLabel()
        self.skipped.setObjectName("print_queue.skipped")
        self.skipped.setWordWrap(True)
        self.skipped.setStyleSheet(f"color: {SEVERITY_COLOURS['warning']}")
        self.skipped.hide()
        column.addWidget(self.skipped)
        self.flagged = QLabel(
            tr("注意：这些申请在表格中有错误或跨申请问题：{files}").format(files=tr("、").join(flagged))
        )
        self.flagged.setObjectName("print_queue.flagged")
        self.flagged.setWordWrap(True)
        self.flagged.setStyleSheet(f"color: {SEVERITY_COLOURS['error']}")
        self.flagged.setVisible(bool(flagged))
        column.addWidget(self.flagged)
        self.progress = QProgressBar()
        self.progress.setObjectName("print_queue.progress")
        column.addWidget(self.progress)
        self.result_label = QLabel()  # not `result`: that is QDialog.result()
        self.result_label.setObjectName("print_queue.result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.result_label)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(tr("全部打印(&P)…"))
        self.print_button.setObjectName("print_queue.print")
        self.print_button.clicked.connect(self.print_all)
        self.save_button = QPushButton(tr("每份保存为 PDF(&S)…"))
        self.save_button.setObjectName("print_queue.save")
        self.save_button.setToolTip(tr("不用打印机时：为每份申请在所选文件夹中保存一个打印稿 PDF，以项目名称命名"))
        self.save_button.clicked.connect(self.save_all)
        self.cancel_button = QPushButton(tr("停止"))
        self.cancel_button.setObjectName("print_queue.cancel")
        self.cancel_button.clicked.connect(self._cancel)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.close)
        for button in (self.print_button, self.save_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        column.addLayout(buttons)
        resize_within(self, QSize(620, 520))
        self.count()

    # -- the plan ---------------------------------------------------------------------------
    def count(self) -> workers.Job | None:
        """Build each set once on a worker to count its pages."""
        if self.job is not None:
            return None
        paths, pack, lang, attachments = self.paths, self.pack, self.lang, self.include_attachments.isChecked()
        self.plan = None
        self.estimate.setText(tr("正在计算页数…"))
        return self._start(
            lambda progress, cancel: print_queue.plan(
                paths, pack, include_attachments=attachments, lang=lang, progress=progress, cancel=cancel
            ),
            self._planned,
        )

    def _planned(self, plan: print_queue.Plan) -> None:
        self.plan = plan
        self._show_plan()

    def _show_plan(self) -> None:
        if self.plan is None:
            return
        self.estimate.setText(self.plan.summary(self.lang, duplex=self.duplex.isChecked()))
        left_out = [tr("{name}：{reason}").format(name=path.name, reason=reason) for path, reason in self.plan.skipped]
        self.skipped.setText(tr("不打印：") + "\n" + "\n".join(left_out) if left_out else "")
        self.skipped.setVisible(bool(left_out))
        printable = {entry.path for entry in self.plan.entries}
        for row, path in enumerate(self.paths):
            item = self.list.item(row)
            entry = next((e for e in self.plan.entries if e.path == path), None)
            item.setText(
                tr("{number}. {project}（{file}，{pages} 页）").format(
                    number=row + 1, project=entry.project, file=path.name, pages=entry.pages
                )
                if entry
                else tr("{number}. {file}（不打印）").format(number=row + 1, file=path.name)
            )
            if path not in printable:
                item.setForeground(Qt.GlobalColor.darkGray)

    # -- printing or saving -----------------------------------------------------------------
    def print_all(self) -> workers.Job | None:
        if self.job is not None or self.plan is None or not self.plan.entries:
            return None
        printer = self._prompter().printer(copies=1)  # the set already holds every copy
        if printer is None:
            return None
        self.result_label.setText(tr("正在打印…"))
        return self._start(print_all_job(self.plan, self.pack, printer), self._printed)

    def _printed(self, sent: int) -> None:
        self.sent = sent
        self.result_label.setText(tr("已发送到打印机：{n} 页。").format(n=sent))

    def save_all(self) -> workers.Job | None:
        if self.job is not None or self.plan is None or not self.plan.entries:
            return None
        folder = self._prompter().choose_folder(tr("打印稿保存到文件夹"), self.paths[0].parent)
        if folder is None:
            return None
        plan, pack = self.plan, self.pack
        self.result_label.setText(tr("正在保存打印稿…"))
        return self._start(
            lambda progress, cancel: print_queue.write_sets(plan, pack, Path(folder), progress=progress, cancel=cancel),
            self._saved,
        )

    def _saved(self, result) -> None:
        self.written, notes = result
        lines = [tr("已保存 {n} 个打印稿：").format(n=len(self.written))] + [str(path) for path in self.written]
        lines += [note.get(self.lang) for note in notes]
        self.result_label.setText("\n".join(lines))

    def _prompter(self):
        self.services.prompter.window = self  # the desk's own prompter (DeskWindow.prompter takes it back)
        return self.services.prompter

    # -- the worker -------------------------------------------------------------------------
    def _start(self, fn, done) -> workers.Job:
        self.job = workers.start(fn)
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(done)
        self.job.failed.connect(self._failed)
        self.job.ended.connect(self._ended)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._buttons()
        return self.job

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, exc) -> None:
        message = exc.message(self.lang) if isinstance(exc, UserError) else tr("意外错误：{error}").format(error=exc)
        self.result_label.setText(message)
        self.result_label.setStyleSheet(f"color: {SEVERITY_COLOURS['error']}")

    def _ended(self) -> None:
        self.job = None
        self.progress.hide()  # looked at: a full bar left at 100 % read as if something had been printed
        self._buttons()

    def _buttons(self) -> None:
        busy = self.job is not None
        ready = not busy and self.plan is not None and bool(self.plan.entries)
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        self.cancel_button.setEnabled(busy)
        self.include_attachments.setEnabled(not busy)

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def closeEvent(self, event) -> None:
        self._cancel()
        super().closeEvent(event)
