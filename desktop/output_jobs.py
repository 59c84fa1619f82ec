"""The output page's background work, as functions ``(progress, cancel) -> result`` for
:mod:`desktop.workers`. Everything a job needs from the draft is read first, on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter

from forms.errors import UserError
from forms.text import Text

from .pdf_images import pages

PRINT_DPI = 300


# (data, [(AttachmentInfo, pdf)], pack, final)
BuildInputs = tuple[dict[str, Any], list[tuple[Any, bytes]], Any, bool]


def build_inputs(session: Any) -> BuildInputs:
    """(data, [(AttachmentInfo, pdf)], pack, final): exactly what the draft file holds, read on
    the GUI thread; ``final`` decides between the draft watermark and the seal. Typed edits are committed first and everything is read back from the draft (a
    read-only view first catches up with the writer), so a saved PDF never differs from the
    saved draft. A damaged attachment raises its DraftError: nothing is built without it."""
    session.flush()
    if session.readonly:
        session.follow()
    draft = session.draft
    attachments = [(a, draft.attachment_pdf(a.id)) for a in draft.attachments()]
    return draft.data(), attachments, session.pack, session.final


def write_output(dest: Path, data: bytes, inputs: list[Path], what: Text) -> None:
    """The one atomic writer the CLI uses too, with the same output checks."""
    from forms.atomic import write_bytes

    write_bytes(dest, data, what, inputs=inputs)


def package_job(data, attachments, pack, final: bool) -> Callable:
    def run(progress, cancel):
        from forms.package import build_package

        return build_package(data, attachments, pack, final=final)

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
