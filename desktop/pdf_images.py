"""PDF pages as images through QtPdf: attachment thumbnails and printing. Safe on worker threads
(each call makes its own QPdfDocument)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument


class _Loaded:
    def __init__(self, pdf: bytes) -> None:
        self.buffer = QBuffer()
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.doc = QPdfDocument(None)  # type: ignore[call-overload]  # no parent: PySide6 takes None, its stubs do not say so
        self.doc.load(self.buffer)

    def __enter__(self) -> QPdfDocument:
        return self.doc

    def __exit__(self, *exc) -> None:
        self.doc.close()
        self.buffer.close()


def thumbnail(pdf: bytes, height: int = 120) -> QImage | None:
    """Page 1, ``height`` pixels high; None when QtPdf cannot read the file."""
    with _Loaded(pdf) as doc:
        if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
            return None
        size = doc.pagePointSize(0)
        if size.height() <= 0:
            return None
        width = max(1, round(size.width() * height / size.height()))
        image = doc.render(0, QSize(width, height))
        return None if image.isNull() else image


def pages(pdf: bytes, dpi: int, cancel: Callable[[], bool] = lambda: False) -> Iterator[tuple[int, int, QImage]]:
    """(index, count, image) for every page at ``dpi``, one page in memory at a time."""
    with _Loaded(pdf) as doc:
        count = doc.pageCount()
        for index in range(count):
            if cancel():
                return
            size = doc.pagePointSize(index)
            pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
            yield index, count, doc.render(index, pixels)
