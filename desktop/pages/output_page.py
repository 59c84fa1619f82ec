"""Output: a preview of the package, saving it, the print set, printing, JSON export and the
portal's upload files. Every build runs on a worker. (The portal password is on the 网上填报 step.)"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.errors import UserError
from forms.outputs import check_output
from forms.text import Text

from .. import workers
from ..failures import user_text
from ..i18n import tr
from ..output_jobs import (
    BuildInputs,
    build_inputs,
    note_lines,
    package_job,
    print_job,
    print_set_job,
    save_package_job,
    write_output,
)
from ..steps import OUTPUT
from ..widgets.editors import SEVERITY_COLOURS
from ..widgets.scrolling import scroll_box
from .field_page import page_title

PDF_FILTER = "PDF (*.pdf)"
PROGRESS_AFTER_MS = 500  # work shorter than this shows no progress window


def upload_files_job(data, attachments, pack, final: bool, folder: Path, inputs: list[Path], fix: bool):
    """The upload files as ``cxy upload-files [--fix]`` writes them, for desktop.workers: returns
    (files written, notes, slots over their limit: forms.package.uploads.SlotOver)."""

    def run(progress, cancel):
        from forms.package import upload_files

        notes: list = []
        over: list = []
        files = upload_files(
            data,
            attachments,
            pack,
            folder,
            inputs=list(inputs),
            notes=notes,
            final=final,
            fix=fix,
            over=over,
            progress=progress,
            cancel=cancel,
        )
        return files, notes, over

    return run


def safe_stem(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip()[:60] or "application"


class OutputPage(QWidget):
    """Preview, save, print, export.

    Signals:
        verify_requested(): the user asks for 核验 (the window runs it, as from its File menu)
    """

    key = OUTPUT
    verify_requested = Signal()

    def __init__(self, session, services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.services = services
        self.setObjectName("step.output")
        self.job: workers.Job | None = None
        self.result = None  # the last PackageResult
        self.built_at: tuple | None = None
        self._buffer: QBuffer | None = None
        self.upload_folder: Path | None = None  # where the last upload files went (the fix writes there too)
        self.upload_over: list = []  # the slots over their limit in that run (SlotOver)
        self.progress: QProgressDialog | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(page_title(tr("输出")))
        self.state_label = QLabel()
        self.state_label.setObjectName("output.state")
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        body = QHBoxLayout()
        layout.addLayout(body, 1)
        self.document = QPdfDocument(self)
        self.preview = QPdfView(self)
        self.preview.setObjectName("output.preview")
        self.preview.setAccessibleName(tr("申报材料预览"))
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.preview.setDocument(self.document)
        body.addWidget(self.preview, 3)

        side_scroll, side = scroll_box()  # a short window (150 % scaling) scrolls the buttons
        side.setContentsMargins(0, 0, 0, 0)
        body.addWidget(side_scroll, 2)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("refresh", tr("刷新预览(&V)"), self.build_preview),
            ("save_package", tr("保存申报材料 PDF(&S)…"), self.save_package),
            ("save_print_set", tr("保存打印稿(&D)…"), self.save_print_set),
            ("print", tr("打印(&P)…"), self.print_now),
            ("export_json", tr("导出 JSON(&J)…"), self.export_json),
            ("upload_files", tr("保存上传文件(&U)…"), self.save_upload_files),
            ("verify", tr("核验(&K)…"), self.verify_requested.emit),
        ):
            button = QPushButton(text)
            button.setObjectName(f"output.{key}")
            button.clicked.connect(slot)
            self.buttons[key] = button
            side.addWidget(button)
            if key == "upload_files":
                # shown when a slot is over its limit: its name, size and fix, and the button that
                # applies the fix when one brings it under (upload-files --fix)
                self.upload_over_label = QLabel()
                self.upload_over_label.setObjectName("output.upload_over")
                self.upload_over_label.setWordWrap(True)
                self.upload_over_label.setStyleSheet(f"color: {SEVERITY_COLOURS['warning']}")
                self.upload_over_label.hide()
                side.addWidget(self.upload_over_label)
                fix = QPushButton(tr("应用修正并保存"))
                fix.setObjectName("output.upload_fix")
                fix.clicked.connect(self.apply_upload_fix)
                fix.hide()
                self.buttons["upload_fix"] = fix
                side.addWidget(fix)
        self.include_attachments = QCheckBox(tr("打印稿包含附件"))
        self.include_attachments.setObjectName("output.print_attachments")
        side.addWidget(self.include_attachments)
        copies = session.pack.copies
        copies_note = QLabel(
            tr("打印稿含 {n} 份纸质材料（{recipients}），每份前附报送清单。").format(
                n=len(copies), recipients=tr("、").join(c.get(session.lang) for c in copies)
            )
        )
        copies_note.setWordWrap(True)
        copies_note.setStyleSheet(f"color: {SEVERITY_COLOURS['quiet']}")
        side.addWidget(copies_note)
        self.result_label = QLabel()
        self.result_label.setObjectName("output.result")
        self.result_label.setWordWrap(True)
        side.addWidget(self.result_label)
        side.addStretch(1)
        session.issues_changed.connect(self._show_state)
        session.final_changed.connect(self._show_state)  # bound: dropped with the page
        self._show_state()

    # -- state ----------------------------------------------------------------------------
    def activate(self) -> None:
        """Called when the page is shown: refresh a stale preview."""
        if self._stamp() != self.built_at:
            self.build_preview()

    def _stamp(self) -> tuple:
        return (self.session.commits, len(self.session._pending))

    def _show_state(self) -> None:
        errors = len(self.session.errors())
        if errors:
            text, colour = (
                tr("还有 {n} 个错误（见“检查”页）：材料可以预览和保存，但提交前须改正并定稿。").format(n=errors),
                "error",
            )
        elif not self.session.final:
            text, colour = tr("没有错误。提交前请在“检查”页定稿。"), "warning"
        else:
            text, colour = tr("已定稿，可以保存和打印。"), "quiet"
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color: {SEVERITY_COLOURS[colour]}")

    def _busy(self, busy: bool, text: str = "") -> None:
        for button in self.buttons.values():
            button.setEnabled(not busy)
        if text:
            self.result_label.setText(text)

    def _start(self, fn, on_done, busy_text: str) -> workers.Job | None:
        if self.job is not None:
            return None
        self._busy(True, busy_text)
        self._on_done = on_done
        self.job = workers.start(fn)
        # Bound slots only: Qt drops them with the page, so a job that ends after the window
        # closed calls nothing.
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(self._failed)
        self.job.ended.connect(self._ended)
        return self.job

    def _succeeded(self, result) -> None:
        self._on_done(result)

    def _ended(self) -> None:
        self.job = None
        self._busy(False)

    def _failed(self, exc) -> None:
        if getattr(exc, "code", "") == "package.cancelled":  # the user's own choice: no error box
            self.result_label.setText(exc.message(self.session.lang))
            return
        text = user_text(exc, self.session.lang, logged=True)  # the worker logged it
        self.result_label.setText(text)
        self.services.prompter.error(tr("未能完成"), text)

    def _suggest(self, what: str, ext: str = ".pdf", pages: bool = True) -> Path:
        """项目名-申报材料-草稿.pdf for a draft (its pages carry the watermark too), 项目名-申报材料.pdf when final."""
        name = safe_stem(str(self.session.get("project.name") or self.session.path.stem))
        mark = "-" + tr("草稿") if pages and not self.session.final else ""  # JSON is data, not pages
        return self.session.path.parent / f"{name}-{what}{mark}{ext}"

    # -- actions --------------------------------------------------------------------------
    def _inputs(self, quiet: bool = False) -> BuildInputs | None:
        """What the draft file holds, or None (the reason shown) when it cannot be read."""
        if self.job is not None:
            return None
        try:
            return build_inputs(self.session)
        except UserError as exc:
            if quiet:
                self.result_label.setText(exc.message(self.session.lang))
            else:
                self._failed(exc)
            return None

    def build_preview(self) -> workers.Job | None:
        inputs = self._inputs(quiet=True)
        if inputs is None:
            return None
        stamp = self._stamp()
        job = self._start(
            package_job(*inputs), lambda result: self._show_preview(result, stamp), tr("正在生成申报材料…")
        )
        return job

    def _show_preview(self, result, stamp) -> None:
        self.result, self.built_at = result, stamp
        self.document.close()
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(result.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        notes = "\n".join(note_lines(result.notes, self.session.lang))
        self.result_label.setText(
            tr("申报材料共 {pages} 页。").format(pages=result.pages) + (f"\n{notes}" if notes else "")
        )

    def save_package(self) -> workers.Job | None:
        path = self.services.prompter.save_file(tr("保存申报材料 PDF"), self._suggest(tr("申报材料")), PDF_FILTER)
        inputs = self._inputs() if path is not None and self._output_ok(path) else None
        if inputs is None:
            return None
        run = save_package_job(*inputs, path, self._sources())
        return self._start(run, lambda r: self._saved(path, r), tr("正在保存…"))

    def _sources(self) -> list[Path]:
        return [self.session.path]

    def _output_ok(self, path: Path) -> bool:
        try:
            check_output(path, self._sources())
        except UserError as exc:
            self._failed(exc)
            return False
        return True

    def _saved(self, path: Path, result=None) -> None:
        if result is not None and hasattr(result, "pdf"):
            self._show_preview(result, self._stamp())
        self.result_label.setText(tr("已保存：{path}").format(path=path))

    def save_print_set(self) -> workers.Job | None:
        path = self.services.prompter.save_file(tr("保存打印稿"), self._suggest(tr("打印稿")), PDF_FILTER)
        inputs = self._inputs() if path is not None and self._output_ok(path) else None
        if inputs is None:
            return None
        build, sources = print_set_job(*inputs, self.include_attachments.isChecked()), self._sources()

        def run(progress, cancel):
            write_output(path, build(progress, cancel), sources, Text("打印稿", "the print set"))

        return self._start(run, lambda _r: self._saved(path), tr("正在生成打印稿…"))

    def print_now(self) -> workers.Job | None:
        # The print set already holds one collated copy per recipient (pack.copies), each with
        # its routing slip, so the printer prints it once.
        printer = self.services.prompter.printer(copies=1)
        inputs = self._inputs() if printer is not None else None
        if inputs is None:
            return None
        build = print_set_job(*inputs, self.include_attachments.isChecked())
        return self._start(print_job(build, printer), self._printed, tr("正在打印…"))

    def _printed(self, pages: int) -> None:
        self.result_label.setText(tr("已发送到打印机：{pages} 页。").format(pages=pages))

    def export_json(self) -> None:
        path = self.services.prompter.save_file(
            tr("导出 JSON"), self._suggest("application", ".json", pages=False), "JSON (*.json)"
        )
        if path is None:
            return
        from forms.transfer import export_json

        self.session.flush()
        if self.session.readonly:
            self.session.follow()
        notes: list = []
        try:
            check_output(path, self._sources())
            export_json(self.session.draft, path, inputs=self._sources(), notes=notes)
        except UserError as exc:
            self._failed(exc)
            return
        self.result_label.setText(
            "\n".join([tr("已导出：{path}").format(path=path), *note_lines(notes, self.session.lang)])
        )

    def save_upload_files(self) -> workers.Job | None:
        folder = self.services.prompter.choose_folder(tr("选择保存上传文件的文件夹"), self.session.path.parent)
        if folder is None:
            return None
        return self._upload(Path(folder), fix=False)

    def apply_upload_fix(self) -> workers.Job | None:
        """The fix offered for the slots over their limit (grey), applied to the upload files
        only, as ``cxy upload-files --fix``: the draft is not changed."""
        if self.upload_folder is None:
            return None
        return self._upload(self.upload_folder, fix=True)

    def _upload(self, folder: Path, *, fix: bool) -> workers.Job | None:
        inputs = self._inputs()
        if inputs is None:
            return None
        job = self._start(
            upload_files_job(*inputs, folder, self._sources(), fix),
            lambda outcome: self._uploaded(folder, outcome),
            tr("正在应用修正并保存上传文件…") if fix else tr("正在生成上传文件…"),
        )
        if job is None:
            return None
        self.progress = QProgressDialog(
            tr("正在应用修正并保存上传文件…") if fix else tr("正在生成上传文件…"), tr("取消"), 0, 0, self
        )
        self.progress.setWindowTitle(tr("上传文件"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(PROGRESS_AFTER_MS)
        self.progress.canceled.connect(job.cancel)
        job.progress.connect(self._progress)
        job.ended.connect(self._close_progress)
        return job

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _uploaded(self, folder: Path, outcome) -> None:
        files, notes, over = outcome
        self.upload_folder, self.upload_over = folder, list(over)
        names = [Path(str(f)).name for f in (files or [])]
        lang = self.session.lang
        self.result_label.setText(
            "\n".join(
                [
                    tr("上传文件已保存到 {folder}：").format(folder=folder) + (tr("、").join(names) or tr("（无）")),
                    *note_lines(notes, lang),
                ]
            )
        )
        # each slot over its limit: its name, size and the fix (SlotOver.plain: no command-line hints),
        # right above the button that applies it
        self.upload_over_label.setText("\n".join(slot.plain.get(lang) for slot in over))
        self.upload_over_label.setVisible(bool(over))
        self.buttons["upload_fix"].setVisible(any(slot.fix for slot in over))
