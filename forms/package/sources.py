"""An attachment's PDF as the package reads it: bytes (handed over by a caller that already
holds them) or a file copied out of the draft (:class:`forms.draft.attachments.StoredPdf`), which
qpdf reads lazily as it writes, so a package of many scans never holds them all in memory."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Protocol

CHUNK = 1 << 20


class PdfFile(Protocol):
    """A PDF in a file of ours whose digest was computed over the file's bytes."""

    @property
    def path(self) -> Path: ...

    @property
    def sha256(self) -> str: ...

    def read_bytes(self) -> bytes: ...


Source = bytes | PdfFile


def is_file(pdf: Any) -> bool:
    return isinstance(getattr(pdf, "path", None), Path) and isinstance(getattr(pdf, "sha256", None), str)


def feed(hasher: Any, pdf: Source) -> None:
    """Add the PDF's bytes to ``hasher`` (a chunk at a time for a file)."""
    if isinstance(pdf, (bytes, bytearray, memoryview)):
        hasher.update(pdf)
        return
    with open(pdf.path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            hasher.update(chunk)


def sha256_of(pdf: Source) -> str:
    """The PDF's SHA-256 (hex): a file's was computed as it was copied, so it is not read again."""
    if isinstance(pdf, (bytes, bytearray, memoryview)):
        return hashlib.sha256(pdf).hexdigest()
    return pdf.sha256.lower()
