"""The output page's background work, as functions ``(progress, cancel) -> result`` for
:mod:`desktop.workers`. Everything a job needs from the draft is read first, on the GUI thread."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter

from forms.errors import UserError
from forms.text import Text

from .pdf_images import pages

PRINT_DPI = 300


# (data, [(AttachmentInfo, a PDF file of ours)], pack, final)
BuildInputs = tuple[dict[str, Any], list[tuple[Any, Any]], Any, bool]  # each PDF a HeldPdf


class _Folder:
    """A temporary folder removed when this object is (no warning: that is its intended end)."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="cxy-attachments-"))
        weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)


@dataclass(frozen=True)
class HeldPdf:
    """An attachment copied out of the draft into a file (``Draft.attachment_file``: streamed,
    digest computed on the way), which the package reads as ``cxy build`` does: qpdf reads it
    as it writes. The folder goes when the last of its files is no longer referenced (a job
    may outlive the page that started it)."""

    stored: Any  # forms.draft.attachments.StoredPdf
    folder: _Folder

    @property
    def path(self) -> Path:
        return Path(self.stored.path)

    @property
    def sha256(self) -> str:
        return str(self.stored.sha256)

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


def build_inputs(session: Any) -> BuildInputs:
    """(data, [(AttachmentInfo, pdf file)], pack, final): exactly what the draft file holds, read
    on the GUI thread; ``final`` decides between the draft watermark and the seal. Typed edits
    are committed first and everything is read back from the draft (a read-only view first
    catches up with the writer), so a saved PDF never differs from the saved draft. Each
    attachment is streamed to a file, never read whole. A damaged attachment raises its
    DraftError: nothing is built without it."""
    session.flush()
    if session.readonly:
        session.follow()
    draft = session.draft
    folder = _Folder()
    attachments = [(a, HeldPdf(draft.attachment_file(a.id, folder.path), folder)) for a in draft.attachments()]
    return draft.data(), attachments, session.pack, session.final


def write_output(dest: Path, data: bytes, inputs: list[Path], what: Text) -> None:
    """The one atomic writer the CLI uses too, with the same output checks."""
    from forms.atomic import write_bytes

    write_bytes(dest, data, what, inputs=inputs)


Job = Callable[..., Any]  # (progress, cancel) -> result, as desktop.workers runs it


def package_job(data: dict[str, Any], attachments: list[tuple[Any, Any]], pack: Any, final: bool) -> Job:
    """The package in memory (the preview shows its bytes)."""

    def run(progress: Callable[[int, int], None], cancel: Callable[[], bool]) -> Any:
        from forms.package import build_package

        return build_package(data, attachments, pack, final=final)

    return run


def save_package_job(
    data: dict[str, Any], attachments: list[tuple[Any, Any]], pack: Any, final: bool, dest: Path, inputs: list[Path]
) -> Job:
    """The package written to ``dest`` as ``cxy build`` writes it (``write_package``: one save,
    straight into the temporary file that becomes ``dest``); the result carries the saved bytes
    for the preview, read back once the file is in place."""

    def run(progress: Callable[[int, int], None], cancel: Callable[[], bool]) -> Any:
        import dataclasses

        from forms.package import write_package

        result = write_package(data, attachments, pack, dest, final=final, inputs=inputs)
        return dataclasses.replace(result, pdf=dest.read_bytes())

    return run


def print_set_job(data, attachments, pack, final: bool, include_attachments: bool) -> Callable:
    def run(progress, cancel):
        from forms.package import build_print_set

        return build_print_set(
            data, pack, include_attachments=include_attachments, attachments=attachments, final=final
        )

    return run


def note_lines(notes: list[Text], lang: str) -> list[str]:
    """forms' notes in the UI language."""
    return [note.get(lang) for note in notes]


def print_job(build: Callable, printer) -> Callable:
    """Paint every page of the built PDF onto ``printer`` (QPainter on a QPrinter is allowed off
    the GUI thread); returns the number of pages sent."""

    def run(progress, cancel):
        pdf = build(progress, cancel)
        dpi = min(PRINT_DPI, max(150, printer.resolution()))
        painter = QPainter()
        if not painter.begin(printer):
            raise UserError(
                "print.start",
                "无法启动打印机，请检查打印机设置。",
                "The printer could not be started; check its settings.",
            )
        sent = 0
        try:
            for index, count, image in pages(pdf, dpi, cancel):
                if index:
                    printer.newPage()
                target = painter.viewport()
                size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.x(), target.y(), size.width(), size.height()), image)
                sent += 1
                progress(index + 1, count)
        finally:
            painter.end()
        return sent

    return run
